/**
 * The verification report as a PDF: the same Spanish lines as the terminal report (report-text.ts), set in
 * Helvetica on A4 pages, with a title and the generation time. Written to a temp file and renamed, so a
 * failure never leaves half a report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import type { FileOutcome } from '../../api/verify';
import { formatOutcome } from './report-text';

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 48;
const SIZE = 9;
const LEADING = 12;
const MAX_CHARS = 105;
const LINES_PER_PAGE = Math.floor((PAGE_H - 2 * MARGIN - 30) / LEADING);

/** WinAnsi covers Spanish; anything else (rare in names) becomes '?'. Parentheses and backslashes are escaped. */
function pdfText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 63;
    const b = c < 256 ? ch : ch === '—' ? '-' : ch === '·' ? '\u00b7' : ch === '«' || ch === '»' ? ch : '?';
    out += b === '(' || b === ')' || b === '\\' ? '\\' + b : b;
  }
  return out;
}

function wrap(line: string): string[] {
  if (line.length <= MAX_CHARS) return [line];
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const out: string[] = [];
  let rest = line;
  while (rest.length > MAX_CHARS) {
    let cut = rest.lastIndexOf(' ', MAX_CHARS);
    if (cut <= indent.length) cut = MAX_CHARS;
    out.push(rest.slice(0, cut));
    rest = indent + '  ' + rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

/** Writes the report atomically and returns its size in bytes. */
export function writeReportPdf(outcomes: FileOutcome[], output: string, now = new Date()): number {
  const lines = outcomes.flatMap((o) => [...formatOutcome(o).split('\n').flatMap(wrap), '']);
  const pages: string[][] = [];
  for (let i = 0; i < Math.max(1, lines.length); i += LINES_PER_PAGE) pages.push(lines.slice(i, i + LINES_PER_PAGE));
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const pageNums: number[] = [];
  pages.forEach((pageLines, p) => {
    let content = `BT /F2 13 Tf ${MARGIN} ${PAGE_H - MARGIN} Td (${pdfText('Informe de verificación de firmas')}) Tj ET\n`;
    content += `BT /F1 8 Tf ${MARGIN} ${PAGE_H - MARGIN - 14} Td (${pdfText(`Casilla Desktop - ${now.toISOString()} - página ${p + 1} de ${pages.length}`)}) Tj ET\n`;
    content += `BT /F1 ${SIZE} Tf ${LEADING} TL ${MARGIN} ${PAGE_H - MARGIN - 34} Td\n`;
    for (const l of pageLines) content += `(${pdfText(l)}) Tj T*\n`;
    content += 'ET\n';
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`);
    pageNums.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 ${font} 0 R /F2 ${bold} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${pageNums.map((n) => `${n} 0 R`).join(' ')}] /Count ${pageNums.length} >>`;
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const tmp = path.join(path.dirname(path.resolve(output)), `.${path.basename(output)}.${process.pid}.tmp`);
  const bytes = Buffer.from(body, 'latin1');
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, output);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return bytes.length;
}

/**
 * Where the app keeps a report when the caller names no file: `<home>/reports/informe-verificacion-<time>.pdf`.
 * The ISO time has its colons and dot replaced, as Windows forbids ':' in file names.
 */
export function defaultReportPath(home: string, now = new Date()): string {
  return path.join(home, 'reports', `informe-verificacion-${now.toISOString().replace(/[:.]/g, '-')}.pdf`);
}

/** The report for the app: refuses to overwrite a verified file, creates the folder, and says in Spanish what failed. */
export function saveReportPdf(
  outcomes: FileOutcome[],
  inputs: readonly string[],
  output: string,
  now = new Date(),
): { output: string; bytes: number } {
  const target = path.resolve(output);
  if (inputs.some((f) => path.resolve(f) === target))
    throw new AppError('VERIFY_OUTPUT_SAME_AS_INPUT', 'El archivo de salida no puede ser el mismo que el de entrada.');
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    return { output: target, bytes: writeReportPdf(outcomes, target, now) };
  } catch (err: unknown) {
    throw new AppError('VERIFY_REPORT_UNWRITABLE', `No se pudo escribir el informe ${target}.`, { output: target }, { cause: err });
  }
}
