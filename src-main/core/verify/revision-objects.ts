/**
 * The document as it was at each revision: the cross-reference entries each update section defines, and the
 * value an object had at a given revision. Built on the reader's public primitives (parseAt, objectAtOffset,
 * streamDecoded, PdfParser); the reader itself merges every section into the newest view, which is what
 * signing needs but not what modification analysis needs.
 */
import { PDF_LIMITS, type PdfDocument, type XrefEntry, type XrefSection } from '../pdf/pdf-document';
import { pdfInvalid, pdfLimit } from '../pdf/pdf-error';
import { PdfArray, PdfDict, PdfRef, PdfStream, type PdfValue } from '../pdf/pdf-objects';
import { PdfParser } from '../pdf/pdf-parser';

export type RevisionView = {
  /** 1 = the original file, increasing with each incremental update. */
  index: number;
  xrefOffset: number;
  /** Offset just after this revision's %%EOF, or null when none was found before the next section. */
  endOffset: number | null;
  trailer: PdfDict;
  /** The entries this section defines (not inherited ones). */
  entries: Map<number, XrefEntry>;
};

export class RevisionReader {
  readonly revisions: RevisionView[];
  private readonly objStm = new Map<string, { data: Buffer; offsets: Map<number, number> }>();
  /** Parsed objects by file offset: every signature's analysis walks the same later revisions. */
  private readonly byOffset = new Map<number, PdfValue>();
  private readonly memos = new Map<string, unknown>();

  constructor(readonly doc: PdfDocument) {
    const ends = doc.revisions();
    const views = doc.sections.map((s, i) => ({ section: s, endOffset: ends[i]?.endOffset ?? null }));
    // Oldest first; a well-formed file's sections grow in offset, and /Prev chains point backwards.
    views.reverse();
    this.revisions = views.map(({ section, endOffset }, i) => ({
      index: i + 1,
      xrefOffset: section.offset,
      endOffset,
      trailer: section.trailer,
      entries: this.sectionEntries(section),
    }));
  }

  get newest(): RevisionView {
    const r = this.revisions[this.revisions.length - 1];
    if (!r) throw pdfInvalid('sin revisiones');
    return r;
  }

  revision(index: number): RevisionView {
    const r = this.revisions[index - 1];
    if (!r) throw pdfInvalid(`revisión ${index} inexistente`);
    return r;
  }

  /** The entry of `num` as seen at revision `rev` (the newest definition at or before it). */
  entryAt(num: number, rev: number): XrefEntry | undefined {
    for (let i = Math.min(rev, this.revisions.length); i >= 1; i--) {
      const e = this.revisions[i - 1]?.entries.get(num);
      if (e) return e;
    }
    return undefined;
  }

  /** The object's value at revision `rev`; undefined when it did not exist (or was free) then. */
  objectAt(num: number, rev: number): PdfValue | undefined {
    const e = this.entryAt(num, rev);
    if (!e || e.kind === 'free') return undefined;
    if (e.kind === 'offset') {
      const cached = this.byOffset.get(e.offset);
      if (cached !== undefined) return cached;
      const v = this.doc.objectAtOffset(e.offset, num);
      if (this.byOffset.size >= 32768) this.byOffset.clear();
      this.byOffset.set(e.offset, v);
      return v;
    }
    return this.compressedAt(e.stream, num, rev);
  }

