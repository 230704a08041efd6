/**
 * What rules may ask about the two revisions being compared: the value at a path, a field's full name, type and
 * (inherited) value, whether a dictionary is a signature or a document timestamp, and page numbers. Bounded.
 */
import { PdfArray, PdfDict, PdfRef, PdfStream, PdfString, type PdfValue } from '../../pdf/pdf-objects';
import type { RevisionReader } from '../revision-objects';
import type { Path } from './types';

const MAX_PARENTS = 32;
const MAX_PAGES = 100_000;

export class RuleContext {
  private pages: Map<number, number> | null = null;
  constructor(
    readonly reader: RevisionReader,
    readonly oldRev: number,
    readonly newRev: number,
  ) {}

  /** The value at a path from the trailer of a revision, following references; undefined when absent. */
  at(rev: number, path: Path): PdfValue | undefined {
    return this.walk(rev, path).value;
  }

  /**
   * The node at a path of the older revision, as the newer revision defines that same object: arrays may have
   * shifted, so the object is found by its number, not by walking the path again.
   */
  sameNode(rev: number, path: Path): PdfValue | undefined {
    const old = this.walk(this.oldRev, path);
    if (old.ref && old.endsAtRef) return this.reader.objectAt(old.ref.num, rev);
    return this.walk(rev, path).value;
  }

  /** The last reference followed on the way to the value at a path (the object the path ends in). */
  refAt(rev: number, path: Path): PdfRef | null {
    return this.walk(rev, path).ref;
  }

  private walk(rev: number, path: Path): { value: PdfValue | undefined; ref: PdfRef | null; endsAtRef: boolean } {
    let cur: PdfValue | undefined = this.reader.revision(rev).trailer;
    let ref: PdfRef | null = null;
    for (const seg of path) {
      if (cur instanceof PdfRef) {
        ref = cur;
        cur = this.reader.resolveAt(cur, rev);
      }
      if (cur instanceof PdfStream) cur = cur.dict;
      if (typeof seg === 'number') cur = cur instanceof PdfArray ? cur.items[seg] : undefined;
      else cur = cur instanceof PdfDict ? cur.get(seg) : undefined;
      if (cur === undefined) return { value: undefined, ref: null, endsAtRef: false };
    }
    if (cur instanceof PdfRef) {
      ref = cur;
      return { value: this.reader.resolveAt(cur, rev) ?? undefined, ref, endsAtRef: true };
    }
    return { value: cur ?? undefined, ref, endsAtRef: false };
  }

  dict(rev: number, v: PdfValue | undefined): PdfDict | undefined {
    return this.reader.dictAt(v, rev);
  }

  /** A field's full name, /FT and /V, inherited through /Parent (bounded). */
  field(rev: number, d: PdfDict | undefined): { name: string; ft: string | undefined; v: PdfValue | undefined } {
    const parts: string[] = [];
    let ft: string | undefined;
    let v: PdfValue | undefined;
    let cur = d;
    for (let i = 0; cur && i < MAX_PARENTS; i++) {
      const t = this.reader.resolveAt(cur.get('T'), rev);
      if (t instanceof PdfString) parts.unshift(t.text());
      ft ??= cur.nameOf('FT');
      if (v === undefined && cur.has('V')) v = cur.get('V');
      cur = this.reader.dictAt(cur.get('Parent'), rev);
    }
    return { name: parts.join('.'), ft, v };
  }

  isSignatureDict(rev: number, v: PdfValue | undefined): boolean {
    const d = this.reader.dictAt(v, rev);
    if (!d) return false;
    const t = d.nameOf('Type');
    return t === 'Sig' || t === 'DocTimeStamp' || (d.has('ByteRange') && d.has('Contents') && d.has('Filter'));
  }

  isDocTimestamp(rev: number, v: PdfValue | undefined): boolean {
    const d = this.reader.dictAt(v, rev);
    return d !== undefined && (d.nameOf('Type') === 'DocTimeStamp' || d.nameOf('SubFilter') === 'ETSI.RFC3161');
  }

  /** 1-based page number of a page object in the older revision, when found. */
  pageNumber(ref: PdfRef | null): number | undefined {
    if (!ref) return undefined;
    if (!this.pages) {
      const pages = new Map<number, number>();
      const rev = this.oldRev;
      const seen = new Set<number>();
      const walk = (node: PdfValue | undefined, depth: number): void => {
        if (depth > 64 || pages.size >= MAX_PAGES || !(node instanceof PdfRef) || seen.has(node.num)) return;
        seen.add(node.num);
        const d = this.reader.dictAt(node, rev);
        if (!d) return;
        const kids = this.reader.arrayAt(d.get('Kids'), rev);
        if (kids && d.nameOf('Type') !== 'Page') for (const k of kids.items) walk(k, depth + 1);
        else pages.set(node.num, pages.size + 1);
      };
      try {
        walk(this.reader.dictAt(this.reader.revision(rev).trailer.get('Root'), rev)?.get('Pages'), 0);
      } catch {
        // Page numbers only improve the wording.
      }
      this.pages = pages;
    }
    return this.pages.get(ref.num);
  }
}
