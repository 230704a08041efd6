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
import { ChainedEntries, XrefRows, xrefStreamIndex, type XrefEntries, type XrefEntry, type XrefSection } from './xref';

export const PDF_LIMITS = {
  /** Largest window a single object (or a classic xref table) may need. */
  maxObjectBytes: 64 * 1024 * 1024,
  /** Largest decoded xref stream or object stream. */
  maxInflateBytes: 64 * 1024 * 1024,
  /** Highest object number (plus one) a file may use. */
  maxObjects: 8_000_000,
  maxXrefSections: 2_000,
  /** Page tree depth and indirection chains. */
  maxDepth: 64,
  // Budgets per FILE (not per section or per stream): a file of many small hostile parts hits them too.
  /** Cross-reference rows over all sections (each row costs ~13 bytes once parsed). */
  maxXrefRowsPerFile: 4_000_000,
  /** xref subsections over all sections. */
  maxXrefSubsectionsPerFile: 200_000,
  /** Bytes inflated over the whole reading of one file (xref streams, object streams, any decoded stream). */
  maxInflatedBytesPerFile: 512 * 1024 * 1024,
  /** Decoded object streams kept in memory at once. */
  maxObjStmCacheBytes: 64 * 1024 * 1024,
} as const;

/** How far from a wrong xref offset an object is still looked for. */
const OFFSET_SLACK = 2048;
/** How far from a wrong `startxref` or `/Prev` value a section is still looked for. */
const XREF_SLACK = 64;

export type { XrefEntry, XrefSection, XrefEntries } from './xref';

export type Revision = {
  /** The `startxref` value of this revision (the offset of the first section its chain step reaches). */
  xrefOffset: number;
  kind: 'table' | 'stream';
  /** Offset just after this revision's `%%EOF` marker (and its end-of-line), or null if not found nearby. */
  endOffset: number | null;
  /** The sections written together in this revision, in chain order (a linearized original has two). */
  sections: XrefSection[];
  trailer: PdfDict;
  /** What this revision's sections define (not inherited entries). */
  entries: XrefEntries;
};

type ObjectStream = { data: Buffer; offsets: Map<number, number> };

