/**
 * Page thumbnails for the PDF report, without a rasterizer: a page of the verified file, as it was at a given
 * revision, copied into the report as a Form XObject (its content, its resources, the normal appearances of its
 * visible annotations, such as signature stamps), which the report then draws scaled into a frame. The copy is
 * vector and exact: what a viewer would have drawn at that revision.
 *
 * Bounded, and fail closed: at most THUMB_LIMITS objects, bytes, nesting and time per thumbnail and per report,
 * images of at most 40 megapixels, page content of at most 8 MB decoded, content streams only with FlateDecode
 * (or none). Past a limit the thumbnail is "not available" with the reason, and nothing of it stays in the report.
 * Objects a revision shares with another (fonts, images) are copied once per file.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { AppError } from '../../api/result';
import { openPdf, type PdfDocument } from '../pdf/pdf-document';
import { PdfArray, PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from '../pdf/pdf-objects';
import { serialize } from '../pdf/pdf-serializer';
import { decodeStream } from '../pdf/stream-filters';
import { RevisionReader } from './revision-objects';
import type { ThumbFailure } from './report-words';

export const THUMB_LIMITS = {
  /** Indirect objects a thumbnail may reach (fonts, images, forms, their parts). */
  objectsPerThumb: 4000,
  /** Raw (still compressed) bytes a thumbnail may add to the report. */
  bytesPerThumb: 16 * 1024 * 1024,
  /** Raw bytes all thumbnails of one report may add. */
  bytesPerReport: 64 * 1024 * 1024,
  /** Nesting of resources (a form using a form using a form...). */
  depth: 96,
  /** Width × height of one image. */
  imagePixels: 40_000_000,
  /** Decoded page content (all its content streams) and each form's content. */
  contentBytes: 8 * 1024 * 1024,
  /** Annotations drawn per page. */
  annotations: 200,
  /** Time spent copying the thumbnails of one file. */
  msPerFile: 8000,
  /** Pages shown per signature (the signed one and the ones changed after it). */
  pagesPerSignature: 3,
};

/** Where copied objects go: the report's object table (1-based numbers). */
export interface ObjectSink {
  reserve(): number;
  set(num: number, body: Buffer): void;
  size(): number;
  truncate(size: number): void;
}

export type Thumb =
  | { ok: true; num: number; width: number; height: number; digest: string; bytes: number }
  | { ok: false; reason: ThumbFailure; detail?: string };

class ThumbError extends Error {
  constructor(
    readonly reason: ThumbFailure,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

type Box = [number, number, number, number];

/** Keys never followed: they lead out of the page (the page tree, the document's metadata, other pages). */
const SKIP = new Set([
  'Parent',
  'P',
  'Metadata',
  'PieceInfo',
  'Thumb',
  'B',
  'Annots',
  'StructParent',
  'StructParents',
  'Dest',
  'A',
  'OpenAction',
]);

function boxOf(v: PdfValue | undefined): Box | undefined {
  if (!(v instanceof PdfArray) || v.items.length !== 4) return undefined;
  const n = v.items.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : NaN));
  if (n.some((x) => Number.isNaN(x))) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = n;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(4).replace(/0+$/, '').replace(/\.$/, ''));

type PageAt = { dict: PdfDict; resources: PdfValue | undefined; box: Box; rotate: number };

/** One file's thumbnails: opened once, its copied objects shared between thumbnails (and revisions). */
export class ThumbnailSource {
  private readonly doc: PdfDocument;
  private readonly reader: RevisionReader;
  private readonly memo = new Map<string, { num: number; closure: string[] }>();
  private readonly byDigest = new Map<string, Thumb>();
  private readonly deadline: number;
  private objects = 0;
  private bytes = 0;

  constructor(
    file: string,
    private readonly sink: ObjectSink,
    private readonly reportBudget: { bytes: number },
  ) {
    this.doc = openPdf(file);
    this.reader = new RevisionReader(this.doc);
    this.deadline = Date.now() + THUMB_LIMITS.msPerFile;
  }

  close(): void {
    this.doc.close();
  }

  get newestRevision(): number {
    return this.reader.revisions.length;
  }

