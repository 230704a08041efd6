/**
 * The interactive form dictionary: a form added where there was none, new signature fields appended to
 * /Fields (existing fields kept), /SigFlags and /NeedAppearances, and new entries in the default resources
 * (/DR; an existing entry replaced would restyle fields already filled). Changes inside a field go to fields.ts.
 */
import { PdfArray, PdfRef, type PdfValue } from '../../../pdf/pdf-objects';
import type { RuleContext } from '../context';
import type { Approval, Diff, Path, RuleAnswer } from '../types';
import { fieldChange } from './fields';

const FIELDS: Path = ['Root', 'AcroForm', 'Fields'];

export function acroFormRule(ctx: RuleContext, d: Diff): RuleAnswer {
  const p = d.path;
  if (p[0] !== 'Root' || p[1] !== 'AcroForm') return null;
  if (p.length === 2) {
    if (d.old !== undefined && d.new !== undefined) return null; // a dictionary compared key by key never lands here
    if (d.new === undefined) return { level: 'other', kind: 'field-definition', params: { detail: 'formulario eliminado' } };
    return newFields(ctx, [], ctx.at(ctx.newRev, FIELDS));
  }
  const key = p[2];
  if (key === 'SigFlags' || key === 'NeedAppearances') return p.length === 3 ? { level: 'validation', kind: 'form-flags' } : null;
  if (key === 'DA') return { level: 'form', kind: 'form-resources' };
  // Default resources only restyle appearances generated from now on, which are judged where they are used.
  if (key === 'DR') return { level: 'form', kind: 'form-resources' };
  if (key !== 'Fields') return { level: 'other', kind: 'field-definition', params: { key: String(key) } };
  // /Fields itself (grown, shrunk, or an item replaced): judged as a whole.
  if (p.length === 3 || (p.length === 4 && typeof p[3] === 'number')) {
    const oldItems = ctx.reader.arrayAt(ctx.at(ctx.oldRev, FIELDS), ctx.oldRev)?.items ?? [];
    return newFields(ctx, oldItems, ctx.at(ctx.newRev, FIELDS));
  }
  // Inside a field: walk /Kids to the node the difference is in.
  let n = 4;
  while (p[n] === 'Kids' && typeof p[n + 1] === 'number') n += 2;
  if (n >= p.length) return { level: 'other', kind: 'field-definition', params: { detail: 'jerarquía de campos' } };
  return fieldChange(ctx, p.slice(0, n), d);
}

/** Every old field kept, every added one a signature field: the level of the signatures added. */
function newFields(ctx: RuleContext, oldItems: PdfValue[], newArr: PdfValue | undefined): RuleAnswer {
  const newItems = newArr instanceof PdfArray ? newArr.items : [];
  const key = (v: PdfValue): string => (v instanceof PdfRef ? `${v.num}` : 'direct');
  const newKeys = new Set(newItems.map(key));
  if (oldItems.some((v) => !newKeys.has(key(v)) || key(v) === 'direct'))
    return { level: 'other', kind: 'field-definition', params: { detail: 'se quitaron o reemplazaron campos' } };
  const oldKeys = new Set(oldItems.map(key));
  const added = newItems.filter((v) => !oldKeys.has(key(v)));
  let answer: Approval = { level: 'validation', kind: 'timestamp-added' };
  const names: string[] = [];
  for (const item of added) {
    const d = ctx.dict(ctx.newRev, item);
    const f = ctx.field(ctx.newRev, d);
    if (f.ft !== 'Sig' && !hasSigKids(ctx, d))
      return { level: 'other', kind: 'field-definition', params: { field: f.name, detail: 'campo nuevo que no es de firma' } };
    names.push(f.name);
    if (!ctx.isDocTimestamp(ctx.newRev, f.v)) answer = { level: 'form', kind: 'signature-added' };
  }
  return { ...answer, params: { field: names.join(', ') } };
}

function hasSigKids(ctx: RuleContext, d: ReturnType<RuleContext['dict']>): boolean {
  const kids = ctx.reader.arrayAt(d?.get('Kids'), ctx.newRev);
  return (kids?.items ?? []).slice(0, 64).some((k) => ctx.dict(ctx.newRev, k)?.nameOf('FT') === 'Sig');
}
