/**
 * The verification report as a designed PDF (A4, Helvetica), in the user's language (Spanish by default,
 * English): a header band with the institution's logo and name (the app's own mark when none is set), then per
 * file its name as the user knows it (an upload's original name, never the internal upload path), a verdict
 * badge in the verdict's colour, a table of its signatures (signer, time in the user's time zone with the UTC
 * offset, integrity, trust, revocation, verdict), under each signature its reasons, the changes made after it,
 * and thumbnails of its page as signed and, when it changed later, as it is now (vector copies of the pages,
 * `report-thumbnails.ts`). Written to a temp file and renamed, so a failure never leaves half a report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import type { FileOutcome, SignatureReport, Verdict } from '../../api/verify';
import { resourcesDir } from '../resources';
import { logoImage, type PdfImage } from './report-logo';
import { ThumbnailSource, THUMB_LIMITS, type ObjectSink, type Thumb } from './report-thumbnails';
import { changeMessage, countOf, reasonText, reportTime, reportWords, type ReportLang, type ReportWords } from './report-words';

export { reportTime } from './report-words';

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 42;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const FOOTER_H = 30;
const BAND_H = 78;

type Rgb = [number, number, number];
const INK: Rgb = [0.13, 0.15, 0.18];
const MUTED: Rgb = [0.42, 0.45, 0.5];
const RULE: Rgb = [0.82, 0.84, 0.87];
const BAND: Rgb = [0.09, 0.23, 0.4];
const ZEBRA: Rgb = [0.955, 0.965, 0.975];
const WHITE: Rgb = [1, 1, 1];
const VERDICT: Record<Verdict, { color: Rgb; tint: Rgb }> = {
  valid: { color: [0.11, 0.5, 0.24], tint: [0.9, 0.96, 0.91] },
  invalid: { color: [0.7, 0.15, 0.12], tint: [0.99, 0.91, 0.9] },
  indeterminate: { color: [0.72, 0.45, 0.02], tint: [1, 0.95, 0.86] },
};

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
  const max = Math.max(4, Math.floor(width / (size * 0.5)));
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

/**
 * The name the user picked: browser-mode uploads live at `<data>/uploads/<uuid>/<original name>`, so the name is
 * the last segment; any other path is shown by its file name too (the folder goes in a smaller second line).
 */
export function displayName(file: string): { name: string; folder: string | null } {
  const parts = file.split(/[\\/]/);
  const isUpload = parts.length >= 3 && parts[parts.length - 3] === 'uploads' && /^[0-9a-f-]{36}$/i.test(parts[parts.length - 2] ?? '');
  return { name: parts[parts.length - 1] || file, folder: isUpload ? null : path.dirname(file) };
}

const f3 = (v: number) => v.toFixed(3);
const f1 = (v: number) => v.toFixed(1);