  /**
   * The thumbnail of page `page` (1-based) as it was at revision `rev`; all or nothing. With `unlessDigest`, a page
   * that draws exactly what that digest describes is not copied again ('same').
   */
  thumbnail(page: number, rev: number): Thumb;
  thumbnail(page: number, rev: number, unlessDigest: string | undefined): Thumb | 'same';
  thumbnail(page: number, rev: number, unlessDigest?: string): Thumb | 'same' {
    const mark = this.sink.size();
    const memoBefore = new Set(this.memo.keys());
    this.objects = 0;
    this.bytes = 0;
    this.visited.clear();
    this.stack.length = 0;
    try {
      if (Date.now() > this.deadline) throw new ThumbError('time');
      const p = this.pageAt(page, rev);
      if (!p) throw new ThumbError('no-page');
      const t = this.build(p, rev);
      if (unlessDigest !== undefined && t.digest === unlessDigest) {
        this.rollback(mark, memoBefore);
        return 'same';
      }
      // The same page drawn the same way (another signature's revision, or now) is copied once.
      const earlier = this.byDigest.get(t.digest);
      if (earlier) {
        this.rollback(mark, memoBefore);
        return earlier;
      }
      this.reportBudget.bytes += this.bytes;
      const done: Thumb = { ok: true, ...t, bytes: this.bytes };
      this.byDigest.set(t.digest, done);
      return done;
    } catch (err) {
      // Nothing of a failed thumbnail stays in the report.
      this.rollback(mark, memoBefore);
      if (err instanceof ThumbError) return { ok: false, reason: err.reason, ...(err.detail ? { detail: err.detail } : {}) };
      if (err instanceof AppError || err instanceof RangeError)
        return { ok: false, reason: 'unreadable', detail: err instanceof AppError ? String(err.details?.detail ?? err.code) : 'límite' };
      throw err;
    }
  }

  private rollback(mark: number, memoBefore: Set<string>): void {
    this.sink.truncate(mark);
    for (const k of [...this.memo.keys()]) if (!memoBefore.has(k)) this.memo.delete(k);
  }

  /** Finds page N in the page tree as it was at revision `rev`, with the inherited attributes. */
  private pageAt(page: number, rev: number): PageAt | null {
    const r = this.reader;
    const root = r.dictAt(r.revision(rev).trailer.get('Root'), rev);
    let node = r.dictAt(root?.get('Pages'), rev);
    let inherited: { resources?: PdfValue; box?: Box; crop?: Box; rotate?: number } = {};
    let skip = page - 1;
    const seen = new Set<PdfDict>();
    for (let depth = 0; node && depth < 64; depth++) {
      if (seen.has(node)) return null;
      seen.add(node);
      inherited = {
        ...inherited,
        ...(node.has('Resources') ? { resources: node.get('Resources') } : {}),
        ...(boxOf(r.resolveAt(node.get('MediaBox'), rev)) ? { box: boxOf(r.resolveAt(node.get('MediaBox'), rev)) } : {}),
        ...(boxOf(r.resolveAt(node.get('CropBox'), rev)) ? { crop: boxOf(r.resolveAt(node.get('CropBox'), rev)) } : {}),
        ...(typeof r.resolveAt(node.get('Rotate'), rev) === 'number' ? { rotate: r.resolveAt(node.get('Rotate'), rev) as number } : {}),
      };
      const kids = r.arrayAt(node.get('Kids'), rev);
      if (node.nameOf('Type') === 'Page' || !kids) {
        if (skip !== 0) return null;
        const box = inherited.box ?? [0, 0, 612, 792];
        const crop = inherited.crop;
        // The visible area is the crop box clipped to the media box.
        const vis: Box = crop
          ? [Math.max(box[0], crop[0]), Math.max(box[1], crop[1]), Math.min(box[2], crop[2]), Math.min(box[3], crop[3])]
          : box;
        if (vis[2] - vis[0] < 1 || vis[3] - vis[1] < 1) return null;
        return { dict: node, resources: inherited.resources, box: vis, rotate: (((inherited.rotate ?? 0) % 360) + 360) % 360 };
      }
      let next: PdfDict | undefined;
      if (kids.items.length > 100_000) return null;
      for (const kid of kids.items) {
        const k = r.dictAt(kid, rev);
        if (!k) continue;
        const count = k.nameOf('Type') === 'Pages' || k.has('Kids') ? Number(r.resolveAt(k.get('Count'), rev) ?? 0) : 1;
        if (skip < count) {
          next = k;
          break;
        }
        skip -= count;
      }
      node = next;
    }
    return null;
  }

