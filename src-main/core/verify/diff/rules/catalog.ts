/**
 * Catalog entries that carry no page content: /Metadata (XMP), /DSS (validation data, /VRI included, direct or
 * indirect), /Extensions and /Version (declared by DSS and timestamp updates), the structure tree and /MarkInfo
 * (tagging that accompanies new fields), /Outlines (bookmarks, annotation level). /Perms, /Pages, /OpenAction,
 * /Names and everything else are not explained here.
 */
import type { Diff, RuleAnswer } from '../types';

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
    case 'MarkInfo':
      return { level: 'form', kind: 'struct-tree' };
    case 'Outlines':
      return { level: 'annotations', kind: 'outline' };
    case 'Perms':
      return { level: 'other', kind: 'catalog', params: { key: 'Perms' } };
    case 'Pages':
    case 'StructTreeRoot':
    case 'AcroForm':
    case 'Names':
      return null;
    default:
      return d.path.length === 2 ? { level: 'other', kind: 'catalog', params: { key: String(d.path[1]) } } : null;
  }
}
