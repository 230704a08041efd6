/**
 * Where two versions of one object differ, as relative paths: dictionaries are compared key by key, arrays of
 * equal length item by item (an array that grew or shrank is one difference, judged whole by the rules), stream
 * data as the pseudo-key `(data)`. A reference that now points to an object new in this revision, where the
 * older one pointed to an object of its own, is followed (a catalog or form rewritten under a new number is
 * compared with the old one); those new objects are "substituted" and judged by the differences inside them.
 */
import { PdfArray, PdfDict, PdfName, PdfRaw, PdfRef, PdfStream, PdfString, type PdfValue } from '../../pdf/pdf-objects';
import type { RevisionReader } from '../revision-objects';
import type { Seg } from './types';

export type RelDiff = { rel: Seg[]; old: PdfValue | undefined; new: PdfValue | undefined };
export const DATA_KEY = '(data)';

const MAX_DIFFS = 2000;
const MAX_DEPTH = 40;

export class DiffLimitError extends Error {}

export function diffObject(
  reader: RevisionReader,
  oldValue: PdfValue | undefined,
  newValue: PdfValue | undefined,
  oldRev: number,
  newRev: number,
  isNewObject: (num: number) => boolean,
  substituted: Set<number>,
): RelDiff[] {
  const out: RelDiff[] = [];
  const push = (d: RelDiff): void => {
    if (out.length >= MAX_DIFFS) throw new DiffLimitError('demasiadas diferencias en un objeto');
    out.push(d);
  };
  const rec = (a: PdfValue | undefined, b: PdfValue | undefined, rel: Seg[], depth: number): void => {
    if (depth > MAX_DEPTH) return push({ rel, old: a, new: b });
    if (sameValue(reader, a, b)) return;
    if (a instanceof PdfRef && b instanceof PdfRef && isNewObject(b.num) && !isNewObject(a.num) && !substituted.has(b.num)) {
      const oa = reader.objectAt(a.num, oldRev);
      const ob = reader.objectAt(b.num, newRev);
      if (oa !== undefined && ob !== undefined && sameKind(oa, ob)) {
        substituted.add(b.num);
        return rec(oa, ob, rel, depth + 1);
      }
    }
    if (a instanceof PdfStream && b instanceof PdfStream) {
      recDict(a.dict, b.dict, rel, depth, ['Length']);
      if (a.dataOffset !== b.dataOffset && !reader.doc.streamRaw(a).equals(reader.doc.streamRaw(b)))
        push({ rel: [...rel, DATA_KEY], old: a, new: b });
      return;
    }
    if (a instanceof PdfDict && b instanceof PdfDict) return recDict(a, b, rel, depth, []);
    if (a instanceof PdfArray && b instanceof PdfArray && a.items.length === b.items.length) {
      a.items.forEach((x, i) => rec(x, b.items[i], [...rel, i], depth + 1));
      return;
    }
    push({ rel, old: a, new: b });
  };
  const recDict = (a: PdfDict, b: PdfDict, rel: Seg[], depth: number, ignore: string[]): void => {
    for (const k of new Set([...a.entries.keys(), ...b.entries.keys()]))
      if (!ignore.includes(k)) rec(a.get(k), b.get(k), [...rel, k], depth + 1);
  };
  rec(oldValue, newValue, [], 0);
  return out;
}

function kindOf(v: PdfValue): string {
  return v instanceof PdfStream ? 'stream' : v instanceof PdfDict ? 'dict' : v instanceof PdfArray ? 'array' : typeof v;
}

/** A renumbered copy has the same shape: same kind of value and the same /Type, /Subtype and /FT. */
function sameKind(a: PdfValue, b: PdfValue): boolean {
  if (kindOf(a) !== kindOf(b)) return false;
  const da = a instanceof PdfStream ? a.dict : a instanceof PdfDict ? a : null;
  const db = b instanceof PdfStream ? b.dict : b instanceof PdfDict ? b : null;
  if (!da || !db) return true;
  return ['Type', 'Subtype', 'FT'].every((k) => da.nameOf(k) === db.nameOf(k));
}

/** Structural equality; references compare by number (their targets are judged as objects of their own). */
export function sameValue(reader: RevisionReader, x: PdfValue | undefined, y: PdfValue | undefined, depth = 0): boolean {
  if (depth > 64) return false;
  if (x === y) return true;
  if (x === undefined || y === undefined || x === null || y === null) return false;
  if (x instanceof PdfRef) return y instanceof PdfRef && x.num === y.num && x.gen === y.gen;
  if (x instanceof PdfName) return y instanceof PdfName && x.name === y.name;
  if (x instanceof PdfString) return y instanceof PdfString && x.bytes.equals(y.bytes);
  if (x instanceof PdfRaw) return y instanceof PdfRaw && x.bytes.equals(y.bytes);
  if (x instanceof PdfArray)
    return (
      y instanceof PdfArray && x.items.length === y.items.length && x.items.every((v, i) => sameValue(reader, v, y.items[i], depth + 1))
    );
  if (x instanceof PdfStream) {
    if (!(y instanceof PdfStream) || !sameDict(reader, x.dict, y.dict, depth, ['Length'])) return false;
    if (x.dataOffset === y.dataOffset) return true;
    return reader.doc.streamRaw(x).equals(reader.doc.streamRaw(y));
  }
  if (x instanceof PdfDict) return y instanceof PdfDict && sameDict(reader, x, y, depth, []);
  return false;
}

function sameDict(reader: RevisionReader, x: PdfDict, y: PdfDict, depth: number, ignore: string[]): boolean {
  const keys = new Set([...x.entries.keys(), ...y.entries.keys()]);
  for (const k of keys) if (!ignore.includes(k) && !sameValue(reader, x.get(k), y.get(k), depth + 1)) return false;
  return true;
}
