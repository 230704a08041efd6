/**
 * Private data that no viewer draws: /PieceInfo and /LastModified (ISO 32000 14.5) and producers' own
 * markers (iText's /ITXT) on the catalog, the page tree or a page.
 */
import type { Diff, RuleAnswer } from '../types';

const PRIVATE = new Set(['PieceInfo', 'LastModified', 'ITXT']);

export function privateDataRule(d: Diff): RuleAnswer {
  if (d.path[0] !== 'Root') return null;
  for (let i = 1; i < d.path.length; i++) {
    const s = d.path[i];
    if (typeof s === 'string' && PRIVATE.has(s)) return { level: 'validation', kind: 'info' };
    if (s !== 'Pages' && s !== 'Kids' && typeof s !== 'number') return null;
  }
  return null;
}
