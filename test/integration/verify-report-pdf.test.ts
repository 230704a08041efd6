/**
 * The designed PDF report end to end, through the handler table as the app calls it: a PDF with two signatures
 * and a page changed between them, the institution's name and logo saved in Configuración, both languages. Judged
 * with real tools: qpdf --check, pdffonts, pdftotext, pdfimages -list, and pdftoppm's pixels inside the thumbnail
 * frames (the page as signed has no red; the page as it is now has the red box added after the first signature).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '../../src-main/core/context';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { createHandlers, dispatch } from '../../src-main/services';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { tempCore, tempDir } from '../helpers/temp-home';
import { appendUpdate } from '../helpers/verify-attacks';
import { makePki, type Pki } from '../helpers/verify-pki';
import { verifyPkiSigner } from '../helpers/verify-signer';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let core: CoreContext;
let closeCore: () => Promise<void>;
const at = (n: string) => path.join(tmp.dir, n);
const table = createHandlers();
const NAME = 'Resolución 7-2026.pdf';
const INSTITUTION = 'Municipalidad Distrital de Miraflores';

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await dispatch(table, core, method, input, { opId: 'op-1' });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** A 120×60 RGBA PNG: a blue bar on a transparent background (rows with filter 0). */
function logoPng(file: string): string {
  const w = 120;
  const h = 60;
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 4);
    for (let x = 0; x < w; x++) {
      const inside = y > 10 && y < 50;
      row.set(inside ? [20, 60, 160, 255] : [0, 0, 0, 0], 1 + x * 4);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
  return file;
}

/** The thumbnail boxes the report draws (clip rectangles of the frames' inner area), in PDF points. */
function thumbBoxes(pdf: string): Array<{ x: number; y: number; w: number; h: number }> {
  const text = fs.readFileSync(pdf).toString('latin1');
  const out: Array<{ x: number; y: number; w: number; h: number }> = [];
  for (const m of text.matchAll(/q ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re W n [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm \/X\d+ Do Q/g)) {
    const [x, y, w, h] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    if (Math.abs(w - 66) < 0.5 && Math.abs(h - 92) < 0.5) out.push({ x, y, w, h });
  }
  return out;
}

/** pdftoppm at 72 dpi (1 pt = 1 px) of the first page; counts dark and red pixels inside a box. */
function pixelsIn(pdf: string, box: { x: number; y: number; w: number; h: number }): { dark: number; red: number } {
  const ppm = execFileSync('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', pdf], { maxBuffer: 64 << 20 });
  const header = ppm.toString('latin1', 0, 20).split(/\s+/);
  const width = Number(header[1]);
  const height = Number(header[2]);
  // "P6\n<w> <h>\n255\n": the data starts after the third newline.
  let start = 0;
  for (let nl = 0; nl < 3; start++) if (ppm[start] === 0x0a) nl++;
  let dark = 0;
  let red = 0;
  const top = Math.round(842 - box.y - box.h);
  for (let py = top + 1; py < top + box.h - 1 && py < height; py++)
    for (let px = Math.round(box.x) + 1; px < box.x + box.w - 1 && px < width; px++) {
      const i = start + (py * width + px) * 3;
      const [r, g, b] = [ppm[i]!, ppm[i + 1]!, ppm[i + 2]!];
      if (r + g + b < 660) dark++;
      if (r > 180 && g < 90 && b < 90) red++;
    }
  return { dark, red };
}

beforeAll(async () => {
  tmp = tempDir('verify-report-pdf-');
  pki = makePki(at('pki'));
  const plain = writePlainPdf(at('plain.pdf'), { pages: 2, title: 'Resolucion de alcaldia' });
  await signPdf({ input: plain, output: at('one.pdf'), signer: verifyPkiSigner(pki, 'signer'), role: 'firma', stamp: { page: 1 } });
  // After the first signature, page 1's content gains a red box (a change the first signature does not allow).
  const text = 'BT /F1 18 Tf 72 720 Td (Resolucion de alcaldia - pagina 1) Tj ET\n1 0 0 rg 150 300 300 200 re f\n';
  appendUpdate(at('one.pdf'), at('changed.pdf'), [{ num: 6, body: `<< /Length ${text.length} >>\nstream\n${text}\nendstream` }]);
  await signPdf({ input: at('changed.pdf'), output: at(NAME), signer: verifyPkiSigner(pki, 'signer'), role: 'firma', stamp: { page: 1 } });
  const opened = tempCore();
  core = opened.core;
  closeCore = opened.cleanup;
}, 60_000);
afterAll(async () => {
  // REPORT_DEBUG=dir keeps the reports and their sources to look at.
  if (process.env.REPORT_DEBUG) fs.cpSync(tmp.dir, process.env.REPORT_DEBUG, { recursive: true });
  await closeCore?.();
  tmp?.cleanup();
});