  private build(p: PageAt, rev: number): { num: number; width: number; height: number; digest: string } {
    const hash = crypto.createHash('sha256');
    const r = this.reader;
    // The page's content streams, decoded and joined (each may end mid-line; a newline keeps tokens apart).
    const contents = r.resolveAt(p.dict.get('Contents'), rev);
    const streams =
      contents instanceof PdfArray ? contents.items : contents === undefined || contents === null ? [] : [p.dict.get('Contents')];
    const parts: Buffer[] = [];
    let contentBytes = 0;
    for (const s of streams) {
      const st = r.resolveAt(s, rev);
      if (!(st instanceof PdfStream)) continue;
      const data = this.decoded(st, rev, THUMB_LIMITS.contentBytes - contentBytes);
      contentBytes += data.length + 1;
      parts.push(data, Buffer.from('\n'));
    }
    const content = Buffer.concat(parts);
    hash.update(content);
    const resources = p.resources === undefined ? new PdfDict() : this.copy(p.resources, rev, 1);
    const [x0, y0, x1, y1] = p.box;
    const pageForm = this.addStream(
      new PdfDict([
        ['Type', new PdfName('XObject')],
        ['Subtype', new PdfName('Form')],
        ['BBox', new PdfArray([x0, y0, x1, y1])],
        ['Resources', resources],
      ]),
      content,
      true,
    );
    // Visible annotations' normal appearances, placed on their rectangles (ISO 32000-1, 12.5.5).
    const xobjects: Array<[string, PdfValue]> = [['P', new PdfRef(pageForm, 0)]];
    let draw = '/P Do\n';
    const annots = r.arrayAt(p.dict.get('Annots'), rev);
    let drawn = 0;
    for (const a of annots?.items ?? []) {
      if (drawn >= THUMB_LIMITS.annotations) break;
      const ad = r.dictAt(a, rev);
      if (!ad || ad.nameOf('Subtype') === 'Popup') continue;
      const flags = r.resolveAt(ad.get('F'), rev);
      if (typeof flags === 'number' && (flags & 2 || flags & 32)) continue;
      const rect = boxOf(r.resolveAt(ad.get('Rect'), rev));
      const ap = r.dictAt(ad.get('AP'), rev);
      if (!rect || !ap) continue;
      let nRef = ap.get('N');
      const n = r.resolveAt(nRef, rev);
      if (n instanceof PdfDict) {
        const state = ad.nameOf('AS');
        nRef = state ? n.get(state) : undefined;
      }
      const form = r.resolveAt(nRef, rev);
      if (!(form instanceof PdfStream) || !(nRef instanceof PdfRef)) continue;
      const bbox = boxOf(r.resolveAt(form.dict.get('BBox'), rev));
      if (!bbox) continue;
      const m = r.arrayAt(form.dict.get('Matrix'), rev)?.items.map((v) => (typeof v === 'number' ? v : NaN));
      const matrix = m && m.length === 6 && m.every(Number.isFinite) ? (m as number[]) : [1, 0, 0, 1, 0, 0];
      const [ma = 1, mb = 0, mc = 0, md = 1, me = 0, mf = 0] = matrix;
      const corners = [
        [bbox[0], bbox[1]],
        [bbox[2], bbox[1]],
        [bbox[0], bbox[3]],
        [bbox[2], bbox[3]],
      ].map(([x = 0, y = 0]) => [ma * x + mc * y + me, mb * x + md * y + mf] as const);
      const xs = corners.map((c) => c[0]);
      const ys = corners.map((c) => c[1]);
      const [tx0, tx1, ty0, ty1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      if (tx1 - tx0 < 1e-6 || ty1 - ty0 < 1e-6) continue;
      const sx = (rect[2] - rect[0]) / (tx1 - tx0);
      const sy = (rect[3] - rect[1]) / (ty1 - ty0);
      const ref = this.copy(nRef, rev, 1);
      const name = `A${++drawn}`;
      xobjects.push([name, ref]);
      const place = `q ${num(sx)} 0 0 ${num(sy)} ${num(rect[0] - tx0 * sx)} ${num(rect[1] - ty0 * sy)} cm /${name} Do Q\n`;
      draw += place;
      hash.update(place);
    }
    // From page space to the page as shown (its /Rotate), origin at the visible area's corner.
    const w = x1 - x0;
    const h = y1 - y0;
    const rot =
      p.rotate === 90
        ? [0, -1, 1, 0, -y0, x1]
        : p.rotate === 180
          ? [-1, 0, 0, -1, x1, y1]
          : p.rotate === 270
            ? [0, 1, -1, 0, y1, -x0]
            : [1, 0, 0, 1, -x0, -y0];
    const [width, height] = p.rotate === 90 || p.rotate === 270 ? [h, w] : [w, h];
    const outer = this.addStream(
      new PdfDict([
        ['Type', new PdfName('XObject')],
        ['Subtype', new PdfName('Form')],
        ['BBox', new PdfArray([0, 0, width, height])],
        ['Resources', new PdfDict([['XObject', new PdfDict(xobjects)]])],
      ]),
      // A page starts from the default graphics state (black, 1 pt lines...), whatever the report drew before.
      Buffer.from(`q 0 g 0 G 1 w 0 J 0 j 10 M [] 0 d 0 Tc 0 Tw 100 Tz 0 TL 0 Ts 0 Tr\n${rot.map(num).join(' ')} cm\n${draw}Q\n`, 'latin1'),
      true,
    );
    hash.update(`${p.rotate} ${p.box.join(' ')}`);
    // The digest covers what is drawn: the content, the placements and every copied object (by its source identity).
    for (const k of [...this.visited].sort()) hash.update(k);
    this.visited.clear();
    return { num: outer, width, height, digest: hash.digest('hex') };
  }

  /** Source identities (file offset of each object) the current thumbnail reached, for its digest. */
  private readonly visited = new Set<string>();

  private checkTime(): void {
    if (Date.now() > this.deadline) throw new ThumbError('time');
  }

  private charge(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > THUMB_LIMITS.bytesPerThumb) throw new ThumbError('bytes', `${Math.round(this.bytes / 1048576)} MB`);
    if (this.reportBudget.bytes + this.bytes > THUMB_LIMITS.bytesPerReport) throw new ThumbError('budget');
  }

