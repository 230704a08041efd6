/**
 * A bounded random-access PDF reader. It opens a file, follows the cross-reference chain from `startxref`
 * (classic tables, cross-reference streams, hybrid files with `/XRefStm`, `/Prev` chains) and reads objects on
 * demand (including objects inside object streams). It never loads the whole file: objects are parsed from a
 * window that grows only as far as the object needs, up to a limit.
 *
 * Used by signing (trailer, catalog, page tree, AcroForm) and by the verifier (revisions, signature
 * dictionaries). Every failure is an AppError with a PDF_* code; a hostile file hits a limit, never a hang.
 *
 *   const doc = openPdf('/path/file.pdf');
 *   try { const catalog = doc.catalog(); ... } finally { doc.close(); }
 */
import fs from 'node:fs';
import { AppError } from '../../api/result';
import { NeedMoreBytes, PdfParser } from './pdf-parser';
import { PdfArray, PdfDict, PdfRef, PdfStream, type PdfValue } from './pdf-objects';
import { PdfErrorCodes, pdfInvalid, pdfLimit } from './pdf-error';
import { decodeStream } from './stream-filters';

export const PDF_LIMITS = {
  /** Largest window a single object (or a classic xref table) may need. */
  maxObjectBytes: 64 * 1024 * 1024,
  /** Largest decoded xref stream or object stream. */
  maxInflateBytes: 64 * 1024 * 1024,
  maxObjects: 8_000_000,
  maxXrefSections: 2_000,
  /** Page tree depth and indirection chains. */
  maxDepth: 64,
} as const;

/** How far from a wrong xref offset an object is still looked for. */
const OFFSET_SLACK = 2048;

export type XrefEntry =
  { kind: 'offset'; offset: number; gen: number } | { kind: 'compressed'; stream: number; index: number } | { kind: 'free' };

export type XrefSection = {
  /** File offset of the `xref` keyword or the xref stream object. */
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  /** For hybrid files: the offset of the `/XRefStm` stream that complements this table. */
  xrefStreamOffset?: number;
};

export type Revision = {
  /** The `startxref` value of this revision. */
  xrefOffset: number;
  kind: 'table' | 'stream';
  /** Offset just after this revision's `%%EOF` marker (and its end-of-line), or null if not found nearby. */
  endOffset: number | null;
};

type ObjectStreamCache = { data: Buffer; offsets: Map<number, number> };

export class PdfDocument {
  readonly size: number;
  /** Newest first, following /Prev. */
  readonly sections: XrefSection[] = [];
  private readonly entries = new Map<number, XrefEntry>();
  private readonly objectCache = new Map<number, PdfValue>();
  private readonly objStmCache = new Map<number, ObjectStreamCache>();
  private readonly pendingFree: number[] = [];
  /** True when the cross-reference was damaged and rebuilt by scanning the file. */
  reconstructed = false;
  private closed = false;

  constructor(
    private readonly fd: number,
    readonly path: string,
  ) {
    this.size = fs.fstatSync(fd).size;
    this.loadXref();
  }

  close(): void {
    if (!this.closed) fs.closeSync(this.fd);
    this.closed = true;
  }

  /** The newest trailer (the one `startxref` points at). */
  get trailer(): PdfDict {
    const first = this.sections[0];
    if (!first) throw pdfInvalid('sin trailer');
    return first.trailer;
  }

  get lastXrefKind(): 'table' | 'stream' {
    return this.sections[0]?.kind ?? 'table';
  }

  get startxref(): number {
    return this.sections[0]?.offset ?? 0;
  }

  /** One past the highest object number in use (the trailer's /Size). */
  get objectCount(): number {
    const s = this.trailer.get('Size');
    let max = typeof s === 'number' ? s : 0;
    for (const n of this.entries.keys()) if (n + 1 > max) max = n + 1;
    return max;
  }

  isEncrypted(): boolean {
    return this.trailer.has('Encrypt');
  }

