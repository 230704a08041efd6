/**
 * The verification report as a designed PDF (A4, Helvetica): a header band, then per file its name as the user
 * knows it (an upload's original name, never the internal upload path), a verdict badge in the verdict's colour,
 * a table of its signatures (signer, time in the user's time zone with the UTC offset, integrity, trust,
 * revocation, verdict), and under each signature its reasons and the changes made after it. Written to a temp
 * file and renamed, so a failure never leaves half a report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import type { FileOutcome, SignatureReport, Verdict } from '../../api/verify';

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 42;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const FOOTER_H = 30;

type Rgb = [number, number, number];
const INK: Rgb = [0.13, 0.15, 0.18];
const MUTED: Rgb = [0.42, 0.45, 0.5];
const RULE: Rgb = [0.82, 0.84, 0.87];
const BAND: Rgb = [0.09, 0.23, 0.4];
const ZEBRA: Rgb = [0.955, 0.965, 0.975];
const VERDICT: Record<Verdict, { word: string; color: Rgb; tint: Rgb }> = {
  valid: { word: 'VÁLIDO', color: [0.11, 0.5, 0.24], tint: [0.9, 0.96, 0.91] },
  invalid: { word: 'NO VÁLIDO', color: [0.7, 0.15, 0.12], tint: [0.99, 0.91, 0.9] },
  indeterminate: { word: 'INDETERMINADO', color: [0.72, 0.45, 0.02], tint: [1, 0.95, 0.86] },
};
const REVOCATION = { good: 'no revocado', revoked: 'REVOCADO', unknown: 'sin dato' } as const;

/** WinAnsi covers Spanish and a few typographic signs; anything else (rare in names) becomes '?'. */
const WIN_ANSI: Record<string, string> = {
  '•': '\x95',
  '…': '\x85',
  '—': '\x97',
  '–': '\x96',
  '−': '-',
  '‘': '\x91',
  '’': '\x92',
  '“': '\x93',
  '”': '\x94',
};
function pdfText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 63;
    const b = c < 256 ? ch : (WIN_ANSI[ch] ?? '?');
    out += b === '(' || b === ')' || b === '\\' ? '\\' + b : b;
  }
  return out;
}

/** Helvetica is about half an em per character on average; bold a little wider. Good enough to fit cells. */
const textWidth = (s: string, size: number, bold = false) => s.length * size * (bold ? 0.56 : 0.5);

function fit(s: string, width: number, size: number, bold = false): string {
  if (textWidth(s, size, bold) <= width) return s;
  const max = Math.max(1, Math.floor(width / (size * (bold ? 0.56 : 0.5))) - 1);
  return s.slice(0, max) + '…';
}