describe('the designed PDF report', () => {
  it('keeps the institution and a checked logo in Configuración (copied 0600 into the data folder)', async () => {
    const saved = await call<{ institution: string; logo: { type: string; width: number; height: number } | null }>(
      'verify.reportSettings.update',
      { institution: INSTITUTION, logoPath: logoPng(at('logo.png')) },
    );
    expect(saved).toMatchObject({ institution: INSTITUTION, logo: { type: 'png', width: 120, height: 60 } });
    const copy = path.join(core.home, 'report', 'logo.png');
    expect(fs.readFileSync(copy).equals(fs.readFileSync(at('logo.png')))).toBe(true);
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
    expect(await call('verify.reportSettings.get', {})).toEqual(saved);

    // Not an image, an interlaced... a text file: refused with a Spanish reason, the saved logo kept.
    fs.writeFileSync(at('logo.txt'), 'no soy una imagen');
    const bad = await dispatch(table, core, 'verify.reportSettings.update', { logoPath: at('logo.txt') });
    expect(bad).toMatchObject({ ok: false, error: { code: 'REPORT_LOGO_INVALID', message: 'El logo debe ser una imagen PNG o JPEG.' } });
    const huge = Buffer.concat([fs.readFileSync(at('logo.png')).subarray(0, 16), Buffer.alloc(3 * 1024 * 1024)]);
    fs.writeFileSync(at('huge.png'), huge);
    expect(await dispatch(table, core, 'verify.reportSettings.update', { logoPath: at('huge.png') })).toMatchObject({
      ok: false,
      error: { code: 'REPORT_LOGO_TOO_LARGE' },
    });
    expect(fs.readFileSync(copy).equals(fs.readFileSync(at('logo.png')))).toBe(true);
  });

  it('in Spanish: institution, logo, verdicts, plurals, local times, thumbnails as signed and as changed', async () => {
    const out = at('informe-es.pdf');
    await call('verify.reportPdf', { files: [at(NAME)], trust: [pki.rootPem], offline: true, output: out, timeZone: 'America/Lima' });
    expect(execFileSync('qpdf', ['--check', out], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');
    // pdffonts walks every form (the thumbnails' too) and complains about nothing.
    const fonts = spawnSync('pdffonts', [out], { encoding: 'utf8' });
    expect(fonts.stderr).toBe('');
    expect(fonts.stdout).toContain('Helvetica-Bold');
    // Captions may wrap: whitespace is compared as one space.
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(INSTITUTION);
    expect(text).toContain('Informe de verificación de firmas');
    expect(text).toContain(NAME);
    expect(text).not.toContain(tmp.dir.split(path.sep).pop()!.slice(0, 8) + '/');
    expect(text).toContain('1 archivo · 1 no válido');
    expect(text).toContain('4 revisiones · 2 firmas');
    expect(text).toMatch(/NO VÁLIDO/);
    expect(text).toMatch(/VÁLIDO/);
    expect(text).toMatch(/UTC-05:00/);
    expect(text).toContain('Pág. 1: firmada');
    expect(text).toContain('Pág. 1: ahora');
    expect(text).toContain('cambió después de la firma');
    expect(text).not.toMatch(/\b1 revisiones|\b1 firmas|\(s\)/);

    // The logo is an image of its own size with its alpha as a soft mask; the app's mark is not used then.
    const images = execFileSync('pdfimages', ['-list', out], { encoding: 'utf8' });
    expect(images).toMatch(/\s120\s+60\s+rgb\s/);
    expect(images).toMatch(/\s120\s+60\s+gray\s/); // smask
    expect(images).not.toMatch(/\s256\s+256\s/);

    // Pixels: first signature's frames (page 1 as signed, then now), second signature's page 1.
    const boxes = thumbBoxes(out);
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    const [signed, now] = [pixelsIn(out, boxes[0]!), pixelsIn(out, boxes[1]!)];
    expect(signed.dark).toBeGreaterThan(5); // the page's text, drawn small
    expect(signed.red).toBe(0);
    expect(now.red).toBeGreaterThan(100); // the red box added after the first signature
  });

  it('in English with the saved language: words, plurals and the same thumbnails', async () => {
    await call('settings.update', { locale: 'en' });
    const out = at('report-en.pdf');
    try {
      await call('verify.reportPdf', {
        files: [at(NAME), at('one.pdf')],
        trust: [pki.rootPem],
        offline: true,
        output: out,
        timeZone: 'UTC',
      });
    } finally {
      await call('settings.update', { locale: 'es' });
    }
    expect(spawnSync('qpdf', ['--check', out]).status).toBe(0);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Signature verification report');
    expect(text).toContain(INSTITUTION);
    expect(text).toContain('2 files · 1 not valid · 1 indeterminate');
    expect(text).toContain('4 revisions · 2 signatures');
    expect(text).toContain('2 revisions · 1 signature');
    expect(text).toMatch(/NOT VALID/);
    expect(text).toContain('Changes that are not allowed were made to the document after the signature.');
    expect(text).toContain('changed after the signature');
    expect(text).toContain('UTC+00:00');
    expect(text).not.toMatch(/Informe|firmada|revisiones|NO VÁLIDO/);
  });

  it('a hostile page (huge image, resources nested too deep) gives "miniatura no disponible" with the reason', async () => {
    // Page 1 uses an image that claims 100000×100000 pixels; page 2 a chain of 200 forms each using the next.
    const forms = Array.from({ length: 200 }, (_, i) => 20 + i);
    const objs = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im 7 0 R >> >> /Contents 4 0 R >>',
      null,
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Fx 20 0 R >> >> /Contents 6 0 R >>',
      null,
      null,
    ];
    const body: string[] = ['%PDF-1.7\n'];
    const offsets: number[] = [];
    let off = body[0]!.length;
    const obj = (n: number, s: string) => {
      offsets[n] = off;
      const b = `${n} 0 obj\n${s}\nendobj\n`;
      body.push(b);
      off += Buffer.byteLength(b, 'latin1');
    };
    objs.forEach((o, i) => o && obj(i + 1, o));
    const c1 = 'q 100 0 0 100 72 600 cm /Im Do Q';
    obj(4, `<< /Length ${c1.length} >>\nstream\n${c1}\nendstream`);
    const c2 = '/Fx Do';
    obj(6, `<< /Length ${c2.length} >>\nstream\n${c2}\nendstream`);
    const img = zlib.deflateSync(Buffer.alloc(16)).toString('latin1');
    obj(
      7,
      `<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${img.length} >>\nstream\n${img}\nendstream`,
    );
    for (const n of forms) {
      const next = n + 1 < 20 + forms.length ? `/Resources << /XObject << /Fx ${n + 1} 0 R >> >> ` : '';
      obj(n, `<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] ${next}/Length 6 >>\nstream\n/Fx Do\nendstream`);
    }
    const size = 20 + forms.length;
    let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
    for (let n = 1; n < size; n++) xref += offsets[n] ? `${String(offsets[n]).padStart(10, '0')} 00000 n \n` : '0000000000 65535 f \n';
    body.push(`${xref}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${off}\n%%EOF\n`);
    fs.writeFileSync(at('hostile-plain.pdf'), body.join(''), 'latin1');
    const signer = verifyPkiSigner(pki, 'signer');
    await signPdf({ input: at('hostile-plain.pdf'), output: at('hostile.pdf'), signer, role: 'firma', stamp: { page: 1 } });
    await signPdf({ input: at('hostile.pdf'), output: at('hostile2.pdf'), signer, role: 'firma', stamp: { page: 2 } });

    const out = at('hostile-report.pdf');
    await call('verify.reportPdf', { files: [at('hostile2.pdf')], trust: [pki.rootPem], offline: true, output: out });
    expect(spawnSync('qpdf', ['--check', out]).status).toBe(0);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('miniatura no disponible');
    expect(text).toMatch(/imagen demasiado grande: 100000×100000/);
    expect(text).toContain('recursos anidados demasiado profundo');
    // The report itself stays small: nothing of a refused thumbnail is kept.
    expect(fs.statSync(out).size).toBeLessThan(200_000);
  }, 60_000);
});
