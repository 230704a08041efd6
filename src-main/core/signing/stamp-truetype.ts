/**
 * A small TrueType (glyf) reader and subsetter for the stamp font: the character map (formats 4 and 12), the
 * advance widths, the metrics a PDF font descriptor needs, and a subset holding only the glyphs a stamp uses
 * (composite glyphs pull in their components, renumbered), written without hinting (the stamp is a few points
 * high; renderers scale it, and instructions would be most of the bytes).
 *
 * Why not fontkit: it is installed, but loading it costs 300–400 ms per process on our build machines (its
 * dependencies build Unicode tables and a Brotli dictionary at load), and its first subset another 50–70 ms; a
 * signature's whole budget is smaller. Here: about a millisecond. fontkit stays the independent judge of our
 * subsets in the tests (`test/integration/stamp-font.test.ts`).
 *
 * Every read is bounds-checked: a damaged font is an Error, never a read outside the buffer.
 */

export type TrueTypeMetrics = {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  capHeight: number;
  bbox: [number, number, number, number];
  italicAngle: number;
  postscriptName: string;
};

type Table = { offset: number; length: number };

export class TrueTypeFont {
  readonly metrics: TrueTypeMetrics;
  readonly numGlyphs: number;
  private readonly tables = new Map<string, Table>();
  private readonly numberOfHMetrics: number;
  private readonly longLoca: boolean;
  private readonly cmapLookup: (cp: number) => number;
  private readonly cmapCache = new Map<number, number>();

  constructor(private readonly buf: Buffer) {
    if (buf.length < 12) throw new Error('fuente TrueType truncada');
    const version = buf.readUInt32BE(0);
    if (version !== 0x00010000 && version !== 0x74727565) throw new Error('no es una fuente TrueType (glyf)');
    const numTables = buf.readUInt16BE(4);
    if (12 + numTables * 16 > buf.length) throw new Error('directorio de tablas truncado');
    for (let i = 0; i < numTables; i++) {
      const at = 12 + i * 16;
      const tag = buf.toString('latin1', at, at + 4);
      const offset = buf.readUInt32BE(at + 8);
      const length = buf.readUInt32BE(at + 12);
      if (offset + length > buf.length) throw new Error(`tabla ${tag} fuera del archivo`);
      this.tables.set(tag, { offset, length });
    }
    for (const t of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', 'cmap'])
      if (!this.tables.has(t)) throw new Error(`falta la tabla ${t}`);
    const head = this.table('head');
    const hhea = this.table('hhea');
    const unitsPerEm = this.u16(head, 18);
    if (unitsPerEm < 16 || unitsPerEm > 16384) throw new Error('unitsPerEm fuera de rango');
    this.longLoca = this.i16(head, 50) === 1;
    this.numGlyphs = this.u16(this.table('maxp'), 4);
    this.numberOfHMetrics = this.u16(hhea, 34);
    if (this.numberOfHMetrics < 1 || this.numberOfHMetrics > this.numGlyphs) throw new Error('hhea.numberOfHMetrics inválido');
    if (this.table('hmtx').length < this.numberOfHMetrics * 4) throw new Error('hmtx truncada');
    if (this.table('loca').length < (this.numGlyphs + 1) * (this.longLoca ? 4 : 2)) throw new Error('loca truncada');
    const ascent = this.i16(hhea, 4);
    const descent = this.i16(hhea, 6);
    let capHeight = Math.round(ascent * 0.7);
    const os2 = this.tables.get('OS/2');
    if (os2 && os2.length >= 90 && this.u16(os2, 0) >= 2) capHeight = this.i16(os2, 88);
    const post = this.tables.get('post');
    const italicAngle = post && post.length >= 8 ? this.buf.readInt32BE(post.offset + 4) / 65536 : 0;
    this.metrics = {
      unitsPerEm,
      ascent,
      descent,
      capHeight,
      bbox: [this.i16(head, 36), this.i16(head, 38), this.i16(head, 40), this.i16(head, 42)],
      italicAngle,
      postscriptName: this.postscriptName() ?? 'StampFont',
    };
    this.cmapLookup = this.readCmap();
  }

  /** The glyph of a Unicode code point, 0 (.notdef) when the font lacks it. */
  glyphFor(cp: number): number {
    let g = this.cmapCache.get(cp);
    if (g === undefined) {
      g = this.cmapLookup(cp);
      if (g >= this.numGlyphs) g = 0;
      this.cmapCache.set(cp, g);
    }
    return g;
  }

  /** Advance width in font units. */
  advance(gid: number): number {
    const hmtx = this.table('hmtx');
    return this.u16(hmtx, 4 * Math.min(gid, this.numberOfHMetrics - 1));
  }

  /**
   * A font file holding only glyph 0, `glyphs` and the components they need, each at its original glyph id (the
   * others are empty, zero-width slots), so a PDF can use the font's glyph ids as CIDs with /CIDToGIDMap /Identity.
   */
  subset(glyphs: Iterable<number>): Buffer {
    const kept = new Set<number>([0]);
    const pending = [0, ...glyphs];
    const bodies = new Map<number, Buffer>();
    while (pending.length > 0) {
      const gid = pending.pop() ?? 0;
      if (bodies.has(gid)) continue;
      if (!Number.isInteger(gid) || gid < 0 || gid >= this.numGlyphs) throw new Error(`glifo ${gid} fuera de la fuente`);
      kept.add(gid);
      bodies.set(
        gid,
        this.glyphWithoutHints(gid, (c) => {
          if (!bodies.has(c)) pending.push(c);
        }),
      );
    }
    const n = Math.max(...kept) + 1;
    const loca = Buffer.alloc((n + 1) * 4);
    const hmtx = Buffer.alloc(n * 4);
    const padded: Buffer[] = [];
    let pos = 0;
    for (let gid = 0; gid < n; gid++) {
      loca.writeUInt32BE(pos, gid * 4);
      const b = bodies.get(gid);
      if (!b) continue;
      const pad = (4 - (b.length % 4)) % 4;
      padded.push(b, Buffer.alloc(pad));
      pos += b.length + pad;
      hmtx.writeUInt16BE(this.advance(gid), gid * 4);
      hmtx.writeInt16BE(this.lsb(gid), gid * 4 + 2);
    }
    loca.writeUInt32BE(pos, n * 4);
    const head = Buffer.from(this.slice('head'));
    head.writeUInt32BE(0, 8); // checkSumAdjustment, set by writeSfnt
    head.writeInt16BE(1, 50); // long loca
    const hhea = Buffer.from(this.slice('hhea'));
    hhea.writeUInt16BE(n, 34);
    const maxp = Buffer.from(this.slice('maxp'));
    maxp.writeUInt16BE(n, 4);
    return writeSfnt(
      new Map([
        ['glyf', Buffer.concat(padded)],
        ['head', head],
        ['hhea', hhea],
        ['hmtx', hmtx],
        ['loca', loca],
        ['maxp', maxp],
      ]),
    );
  }

  // ---------------------------------------------------------------- internals

  private table(tag: string): Table {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`falta la tabla ${tag}`);
    return t;
  }

