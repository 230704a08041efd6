/**
 * The visible stamp of a signature: a small form XObject that draws the text lines (standard Helvetica, no
 * embedded font, so it stays a few hundred bytes) and an optional image on the left. The layout fits the
 * text to the box: lines wrap at the box width and the font shrinks until everything fits.
 */
import { PdfDict, PdfName, PdfRef } from './pdf-objects';
import { pdf } from './pdf-serializer';

export type StampLayout = {
  width: number;
  height: number;
  /** First line, drawn in bold ("Firmado digitalmente por", "V°B°"). */
  title: string;
  lines: string[];
  /** An image XObject to draw on the left part of the box (above the text when `arrangement` is vertical). */
  image?: { ref: PdfRef; width: number; height: number };
  /** Image beside the text (default) or above it (Firma Perú's style 2). */
  arrangement?: 'horizontal' | 'vertical';
  /** Largest font size to try (the text shrinks from it until it fits); default 9. */
  maxFontSize?: number;
  /** Wrap lines at this many characters as well as at the box width (Firma Perú's stampWordWrap). */
  wordWrap?: number;
};

const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
};

/** Text as WinAnsiEncoding bytes; characters the encoding lacks become '?'. */
export function winAnsi(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0x3f;
    const extra = WIN_ANSI_EXTRA[ch];
    if (extra !== undefined) out.push(extra);
    else if ((cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp <= 0xff)) out.push(cp);
    else out.push(0x3f);
  }
  return Buffer.from(out);
}

/** Approximate Helvetica advance widths (1/1000 em) by character class; enough to wrap without overflow. */
function charWidth(c: number, bold: boolean): number {
  let w: number;
  if (c === 0x20) w = 278;
  else if (c >= 0x30 && c <= 0x39) w = 556;
  else if ((c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde)) w = c === 0x49 ? 278 : c === 0x4d || c === 0x57 ? 833 : 722;
  else if ((c >= 0x61 && c <= 0x7a) || c >= 0xdf)
    w = c === 0x69 || c === 0x6a || c === 0x6c ? 222 : c === 0x6d || c === 0x77 ? 833 : c === 0x66 || c === 0x74 || c === 0x72 ? 333 : 556;
  else w = 333;
  return bold ? w * 1.08 : w;
}

export function textWidth(bytes: Buffer, size: number, bold = false): number {
  let w = 0;
  for (const c of bytes) w += charWidth(c, bold);
  return (w * size) / 1000;
}

function wrap(text: string, maxWidth: number, size: number, bold: boolean, maxChars = Infinity): Buffer[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: Buffer[] = [];
  let cur = '';
  for (const word of words) {
    const next = cur ? cur + ' ' + word : word;
    if ((textWidth(winAnsi(next), size, bold) <= maxWidth && next.length <= maxChars) || !cur) cur = next;
    else {
      lines.push(winAnsi(cur));
      cur = word;
    }
  }
  if (cur) lines.push(winAnsi(cur));
  // A single word wider than the box is cut rather than overflowing into the page.
  return lines.map((l) => {
    let b = l;
    while (b.length > 1 && textWidth(b, size, bold) > maxWidth) b = b.subarray(0, b.length - 1);
    return b;
  });
}

const PAD = 2;

/** Returns the content stream and resources of the stamp appearance. */
export function stampAppearance(layout: StampLayout): { content: Buffer; resources: PdfDict } {
  const { width, height } = layout;
  let textX = PAD;
  // The text area's height (below the image when vertical).
  let textH = height;
  const ops: string[] = [];
  const xobjects = new PdfDict();
  const hasText = layout.lines.length > 0 || layout.title !== '';
  if (layout.image && layout.image.width > 0 && layout.image.height > 0) {
    const vertical = layout.arrangement === 'vertical' && hasText;
    const boxW = hasText && !vertical ? width * 0.35 : width;
    const boxH = vertical ? height * 0.45 : height;
    const scale = Math.min((boxW - PAD * 2) / layout.image.width, (boxH - PAD * 2) / layout.image.height);
    const w = layout.image.width * scale;
    const h = layout.image.height * scale;
    const y0 = vertical ? height - boxH + (boxH - h) / 2 : (height - h) / 2;
    ops.push(`q ${f(w)} 0 0 ${f(h)} ${f(PAD + (boxW - PAD * 2 - w) / 2)} ${f(y0)} cm /Im1 Do Q`);
    xobjects.set('Im1', layout.image.ref);
    if (vertical) textH = height - boxH;
    else textX = boxW + PAD;
  }
  const textW = Math.max(1, width - textX - PAD);
  let size = layout.maxFontSize ?? 9;
  let title: Buffer[] = [];
  let body: Buffer[] = [];
  for (; size >= 3; size -= 0.5) {
    title = layout.title ? wrap(layout.title, textW, size, true, layout.wordWrap) : [];
    body = layout.lines.flatMap((l) => wrap(l, textW, size, false, layout.wordWrap));
    if ((title.length + body.length) * size * 1.15 <= textH - PAD * 2) break;
  }
  const leading = size * 1.15;
  let y = textH - PAD - size;
  if (title.length + body.length > 0) {
    ops.push('BT 0 g');
    for (const [font, lines] of [
      ['F2', title],
      ['F1', body],
    ] as const) {
      for (const line of lines) {
        if (y < PAD - size * 0.2) break;
        ops.push(`/${font} ${f(size)} Tf 1 0 0 1 ${f(textX)} ${f(y)} Tm <${line.toString('hex')}> Tj`);
        y -= leading;
      }
    }
    ops.push('ET');
  }
  const font = (base: string) =>
    pdf.dict({
      Type: new PdfName('Font'),
      Subtype: new PdfName('Type1'),
      BaseFont: new PdfName(base),
      Encoding: new PdfName('WinAnsiEncoding'),
    });
  const resources = pdf.dict({ Font: pdf.dict({ F1: font('Helvetica'), F2: font('Helvetica-Bold') }) });
  if (xobjects.entries.size) resources.set('XObject', xobjects);
  return { content: Buffer.from(ops.join('\n'), 'latin1'), resources };
}

function f(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

/** The form XObject dictionary for an appearance of this size. */
export function formXObjectDict(width: number, height: number, resources: PdfDict): PdfDict {
  return pdf.dict({
    Type: new PdfName('XObject'),
    Subtype: new PdfName('Form'),
    BBox: pdf.array(0, 0, width, height),
    Resources: resources,
  });
}
