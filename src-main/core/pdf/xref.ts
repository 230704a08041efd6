/**
 * Cross-reference sections as values. Each section (a classic table or an xref stream) is parsed once into
 * compact rows (typed arrays, about 13 bytes per row) and looked up by object number; the document's merged
 * view and the verifier's revisions are both built from these values, never by parsing the xref again.
 */
import { PdfArray, type PdfDict } from './pdf-objects';
import { pdfInvalid } from './pdf-error';

export type XrefEntry =
  { kind: 'offset'; offset: number; gen: number } | { kind: 'compressed'; stream: number; index: number } | { kind: 'free' };

/** What one section (or a group of sections) defines: a read-only map from object number to entry. */
export interface XrefEntries extends Iterable<[number, XrefEntry]> {
  get(num: number): XrefEntry | undefined;
  has(num: number): boolean;
  keys(): IterableIterator<number>;
  /** Number of rows (an upper bound of distinct object numbers). */
  readonly size: number;
  /** Highest object number defined, -1 when none. */
  readonly maxNum: number;
}

const TYPE_FREE = 0;
const TYPE_OFFSET = 1;
const TYPE_COMPRESSED = 2;

type Subsection = { start: number; count: number; firstRow: number };

/** Rows of one xref table or stream, in file order, grouped in subsections. */
export class XrefRows implements XrefEntries {
  private type: Uint8Array;
  private f1: Float64Array;
  private f2: Uint32Array;
  private rows = 0;
  private readonly subsections: Subsection[] = [];
  private lookup: Map<number, number> | null = null;
  private sorted: Subsection[] | null = null;
  maxNum = -1;

  constructor(capacity = 16) {
    const c = Math.max(1, capacity);
    this.type = new Uint8Array(c);
    this.f1 = new Float64Array(c);
    this.f2 = new Uint32Array(c);
  }

  get size(): number {
    return this.rows;
  }

  beginSubsection(start: number, count: number): void {
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(count) || count < 0) throw pdfInvalid('subsección de xref');
    if (count > 0 && start + count - 1 > this.maxNum) this.maxNum = start + count - 1;
    this.subsections.push({ start, count, firstRow: this.rows });
    this.ensure(this.rows + count);
  }

  /** Appends the next row of the current subsection. */
  push(type: number, f1: number, f2: number): void {
    this.ensure(this.rows + 1);
    const i = this.rows++;
    this.type[i] = type === 1 ? TYPE_OFFSET : type === 2 ? TYPE_COMPRESSED : TYPE_FREE;
    this.f1[i] = f1;
    this.f2[i] = f2 >>> 0;
  }

  /** Releases the spare capacity once the section is read. */
  seal(): this {
    if (this.type.length > this.rows) {
      this.type = this.type.slice(0, this.rows);
      this.f1 = this.f1.slice(0, this.rows);
      this.f2 = this.f2.slice(0, this.rows);
    }
    return this;
  }

  private ensure(n: number): void {
    if (n <= this.type.length) return;
    let c = this.type.length;
    while (c < n) c *= 2;
    const t = new Uint8Array(c);
    t.set(this.type.subarray(0, this.rows));
    const a = new Float64Array(c);
    a.set(this.f1.subarray(0, this.rows));
    const b = new Uint32Array(c);
    b.set(this.f2.subarray(0, this.rows));
    this.type = t;
    this.f1 = a;
    this.f2 = b;
  }

  private rowOf(num: number): number {
    if (this.subsections.length <= 32) {
      for (const s of this.subsections) {
        const i = num - s.start;
        if (i >= 0 && i < s.count && s.firstRow + i < this.rows) return s.firstRow + i;
      }
      return -1;
    }
    if (!this.sorted) {
      // Many subsections: sorted by first number, searched by bisection. Overlapping ones (a number listed
      // twice) are rare and indexed row by row instead (the first row for a number wins, as in a linear scan).
      const sorted = [...this.subsections].sort((a, b) => a.start - b.start);
      let overlap = false;
      for (let k = 1; k < sorted.length && !overlap; k++) {
        const p = sorted[k - 1];
        const c = sorted[k];
        if (p && c && p.count > 0 && c.start < p.start + p.count) overlap = true;
      }
      this.sorted = sorted;
      if (overlap) {
        this.lookup = new Map();
        for (const s of this.subsections)
          for (let i = 0; i < s.count && s.firstRow + i < this.rows; i++)
            if (!this.lookup.has(s.start + i)) this.lookup.set(s.start + i, s.firstRow + i);
      }
    }
    if (this.lookup) return this.lookup.get(num) ?? -1;
    let lo = 0;
    let hi = this.sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.sorted[mid];
      if (!s) break;
      if (num < s.start) hi = mid - 1;
      else if (num >= s.start + s.count) lo = mid + 1;
      else return s.firstRow + (num - s.start) < this.rows ? s.firstRow + (num - s.start) : -1;
    }
    return -1;
  }

  private entryAtRow(row: number): XrefEntry {
    const t = this.type[row];
    if (t === TYPE_OFFSET) return { kind: 'offset', offset: this.f1[row] ?? 0, gen: this.f2[row] ?? 0 };
    if (t === TYPE_COMPRESSED) return { kind: 'compressed', stream: this.f1[row] ?? 0, index: this.f2[row] ?? 0 };
    return { kind: 'free' };
  }

  get(num: number): XrefEntry | undefined {
    const row = this.rowOf(num);
    return row < 0 ? undefined : this.entryAtRow(row);
  }

  has(num: number): boolean {
    return this.rowOf(num) >= 0;
  }

  *keys(): IterableIterator<number> {
    for (const [n] of this) yield n;
  }

  *[Symbol.iterator](): IterableIterator<[number, XrefEntry]> {
    for (const s of this.subsections) {
      for (let i = 0; i < s.count && s.firstRow + i < this.rows; i++) {
        const num = s.start + i;
        // A number listed twice in one section is reported once, with the row a lookup would give.
        if (this.rowOf(num) === s.firstRow + i) yield [num, this.entryAtRow(s.firstRow + i)];
      }
    }
  }
}