  private slice(tag: string): Buffer {
    const t = this.table(tag);
    return this.buf.subarray(t.offset, t.offset + t.length);
  }

  private check(t: Table, at: number, size: number): number {
    if (at < 0 || at + size > t.length) throw new Error('lectura fuera de la tabla');
    return t.offset + at;
  }

  private u16(t: Table, at: number): number {
    return this.buf.readUInt16BE(this.check(t, at, 2));
  }

  private i16(t: Table, at: number): number {
    return this.buf.readInt16BE(this.check(t, at, 2));
  }

  private u32(t: Table, at: number): number {
    return this.buf.readUInt32BE(this.check(t, at, 4));
  }

  private lsb(gid: number): number {
    const hmtx = this.table('hmtx');
    if (gid < this.numberOfHMetrics) return this.i16(hmtx, 4 * gid + 2);
    return this.i16(hmtx, 4 * this.numberOfHMetrics + 2 * (gid - this.numberOfHMetrics));
  }

  private glyphRange(gid: number): [number, number] {
    const loca = this.table('loca');
    const at = (i: number) => (this.longLoca ? this.u32(loca, i * 4) : this.u16(loca, i * 2) * 2);
    const start = at(gid);
    const end = at(gid + 1);
    const glyf = this.table('glyf');
    if (end < start || end > glyf.length) throw new Error(`glifo ${gid} fuera de glyf`);
    return [glyf.offset + start, glyf.offset + end];
  }

  /** A glyph's bytes without its instructions; a composite reports each component to `component`. */
  private glyphWithoutHints(gid: number, component: (gid: number) => void): Buffer {
    const [start, end] = this.glyphRange(gid);
    if (end === start) return Buffer.alloc(0);
    const g = this.buf.subarray(start, end);
    const t: Table = { offset: start, length: end - start };
    const contours = this.i16(t, 0);
    if (contours >= 0) {
      const instrAt = 10 + contours * 2;
      const instrLen = this.u16(t, instrAt);
      this.check(t, instrAt + 2, instrLen);
      const out = Buffer.concat([g.subarray(0, instrAt), Buffer.alloc(2), g.subarray(instrAt + 2 + instrLen)]);
      return out;
    }
    const out = Buffer.from(g);
    let at = 10;
    for (;;) {
      const flags = this.u16(t, at);
      component(this.u16(t, at + 2));
      out.writeUInt16BE(flags & ~0x0100, at); // WE_HAVE_INSTRUCTIONS cleared
      at += 4 + (flags & 0x0001 ? 4 : 2);
      if (flags & 0x0008) at += 2;
      else if (flags & 0x0040) at += 4;
      else if (flags & 0x0080) at += 8;
      this.check(t, at, 0);
      if (!(flags & 0x0020)) break;
    }
    return out.subarray(0, at);
  }

