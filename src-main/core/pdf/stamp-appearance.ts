/**
 * The visible stamp of a signature: a small form XObject that draws the text lines (an embedded subset font,
 * `StampFont`; the title bold) and an optional image on the left. The layout fits the
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

/**
 * The stamp's font (an embedded subset, `core/signing/stamp-font.ts`): real advance widths for the layout, and
 * each text as the string operand that draws it (recording the glyphs it uses).
 */
export interface StampFont {
  /** The font dictionary (written once the layout is done). */
  readonly ref: PdfRef;
  /** Width in 1/1000 em. */
  width(text: string): number;
  /** `<hex>` for Tj. */
  encode(text: string): string;
}

/** The title is drawn bold by stroking the glyph outlines as well as filling them: one embedded font, not two. */
const BOLD_STROKE = 0.04;

function textWidth(font: StampFont, text: string, size: number, bold: boolean): number {
  return (font.width(text) * size) / 1000 + (bold ? size * BOLD_STROKE : 0);
}

function wrap(font: StampFont, text: string, maxWidth: number, size: number, bold: boolean, maxChars = Infinity): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const word of words) {
    const next = cur ? cur + ' ' + word : word;
    if ((textWidth(font, next, size, bold) <= maxWidth && [...next].length <= maxChars) || !cur) cur = next;
    else {
      lines.push(cur);
      cur = word;
    }
  }
  if (cur) lines.push(cur);
  // A single word wider than the box is cut rather than overflowing into the page.
  return lines.map((l) => {
    let chars = [...l];
    while (chars.length > 1 && textWidth(font, chars.join(''), size, bold) > maxWidth) chars = chars.slice(0, -1);
    return chars.join('');
  });
}

const PAD = 2;

/** Returns the content stream and resources of the stamp appearance. */
export function stampAppearance(layout: StampLayout, font: StampFont): { content: Buffer; resources: PdfDict } {
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
  let title: string[] = [];
  let body: string[] = [];
  for (; size >= 3; size -= 0.5) {
    title = layout.title ? wrap(font, layout.title, textW, size, true, layout.wordWrap) : [];
    body = layout.lines.flatMap((l) => wrap(font, l, textW, size, false, layout.wordWrap));
    if ((title.length + body.length) * size * 1.15 <= textH - PAD * 2) break;
  }
  const leading = size * 1.15;
  let y = textH - PAD - size;
  if (title.length + body.length > 0) {
    ops.push(`BT 0 g 0 G /F1 ${f(size)} Tf`);
    for (const [bold, lines] of [
      [true, title],
      [false, body],
    ] as const) {
      if (lines.length > 0) ops.push(bold ? `2 Tr ${f(size * BOLD_STROKE)} w` : '0 Tr');
      for (const line of lines) {
        if (y < PAD - size * 0.2) break;
        ops.push(`1 0 0 1 ${f(textX)} ${f(y)} Tm ${font.encode(line)} Tj`);
        y -= leading;
      }
    }
    ops.push('ET');
  }
  const resources = title.length + body.length > 0 ? pdf.dict({ Font: pdf.dict({ F1: font.ref }) }) : new PdfDict();
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