function wrap(s: string, width: number, size: number): string[] {
  const max = Math.max(10, Math.floor(width / (size * 0.5)));
  const out: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/)) {
    if (line && (line + ' ' + word).length > max) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
    while (line.length > max) {
      out.push(line.slice(0, max));
      line = line.slice(max);
    }
  }
  if (line) out.push(line);
  return out;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "30/11/2026 09:15:02 UTC-05:00" in the given IANA time zone (the system's by default). */
export function reportTime(iso: string | Date, timeZone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      ...(timeZone ? { timeZone } : {}),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const zone = String(parts.timeZoneName ?? 'GMT').replace('GMT', 'UTC');
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}:${parts.second} ${zone === 'UTC' ? 'UTC+00:00' : zone}`;
}

/**
 * The name the user picked: browser-mode uploads live at `<data>/uploads/<uuid>/<original name>`, so the name is
 * the last segment; any other path is shown by its file name too (the folder goes in a smaller second line).
 */
export function displayName(file: string): { name: string; folder: string | null } {
  const parts = file.split(/[\\/]/);
  const isUpload = parts.length >= 3 && parts[parts.length - 3] === 'uploads' && /^[0-9a-f-]{36}$/i.test(parts[parts.length - 2] ?? '');
  return { name: parts[parts.length - 1] || file, folder: isUpload ? null : path.dirname(file) };
}

/** A page's content stream under construction, drawing from the top (y grows downwards here). */
class Canvas {
  ops: string[] = [];
  y = 0;
  private fill(c: Rgb): string {
    return `${c.map((v) => v.toFixed(3)).join(' ')} rg`;
  }
  private stroke(c: Rgb): string {
    return `${c.map((v) => v.toFixed(3)).join(' ')} RG`;
  }
  text(x: number, top: number, s: string, size: number, opts: { bold?: boolean; color?: Rgb } = {}): void {
    const font = opts.bold ? 'F2' : 'F1';
    this.ops.push(
      `${this.fill(opts.color ?? INK)} BT /${font} ${size} Tf ${x.toFixed(1)} ${(PAGE_H - top - size).toFixed(1)} Td (${pdfText(s)}) Tj ET`,
    );
  }
  rect(x: number, top: number, w: number, h: number, color: Rgb, radius = 0): void {
    const y = PAGE_H - top - h;
    if (!radius) {
      this.ops.push(`${this.fill(color)} ${x.toFixed(1)} ${y.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)} re f`);
      return;
    }
    const r = Math.min(radius, h / 2, w / 2);
    const k = r * 0.5523;
    const p = (a: number, b: number) => `${a.toFixed(1)} ${b.toFixed(1)}`;
    this.ops.push(
      `${this.fill(color)} ${p(x + r, y)} m ${p(x + w - r, y)} l ${p(x + w - r + k, y)} ${p(x + w, y + r - k)} ${p(x + w, y + r)} c ` +
        `${p(x + w, y + h - r)} l ${p(x + w, y + h - r + k)} ${p(x + w - r + k, y + h)} ${p(x + w - r, y + h)} c ` +
        `${p(x + r, y + h)} l ${p(x + r - k, y + h)} ${p(x, y + h - r + k)} ${p(x, y + h - r)} c ` +
        `${p(x, y + r)} l ${p(x, y + r - k)} ${p(x + r - k, y)} ${p(x + r, y)} c f`,
    );
  }
  line(x1: number, top: number, x2: number, color: Rgb = RULE, width = 0.6): void {
    const y = (PAGE_H - top).toFixed(1);
    this.ops.push(`${this.stroke(color)} ${width} w ${x1.toFixed(1)} ${y} m ${x2.toFixed(1)} ${y} l S`);
  }
}

type Column = { title: string; width: number; value: (s: SignatureReport, n: number) => string; color?: (s: SignatureReport) => Rgb };

export type ReportOptions = { timeZone?: string | undefined };

function columns(timeZone: string | undefined): Column[] {
  return [
    { title: '#', width: 18, value: (_s, n) => String(n) },
    {
      title: 'Firmante',
      width: 124,
      value: (s) => (s.kind === 'document-timestamp' ? 'Sello de tiempo del documento' : (s.signer?.name ?? 'desconocido')),
    },
    {
      title: 'Hora',
      width: 144,
      value: (s) => {
        const t = s.timestamp?.time ?? s.claimedTime;
        return t ? reportTime(t, timeZone) : '—';
      },
    },
    { title: 'Íntegra', width: 40, value: (s) => (s.intact ? 'sí' : 'NO'), color: (s) => (s.intact ? INK : VERDICT.invalid.color) },
    { title: 'Confianza', width: 50, value: (s) => (s.trusted ? 'sí' : 'no') },
    {
      title: 'Revocación',
      width: 58,
      value: (s) => REVOCATION[s.revocation.status],
      color: (s) => (s.revocation.status === 'revoked' ? VERDICT.invalid.color : INK),
    },
    { title: 'Veredicto', width: CONTENT_W - 434, value: (s) => VERDICT[s.verdict].word, color: (s) => VERDICT[s.verdict].color },
  ];
}

/** Lays the report out on as many pages as it needs. */
function layout(outcomes: FileOutcome[], now: Date, options: ReportOptions): Canvas[] {
  const pages: Canvas[] = [];
  let c = new Canvas();
  const cols = columns(options.timeZone);
  const newPage = (): void => {
    c = new Canvas();
    pages.push(c);
    c.rect(0, 0, PAGE_W, 64, BAND);
    c.text(MARGIN, 18, 'Informe de verificación de firmas', 16, { bold: true, color: [1, 1, 1] });
    c.text(MARGIN, 40, `Casilla Desktop · generado el ${reportTime(now, options.timeZone)}`, 8.5, { color: [0.85, 0.9, 0.96] });
    c.y = 86;
  };
  const need = (h: number): void => {
    if (c.y + h > PAGE_H - MARGIN - FOOTER_H) newPage();
  };
  newPage();

  const counts = { valid: 0, invalid: 0, indeterminate: 0, unreadable: 0 };
  for (const o of outcomes)
    if (o.report) counts[o.report.verdict]++;
    else counts.unreadable++;
  const summary = [
    plural(outcomes.length, 'archivo', 'archivos'),
    counts.valid ? plural(counts.valid, 'válido', 'válidos') : '',
    counts.invalid ? plural(counts.invalid, 'no válido', 'no válidos') : '',
    counts.indeterminate ? plural(counts.indeterminate, 'indeterminado', 'indeterminados') : '',
    counts.unreadable ? plural(counts.unreadable, 'ilegible', 'ilegibles') : '',
  ].filter(Boolean);
  c.text(MARGIN, c.y, summary.join(' · '), 10, { color: MUTED });
  c.y += 22;

  for (const o of outcomes) {
    const name = displayName(o.file);
    need(90);
    c.line(MARGIN, c.y, PAGE_W - MARGIN, RULE, 1);
    c.y += 10;
    const verdict = o.report ? VERDICT[o.report.verdict] : VERDICT.invalid;
    const badge = o.report ? verdict.word : 'NO SE PUDO LEER';
    const badgeW = badge.length * 9 * 0.7 + 18;
    c.rect(PAGE_W - MARGIN - badgeW, c.y - 1, badgeW, 18, verdict.color, 9);
    c.text(PAGE_W - MARGIN - badgeW + 9, c.y + 3.5, badge, 9, { bold: true, color: [1, 1, 1] });
    c.text(MARGIN, c.y, fit(name.name, CONTENT_W - badgeW - 12, 12.5, true), 12.5, { bold: true });
    c.y += 18;
    if (name.folder) {
      c.text(MARGIN, c.y, fit(name.folder, CONTENT_W, 7.5), 7.5, { color: MUTED });
      c.y += 11;
    }
    if (!o.report) {
      for (const l of wrap(`${o.error.message} [${o.error.code}]`, CONTENT_W, 9)) {
        c.text(MARGIN, c.y, l, 9, { color: VERDICT.invalid.color });
        c.y += 12;
      }
      c.y += 10;
      continue;
    }
    const r = o.report;
    c.text(MARGIN, c.y, `${plural(r.revisions, 'revisión', 'revisiones')} · ${plural(r.signatures.length, 'firma', 'firmas')}`, 9, {
      color: MUTED,
    });
    c.y += 16;
    if (r.signatures.length === 0) {
      for (const reason of r.reasons)
        for (const l of wrap(reason.message, CONTENT_W, 9)) {
          c.text(MARGIN, c.y, l, 9);
          c.y += 12;
        }
      c.y += 8;
      continue;
    }
    const header = (): void => {
      c.rect(MARGIN, c.y, CONTENT_W, 16, [0.91, 0.93, 0.95]);
      let x = MARGIN + 4;
      for (const col of cols) {
        c.text(x, c.y + 4, col.title, 7.5, { bold: true, color: MUTED });
        x += col.width;
      }
      c.y += 16;
    };
    need(40);
    header();
    r.signatures.forEach((s, i) => {
      const notes = [
        ...s.reasons.map((x) => ({ text: x.message, color: INK, mark: '•' })),
        ...s.changes.map((ch) => ({
          text: `Revisión ${ch.revision}, ${ch.object}: ${ch.message}`,
          color: ch.allowed ? VERDICT.valid.color : VERDICT.invalid.color,
          mark: ch.allowed ? 'permitido' : 'NO PERMITIDO',
        })),
      ];
      const noteLines = notes.flatMap((n) =>
        wrap(`${n.mark === '•' ? '• ' : `[${n.mark}] `}${n.text}`, CONTENT_W - 30, 7.5).map((l) => ({ l, color: n.color })),
      );
      if (c.y + 18 + Math.min(noteLines.length, 6) * 10 > PAGE_H - MARGIN - FOOTER_H) {
        newPage();
        header();
      }
      const rowH = 18;
      if (i % 2 === 1) c.rect(MARGIN, c.y, CONTENT_W, rowH, ZEBRA);
      let x = MARGIN + 4;
      for (const col of cols) {
        const bold = col.title === 'Veredicto';
        c.text(x, c.y + 5, fit(col.value(s, i + 1), col.width - 6, 8, bold), 8, { bold, color: col.color?.(s) ?? INK });
        x += col.width;
      }
      c.y += rowH;
      const issuer = s.signer
        ? `Emitido por ${s.signer.issuer}${s.signer.id ? ` · ${s.signer.id}` : ''} · campo «${s.field}»${s.page ? `, página ${s.page}` : ''} · revisión ${s.revision} · ${s.level}`
        : `campo «${s.field}» · revisión ${s.revision}`;
      c.text(MARGIN + 22, c.y, fit(issuer, CONTENT_W - 26, 7), 7, { color: MUTED });
      c.y += 11;
      for (const n of noteLines) {
        need(10);
        c.text(MARGIN + 22, c.y, n.l, 7.5, { color: n.color });
        c.y += 10;
      }
      c.line(MARGIN, c.y + 2, PAGE_W - MARGIN);
      c.y += 6;
    });
    c.y += 14;
  }
  pages.forEach((p, i) => {
    p.line(MARGIN, PAGE_H - MARGIN - 8, PAGE_W - MARGIN);
    p.text(
      MARGIN,
      PAGE_H - MARGIN,
      'Verificación PAdES: integridad, firma, cadena de confianza, hora, revocación y cambios posteriores.',
      7,
      { color: MUTED },
    );
    const label = `página ${i + 1} de ${pages.length}`;
    p.text(PAGE_W - MARGIN - textWidth(label, 7), PAGE_H - MARGIN, label, 7, { color: MUTED });
  });
  return pages;
}

/** Writes the report atomically and returns its size in bytes. */
export function writeReportPdf(outcomes: FileOutcome[], output: string, now = new Date(), options: ReportOptions = {}): number {
  const pages = layout(outcomes, now, options);
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const info = add(`<< /Title (${pdfText('Informe de verificación de firmas')}) /Producer (Casilla Desktop) >>`);
  const pageNums: number[] = [];
  for (const p of pages) {
    const content = p.ops.join('\n') + '\n';
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`);
    pageNums.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 ${font} 0 R /F2 ${bold} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
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
  body += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
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