  private postscriptName(): string | null {
    const name = this.tables.get('name');
    if (!name) return null;
    const count = this.u16(name, 2);
    const strings = this.u16(name, 4);
    for (let i = 0; i < Math.min(count, 1000); i++) {
      const at = 6 + i * 12;
      const platform = this.u16(name, at);
      const nameId = this.u16(name, at + 6);
      if (nameId !== 6) continue;
      const len = this.u16(name, at + 8);
      const off = this.check(name, strings + this.u16(name, at + 10), len);
      const raw = this.buf.subarray(off, off + len);
      const text = platform === 1 ? raw.toString('latin1') : Buffer.from(raw).swap16().toString('utf16le');
      const clean = text.replace(/[^A-Za-z0-9-]/g, '');
      if (clean) return clean.slice(0, 63);
    }
    return null;
  }

  private readCmap(): (cp: number) => number {
    const cmap = this.table('cmap');
    const count = this.u16(cmap, 2);
    let f4: Table | null = null;
    let f12: Table | null = null;
    for (let i = 0; i < Math.min(count, 100); i++) {
      const platform = this.u16(cmap, 4 + i * 8);
      const encoding = this.u16(cmap, 6 + i * 8);
      const off = this.u32(cmap, 8 + i * 8);
      const format = this.u16(cmap, off);
      const sub = (len: number): Table => ({ offset: this.check(cmap, off, len), length: len });
      if (format === 12 && ((platform === 3 && encoding === 10) || platform === 0)) f12 = sub(this.u32(cmap, off + 4));
      else if (format === 4 && ((platform === 3 && encoding === 1) || platform === 0)) f4 = sub(this.u16(cmap, off + 2));
    }
    if (f12) {
      const t = f12;
      const groups = this.u32(t, 12);
      this.check(t, 16, groups * 12);
      return (cp) => {
        let lo = 0;
        let hi = groups - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const first = this.u32(t, 16 + mid * 12);
          const last = this.u32(t, 20 + mid * 12);
          if (cp < first) hi = mid - 1;
          else if (cp > last) lo = mid + 1;
          else return this.u32(t, 24 + mid * 12) + (cp - first);
        }
        return 0;
      };
    }
    if (f4) {
      const t = f4;
      const segs = this.u16(t, 6) / 2;
      const ends = 14;
      const starts = ends + segs * 2 + 2;
      const deltas = starts + segs * 2;
      const ranges = deltas + segs * 2;
      return (cp) => {
        if (cp > 0xffff) return 0;
        for (let i = 0; i < segs; i++) {
          if (cp > this.u16(t, ends + i * 2)) continue;
          const start = this.u16(t, starts + i * 2);
          if (cp < start) return 0;
          const delta = this.u16(t, deltas + i * 2);
          const range = this.u16(t, ranges + i * 2);
          if (range === 0) return (cp + delta) & 0xffff;
          const g = this.u16(t, ranges + i * 2 + range + (cp - start) * 2);
          return g === 0 ? 0 : (g + delta) & 0xffff;
        }
        return 0;
      };
    }
    throw new Error('la fuente no tiene un cmap Unicode');
  }
}

/** An sfnt file from its tables (sorted directory, 4-byte aligned, checksums, head.checkSumAdjustment). */
function writeSfnt(tables: Map<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const n = tags.length;
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= n) entrySelector++;
  const searchRange = (1 << entrySelector) * 16;
  const header = Buffer.alloc(12 + n * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(n * 16 - searchRange, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  let headAt = -1;
  tags.forEach((tag, i) => {
    const data = tables.get(tag) ?? Buffer.alloc(0);
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    const at = 12 + i * 16;
    header.write(tag, at, 'latin1');
    header.writeUInt32BE(checksum(padded), at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(data.length, at + 12);
    if (tag === 'head') headAt = offset;
    parts.push(padded);
    offset += padded.length;
  });
  const file = Buffer.concat(parts);
  if (headAt >= 0) file.writeUInt32BE((0xb1b0afba - checksum(file)) >>> 0, headAt + 8);
  return file;
}

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 4 <= b.length; i += 4) sum = (sum + b.readUInt32BE(i)) >>> 0;
  return sum;
}