/** A page's content stream under construction, drawing from the top (y grows downwards here). */
class Canvas {
  ops: string[] = [];
  y = 0;
  /** XObjects this page draws (name → object number). */
  xobjects = new Map<string, number>();
  private fill(c: Rgb): string {
    return `${c.map(f3).join(' ')} rg`;
  }
  private stroke(c: Rgb): string {
    return `${c.map(f3).join(' ')} RG`;
  }
  text(x: number, top: number, s: string, size: number, opts: { bold?: boolean; color?: Rgb } = {}): void {
    const font = opts.bold ? 'F2' : 'F1';
    this.ops.push(`${this.fill(opts.color ?? INK)} BT /${font} ${size} Tf ${f1(x)} ${f1(PAGE_H - top - size)} Td (${pdfText(s)}) Tj ET`);
  }
  private path(x: number, top: number, w: number, h: number, radius: number): string {
    const y = PAGE_H - top - h;
    if (!radius) return `${f1(x)} ${f1(y)} ${f1(w)} ${f1(h)} re`;
    const r = Math.min(radius, h / 2, w / 2);
    const k = r * 0.5523;
    const p = (a: number, b: number) => `${f1(a)} ${f1(b)}`;
    return (
      `${p(x + r, y)} m ${p(x + w - r, y)} l ${p(x + w - r + k, y)} ${p(x + w, y + r - k)} ${p(x + w, y + r)} c ` +
      `${p(x + w, y + h - r)} l ${p(x + w, y + h - r + k)} ${p(x + w - r + k, y + h)} ${p(x + w - r, y + h)} c ` +
      `${p(x + r, y + h)} l ${p(x + r - k, y + h)} ${p(x, y + h - r + k)} ${p(x, y + h - r)} c ` +
      `${p(x, y + r)} l ${p(x, y + r - k)} ${p(x + r - k, y)} ${p(x + r, y)} c h`
    );
  }
  rect(x: number, top: number, w: number, h: number, color: Rgb, radius = 0): void {
    this.ops.push(`${this.fill(color)} ${this.path(x, top, w, h, radius)} f`);
  }
  frame(x: number, top: number, w: number, h: number, color: Rgb, width: number): void {
    this.ops.push(`${this.stroke(color)} ${width} w ${this.path(x, top, w, h, 0)} S`);
  }
  line(x1: number, top: number, x2: number, color: Rgb = RULE, width = 0.6): void {
    const y = f1(PAGE_H - top);
    this.ops.push(`${this.stroke(color)} ${width} w ${f1(x1)} ${y} m ${f1(x2)} ${y} l S`);
  }
  /**
   * Draws XObject `num` (of natural size w×h) scaled to fit the box, centred, clipped to the box. An image
   * XObject fills the unit square (`unit`); a form is drawn in its own units.
   */
  image(num: number, w: number, h: number, x: number, top: number, bw: number, bh: number, unit = false): void {
    const name = `X${num}`;
    this.xobjects.set(name, num);
    const s = Math.min(bw / w, bh / h);
    const dw = w * s;
    const dh = h * s;
    const px = x + (bw - dw) / 2;
    const py = PAGE_H - top - bh + (bh - dh) / 2;
    const [sx, sy] = unit ? [dw, dh] : [s, s];
    this.ops.push(`q ${this.path(x, top, bw, bh, 0)} W n ${f3(sx)} 0 0 ${f3(sy)} ${f1(px)} ${f1(py)} cm /${name} Do Q`);
  }
}

/** The app's own mark for the header when no institution logo is set: the icon shipped in resources/icons. */
function appMark(): Buffer | null {
  try {
    return fs.readFileSync(path.join(resourcesDir(), 'icons', '256x256.png'));
  } catch {
    return null;
  }
}

export type ReportOptions = {
  timeZone?: string | undefined;
  /** es (default) or en. */
  lang?: ReportLang | undefined;
  /** The institution's name in the header. */
  institution?: string | undefined;
  /** The institution's logo (PNG or JPEG bytes, checked by report-logo.ts); the app's mark when absent. */
  logo?: Buffer | null | undefined;
  /** Page thumbnails under each signature (default true). */
  thumbnails?: boolean | undefined;
};

type Column = {
  title: string;
  width: number;
  value: (s: SignatureReport, n: number) => string;
  color?: (s: SignatureReport) => Rgb;
  bold?: boolean;
};

function columns(w: ReportWords, timeZone: string | undefined): Column[] {
  return [
    { title: '#', width: 18, value: (_s, n) => String(n) },
    {
      title: w.col.signer,
      width: 124,
      value: (s) => (s.kind === 'document-timestamp' ? w.docTimestamp : (s.signer?.name ?? w.unknownSigner)),
    },
    {
      title: w.col.time,
      width: 144,
      value: (s) => {
        const t = s.timestamp?.time ?? s.claimedTime;
        return t ? reportTime(t, timeZone) : '—';
      },
    },
    { title: w.col.intact, width: 40, value: (s) => (s.intact ? w.yes : w.NO), color: (s) => (s.intact ? INK : VERDICT.invalid.color) },
    { title: w.col.trusted, width: 50, value: (s) => (s.trusted ? w.yes : w.no) },
    {
      title: w.col.revocation,
      width: 58,
      value: (s) => w.revocationShort[s.revocation.status],
      color: (s) => (s.revocation.status === 'revoked' ? VERDICT.invalid.color : INK),
    },
    {
      title: w.col.verdict,
      width: CONTENT_W - 434,
      value: (s) => w.verdict[s.verdict],
      color: (s) => VERDICT[s.verdict].color,
      bold: true,
    },
  ];
}

