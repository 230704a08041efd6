/**
 * The logical structure (tags). Its bookkeeping (/ParentTree, /ParentTreeNextKey, /RoleMap, the root's /K) may
 * be rewritten when fields or annotations are tagged, at form level; an existing structure element (a dictionary
 * with /S) may only gain kids (/K keeping every old kid in order): one changed or removed alters what the
 * content means to assistive technology and is not explained.
 */
import { PdfArray, PdfDict, PdfRef } from '../../../pdf/pdf-objects';
import type { RuleContext } from '../context';
import { pathText, type Diff, type RuleAnswer } from '../types';

export function structTreeRule(ctx: RuleContext, d: Diff): RuleAnswer {
  if (d.path[0] !== 'Root' || d.path[1] !== 'StructTreeRoot') return null;
  const parent = d.path.length > 2 ? ctx.dict(ctx.oldRev, ctx.at(ctx.oldRev, d.path.slice(0, -1))) : undefined;
  const inElement = parent instanceof PdfDict && parent.has('S');
  if (d.path.length === 2 && d.old !== undefined) return { level: 'other', kind: 'struct-tree', params: { detail: pathText(d.path) } };
  if (!inElement || (d.path[d.path.length - 1] === 'K' && grows(d))) return { level: 'form', kind: 'struct-tree' };
  return { level: 'other', kind: 'struct-tree', params: { detail: pathText(d.path) } };
}

function grows(d: Diff): boolean {
  if (d.old === undefined) return true;
  const key = (v: unknown): string => (v instanceof PdfRef ? `r${v.num}` : JSON.stringify(v));
  if (d.old instanceof PdfArray && d.new instanceof PdfArray) {
    const next = d.new.items.map(key);
    let j = 0;
    for (const item of d.old.items.map(key)) {
      while (j < next.length && next[j] !== item) j++;
      if (j++ >= next.length) return false;
    }
    return true;
  }
  // A single kid that became an array holding it, plus new ones.
  if (d.old instanceof PdfRef && d.new instanceof PdfArray) {
    const num = d.old.num;
    return d.new.items.some((x) => x instanceof PdfRef && x.num === num);
  }
  return false;
}
