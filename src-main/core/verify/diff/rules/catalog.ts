/**
 * Catalog entries that carry no page content: /Metadata (XMP), /DSS (validation data, /VRI included, direct or
 * indirect), /Extensions and /Version (declared by DSS and timestamp updates), the structure tree and /MarkInfo
 * (tagging that accompanies new fields), /Outlines (bookmarks, annotation level). /Perms, /Pages, /OpenAction,
 * /Names and everything else are not explained here.
 */
import { PdfArray, PdfRef } from '../../../pdf/pdf-objects';
import type { Diff, RuleAnswer } from '../types';

/**
 * The structure tree may grow (new elements for new fields and annotations, a larger /ParentTreeNextKey,
 * arrays keeping every old item in order); an element changed or removed is a change of the content's meaning.
 */
export function structTreeAddition(d: Diff): boolean {
  if (d.old === undefined) return true;
  const last = d.path[d.path.length - 1];
  if (last === 'ParentTreeNextKey' && typeof d.old === 'number' && typeof d.new === 'number') return d.new >= d.old;
  if (d.old instanceof PdfArray && d.new instanceof PdfArray) {
    const key = (v: unknown): string => (v instanceof PdfRef ? `r${v.num}` : JSON.stringify(v));
    const next = d.new.items.map(key);
    let j = 0;
    for (const item of d.old.items.map(key)) {
      while (j < next.length && next[j] !== item) j++;
      if (j++ >= next.length) return false;
    }
    return true;
  }
  // A single kid that became an array holding it, plus new ones.
  if (d.old instanceof PdfRef && d.new instanceof PdfArray) return d.new.items.some((x) => x instanceof PdfRef && x.num === (d.old as PdfRef).num);
  return false;
}

export function catalogRule(d: Diff): RuleAnswer {
  if (d.path[0] !== 'Root' || d.path.length < 2) return null;
  switch (d.path[1]) {
    case 'Metadata':
      return { level: 'validation', kind: 'metadata' };
    case 'DSS':
      return { level: 'validation', kind: 'dss' };
    case 'Extensions':
    case 'Version':
      return { level: 'validation', kind: 'extensions' };
    case 'StructTreeRoot':
    case 'MarkInfo':
      return structTreeAddition(d) ? { level: 'form', kind: 'struct-tree' } : { level: 'other', kind: 'struct-tree' };
    case 'Outlines':
      return { level: 'annotations', kind: 'outline' };
    case 'Perms':
      return { level: 'other', kind: 'catalog', params: { key: 'Perms' } };
    case 'Pages':
    case 'AcroForm':
    case 'Names':
      return null;
    default:
      return d.path.length === 2 ? { level: 'other', kind: 'catalog', params: { key: String(d.path[1]) } } : null;
  }
}