  private addStream(dict: PdfDict, data: Buffer, compress: boolean): number {
    const body = compress ? zlib.deflateSync(data) : data;
    if (compress) dict.set('Filter', new PdfName('FlateDecode'));
    dict.set('Length', body.length);
    this.charge(body.length);
    const n = this.sink.reserve();
    this.sink.set(n, Buffer.concat([Buffer.from(`${serialize(dict)}\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]));
    return n;
  }

  /** The raw bytes of a stream as stored at revision `rev` (its /Length read at that revision). */
  private raw(s: PdfStream, rev: number): Buffer {
    const len = this.reader.resolveAt(s.dict.get('Length'), rev);
    if (typeof len === 'number' && Number.isSafeInteger(len) && len >= 0 && s.dataOffset + len <= this.doc.size) {
      if (len > THUMB_LIMITS.bytesPerThumb) throw new ThumbError('bytes', `${Math.round(len / 1048576)} MB`);
      return this.doc.read(s.dataOffset, len);
    }
    return this.doc.streamRaw(s, THUMB_LIMITS.bytesPerThumb);
  }

  private decoded(s: PdfStream, rev: number, max: number): Buffer {
    if (max <= 0) throw new ThumbError('content');
    const filters = this.reader.resolveAt(s.dict.get('Filter'), rev);
    const list = filters instanceof PdfArray ? filters.items : filters === undefined || filters === null ? [] : [filters];
    for (const f of list)
      if (!(f instanceof PdfName) || f.name !== 'FlateDecode') throw new ThumbError('filter', f instanceof PdfName ? f.name : '?');
    const raw = this.raw(s, rev);
    const parms = this.reader.resolveAt(s.dict.get('DecodeParms'), rev);
    const dict = new PdfDict([
      ['Filter', new PdfArray(list)],
      [
        'DecodeParms',
        parms instanceof PdfArray ? new PdfArray(parms.items.map((x) => this.reader.resolveAt(x, rev) ?? null)) : (parms ?? null),
      ],
    ]);
    try {
      return decodeStream(dict, raw, max);
    } catch (err) {
      if (err instanceof AppError && err.code === 'PDF_LIMIT') throw new ThumbError('content');
      throw err;
    }
  }

  /** A copy of `v` with its references renumbered into the report (following only what the page needs). */
  private copy(v: PdfValue | undefined, rev: number, depth: number, top = false): PdfValue {
    if (depth > THUMB_LIMITS.depth) throw new ThumbError('depth');
    if (v === undefined) return null;
    if (v instanceof PdfRef) return new PdfRef(this.copyRef(v, rev, depth), 0);
    if (v instanceof PdfArray) {
      if (v.items.length > 100_000) throw new ThumbError('objects');
      return new PdfArray(v.items.map((x) => this.copy(x, rev, depth + 1)));
    }
    if (v instanceof PdfDict) {
      if (v.entries.size > 100_000) throw new ThumbError('objects');
      const out = new PdfDict();
      for (const [k, x] of v.entries) if (!SKIP.has(k)) out.set(k, this.copy(x, rev, depth + 1));
      // A font written inline (our own stamps do so) becomes an object of its own: some readers (poppler's
      // pdffonts) lose track of inline fonts inside nested forms.
      if (!top && v.nameOf('Type') === 'Font') {
        const n = this.sink.reserve();
        const body = Buffer.from(serialize(out), 'latin1');
        this.charge(body.length);
        this.sink.set(n, body);
        return new PdfRef(n, 0);
      }
      return out;
    }
    if (v instanceof PdfStream) throw new ThumbError('unreadable', 'flujo directo');
    return v;
  }

  /** Marks a source object as reached by the current thumbnail (and by every object being copied around it). */
  private note(key: string): void {
    this.visited.add(key);
    for (const s of this.stack) s.add(key);
  }
  private readonly stack: Set<string>[] = [];

  /**
   * Copies one indirect object. An object's references resolve differently at different revisions, so copies are
   * shared per revision; a stream that refers to nothing (an image, a font program) is shared across revisions.
   */
  private copyRef(ref: PdfRef, rev: number, depth: number): number {
    const e = this.reader.entryAt(ref.num, rev);
    const id =
      !e || e.kind === 'free'
        ? `free:${ref.num}`
        : e.kind === 'offset'
          ? `o${e.offset}`
          : `c${ref.num}@${JSON.stringify(this.reader.entryAt(e.stream, rev) ?? null)}`;
    const key = `${id}#${rev}`;
    this.note(id);
    const known = this.memo.get(key) ?? this.memo.get(id);
    if (known) {
      for (const k of known.closure) this.note(k);
      return known.num;
    }
    if (++this.objects > THUMB_LIMITS.objectsPerThumb) throw new ThumbError('objects');
    if ((this.objects & 63) === 0) this.checkTime();
    const value = this.reader.objectAt(ref.num, rev);
    const leaf = value instanceof PdfStream && !hasRef(value.dict, 0);
    const n = this.sink.reserve();
    const entry = { num: n, closure: [] as string[] };
    this.memo.set(leaf ? id : key, entry);
    this.stack.push(new Set());
    try {
      this.copyObject(n, value, rev, depth);
    } finally {
      entry.closure = [...(this.stack.pop() ?? [])];
    }
    return n;
  }

  private copyObject(n: number, value: PdfValue | undefined, rev: number, depth: number): void {
    if (value instanceof PdfStream) {
      const dict = this.copy(value.dict, rev, depth + 1, true) as PdfDict;
      dict.entries.delete('Length');
      const subtype = value.dict.nameOf('Subtype');
      if (subtype === 'Image') {
        const w = this.reader.resolveAt(value.dict.get('Width'), rev);
        const h = this.reader.resolveAt(value.dict.get('Height'), rev);
        if (typeof w !== 'number' || typeof h !== 'number' || w < 1 || h < 1 || w * h > THUMB_LIMITS.imagePixels)
          throw new ThumbError('image', typeof w === 'number' && typeof h === 'number' ? `${w}×${h}` : undefined);
      }
      const raw = this.raw(value, rev);
      if (subtype === 'Form') this.decoded(value, rev, THUMB_LIMITS.contentBytes); // a bomb in a form is refused here
      this.charge(raw.length);
      dict.set('Length', raw.length);
      this.sink.set(n, Buffer.concat([Buffer.from(`${serialize(dict)}\nstream\n`, 'latin1'), raw, Buffer.from('\nendstream', 'latin1')]));
    } else {
      const copied = value === undefined ? null : this.copy(value, rev, depth + 1, true);
      const body = Buffer.from(serialize(copied), 'latin1');
      this.charge(body.length);
      this.sink.set(n, body);
    }
  }
}

/** Whether a value holds a reference (other than a stream's /Length), looked at a few levels deep. */
function hasRef(v: PdfValue | undefined, depth: number): boolean {
  if (depth > 8) return true;
  if (v instanceof PdfRef) return true;
  if (v instanceof PdfArray) return v.items.some((x) => hasRef(x, depth + 1));
  if (v instanceof PdfDict) {
    for (const [k, x] of v.entries) if (!(depth === 0 && k === 'Length') && hasRef(x, depth + 1)) return true;
  }
  return false;
}
