/**
 * The document as it was at each revision: the cross-reference entries each revision defines, and the value an
 * object had at a given revision. The reader (`core/pdf`) owns the cross-reference: each section is parsed once
 * there and grouped into revisions by byte position; this module only looks objects up in those values.
 */
import { PDF_LIMITS, type PdfDocument, type XrefEntries, type XrefEntry, type XrefSection } from '../pdf/pdf-document';
import { pdfInvalid, pdfLimit } from '../pdf/pdf-error';
import { PdfArray, PdfDict, PdfRef, PdfStream, type PdfValue } from '../pdf/pdf-objects';
import { PdfParser } from '../pdf/pdf-parser';

export type RevisionView = {
  /** 1 = the original file, increasing with each incremental update. */
  index: number;
  /** The `startxref` of this revision (its first section in chain order). */
  xrefOffset: number;
  /** Offset just after this revision's %%EOF, or null when none was found before the next section. */
  endOffset: number | null;
  trailer: PdfDict;
  /** The entries this revision's sections define (not inherited ones). */
  entries: XrefEntries;
  /** The sections written in this revision (two for a linearized original), in chain order. */
  sections: readonly XrefSection[];
};

export class RevisionReader {
  readonly revisions: RevisionView[];
  /** Parsed objects by file offset: every signature's analysis walks the same later revisions. */
  private readonly byOffset = new Map<number, PdfValue>();
  private readonly memos = new Map<string, unknown>();

  constructor(readonly doc: PdfDocument) {
    // Oldest first; the reader lists them newest first (the chain from startxref).
    this.revisions = [...doc.revisions()].reverse().map((r, i) => ({
      index: i + 1,
      xrefOffset: r.xrefOffset,
      endOffset: r.endOffset,
      trailer: r.trailer,
      entries: r.entries,
      sections: r.sections,
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
    const stream = this.doc.decodeObjectStream(se.offset, streamNum);
    const off = stream.offsets.get(num);
    if (off === undefined) throw pdfInvalid(`objeto ${num} ausente de su flujo`);
    return new PdfParser(stream.data, 0, off, true).value();
  }
}