export class PdfDocument {
  readonly size: number;
  /** Newest first, following /Prev. */
  readonly sections: XrefSection[] = [];
  /** The merged view: every section's entries, newest section first. */
  private merged: XrefEntries = new ChainedEntries([]);
  private readonly entryCache = new Map<number, XrefEntry | null>();
  private readonly objectCache = new Map<number, PdfValue>();
  /** Decoded object streams by file offset, least recently used first, bounded in bytes. */
  private readonly objStmCache = new Map<number, ObjectStream>();
  private objStmCacheBytes = 0;
  /** What the file has used of its per-file budgets. */
  readonly spent = { xrefRows: 0, xrefSubsections: 0, inflatedBytes: 0 };
  /** What the reader tolerated (a startxref a few bytes off, a rebuilt xref): said in reports, in Spanish. */
  readonly notes: string[] = [];
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
    const max = typeof s === 'number' ? s : 0;
    return Math.max(max, this.merged.maxNum + 1);
  }

  isEncrypted(): boolean {
    return this.trailer.has('Encrypt');
  }

  /** The entry of an object in the merged view (newest section first). */
  xrefEntry(num: number): XrefEntry | undefined {
    const cached = this.entryCache.get(num);
    if (cached !== undefined) return cached ?? undefined;
    const e = this.merged.get(num);
    if (this.entryCache.size > 200_000) this.entryCache.clear();
    this.entryCache.set(num, e ?? null);
    return e;
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
    const e = this.xrefEntry(num);
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
    const left = PDF_LIMITS.maxInflatedBytesPerFile - this.spent.inflatedBytes;
    if (left <= 0) throw pdfLimit('demasiados datos comprimidos en el archivo');
    let out: Buffer;
    try {
      out = decodeStream(stream.dict, this.streamRaw(stream, max), Math.min(max, left));
    } catch (err) {
      if (err instanceof AppError && err.code === PdfErrorCodes.limit) {
        // The inflater produced as much as it was allowed before giving up: that work counts too.
        this.spent.inflatedBytes += Math.min(max, left);
        if (left < max) throw pdfLimit('demasiados datos comprimidos en el archivo');
      }
      throw err;
    }
    this.spent.inflatedBytes += out.length;
    return out;
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
   * The object stream stored at `offset` (object `streamNum`): its data and where each object starts in it.
   * Decoded once and kept in a cache bounded in bytes (shared by the newest view and the verifier's revisions).
   */
  decodeObjectStream(offset: number, streamNum: number): ObjectStream {
    const hit = this.objStmCache.get(offset);
    if (hit) {
      this.objStmCache.delete(offset);
      this.objStmCache.set(offset, hit);
      return hit;
    }
    const stm = this.objectAtOffset(offset, streamNum);
    if (!(stm instanceof PdfStream)) throw pdfInvalid('flujo de objetos inválido');
    const data = this.streamDecoded(stm);
    const n = stm.dict.get('N');
    const first = stm.dict.get('First');
    // Each header pair takes at least 4 bytes: a count beyond that is a lie, refused before any loop.
    if (typeof n !== 'number' || typeof first !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > data.length / 4 + 1)
      throw pdfInvalid('cabecera de flujo de objetos');
    const header = new PdfParser(data, 0, 0, true);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const on = Number(header.token());
      const off = Number(header.token());
      if (!Number.isInteger(on) || !Number.isInteger(off)) throw pdfInvalid('cabecera de flujo de objetos');
      if (!offsets.has(on)) offsets.set(on, first + off);
    }
    const entry = { data, offsets };
    const cost = data.length + n * 64;
    while (this.objStmCacheBytes + cost > PDF_LIMITS.maxObjStmCacheBytes && this.objStmCache.size > 0) {
      const [oldest, old] = this.objStmCache.entries().next().value as [number, ObjectStream];
      this.objStmCache.delete(oldest);
      this.objStmCacheBytes -= old.data.length + old.offsets.size * 64;
    }
    if (cost <= PDF_LIMITS.maxObjStmCacheBytes) {
      this.objStmCache.set(offset, entry);
      this.objStmCacheBytes += cost;
    }
    return entry;
  }

  private objectInStream(streamNum: number, index: number, num: number): PdfValue {
    const e = this.xrefEntry(streamNum);
    if (e?.kind !== 'offset') throw pdfInvalid(`flujo de objetos ${streamNum} inexistente`);
    const cache = this.decodeObjectStream(e.offset, streamNum);
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
      this.merged = new ChainedEntries([]);
      this.entryCache.clear();
      this.objectCache.clear();
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
    let what = 'startxref';
    const seen = new Set<number>();
    while (offset !== undefined) {
      if (seen.has(offset)) break; // a /Prev loop: what was read so far is the whole chain
      if (seen.size >= PDF_LIMITS.maxXrefSections) throw pdfLimit('demasiadas secciones de referencias');
      seen.add(offset);
      const section = this.readSectionNear(offset, what);
      if (section.offset !== offset) {
        if (seen.has(section.offset)) break;
        seen.add(section.offset);
      }
      this.sections.push(section);
      const prev = section.trailer.get('Prev');
      if (typeof prev === 'number' && !Number.isSafeInteger(prev)) throw pdfInvalid('/Prev inválido');
      offset = typeof prev === 'number' ? prev : undefined;
      what = '/Prev';
    }
    if (!this.trailer.has('Root')) throw pdfInvalid('el trailer no tiene /Root');
    this.merged = new ChainedEntries(this.sections.map((s) => s.entries));
  }

  /**
   * Reads the section at `offset`; when nothing readable is there, looks a few bytes around it (real readers
   * accept a `startxref` off by one or by ten) and notes where it was found.
   */
  private readSectionNear(offset: number, what: string): XrefSection {
    let first: unknown;
    try {
      return this.readSection(offset);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== PdfErrorCodes.invalid) throw err;
      first = err;
    }
    const from = Math.max(0, offset - XREF_SLACK);
    const window = this.read(from, 2 * XREF_SLACK + 32).toString('latin1');
    const candidates: number[] = [];
    for (const m of window.matchAll(/xref|\d+\s+\d+\s+obj/g)) {
      const at = from + m.index;
      if (at !== offset && (m.index === 0 || !/[0-9A-Za-z]/.test(window[m.index - 1] ?? ''))) candidates.push(at);
    }
    candidates.sort((a, b) => Math.abs(a - offset) - Math.abs(b - offset));
    for (const at of candidates) {
      try {
        const section = this.readSection(at);
        section.declaredOffset = offset;
        this.notes.push(`${what} apunta al byte ${offset}, pero la tabla de referencias está en el byte ${at}; se leyó desde allí.`);
        return section;
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== PdfErrorCodes.invalid) throw err;
      }
    }
    throw first;
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
    const direct = new XrefRows(found.size);
    for (const [num, e] of [...found].sort((a, b) => a[0] - b[0])) {
      direct.beginSubsection(num, 1);
      direct.push(1, e.offset, e.gen);
    }
    const compressed = new XrefRows();
    // Objects inside object streams, unless a direct object with the same number exists.
    for (const sp of special.filter((x) => x.kind === 'ObjStm')) {
      try {
        const stm = this.parseAt(sp.offset, (p) => p.indirectObject());
        if (!(stm.value instanceof PdfStream)) continue;
        const data = this.streamDecoded(stm.value);
        const n = stm.value.dict.get('N');
        const header = new PdfParser(data, 0, 0, true);
        for (let i = 0; typeof n === 'number' && i < n && i < data.length / 4 + 1; i++) {
          const num = Number(header.token());
          header.token();
          if (Number.isInteger(num) && num >= 0 && !found.has(num)) {
            compressed.beginSubsection(num, 1);
            compressed.push(2, stm.num, i);
          }
        }
      } catch (err) {
        if (this.spent.inflatedBytes >= PDF_LIMITS.maxInflatedBytesPerFile) throw err;
        // A damaged object stream: its objects stay unknown, like any other lost object.
      }
    }
    const rebuilt = new ChainedEntries([direct.seal(), compressed.seal()]);
    this.merged = rebuilt;
    this.entryCache.clear();
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
    clean.set('Size', rebuilt.maxNum + 1);
    this.sections.push({ offset: this.declaredStartxref() ?? 0, kind: 'table', trailer: clean, entries: rebuilt });
    this.reconstructed = true;
    this.notes.push('La tabla de referencias estaba dañada; se reconstruyó recorriendo el archivo.');
  }

  /** Every known object number with its entry (for writing a complete xref after a reconstruction). */
  allEntries(): Map<number, XrefEntry> {
    const out = new Map<number, XrefEntry>();
    for (const [n, e] of this.merged) out.set(n, e);
    return out;
  }

  /** Throws when `rows` more xref rows (and subsections) would exceed the file's budget. */
  private checkRows(rows: number, subsections: number): void {
    if (this.spent.xrefRows + rows > PDF_LIMITS.maxXrefRowsPerFile) throw pdfLimit('demasiadas entradas de referencias en el archivo');
    if (this.spent.xrefSubsections + subsections > PDF_LIMITS.maxXrefSubsectionsPerFile)
      throw pdfLimit('demasiadas subsecciones de referencias');
  }

  private chargeRows(rows: number, subsections: number): void {
    this.checkRows(rows, subsections);
    this.spent.xrefRows += rows;
    this.spent.xrefSubsections += subsections;
  }

  private readSection(offset: number): XrefSection {
    const head = this.read(offset, 4).toString('latin1');
    if (head === 'xref') return this.readTable(offset);
    const value = this.objectAtOffset(offset);
    if (!(value instanceof PdfStream) || value.dict.nameOf('Type') !== 'XRef')
      throw pdfInvalid('startxref no apunta a una tabla de referencias');
    return { offset, kind: 'stream', trailer: value.dict, entries: this.readXrefStream(value) };
  }

  private readTable(offset: number): XrefSection {
    const { rows, trailer, subsections } = this.parseAt(offset, (p) => {
      p.expectKeyword('xref');
      const rows = new XrefRows(64);
      let subsections = 0;
      for (;;) {
        const t = p.token();
        if (t === 'trailer') break;
        const c = p.token();
        // Every token must be what the table format says: a malformed table is an error, never a loop.
        if (!/^\d+$/.test(t) || !/^\d+$/.test(c)) throw pdfInvalid('subsección de xref');
        const start = Number(t);
        const count = Number(c);
        // Each row is 20 bytes: a count the window cannot hold is a lie, refused before allocating.
        if (count > (p.buf.length - p.pos) / 18 + 1 && p.complete) throw pdfInvalid('subsección de xref más larga que la tabla');
        if (start + count > PDF_LIMITS.maxObjects) throw pdfLimit('demasiados objetos');
        subsections++;
        this.checkRows(rows.size + count, subsections);
        rows.beginSubsection(start, count);
        for (let i = 0; i < count; i++) {
          const off = p.token();
          const gen = p.token();
          const type = p.token();
          if (!/^\d+$/.test(off) || !/^\d+$/.test(gen) || (type !== 'n' && type !== 'f')) throw pdfInvalid('entrada de xref');
          rows.push(type === 'n' ? 1 : 0, Number(off), Number(gen));
        }
      }
      const trailer = p.value();
      if (!(trailer instanceof PdfDict)) throw pdfInvalid('trailer inválido');
      return { rows: rows.seal(), trailer, subsections };
    });
    this.checkRows(rows.size, subsections);
    this.spent.xrefRows += rows.size;
    this.spent.xrefSubsections += subsections;
    const section: XrefSection = { offset, kind: 'table', trailer, entries: rows };
    const stm = trailer.get('XRefStm');
    if (typeof stm === 'number' && Number.isSafeInteger(stm) && stm >= 0 && stm < this.size) {
      // A hybrid file: the table marks objects kept in object streams as free; the /XRefStm has them.
      const value = this.objectAtOffset(stm);
      if (value instanceof PdfStream && value.dict.nameOf('Type') === 'XRef') {
        section.xrefStreamOffset = stm;
        section.entries = new ChainedEntries([rows, this.readXrefStream(value)], true);
      }
    }
    return section;
  }

  /** Decodes an xref stream's rows; its /Index must not claim more rows than the data holds. */
  private readXrefStream(value: PdfStream): XrefRows {
    const dict = value.dict;
    const w = dict.get('W');
    if (!(w instanceof PdfArray) || w.items.length !== 3) throw pdfInvalid('/W de xref');
    const widths = w.items.map((x) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8 ? x : -1));
    if (widths.some((x) => x < 0)) throw pdfInvalid('/W de xref');
    const [w0 = 0, w1 = 0, w2 = 0] = widths;
    const rowLen = w0 + w1 + w2;
    if (rowLen === 0) throw pdfInvalid('/W de xref');
    const index = xrefStreamIndex(dict.get('Index'), dict.get('Size'));
    let claimed = 0;
    let end = 0;
    for (let k = 0; k + 1 < index.length; k += 2) {
      claimed += index[k + 1] ?? 0;
      end = Math.max(end, (index[k] ?? 0) + (index[k + 1] ?? 0));
    }
    // Charged before inflating: a stream claiming millions of rows stops here, whatever its data.
    this.chargeRows(claimed, index.length / 2);
    if (end > PDF_LIMITS.maxObjects) throw pdfLimit('demasiados objetos');
    const data = this.streamDecoded(value);
    if (claimed * rowLen > data.length)
      throw pdfInvalid(
        `el /Index de la tabla de referencias declara ${claimed} filas y los datos tienen ${Math.floor(data.length / rowLen)}`,
      );
    const field = (start: number, width: number): number => {
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + (data[start + i] ?? 0);
      return v;
    };
    const rows = new XrefRows(claimed);
    let row = 0;
    for (let k = 0; k + 1 < index.length; k += 2) {
      const start = index[k] ?? 0;
      const count = index[k + 1] ?? 0;
      rows.beginSubsection(start, count);
      for (let i = 0; i < count; i++, row++) {
        const base = row * rowLen;
        const type = w0 === 0 ? 1 : field(base, w0);
        rows.push(type, field(base + w0, w1), field(base + w0 + w1, w2));
      }
    }
    return rows.seal();
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
   * Every revision, newest first. A revision is what one writer appended at once: the sections its chain step
   * reaches, grouped by byte position. Following /Prev normally goes back in the file; a /Prev that goes
   * forward stays in the same revision (a linearized file's first-page section points forward to its main
   * section). Each revision ends after the `%%EOF` that follows its last section. The verifier uses this with
   * the signatures' /ByteRange to tell which revision each signature covers.
   */
  revisions(): Revision[] {
    if (this.revisionCache) return this.revisionCache;
    const groups: XrefSection[][] = [];
    let lastOffset = Infinity;
    for (const s of this.sections) {
      const cur = groups[groups.length - 1];
      if (cur && s.offset > lastOffset) cur.push(s);
      else groups.push([s]);
      lastOffset = s.offset;
    }
    const starts = groups.map((g) => Math.min(...g.map((s) => s.offset)));
    const out = groups.map((g, i): Revision => {
      const head = g[0] as XrefSection;
      const last = Math.max(...g.map((s) => Math.max(s.offset, s.xrefStreamOffset ?? 0)));
      // The next revision (in the file) starts at the lowest section offset above this revision's last one.
      const nextStart = starts.filter((o, k) => k !== i && o > last).reduce((a, b) => Math.min(a, b), this.size);
      return {
        xrefOffset: head.offset,
        kind: head.kind,
        endOffset: this.findEof(last, nextStart),
        sections: g,
        trailer: head.trailer,
        entries: g.length === 1 ? head.entries : new ChainedEntries(g.map((s) => s.entries)),
      };
    });
    this.revisionCache = out;
    return out;
  }

  private revisionCache: Revision[] | null = null;

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
