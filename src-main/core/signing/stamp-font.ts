/**
 * The embedded stamp font: DejaVu Sans Condensed (resources/fonts, free license beside it), read once per process
 * and only when a visible stamp is drawn. Each signature embeds a subset with just the glyphs its stamps use, as a
 * Type0 font (CIDFontType2, Identity-H, /W widths, FontFile2, /ToUnicode) so every Latin name, accents, ñ, ° and º
 * render the same in every viewer and copy/extract as the real characters.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { AppError } from '../../api/result';
import type { UpdateObject } from '../pdf/incremental-writer';
import { PdfArray, PdfRef } from '../pdf/pdf-objects';
import { pdf } from '../pdf/pdf-serializer';
import type { StampFont } from '../pdf/stamp-appearance';
import { resourceFile, resourcesDir } from '../resources';
import { TrueTypeFont } from './stamp-truetype';

export const STAMP_FONT_FILE = 'DejaVuSansCondensed.ttf';

let cached: TrueTypeFont | null = null;

/** The parsed stamp font, read on first use and kept for the life of the process. */
export function stampTrueType(): TrueTypeFont {
  if (cached) return cached;
  const file = resourceFile(`fonts/${STAMP_FONT_FILE}`) ?? path.join(resourcesDir(), 'fonts', STAMP_FONT_FILE);
  try {
    cached = new TrueTypeFont(fs.readFileSync(file));
  } catch (err) {
    throw new AppError('SIGN_INTERNAL', `No se pudo leer la fuente del sello (${file}).`, { file }, { cause: err });
  }
  return cached;
}

/**
 * One signature's use of the stamp font: measures and encodes text while the appearances are laid out (glyph ids
 * are the CIDs), then writes the font objects with the glyphs actually used.
 */
export class StampFontUse implements StampFont {
  /** glyph id → the text it stands for (for /ToUnicode). */
  private readonly used = new Map<number, string>();
  private loaded: TrueTypeFont | null = null;
  private fontRef: PdfRef | null = null;

  /** Nothing is read or allocated until text is measured or drawn: `allocate` gives the font's object number. */
  constructor(
    private readonly allocate: () => number,
    private readonly load: () => TrueTypeFont = stampTrueType,
  ) {}

  private get font(): TrueTypeFont {
    return (this.loaded ??= this.load());
  }

  private get scale(): number {
    return 1000 / this.font.metrics.unitsPerEm;
  }

  get ref(): PdfRef {
    return (this.fontRef ??= pdf.ref(this.allocate()));
  }

  private glyphs(text: string): Array<[number, string]> {
    const out: Array<[number, string]> = [];
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0) ?? 0x3f;
      // Controls never reach a stamp; a character the font lacks is drawn (and extracted) as '?'.
      let gid = cp < 0x20 ? 0 : this.font.glyphFor(cp);
      let unicode = ch;
      if (gid === 0) {
        gid = this.font.glyphFor(0x3f);
        unicode = '?';
      }
      out.push([gid, unicode]);
    }
    return out;
  }

  /** Width of `text` in 1/1000 em. */
  width(text: string): number {
    let w = 0;
    for (const [gid] of this.glyphs(text)) w += Math.round(this.font.advance(gid) * this.scale);
    return w;
  }

  /** The string operand for Tj (hex, two bytes per glyph); records the glyphs for the subset. */
  encode(text: string): string {
    let hex = '';
    for (const [gid, unicode] of this.glyphs(text)) {
      if (!this.used.has(gid)) this.used.set(gid, unicode);
      hex += gid.toString(16).padStart(4, '0');
    }
    return `<${hex}>`;
  }

  /** The font's objects (none if no text was drawn): Type0 at `ref`, then CIDFont, descriptor, FontFile2, ToUnicode. */
  objects(): UpdateObject[] {
    if (this.used.size === 0) return [];
    const allocate = this.allocate;
    const ref = this.ref;
    const font = this.font;
    const m = font.metrics;
    const gids = [...this.used.keys()].sort((a, b) => a - b);
    const subset = font.subset(gids);
    // The tag names this subset (same glyphs → same tag), six capitals as the PDF spec asks.
    const digest = crypto.createHash('sha256').update(subset).digest();
    const tag = [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
    const baseFont = `${tag}+${m.postscriptName}`;
    const s = (v: number) => Math.round(v * this.scale);

    const [cidNum, descNum, fileNum, cmapNum] = [allocate(), allocate(), allocate(), allocate()];
    const widths: Array<number | PdfArray> = [];
    for (const g of gids) widths.push(g, pdf.array(s(font.advance(g))));
    const fileData = zlib.deflateSync(subset);
    const cmap = toUnicodeCMap(this.used);
    return [
      {
        num: ref.num,
        gen: 0,
        value: pdf.dict({
          Type: pdf.name('Font'),
          Subtype: pdf.name('Type0'),
          BaseFont: pdf.name(baseFont),
          Encoding: pdf.name('Identity-H'),
          DescendantFonts: pdf.array(pdf.ref(cidNum)),
          ToUnicode: pdf.ref(cmapNum),
        }),
      },
      {
        num: cidNum,
        gen: 0,
        value: pdf.dict({
          Type: pdf.name('Font'),
          Subtype: pdf.name('CIDFontType2'),
          BaseFont: pdf.name(baseFont),
          CIDSystemInfo: pdf.dict({ Registry: pdf.text('Adobe'), Ordering: pdf.text('Identity'), Supplement: 0 }),
          FontDescriptor: pdf.ref(descNum),
          DW: s(font.advance(0)),
          W: new PdfArray(widths),
          CIDToGIDMap: pdf.name('Identity'),
        }),
      },
      {
        num: descNum,
        gen: 0,
        value: pdf.dict({
          Type: pdf.name('FontDescriptor'),
          FontName: pdf.name(baseFont),
          Flags: 32,
          FontBBox: pdf.array(...m.bbox.map(s)),
          ItalicAngle: m.italicAngle,
          Ascent: s(m.ascent),
          Descent: s(m.descent),
          CapHeight: s(m.capHeight),
          StemV: 80,
          FontFile2: pdf.ref(fileNum),
        }),
      },
      {
        num: fileNum,
        gen: 0,
        stream: { dict: pdf.dict({ Length1: subset.length, Filter: pdf.name('FlateDecode') }), data: fileData },
      },
      { num: cmapNum, gen: 0, stream: { dict: pdf.dict({ Filter: pdf.name('FlateDecode') }), data: zlib.deflateSync(cmap) } },
    ];
  }
}

function utf16Hex(text: string): string {
  const le = Buffer.from(text, 'utf16le');
  le.swap16();
  return le.toString('hex');
}

/** A /ToUnicode CMap: each glyph id (2-byte code) → its characters, in blocks of at most 100 as the format asks. */
export function toUnicodeCMap(used: Map<number, string>): Buffer {
  const entries = [...used.entries()].sort((a, b) => a[0] - b[0]);
  const lines = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    lines.push(`${block.length} beginbfchar`);
    for (const [gid, text] of block) lines.push(`<${gid.toString(16).padStart(4, '0')}> <${utf16Hex(text)}>`);
    lines.push('endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return Buffer.from(lines.join('\n'), 'latin1');
}