  xrefEntry(num: number): XrefEntry | undefined {
    return this.entries.get(num);
  }

  /**
   * Reads `len` bytes at `pos` (clamped to the file). Offsets and lengths come from the file itself (xref
   * entries, /Prev, /Length): a damaged one is a PDF error the reader can recover from, never a RangeError.
   */
  read(pos: number, len: number): Buffer {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos > this.size) throw pdfInvalid(`desplazamiento fuera del archivo (${pos})`);
    if (!Number.isSafeInteger(len) || len < 0) throw pdfInvalid(`longitud inválida (${len})`);
    const n = Math.max(0, Math.min(len, this.size - pos));
    const buf = Buffer.alloc(n);
    let done = 0;
    while (done < n) {
      const r = fs.readSync(this.fd, buf, done, n - done, pos + done);
      if (r === 0) break;
      done += r;
    }
    return buf.subarray(0, done);
  }

  /** Runs a parse at `offset` with a window that doubles until the parse fits (bounded). */
  parseAt<T>(offset: number, fn: (p: PdfParser) => T): T {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.size)
      throw pdfInvalid(`desplazamiento fuera del archivo (${offset})`);
    let len = 4096;
    for (;;) {
      const buf = this.read(offset, len);
      const complete = offset + buf.length >= this.size;
      try {
        return fn(new PdfParser(buf, offset, 0, complete));
      } catch (err) {
        if (!(err instanceof NeedMoreBytes)) throw err;
        if (len >= PDF_LIMITS.maxObjectBytes) throw pdfLimit('objeto demasiado grande');
        len = Math.min(len * 4, PDF_LIMITS.maxObjectBytes);
      }
    }
  }

  /** Resolves a reference (following chains of references, bounded); other values are returned as is. */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let cur = v;
    for (let i = 0; cur instanceof PdfRef; i++) {
      if (i > PDF_LIMITS.maxDepth) throw pdfLimit('cadena de referencias');
      cur = this.getObject(cur.num);
    }
    return cur;
  }

  resolveDict(v: PdfValue | undefined): PdfDict | undefined {
    const r = this.resolve(v);
    if (r instanceof PdfDict) return r;
    if (r instanceof PdfStream) return r.dict;
    return undefined;
  }

  resolveArray(v: PdfValue | undefined): PdfArray | undefined {
    const r = this.resolve(v);
    return r instanceof PdfArray ? r : undefined;
  }

  /** The object with this number in the newest revision; null when free or missing. */
  getObject(num: number): PdfValue {
    if (this.objectCache.has(num)) return this.objectCache.get(num) ?? null;
    const e = this.entries.get(num);
    let value: PdfValue = null;
    if (e?.kind === 'offset') value = this.objectAtOffset(e.offset, num);
    else if (e?.kind === 'compressed') value = this.objectInStream(e.stream, e.index, num);
    if (this.objectCache.size > 10_000) this.objectCache.clear();
    this.objectCache.set(num, value);
    return value;
  }

  /** Parses the indirect object at a file offset (used by the verifier for older revisions too). */
  objectAtOffset(offset: number, expectNum?: number): PdfValue {
    try {
      const obj = this.parseAt(offset, (p) => p.indirectObject());
      if (expectNum === undefined || obj.num === expectNum) return obj.value;
    } catch (err) {
      if (expectNum === undefined || !(err instanceof AppError) || err.code !== PdfErrorCodes.invalid) throw err;
    }
    // Some writers (scanners, old converters) get offsets slightly wrong: look for the object close by.
    const near = this.findObjectNear(offset, expectNum);
    if (near === null) throw pdfInvalid(`la tabla de referencias no apunta al objeto ${expectNum}`);
    return this.parseAt(near, (p) => p.indirectObject()).value;
  }

  private findObjectNear(offset: number, num: number): number | null {
    const from = Math.max(0, offset - OFFSET_SLACK);
    const window = this.read(from, OFFSET_SLACK * 2).toString('latin1');
    const re = new RegExp(`(?:^|[^0-9])(${num}\\s+\\d+\\s+obj)\\b`, 'g');
    let best: number | null = null;
    for (let m = re.exec(window); m; m = re.exec(window)) {
      const at = from + m.index + m[0].length - (m[1]?.length ?? 0);
      if (best === null || Math.abs(at - offset) < Math.abs(best - offset)) best = at;
    }
    return best;
  }

  /** The raw (still encoded) data of a stream, at most `max` bytes or the error says so. */
  streamRaw(stream: PdfStream, max = PDF_LIMITS.maxInflateBytes): Buffer {
    const lenValue = this.resolve(stream.dict.get('Length'));
    let len = typeof lenValue === 'number' && Number.isSafeInteger(lenValue) ? lenValue : -1;
    if (len < 0 || stream.dataOffset + len > this.size) {
      // A wrong /Length is common in damaged files: fall back to searching for `endstream`.
      len = this.findEndstream(stream.dataOffset, max);
    }
    if (len > max) throw pdfLimit('flujo demasiado grande');
    return this.read(stream.dataOffset, len);
  }

  streamDecoded(stream: PdfStream, max = PDF_LIMITS.maxInflateBytes): Buffer {
    return decodeStream(stream.dict, this.streamRaw(stream, max), max);
  }

  private findEndstream(from: number, max: number): number {
    const chunk = 1 << 20;
    for (let pos = from; pos < this.size && pos - from <= max; pos += chunk - 16) {
      const buf = this.read(pos, chunk);
      const i = buf.indexOf('endstream', 0, 'latin1');
      if (i >= 0) {
        let end = pos + i;
        // Drop the end-of-line before `endstream`.
        const before = this.read(end - 2, 2);
        if (before[1] === 0x0a) end--;
        if (before[0] === 0x0d && before[1] === 0x0a) end--;
        else if (before[1] === 0x0d) end--;
        return end - from;
      }
      if (buf.length < chunk) break;
    }
    throw pdfInvalid('flujo sin final');
  }

  /**
   * Decodes the object stream stored at `offset` (object `streamNum`): its data and where each object starts in
   * it. Bounded like every parse: at most PDF_LIMITS.maxObjects entries. Callers keep their own caches.
   */
  decodeObjectStream(offset: number, streamNum: number): { data: ReturnType<PdfDocument['streamDecoded']>; offsets: Map<number, number> } {
    const stm = this.objectAtOffset(offset, streamNum);
    if (!(stm instanceof PdfStream)) throw pdfInvalid('flujo de objetos inválido');
    const data = this.streamDecoded(stm);
    const n = stm.dict.get('N');
    const first = stm.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number' || n < 0 || n > PDF_LIMITS.maxObjects)
      throw pdfInvalid('cabecera de flujo de objetos');
    const header = new PdfParser(data, 0, 0, true);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const on = Number(header.token());
      const off = Number(header.token());
      if (!Number.isInteger(on) || !Number.isInteger(off)) throw pdfInvalid('cabecera de flujo de objetos');
      offsets.set(on, first + off);
    }
    return { data, offsets };
  }

  private objectInStream(streamNum: number, index: number, num: number): PdfValue {
    let cache = this.objStmCache.get(streamNum);
    if (!cache) {
      const e = this.entries.get(streamNum);
      if (e?.kind !== 'offset') throw pdfInvalid(`flujo de objetos ${streamNum} inexistente`);
      cache = this.decodeObjectStream(e.offset, streamNum);
      if (this.objStmCache.size > 64) this.objStmCache.clear();
      this.objStmCache.set(streamNum, cache);
    }
    const off = cache.offsets.get(num);
    if (off === undefined) throw pdfInvalid(`objeto ${num} ausente de su flujo (índice ${index})`);
    return new PdfParser(cache.data, 0, off, true).value();
  }

  // ---- cross-reference chain ----

  private loadXref(): void {
    try {
      this.loadXrefChain();
      if (!this.resolveDict(this.trailer.get('Root'))) throw pdfInvalid('catálogo ausente');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== PdfErrorCodes.invalid) throw err;
      // A damaged cross-reference (wrong offsets, truncated chain): rebuild it by scanning the objects.
      this.sections.length = 0;
      this.entries.clear();
      this.objectCache.clear();
      this.objStmCache.clear();
      this.pendingFree.length = 0;
      this.reconstruct(err);
    }
  }

  /** The `startxref` value at the end of the file, or null when it is missing. */
  private declaredStartxref(): number | null {
    for (const len of [4096, 65536]) {
      const tailLen = Math.min(this.size, len);
      const tail = this.read(this.size - tailLen, tailLen).toString('latin1');
      const at = tail.lastIndexOf('startxref');
      if (at < 0) continue;
      const m = /^startxref\s+(\d+)/.exec(tail.slice(at));
      return m?.[1] ? Number(m[1]) : null;
    }
    return null;
  }

  private loadXrefChain(): void {
    const start = this.declaredStartxref();
    if (start === null) throw pdfInvalid('no se encontró startxref');
    let offset: number | undefined = start;
    const seen = new Set<number>();
    while (offset !== undefined) {
      if (seen.has(offset)) break; // a /Prev loop: what was read so far is the whole chain
      if (seen.size >= PDF_LIMITS.maxXrefSections) throw pdfLimit('demasiadas secciones de referencias');
      seen.add(offset);
      const section = this.readSection(offset);
      this.sections.push(section);
      if (section.xrefStreamOffset !== undefined && !seen.has(section.xrefStreamOffset)) {
        seen.add(section.xrefStreamOffset);
        this.readXrefStream(section.xrefStreamOffset);
      }
      for (const n of this.pendingFree.splice(0)) this.addEntry(n, { kind: 'free' });
      const prev = section.trailer.get('Prev');
      offset = typeof prev === 'number' ? prev : undefined;
    }
    if (!this.trailer.has('Root')) throw pdfInvalid('el trailer no tiene /Root');
  }

  /**
   * Rebuilds the cross-reference by scanning the file for `n g obj` (newest occurrence wins) and the objects of
   * object streams, then takes the trailer from the last `trailer` or xref stream, or finds the catalog.
   * The document is then marked `reconstructed`: the writer appends a complete xref without /Prev.
   */
  private reconstruct(cause: AppError): void {
    const chunk = 4 << 20;
    const found = new Map<number, { offset: number; gen: number }>();
    const special: Array<{ offset: number; kind: string }> = [];
    let trailerAt = -1;
    for (let pos = 0; pos < this.size; pos += chunk - 256) {
      const text = this.read(pos, chunk).toString('latin1');
      const re = /(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj\b/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const before = m.index > 0 ? text.charCodeAt(m.index - 1) : 10;
        if (before >= 0x30 && before <= 0x39) continue; // the middle of a longer number
        const offset = pos + m.index;
        found.set(Number(m[1]), { offset, gen: Number(m[2]) });
        if (found.size > PDF_LIMITS.maxObjects) throw pdfLimit('demasiados objetos');
        const head = text.slice(re.lastIndex, re.lastIndex + 400);
        const kind = /\/Type\s*\/(ObjStm|XRef|Catalog)\b/.exec(head)?.[1];
        if (kind) special.push({ offset, kind });
      }
      for (let i = text.indexOf('trailer'); i >= 0; i = text.indexOf('trailer', i + 7)) trailerAt = Math.max(trailerAt, pos + i);
      if (pos + chunk >= this.size) break;
    }
    if (found.size === 0) throw pdfInvalid('no se encontraron objetos', cause);
    for (const [num, e] of found) this.entries.set(num, { kind: 'offset', offset: e.offset, gen: e.gen });
    // Objects inside object streams, unless a direct object with the same number exists.
    for (const sp of special.filter((x) => x.kind === 'ObjStm')) {
      try {
        const stm = this.parseAt(sp.offset, (p) => p.indirectObject());
        if (!(stm.value instanceof PdfStream)) continue;
        const data = this.streamDecoded(stm.value);
        const n = stm.value.dict.get('N');
        const header = new PdfParser(data, 0, 0, true);
        for (let i = 0; typeof n === 'number' && i < n; i++) {
          const num = Number(header.token());
          header.token();
          if (Number.isInteger(num) && !this.entries.has(num)) this.entries.set(num, { kind: 'compressed', stream: stm.num, index: i });
        }
      } catch {
        // A damaged object stream: its objects stay unknown, like any other lost object.
      }
    }
    let trailer: PdfDict | undefined;
    if (trailerAt >= 0) {
      try {
        const t = this.parseAt(trailerAt, (p) => {
          p.token(); // the keyword
          return p.value();
        });
        if (t instanceof PdfDict && this.resolveDict(t.get('Root'))) trailer = t;
      } catch {
        // fall through to the other ways of finding the root
      }
    }
    for (const sp of special.filter((x) => x.kind === 'XRef').reverse()) {
      if (trailer) break;
      const v = this.objectAtOffset(sp.offset);
      if (v instanceof PdfStream && this.resolveDict(v.dict.get('Root'))) trailer = v.dict;
    }
    const catalog = special.filter((x) => x.kind === 'Catalog').pop();
    if (!trailer && catalog) {
      const obj = this.parseAt(catalog.offset, (p) => p.indirectObject());
      trailer = new PdfDict([['Root', new PdfRef(obj.num, obj.gen)]]);
    }
    if (!trailer) throw pdfInvalid('no se encontró el catálogo', cause);
    const clean = new PdfDict();
    for (const key of ['Root', 'Info', 'ID', 'Encrypt']) {
      const v = trailer.get(key);
      if (v !== undefined) clean.set(key, v);
    }
    clean.set('Size', Math.max(...this.entries.keys()) + 1);
    this.sections.push({ offset: this.declaredStartxref() ?? 0, kind: 'table', trailer: clean });
    this.reconstructed = true;
  }

  /** Every known object number with its entry (for writing a complete xref after a reconstruction). */
  allEntries(): Map<number, XrefEntry> {
    return new Map(this.entries);
  }

  private addEntry(num: number, entry: XrefEntry): void {
    // Sections are read newest first: the first entry seen for a number wins.
    if (this.entries.has(num)) return;
    if (this.entries.size >= PDF_LIMITS.maxObjects) throw pdfLimit('demasiados objetos');
    this.entries.set(num, entry);
  }

  private readSection(offset: number): XrefSection {
    const head = this.read(offset, 4).toString('latin1');
    if (head === 'xref') return this.readTable(offset);
    return this.readXrefStream(offset);
  }

  private readTable(offset: number): XrefSection {
    return this.parseAt(offset, (p) => {
      p.expectKeyword('xref');
      const local: Array<[number, XrefEntry]> = [];
      for (;;) {
        const t = p.token();
        if (t === 'trailer') break;
        const c = p.token();
        // Every token must be what the table format says: a malformed table is an error, never a loop.
        if (!/^\d+$/.test(t) || !/^\d+$/.test(c)) throw pdfInvalid('subsección de xref');
        const start = Number(t);
        const count = Number(c);
        if (local.length + count > PDF_LIMITS.maxObjects) throw pdfLimit('demasiados objetos');
        for (let i = 0; i < count; i++) {
          const off = p.token();
          const gen = p.token();
          const type = p.token();
          if (!/^\d+$/.test(off) || !/^\d+$/.test(gen) || (type !== 'n' && type !== 'f')) throw pdfInvalid('entrada de xref');
          local.push([start + i, type === 'n' ? { kind: 'offset', offset: Number(off), gen: Number(gen) } : { kind: 'free' }]);
        }
      }
      const trailer = p.value();
      if (!(trailer instanceof PdfDict)) throw pdfInvalid('trailer inválido');
      const section: XrefSection = { offset, kind: 'table', trailer };
      const stm = trailer.get('XRefStm');
      if (typeof stm === 'number') section.xrefStreamOffset = stm;
      for (const [n, e] of local) {
        // In a hybrid file the table marks objects kept in object streams as free; the /XRefStm has them.
        if (e.kind === 'free' && section.xrefStreamOffset !== undefined) this.pendingFree.push(n);
        else this.addEntry(n, e);
      }
      return section;
    });
  }

  private readXrefStream(offset: number): XrefSection {
    const value = this.objectAtOffset(offset);
    if (!(value instanceof PdfStream) || value.dict.nameOf('Type') !== 'XRef')
      throw pdfInvalid('startxref no apunta a una tabla de referencias');
    const dict = value.dict;
    const data = this.streamDecoded(value);
    const w = dict.get('W');
    if (!(w instanceof PdfArray) || w.items.length !== 3) throw pdfInvalid('/W de xref');
    const widths = w.items.map((x) => (typeof x === 'number' && x >= 0 && x <= 8 ? x : -1));
    if (widths.some((x) => x < 0)) throw pdfInvalid('/W de xref');
    const [w0 = 0, w1 = 0, w2 = 0] = widths;
    const rowLen = w0 + w1 + w2;
    const size = dict.get('Size');
    const indexValue = dict.get('Index');
    const index =
      indexValue instanceof PdfArray
        ? indexValue.items.map((x) => (typeof x === 'number' ? x : 0))
        : [0, typeof size === 'number' ? size : 0];
    let row = 0;
    const field = (start: number, width: number): number => {
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + (data[start + i] ?? 0);
      return v;
    };
    for (let k = 0; k + 1 < index.length; k += 2) {
      const start = index[k] ?? 0;
      const count = index[k + 1] ?? 0;
      if (count < 0 || count > PDF_LIMITS.maxObjects) throw pdfLimit('demasiados objetos');
      for (let i = 0; i < count; i++, row++) {
        const base = row * rowLen;
        if (base + rowLen > data.length) break;
        const type = w0 === 0 ? 1 : field(base, w0);
        const f1 = field(base + w0, w1);
        const f2 = field(base + w0 + w1, w2);
        if (type === 1) this.addEntry(start + i, { kind: 'offset', offset: f1, gen: f2 });
        else if (type === 2) this.addEntry(start + i, { kind: 'compressed', stream: f1, index: f2 });
        else this.addEntry(start + i, { kind: 'free' });
      }
    }
    return { offset, kind: 'stream', trailer: dict };
  }

  // ---- document structure ----

  catalog(): PdfDict {
    const root = this.resolveDict(this.trailer.get('Root'));
    if (!root) throw pdfInvalid('catálogo ausente');
    return root;
  }

  /** The page count from the page tree root (/Count). */
  pageCount(): number {
    const pages = this.resolveDict(this.catalog().get('Pages'));
    const c = pages?.get('Count');
    if (typeof c !== 'number' || c < 1) throw pdfInvalid('árbol de páginas sin páginas');
    return c;
  }

  /**
   * The page at a 0-based index: its reference, dictionary and inherited attributes (MediaBox, Rotate).
   * Walks only the branch that holds the page, using /Count to skip the others.
   */
  page(index: number): PageInfo {
    let node = this.catalog().get('Pages');
    let remaining = index;
    const inherited: { MediaBox?: PdfValue; CropBox?: PdfValue; Rotate?: PdfValue } = {};
    for (let depth = 0; depth < PDF_LIMITS.maxDepth; depth++) {
      if (!(node instanceof PdfRef)) throw pdfInvalid('árbol de páginas con nodo directo');
      const dict = this.resolveDict(node);
      if (!dict) throw pdfInvalid('nodo de página ausente');
      for (const k of ['MediaBox', 'CropBox', 'Rotate'] as const) {
        const v = dict.get(k);
        if (v !== undefined) inherited[k] = this.resolve(v) ?? null;
      }
      if (dict.nameOf('Type') === 'Page' || !dict.has('Kids')) {
        if (remaining !== 0) throw pdfInvalid('índice de página');
        return {
          ref: node,
          dict,
          mediaBox: boxOf(inherited.CropBox) ?? boxOf(inherited.MediaBox) ?? [0, 0, 612, 792],
          rotate: typeof inherited.Rotate === 'number' ? inherited.Rotate : 0,
        };
      }
      const kids = this.resolveArray(dict.get('Kids'));
      if (!kids) throw pdfInvalid('/Kids ausente');
      let next: PdfValue | undefined;
      for (const kid of kids.items) {
        const kd = this.resolveDict(kid);
        if (!kd) continue;
        const isLeaf = kd.nameOf('Type') === 'Page' || !kd.has('Kids');
        const countValue = isLeaf ? 1 : this.resolve(kd.get('Count'));
        const count = typeof countValue === 'number' && countValue >= 0 ? countValue : 0;
        if (remaining < count) {
          next = kid;
          break;
        }
        remaining -= count;
      }
      if (next === undefined) throw new AppError(PdfErrorCodes.invalid, `El PDF no tiene la página ${index + 1}.`);
      node = next;
    }
    throw pdfLimit('árbol de páginas demasiado profundo');
  }

  /**
   * Every revision, newest first, with the `startxref` offset and where it ends (after `%%EOF`). The verifier
   * uses this with the signatures' /ByteRange to tell which revision each signature covers.
   */
  revisions(): Revision[] {
    const offsets = this.sections.map((s) => s.offset).sort((a, b) => a - b);
    return this.sections.map((s) => {
      const nextStart = offsets.find((o) => o > s.offset) ?? this.size;
      return { xrefOffset: s.offset, kind: s.kind, endOffset: this.findEof(s.offset, nextStart) };
    });
  }

  private findEof(from: number, limit: number): number | null {
    // %%EOF follows the section, usually within a few KB (a classic table can be long: search in chunks).
    const chunk = 1 << 20;
    for (let pos = from; pos < limit; pos += chunk - 8) {
      const buf = this.read(pos, Math.min(chunk, limit - pos + 8));
      const i = buf.indexOf('%%EOF', 0, 'latin1');
      if (i >= 0) {
        let end = pos + i + 5;
        const after = this.read(end, 2);
        if (after[0] === 0x0d) end++;
        if (after[after[0] === 0x0d ? 1 : 0] === 0x0a) end++;
        return end;
      }
    }
    return null;
  }
}

export type PageInfo = { ref: PdfRef; dict: PdfDict; mediaBox: [number, number, number, number]; rotate: number };

function boxOf(v: PdfValue | undefined): [number, number, number, number] | undefined {
  if (!(v instanceof PdfArray) || v.items.length !== 4) return undefined;
  const n = v.items.map((x) => (typeof x === 'number' ? x : NaN));
  if (n.some((x) => Number.isNaN(x))) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = n;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

/** Opens a PDF for reading; the caller must `close()` it. Fails with PDF_INVALID when it is not a readable PDF. */
export function openPdf(path: string): PdfDocument {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw new AppError('SIGN_FILE_UNREADABLE', `No se pudo abrir el archivo ${path}.`, { path }, { cause: err });
  }
  try {
    const head = Buffer.alloc(1024);
    const n = fs.readSync(fd, head, 0, 1024, 0);
    if (head.subarray(0, n).indexOf('%PDF-', 0, 'latin1') < 0) throw pdfInvalid('falta la cabecera %PDF');
    return new PdfDocument(fd, path);
  } catch (err) {
    fs.closeSync(fd);
    if (err instanceof AppError) throw err;
    throw pdfInvalid('estructura ilegible', err);
  }
}