/** One page shown for a signature: as signed and, when it changed afterwards, as it is now. */
type ThumbRow = { page: number; signed: Thumb; now: Thumb | null; changed: boolean | null };
type SignatureThumbs = { rows: ThumbRow[]; more: number };

/** The report's object table; numbers are 1-based. Thumbnails write into it directly (and roll back on failure). */
class ObjectTable implements ObjectSink {
  readonly bodies: Array<Buffer | null> = [];
  reserve(): number {
    return this.bodies.push(null);
  }
  set(num: number, body: Buffer | string): void {
    this.bodies[num - 1] = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  }
  add(body: Buffer | string): number {
    const n = this.reserve();
    this.set(n, body);
    return n;
  }
  size(): number {
    return this.bodies.length;
  }
  truncate(size: number): void {
    this.bodies.length = size;
  }
  stream(dict: string, data: Buffer): number {
    return this.add(
      Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]),
    );
  }
}

/** Which pages a signature's thumbnails show: its own (or the first), then those its later changes name. */
function pagesFor(s: SignatureReport): { pages: number[]; more: number } {
  const all = [s.page ?? 1];
  for (const c of s.changes) if (c.params?.page !== undefined && !all.includes(c.params.page)) all.push(c.params.page);
  return { pages: all.slice(0, THUMB_LIMITS.pagesPerSignature), more: Math.max(0, all.length - THUMB_LIMITS.pagesPerSignature) };
}

function thumbnailsFor(outcomes: FileOutcome[], table: ObjectTable): Map<SignatureReport, SignatureThumbs> {
  const out = new Map<SignatureReport, SignatureThumbs>();
  const budget = { bytes: 0 };
  for (const o of outcomes) {
    if (!o.report) continue;
    const sigs = o.report.signatures.filter((s) => s.kind === 'signature');
    if (!sigs.length) continue;
    let src: ThumbnailSource | null = null;
    try {
      src = new ThumbnailSource(o.file, table, budget);
    } catch {
      src = null;
    }
    try {
      sigs.forEach((s, i) => {
        const { pages, more } = pagesFor(s);
        const rows: ThumbRow[] = pages.map((page) => {
          if (!src) return { page, signed: { ok: false, reason: 'unreadable' }, now: null, changed: null };
          if (i >= 20) return { page, signed: { ok: false, reason: 'budget' }, now: null, changed: null };
          const signed = src.thumbnail(page, s.revision);
          if (s.revision >= src.newestRevision) return { page, signed, now: null, changed: false };
          const now = src.thumbnail(page, src.newestRevision, signed.ok ? signed.digest : undefined);
          if (now === 'same') return { page, signed, now: null, changed: false };
          return { page, signed, now, changed: signed.ok && now.ok ? true : null };
        });
        out.set(s, { rows, more });
      });
    } finally {
      src?.close();
    }
  }
  return out;
}

