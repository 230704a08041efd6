/**
 * A page, reached through the page tree: its /Annots list (new widgets of new signature fields at form level,
 * other annotations added or removed at annotation level, a form widget removed never), an annotation changed
 * in place (a widget is judged as its field; others at annotation level), /Tabs (annotation level) and a new
 * /StructParents (form level: it accompanies new fields in tagged files). Contents, resources, boxes and the tree itself are not
 * explained.
 */
import { PdfArray, PdfRef, type PdfValue } from '../../../pdf/pdf-objects';
import type { RuleContext } from '../context';
import { LEVEL_RANK, type Approval, type Diff, type Path, type RuleAnswer } from '../types';
import { fieldChange } from './fields';

export function pagesRule(ctx: RuleContext, d: Diff): RuleAnswer {
  const p = d.path;
  if (p[0] !== 'Root' || p[1] !== 'Pages') return null;
  let n = 2;
  while (p[n] === 'Kids' && typeof p[n + 1] === 'number') n += 2;
  const pagePath = p.slice(0, n);
  const page = ctx.pageNumber(ctx.refAt(ctx.oldRev, pagePath));
  const params = page !== undefined ? { page } : {};
  const key = p[n];
  if (key === undefined) return { level: 'other', kind: 'page-tree', params };
  if (key === 'Annots') {
    if (p.length <= n + 2 && (p.length === n + 1 || typeof p[n + 1] === 'number')) return annotsList(ctx, [...pagePath, 'Annots'], params);
    const annotPath = p.slice(0, n + 2);
    const annot = ctx.dict(ctx.oldRev, ctx.at(ctx.oldRev, annotPath)) ?? ctx.dict(ctx.newRev, ctx.sameNode(ctx.newRev, annotPath));
    if (annot?.nameOf('Subtype') === 'Widget') return fieldChange(ctx, annotPath, d);
    return { level: 'annotations', kind: 'annotation-modified', params: { ...params, subtype: annot?.nameOf('Subtype') ?? '?' } };
  }
  // The tab order only concerns annotations: changing it is an annotation-level change.
  if (p.length === n + 1 && key === 'Tabs') return { level: 'annotations', kind: 'tab-order', params };
  if (p.length === n + 1 && key === 'StructParents') return { level: d.old === undefined ? 'form' : 'other', kind: 'struct-tree', params };
  if (key === 'Contents') return { level: 'other', kind: 'page-content', params };
  if (key === 'Resources') return { level: 'other', kind: 'page-resources', params };
  if (typeof key === 'string' && ['Kids', 'Count', 'Type', 'MediaBox', 'CropBox', 'Rotate'].includes(key))
    return { level: 'other', kind: n === 2 ? 'page-tree' : 'page-content', params: { ...params, key } };
  return { level: 'other', kind: 'object-changed', params: { ...params, key: String(key) } };
}

function annotsList(ctx: RuleContext, path: Path, params: { page?: number }): RuleAnswer {
  const items = (rev: number): PdfValue[] => {
    const a = ctx.at(rev, path);
    return a instanceof PdfArray ? a.items : [];
  };
  const before = items(ctx.oldRev);
  const after = items(ctx.newRev);
  const key = (v: PdfValue): string => (v instanceof PdfRef ? `${v.num}` : 'direct');
  const afterKeys = new Set(after.map(key));
  const beforeKeys = new Set(before.map(key));
  let answer: Approval = { level: 'none', kind: 'annotation-modified', params };
  const raise = (a: Approval): void => {
    if (LEVEL_RANK[a.level] > LEVEL_RANK[answer.level]) answer = a;
  };
  for (const v of before) {
    if (v instanceof PdfRef && afterKeys.has(key(v))) continue;
    const d = ctx.dict(ctx.oldRev, v);
    if (d?.nameOf('Subtype') === 'Widget') return { level: 'other', kind: 'annotation-removed', params: { ...params, subtype: 'Widget' } };
    raise({ level: 'annotations', kind: 'annotation-removed', params: { ...params, subtype: d?.nameOf('Subtype') ?? '?' } });
  }
  for (const v of after) {
    if (v instanceof PdfRef && beforeKeys.has(key(v))) continue;
    const d = ctx.dict(ctx.newRev, v);
    if (d?.nameOf('Subtype') === 'Widget') {
      const f = ctx.field(ctx.newRev, d);
      if (f.ft !== 'Sig')
        return {
          level: 'other',
          kind: 'field-definition',
          params: { ...params, field: f.name, detail: 'widget nuevo que no es de firma' },
        };
      raise(
        ctx.isDocTimestamp(ctx.newRev, f.v)
          ? { level: 'validation', kind: 'timestamp-added', params: { field: f.name } }
          : { level: 'form', kind: 'signature-added', params: { field: f.name } },
      );
      continue;
    }
    raise({ level: 'annotations', kind: 'annotation-added', params: { ...params, subtype: d?.nameOf('Subtype') ?? '?' } });
  }
  // Same annotations in another order still changes what is drawn on top.
  if (answer.level === 'none' && before.length === after.length) raise({ level: 'annotations', kind: 'annotation-modified', params });
  return answer;
}
