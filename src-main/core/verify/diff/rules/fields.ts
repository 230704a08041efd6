/**
 * A form field (or its widget) changed in place, judged by the key under it: /V fills a field (a signature
 * field only when it was empty and now holds a signature dictionary); /AP, /AS, /MK (and /F on a field signed
 * now) only for a field filled in this same revision (a look changed while the value stays is the
 * "replace" attack), never for a signature already made; any other key redefines the field.
 */
import type { RuleContext } from '../context';
import { sameValue } from '../object-diff';
import type { Diff, Path, RuleAnswer } from '../types';

const APPEARANCE_KEYS = new Set(['AP', 'AS', 'MK']);

export function fieldChange(ctx: RuleContext, nodePath: Path, d: Diff): RuleAnswer {
  const key = d.path[nodePath.length];
  const nodeNew = ctx.dict(ctx.newRev, ctx.sameNode(ctx.newRev, nodePath));
  const nodeOld = ctx.dict(ctx.oldRev, ctx.at(ctx.oldRev, nodePath));
  const fNew = ctx.field(ctx.newRev, nodeNew);
  const fOld = ctx.field(ctx.oldRev, nodeOld);
  const field = fNew.name || fOld.name;
  const isSig = (fNew.ft ?? fOld.ft) === 'Sig';
  const oldEmpty = fOld.v === undefined || fOld.v === null;
  const newlySigned = isSig && oldEmpty && ctx.isSignatureDict(ctx.newRev, fNew.v);
  const level = newlySigned && ctx.isDocTimestamp(ctx.newRev, fNew.v) ? 'validation' : 'form';
  const valueChanged = !sameValue(ctx.reader, ctx.reader.resolveAt(fOld.v, ctx.oldRev), ctx.reader.resolveAt(fNew.v, ctx.newRev));
  if (key === 'V') {
    if (isSig)
      return newlySigned
        ? { level, kind: level === 'validation' ? 'timestamp-added' : 'signature-added', params: { field } }
        : { level: 'other', kind: 'signature-modified', params: { field } };
    return { level: 'form', kind: 'field-filled', params: { field }, filledField: field };
  }
  if (typeof key === 'string' && (APPEARANCE_KEYS.has(key) || (key === 'F' && newlySigned))) {
    if (isSig)
      return newlySigned
        ? { level, kind: 'appearance', params: { field } }
        : { level: 'other', kind: 'signature-modified', params: { field, key } };
    // A field drawn differently while its value stays the same shows something the value does not say.
    return valueChanged
      ? { level: 'form', kind: 'appearance', params: { field }, filledField: field }
      : { level: 'other', kind: 'appearance', params: { field, detail: 'sin cambiar su valor' } };
  }
  return { level: 'other', kind: isSig ? 'signature-modified' : 'field-definition', params: { field, key: String(key ?? '') } };
}
