/** The trailer: its bookkeeping keys change with every update; /Info is metadata (validation level). */
import type { Diff, RuleAnswer } from '../types';

const BOOKKEEPING = new Set([
  'Size',
  'Prev',
  'ID',
  'XRefStm',
  'Index',
  'W',
  'Type',
  'Filter',
  'Length',
  'DecodeParms',
  'DL',
  'AdditionalStreams',
]);

export function trailerRule(d: Diff): RuleAnswer {
  const [first] = d.path;
  if (typeof first === 'string' && BOOKKEEPING.has(first)) return { level: 'none', kind: 'structure' };
  if (first === 'Info') return { level: 'validation', kind: 'info' };
  return null;
}