  /** A value computed once per reader (per revision facts that every signature's analysis needs). */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = compute();
    this.memos.set(key, v);
    return v;
  }

  /** Follows references at revision `rev` (bounded). */
  resolveAt(v: PdfValue | undefined, rev: number): PdfValue | undefined {
    let cur = v;
    for (let i = 0; cur instanceof PdfRef; i++) {
      if (i > PDF_LIMITS.maxDepth) throw pdfLimit('cadena de referencias');
      cur = this.objectAt(cur.num, rev);
    }
    return cur;
  }

  dictAt(v: PdfValue | undefined, rev: number): PdfDict | undefined {
    const r = this.resolveAt(v, rev);
    if (r instanceof PdfDict) return r;
    if (r instanceof PdfStream) return r.dict;
    return undefined;
  }

  arrayAt(v: PdfValue | undefined, rev: number): PdfArray | undefined {
    const r = this.resolveAt(v, rev);
    return r instanceof PdfArray ? r : undefined;
  }

  private compressedAt(streamNum: number, num: number, rev: number): PdfValue {
    const se = this.entryAt(streamNum, rev);
    if (se?.kind !== 'offset') throw pdfInvalid(`flujo de objetos ${streamNum} inexistente`);
    const key = `${streamNum}@${se.offset}`;
    let cache = this.objStm.get(key);
    if (!cache) {
      cache = this.doc.decodeObjectStream(se.offset, streamNum);
      if (this.objStm.size > 64) this.objStm.clear();
      this.objStm.set(key, cache);
    }
    const off = cache.offsets.get(num);
    if (off === undefined) throw pdfInvalid(`objeto ${num} ausente de su flujo`);
    return new PdfParser(cache.data, 0, off, true).value();
  }

  private sectionEntries(section: XrefSection): Map<number, XrefEntry> {
    const out = new Map<number, XrefEntry>();
    if (section.kind === 'table') {
      this.doc.parseAt(section.offset, (p) => {
        p.expectKeyword('xref');
        for (;;) {
          const t = p.token();
          if (t === 'trailer') break;
          const start = Number(t);
          const count = Number(p.token());
          if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0) throw pdfInvalid('subsección de xref');
          if (out.size + count > PDF_LIMITS.maxObjects) throw pdfLimit('demasiados objetos');
          for (let i = 0; i < count; i++) {
            const off = Number(p.token());
            const gen = Number(p.token());
            const type = p.token();
            out.set(start + i, type === 'n' ? { kind: 'offset', offset: off, gen } : { kind: 'free' });
          }
        }
      });
      if (section.xrefStreamOffset !== undefined) {
        for (const [n, e] of this.streamEntries(section.xrefStreamOffset)) if (!out.has(n)) out.set(n, e);
      }
      return out;
    }
    return this.streamEntries(section.offset);
  }

  private streamEntries(offset: number): Map<number, XrefEntry> {
    const out = new Map<number, XrefEntry>();
    const value = this.doc.objectAtOffset(offset);
    if (!(value instanceof PdfStream)) throw pdfInvalid('tabla de referencias en flujo');
    const dict = value.dict;
    const data = this.doc.streamDecoded(value);
    const w = dict.get('W');
    if (!(w instanceof PdfArray) || w.items.length !== 3) throw pdfInvalid('/W de xref');
    const [w0 = 0, w1 = 0, w2 = 0] = w.items.map((x) => (typeof x === 'number' && x >= 0 && x <= 8 ? x : 0));
    const rowLen = w0 + w1 + w2;
    if (rowLen === 0) return out;
    const size = dict.get('Size');
    const idx = dict.get('Index');
    const index =
      idx instanceof PdfArray ? idx.items.map((x) => (typeof x === 'number' ? x : 0)) : [0, typeof size === 'number' ? size : 0];
    const field = (start: number, width: number): number => {
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + (data[start + i] ?? 0);
      return v;
    };
    let row = 0;
    for (let k = 0; k + 1 < index.length; k += 2) {
      const start = index[k] ?? 0;
      const count = index[k + 1] ?? 0;
      for (let i = 0; i < count; i++, row++) {
        const base = row * rowLen;
        if (base + rowLen > data.length) return out;
        const type = w0 === 0 ? 1 : field(base, w0);
        const f1 = field(base + w0, w1);
        const f2 = field(base + w0 + w1, w2);
        if (type === 1) out.set(start + i, { kind: 'offset', offset: f1, gen: f2 });
        else if (type === 2) out.set(start + i, { kind: 'compressed', stream: f1, index: f2 });
        else out.set(start + i, { kind: 'free' });
      }
    }
    return out;
  }
}
