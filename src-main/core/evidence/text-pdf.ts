/**
 * A small, real PDF of text lines written by hand: a catalog, pages, the standard Helvetica in WinAnsi (so
 * Spanish accents print; anything outside Latin-1 becomes '?'), one content stream per page and an exact xref
 * table, so `qpdf --check` accepts it and a signer can append an incremental update. Used by the constancia
 * de envío (core/evidence) and by the sandbox's delivery receipt.
 */

export type TextLine = { text: string; size: number };

export type TextPdfOptions = {
  title: string;
  producer: string;
  /** Where the first line starts, in points from the page's bottom-left corner (A4). */
  left: number;
  top: number;
  /** Distance between lines as a multiple of the next line's font size. */
  leading: number;
  /** Lines per page; more lines make more pages. */
  linesPerPage: number;
};

/** A PDF literal string in Latin-1 for WinAnsi; parentheses and backslashes escaped. */
export function pdfTextString(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const c = code >= 0x20 && code <= 0xff ? ch : '?';
    out += c === '(' || c === ')' || c === '\\' ? '\\' + c : c;
  }
  return `(${out})`;
}

/** At most `max` characters, the cut marked with "...". */
export function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 3).join('') + '...' : text;
}

export function buildTextPdf(lines: readonly TextLine[], o: TextPdfOptions): Buffer {
  const perPage = Math.max(1, Math.floor(o.linesPerPage));
  const pages: (typeof lines)[] = [];
  for (let i = 0; i < lines.length; i += perPage) pages.push(lines.slice(i, i + perPage));
  if (pages.length === 0) pages.push([]);
  // Objects: 1 catalog, 2 pages, 3 font, 4 info, then per page: page, content.
  const objects: (string | Buffer)[] = [];
  const kids = pages.map((_, i) => `${5 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  objects.push(`<< /Producer ${pdfTextString(o.producer)} /Title ${pdfTextString(o.title)} >>`);
  for (const [i, page] of pages.entries()) {
    let content = `BT\n${o.left} ${o.top} Td\n`;
    for (const [k, line] of page.entries()) {
      if (k > 0) content += `0 -${Math.round(line.size * o.leading)} Td\n`;
      content += `/F1 ${line.size} Tf\n${pdfTextString(line.text)} Tj\n`;
    }
    content += 'ET\n';
    const bytes = Buffer.from(content, 'latin1');
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${6 + i * 2} 0 R >>`,
    );
    objects.push(
      Buffer.concat([Buffer.from(`<< /Length ${bytes.length} >>\nstream\n`, 'latin1'), bytes, Buffer.from('\nendstream', 'latin1')]),
    );
  }
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(chunk);
    offset += chunk.length;
  });
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) xref += `${String(off).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}