function imageObjects(table: ObjectTable, img: PdfImage): number {
  let smask = '';
  if (img.alpha) {
    const m = table.stream(
      `/Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
      img.alpha,
    );
    smask = ` /SMask ${m} 0 R`;
  }
  const cs =
    img.colorSpace === 'Indexed' && img.palette
      ? `[/Indexed /DeviceRGB ${Math.floor(img.palette.length / 3) - 1} <${img.palette.toString('hex')}>]`
      : `/${img.colorSpace}`;
  const decode = img.decode ? ` /Decode [${img.decode.join(' ')}]` : '';
  return table.stream(
    `/Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace ${cs} /BitsPerComponent ${img.bitsPerComponent} /Filter /${img.filter}${decode}${smask}`,
    img.data,
  );
}

const THUMB_W = 70;
const THUMB_H = 96;
const THUMB_SLOT = 80;
const THUMB_BLOCK = THUMB_H + 34;

/** Lays the report out on as many pages as it needs. */
function layout(
  outcomes: FileOutcome[],
  now: Date,
  options: ReportOptions,
  w: ReportWords,
  lang: ReportLang,
  logo: { num: number; width: number; height: number } | null,
  thumbs: Map<SignatureReport, SignatureThumbs>,
): Canvas[] {
  const pages: Canvas[] = [];
  let c = new Canvas();
  const cols = columns(w, options.timeZone);
  const institution = options.institution?.trim() ?? '';
  const newPage = (): void => {
    c = new Canvas();
    pages.push(c);
    c.rect(0, 0, PAGE_W, BAND_H, BAND);
    let tx = MARGIN;
    if (logo) {
      c.rect(MARGIN, 12, 54, 54, WHITE, 6);
      c.image(logo.num, logo.width, logo.height, MARGIN + 5, 17, 44, 44, true);
      tx = MARGIN + 68;
    }
    if (institution) {
      c.text(tx, 14, fit(institution, PAGE_W - MARGIN - tx, 10.5, true), 10.5, { bold: true, color: [0.85, 0.9, 0.96] });
      c.text(tx, 30, w.title, 16, { bold: true, color: WHITE });
      c.text(tx, 52, w.generated(reportTime(now, options.timeZone)), 8.5, { color: [0.85, 0.9, 0.96] });
    } else {
      c.text(tx, 20, w.title, 16, { bold: true, color: WHITE });
      c.text(tx, 44, w.generated(reportTime(now, options.timeZone)), 8.5, { color: [0.85, 0.9, 0.96] });
    }
    c.y = BAND_H + 22;
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
    countOf(lang, outcomes.length, w.files),
    counts.valid ? countOf(lang, counts.valid, w.validN) : '',
    counts.invalid ? countOf(lang, counts.invalid, w.invalidN) : '',
    counts.indeterminate ? countOf(lang, counts.indeterminate, w.indeterminateN) : '',
    counts.unreadable ? countOf(lang, counts.unreadable, w.unreadableN) : '',
  ].filter(Boolean);
  c.text(MARGIN, c.y, summary.join(' · '), 10, { color: MUTED });
  c.y += 22;

  const drawThumb = (t: Thumb, x: number, top: number, border: Rgb, borderW: number): void => {
    c.rect(x, top, THUMB_W, THUMB_H, t.ok ? WHITE : [0.94, 0.94, 0.95]);
    if (t.ok) c.image(t.num, t.width, t.height, x + 2, top + 2, THUMB_W - 4, THUMB_H - 4);
    else {
      const lines = [
        ...wrap(w.thumbUnavailable, THUMB_W - 8, 6.5),
        ...wrap(`(${w.thumbReason[t.reason]}${t.detail ? `: ${t.detail}` : ''})`, THUMB_W - 8, 6),
      ];
      lines.slice(0, 8).forEach((l, i) => c.text(x + 4, top + 8 + i * 8.5, l, i < 2 ? 6.5 : 6, { color: MUTED }));
    }
    c.frame(x, top, THUMB_W, THUMB_H, border, borderW);
  };

  const caption = (text: string, x: number, color: Rgb): void =>
    wrap(text, THUMB_SLOT - 8, 5.5)
      .slice(0, 2)
      .forEach((l, i) => c.text(x, c.y + THUMB_H + 13 + i * 7, l, 5.5, { color }));

  for (const o of outcomes) {
    const name = displayName(o.file);
    // The file's heading goes with its first signature (and that signature's thumbnails).
    const first = o.report?.signatures[0];
    need(first && thumbs.get(first)?.rows.length ? 120 + THUMB_BLOCK : 90);
    c.line(MARGIN, c.y, PAGE_W - MARGIN, RULE, 1);
    c.y += 10;
    const verdict = o.report ? VERDICT[o.report.verdict] : VERDICT.invalid;
    const badge = o.report ? w.verdict[o.report.verdict] : w.unreadable;
    const badgeW = badge.length * 9 * 0.7 + 18;
    c.rect(PAGE_W - MARGIN - badgeW, c.y - 1, badgeW, 18, verdict.color, 9);
    c.text(PAGE_W - MARGIN - badgeW + 9, c.y + 3.5, badge, 9, { bold: true, color: WHITE });
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
    c.text(MARGIN, c.y, `${countOf(lang, r.revisions, w.revisions)} · ${countOf(lang, r.signatures.length, w.signatures)}`, 9, {
      color: MUTED,
    });
    c.y += 16;
    if (r.signatures.length === 0) {
      for (const reason of r.reasons)
        for (const l of wrap(reasonText(reason, lang), CONTENT_W, 9)) {
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
        ...s.reasons.map((x) => ({ text: reasonText(x, lang), color: INK, mark: '•' })),
        ...s.changes.map((ch) => ({
          text: `${w.revisionCap} ${ch.revision}, ${ch.object}: ${changeMessage(ch, lang)}`,
          color: ch.allowed ? VERDICT.valid.color : VERDICT.invalid.color,
          mark: ch.allowed ? w.allowed : w.notAllowed,
        })),
      ];
      const noteLines = notes.flatMap((n) =>
        wrap(`${n.mark === '•' ? '• ' : `[${n.mark}] `}${n.text}`, CONTENT_W - 30, 7.5).map((l) => ({ l, color: n.color })),
      );
      // A signature's row, its first notes and its thumbnails stay on one page.
      const t = thumbs.get(s);
      const thumbH = t && t.rows.length ? THUMB_BLOCK + 4 : 0;
      if (c.y + 18 + Math.min(noteLines.length, 6) * 10 + thumbH > PAGE_H - MARGIN - FOOTER_H) {
        newPage();
        header();
      }
      const rowH = 18;
      if (i % 2 === 1) c.rect(MARGIN, c.y, CONTENT_W, rowH, ZEBRA);
      let x = MARGIN + 4;
      for (const col of cols) {
        c.text(x, c.y + 5, fit(col.value(s, i + 1), col.width - 6, 8, col.bold), 8, {
          bold: Boolean(col.bold),
          color: col.color?.(s) ?? INK,
        });
        x += col.width;
      }
      c.y += rowH;
      const where = `${w.field} «${s.field}»${s.page ? `, ${w.page} ${s.page}` : ''} · ${w.revision} ${s.revision}`;
      const issuer = s.signer
        ? `${w.issuedBy.charAt(0).toUpperCase()}${w.issuedBy.slice(1)} ${s.signer.issuer}${s.signer.id ? ` · ${s.signer.id}` : ''} · ${where} · ${s.level}`
        : where;
      c.text(MARGIN + 22, c.y, fit(issuer, CONTENT_W - 26, 7), 7, { color: MUTED });
      c.y += 11;
      for (const n of noteLines) {
        need(10);
        c.text(MARGIN + 22, c.y, n.l, 7.5, { color: n.color });
        c.y += 10;
      }
      if (t && t.rows.length) {
        need(THUMB_BLOCK + 6);
        c.y += 4;
        let tx = MARGIN + 22;
        for (const row of t.rows) {
          drawThumb(row.signed, tx, c.y, RULE, 0.8);
          c.text(tx, c.y + THUMB_H + 4, fit(w.thumbSigned(row.page), THUMB_SLOT - 4, 6.5, true), 6.5, { bold: true, color: INK });
          if (!row.now && row.changed === false) caption(w.thumbSame, tx, MUTED);
          tx += THUMB_SLOT;
          if (row.now) {
            const changed = row.changed === true;
            drawThumb(row.now, tx, c.y, changed ? VERDICT.invalid.color : RULE, changed ? 1.4 : 0.8);
            c.text(tx, c.y + THUMB_H + 4, fit(w.thumbNow(row.page), THUMB_SLOT - 4, 6.5, true), 6.5, { bold: true, color: INK });
            if (row.changed) caption(w.thumbChanged, tx, VERDICT.invalid.color);
            tx += THUMB_SLOT;
          }
        }
        if (t.more) c.text(tx, c.y + THUMB_H / 2, w.thumbMore(t.more), 6.5, { color: MUTED });
        c.y += THUMB_BLOCK - 6;
      }
      c.line(MARGIN, c.y + 2, PAGE_W - MARGIN);
      c.y += 6;
    });
    c.y += 14;
  }
  pages.forEach((p, i) => {
    p.line(MARGIN, PAGE_H - MARGIN - 8, PAGE_W - MARGIN);
    p.text(MARGIN, PAGE_H - MARGIN, w.footer, 7, { color: MUTED });
    const label = w.pageOf(i + 1, pages.length);
    p.text(PAGE_W - MARGIN - textWidth(label, 7), PAGE_H - MARGIN, label, 7, { color: MUTED });
  });
  return pages;
}

/** Writes the report atomically and returns its size in bytes. */
export function writeReportPdf(outcomes: FileOutcome[], output: string, now = new Date(), options: ReportOptions = {}): number {
  const lang: ReportLang = options.lang === 'en' ? 'en' : 'es';
  const w = reportWords(lang);
  const table = new ObjectTable();
  const catalog = table.reserve();
  const pagesObj = table.reserve();
  const font = table.add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const bold = table.add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const info = table.add(`<< /Title (${pdfText(w.title)}) /Producer (Casilla Desktop) >>`);
  // The institution's logo (checked when saved; checked again here), else the app's own mark.
  let logo: { num: number; width: number; height: number } | null = null;
  for (const bytes of [options.logo, appMark()]) {
    if (!bytes) continue;
    try {
      const img = logoImage(bytes);
      logo = { num: imageObjects(table, img), width: img.width, height: img.height };
      break;
    } catch {
      // A logo that no longer reads falls back to the app's mark.
    }
  }
  const thumbs = options.thumbnails === false ? new Map<SignatureReport, SignatureThumbs>() : thumbnailsFor(outcomes, table);
  const pages = layout(outcomes, now, options, w, lang, logo, thumbs);
  const pageNums: number[] = [];
  for (const p of pages) {
    const content = Buffer.from(p.ops.join('\n') + '\n', 'latin1');
    const stream = table.stream('', content);
    const xobjects = [...p.xobjects].map(([n, num]) => `/${n} ${num} 0 R`).join(' ');
    pageNums.push(
      table.add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 ${font} 0 R /F2 ${bold} 0 R >>${xobjects ? ` /XObject << ${xobjects} >>` : ''} >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  table.set(catalog, `<< /Type /Catalog /Pages ${pagesObj} 0 R /Lang (${lang}) >>`);
  table.set(pagesObj, `<< /Type /Pages /Kids [${pageNums.map((n) => `${n} 0 R`).join(' ')}] /Count ${pageNums.length} >>`);
  const chunks: Buffer[] = [Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  table.bodies.forEach((body, i) => {
    offsets.push(offset);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body ?? Buffer.from('null'), Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(b);
    offset += b.length;
  });
  const n = table.size();
  chunks.push(
    Buffer.from(
      `xref\n0 ${n + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
        `trailer\n<< /Size ${n + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
      'latin1',
    ),
  );
  const tmp = path.join(path.dirname(path.resolve(output)), `.${path.basename(output)}.${process.pid}.tmp`);
  const bytes = Buffer.concat(chunks);
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
  options: ReportOptions = {},
): { output: string; bytes: number } {
  const target = path.resolve(output);
  if (inputs.some((f) => path.resolve(f) === target))
    throw new AppError('VERIFY_OUTPUT_SAME_AS_INPUT', 'El archivo de salida no puede ser el mismo que el de entrada.');
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    return { output: target, bytes: writeReportPdf(outcomes, target, now, options) };
  } catch (err: unknown) {
    throw new AppError('VERIFY_REPORT_UNWRITABLE', `No se pudo escribir el informe ${target}.`, { output: target }, { cause: err });
  }
}