/**
 * Several sections read as one, the first part winning. With `freeDefers` (a hybrid file's table and its
 * /XRefStm), a free entry of an earlier part yields to a later part that has the object.
 */
export class ChainedEntries implements XrefEntries {
  constructor(
    private readonly parts: readonly XrefEntries[],
    private readonly freeDefers = false,
  ) {}

  get size(): number {
    return this.parts.reduce((n, p) => n + p.size, 0);
  }

  get maxNum(): number {
    return this.parts.reduce((m, p) => Math.max(m, p.maxNum), -1);
  }

  get(num: number): XrefEntry | undefined {
    let free: XrefEntry | undefined;
    for (const p of this.parts) {
      const e = p.get(num);
      if (!e) continue;
      if (e.kind === 'free' && this.freeDefers) {
        free ??= e;
        continue;
      }
      return e;
    }
    return free;
  }

  has(num: number): boolean {
    return this.parts.some((p) => p.has(num));
  }

  *keys(): IterableIterator<number> {
    for (const [n] of this) yield n;
  }

  *[Symbol.iterator](): IterableIterator<[number, XrefEntry]> {
    const seen = new Set<number>();
    for (const p of this.parts) {
      for (const [n] of p) {
        if (seen.has(n)) continue;
        seen.add(n);
        const e = this.get(n);
        if (e) yield [n, e];
      }
    }
  }
}

/** A parsed cross-reference section. */
export type XrefSection = {
  /** File offset of the `xref` keyword or the xref stream object. */
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  /** For hybrid files: the offset of the `/XRefStm` stream that complements this table. */
  xrefStreamOffset?: number;
  /** What this section defines (for a hybrid table, together with its /XRefStm). */
  entries: XrefEntries;
  /** Set when `startxref` or `/Prev` pointed a few bytes away from where the section really is. */
  declaredOffset?: number;
};

/** The /Index pairs of an xref stream (default [0 Size]); malformed values are an error. */
export function xrefStreamIndex(indexValue: unknown, size: unknown): number[] {
  if (indexValue === undefined) return [0, typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : 0];
  if (!(indexValue instanceof PdfArray) || indexValue.items.length % 2 !== 0) throw pdfInvalid('/Index de xref');
  return indexValue.items.map((x) => {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw pdfInvalid('/Index de xref');
    return x;
  });
}
