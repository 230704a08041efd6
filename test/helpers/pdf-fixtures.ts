/**
 * Test inputs generated at test time: a plain PDF written here (classic xref table), and variants made by
 * third-party tools (qpdf with object and xref streams, mutool with a signature field, pdfsig-signed).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a simple PDF with `pages` pages of text; `paddingBytes` adds an incompressible image XObject so the
 * file reaches a given size (benchmarks), streamed to disk in chunks.
 */
export function writePlainPdf(file: string, options: { pages?: number; paddingBytes?: number; title?: string } = {}): string {
  const pages = options.pages ?? 2;
  const padding = options.paddingBytes ?? 0;
  const fd = fs.openSync(file, 'w');
  let offset = 0;
  const offsets: number[] = [];
  const write = (s: string | Buffer): void => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    fs.writeSync(fd, b);
    offset += b.length;
  };
  const obj = (num: number, body: string): void => {
    offsets[num] = offset;
    write(`${num} 0 obj\n${body}\nendobj\n`);
  };
  write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  // 1 catalog, 2 pages, 3 font, 4 padding image, then page/content pairs.
  const pageNums = Array.from({ length: pages }, (_, i) => 5 + i * 2);
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, `<< /Type /Pages /Kids [${pageNums.map((n) => `${n} 0 R`).join(' ')}] /Count ${pages} >>`);
  obj(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  // The padding image: random bytes, written 1 MB at a time.
  const side = Math.max(1, Math.ceil(Math.sqrt(padding / 3)));
  const imgLen = padding > 0 ? side * side * 3 : 3;
  offsets[4] = offset;
  write(
    `4 0 obj\n<< /Type /XObject /Subtype /Image /Width ${padding > 0 ? side : 1} /Height ${padding > 0 ? side : 1} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${imgLen} >>\nstream\n`,
  );
  for (let left = imgLen; left > 0; left -= 1 << 20) write(crypto.randomBytes(Math.min(left, 1 << 20)));
  write('\nendstream\nendobj\n');
  pageNums.forEach((n, i) => {
    const text =
      `BT /F1 18 Tf 72 720 Td (${options.title ?? 'Documento de prueba'} - pagina ${i + 1}) Tj ET` +
      (i === 0 && padding > 0 ? '\nq 100 0 0 100 72 500 cm /Im1 Do Q' : '');
    obj(
      n,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> /Contents ${n + 1} 0 R >>`,
    );
    obj(n + 1, `<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
  });
  const size = 5 + pages * 2;
  const xref = offset;
  let table = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) table += `${String(offsets[n] ?? 0).padStart(10, '0')} 00000 n \n`;
  write(table + `trailer\n<< /Size ${size} /Root 1 0 R /ID [<${'ab'.repeat(16)}> <${'ab'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`);
  fs.closeSync(fd);
  return file;
}

/** qpdf rewrite with object streams and a cross-reference stream. */
export function withXrefStreams(input: string, output: string): string {
  execFileSync('qpdf', ['--object-streams=generate', input, output]);
  return output;
}

/** A PDF with an empty signature field "FirmaJefe" on page 1, made by mutool (an independent writer). */
export function withEmptySignatureField(
  input: string,
  output: string,
  name = 'FirmaJefe',
  options: { separateWidget?: boolean } = {},
): string {
  const script = path.join(path.dirname(output), `add-field-${process.pid}.js`);
  fs.writeFileSync(
    script,
    `var pdf = new PDFDocument(${JSON.stringify(output)});
var page = pdf.findPage(0);
var acro = pdf.getTrailer().Root.AcroForm;
if (!acro || acro.isNull()) { acro = pdf.addObject(pdf.newDictionary()); pdf.getTrailer().Root.AcroForm = acro; acro.Fields = pdf.newArray(); }
var field = pdf.addObject(pdf.newDictionary());
field.FT = pdf.newName('Sig'); field.T = pdf.newString(${JSON.stringify(name)});
var widget = ${options.separateWidget ? 'pdf.addObject(pdf.newDictionary())' : 'field'};
widget.Type = pdf.newName('Annot'); widget.Subtype = pdf.newName('Widget'); widget.F = 4; widget.P = page;
widget.Rect = pdf.newArray(); widget.Rect.push(300); widget.Rect.push(100); widget.Rect.push(520); widget.Rect.push(170);
${options.separateWidget ? 'widget.Parent = field; field.Kids = pdf.newArray(); field.Kids.push(widget);' : ''}
acro.Fields.push(field);
if (!page.Annots || page.Annots.isNull()) page.Annots = pdf.newArray();
page.Annots.push(widget);
pdf.save(${JSON.stringify(output)}, 'incremental');
`,
  );
  // Incremental save needs the output to start as a copy of the input.
  fs.copyFileSync(input, output);
  execFileSync('mutool', ['run', script]);
  fs.rmSync(script, { force: true });
  return output;
}
