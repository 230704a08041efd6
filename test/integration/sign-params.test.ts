/**
 * Firma Perú parameter files through the real CLI: each signature style (1 horizontal, 2 vertical, 3 image
 * only, 4 text only) judged by mutool's text extraction, by rendering the stamp with pdftoppm, and by pdfsig,
 * qpdf and mutool (judge). The parser's refusals are checked on their own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFirmaPeruParams } from '../../src-main/core/signing/params/firma-peru';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { P12_PASSWORD, testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';
import { writeFirmaPeruParams } from '../helpers/firma-peru-params';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-params-cli-${process.pid}`, 'cli.cjs');
const pki = testPki();
const tmp = tempDir('casilla-params-');
const at = (name: string) => path.join(tmp.dir, name);

beforeAll(async () => {
  await bundleCli(cliBundle);
  fs.copyFileSync(path.join(root, 'resources/demo/sello.png'), at('sello.png'));
  writePlainPdf(at('doc.pdf'), { pages: 2 });
});
afterAll(() => {
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cliBundle, '--home', at('home'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, P12PW: P12_PASSWORD, ...env },
  });
}

const ENGLISH_ENV = { LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' };

// The stamp's place: 300 pt from the left, 400 pt from the top of page 1.
const X = 300;
const Y_TOP = 400;
const SIZES: Record<number, [number, number]> = { 1: [170, 60], 2: [120, 130], 3: [90, 90], 4: [170, 60] };

function params(style: number, extra: Record<string, unknown> = {}): string {
  return writeFirmaPeruParams(at(`firmaperu-${style}.json`), {
    signatureStyle: String(style),
    positionx: String(X),
    positiony: String(Y_TOP),
    ...extra,
  });
}

/** Pixels of the rendered stamp area (72 dpi: one pixel per point), as RGB triples from a binary PPM. */
function renderArea(file: string, [x, yTop, w, h]: [number, number, number, number]): { w: number; h: number; px: Buffer } {
  const out = at('render');
  const r = spawnSync('pdftoppm', [
    '-r',
    '72',
    '-f',
    '1',
    '-l',
    '1',
    '-x',
    String(x),
    '-y',
    String(yTop),
    '-W',
    String(w),
    '-H',
    String(h),
    file,
    out,
  ]);
  expect(r.status, String(r.stderr)).toBe(0);
  const ppm = fs.readFileSync(
    fs
      .readdirSync(tmp.dir)
      .filter((f) => f.startsWith('render') && f.endsWith('.ppm'))
      .map((f) => at(f))[0] ?? '',
  );
  for (const f of fs.readdirSync(tmp.dir).filter((n) => n.startsWith('render'))) fs.rmSync(at(f));
  // Header: P6\n<w> <h>\n255\n
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('PPM ilegible');
  return { w: Number(header[1]), h: Number(header[2]), px: ppm.subarray(header[0].length) };
}

/** Counts blue pixels (the seal image) and dark gray pixels (text) in a part of the area. */
function inks(a: { w: number; h: number; px: Buffer }, part: { x0: number; x1: number; y0: number; y1: number }) {
  let blue = 0;
  let dark = 0;
  for (let y = Math.floor(part.y0 * a.h); y < Math.floor(part.y1 * a.h); y++) {
    for (let x = Math.floor(part.x0 * a.w); x < Math.floor(part.x1 * a.w); x++) {
      const i = (y * a.w + x) * 3;
      const [r, g, b] = [a.px[i] ?? 255, a.px[i + 1] ?? 255, a.px[i + 2] ?? 255];
      if (b > r + 60 && b > 100) blue++;
      else if (r < 110 && g < 110 && b < 110 && Math.abs(r - b) < 30) dark++;
    }
  }
  return { blue, dark };
}

function stampText(file: string): string {
  const r = spawnSync('mutool', ['draw', '-F', 'txt', file, '1'], { encoding: 'utf8' });
  return r.stdout;
}

const DATE = /Fecha: \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} -05:00/;

describe('casilla sign --params (Firma Perú)', () => {
  for (const style of [1, 2, 3, 4]) {
    it(`style ${style} draws the stamp the style describes, valid in pdfsig`, () => {
      const out = at(`estilo-${style}.pdf`);
      const r = cli(['sign', at('doc.pdf'), '-o', out, '--p12', pki.p12.rsa, '--password-env', 'P12PW', '--params', params(style)]);
      expect(r.status, r.stderr).toBe(0);
      judge(out, pki.nssDir, 1);

      const text = stampText(out);
      if (style === 3) {
        expect(text).not.toMatch(/Firmado digitalmente por/);
        expect(text).not.toMatch(/Motivo:/);
      } else {
        expect(text).toContain('Firmado digitalmente por:');
        expect(text).toContain('JUAN PÉREZ QUISPE');
        expect(text).toContain('FIR 45678912');
        expect(text).toContain('Motivo: Doy conformidad al informe');
        expect(text).toContain('Jefe de Logística');
        expect(text).toMatch(DATE);
      }

      const [w, h] = SIZES[style] ?? [0, 0];
      const area = renderArea(out, [X, Y_TOP, w, h]);
      const all = inks(area, { x0: 0, x1: 1, y0: 0, y1: 1 });
      if (style === 1) {
        const left = inks(area, { x0: 0, x1: 0.35, y0: 0, y1: 1 });
        const right = inks(area, { x0: 0.36, x1: 1, y0: 0, y1: 1 });
        expect(left.blue).toBeGreaterThan(100);
        expect(right.blue).toBe(0);
        expect(right.dark).toBeGreaterThan(100);
      } else if (style === 2) {
        const top = inks(area, { x0: 0, x1: 1, y0: 0, y1: 0.45 });
        const bottom = inks(area, { x0: 0, x1: 1, y0: 0.46, y1: 1 });
        expect(top.blue).toBeGreaterThan(100);
        expect(bottom.blue).toBe(0);
        expect(bottom.dark).toBeGreaterThan(100);
      } else if (style === 3) {
        expect(all.blue).toBeGreaterThan(500);
        expect(all.dark).toBeLessThan(20);
      } else {
        expect(all.blue).toBe(0);
        expect(all.dark).toBeGreaterThan(100);
      }
      // Nothing of the stamp spills above its place.
      const above = renderArea(out, [X, Y_TOP - 40, w, 38]);
      expect(inks(above, { x0: 0, x1: 1, y0: 0, y1: 1 })).toEqual({ blue: 0, dark: 0 });
    });
  }

  it('style 0 signs without a visible stamp', () => {
    const out = at('estilo-0.pdf');
    const r = cli(['sign', at('doc.pdf'), '-o', out, '--p12', pki.p12.rsa, '--password-env', 'P12PW', '--params', params(0)]);
    expect(r.status, r.stderr).toBe(0);
    judge(out, pki.nssDir, 1);
    expect(stampText(out)).not.toMatch(/Firmado digitalmente/);
  });

  it('a certificate outside the profile filter is refused and nothing is written', () => {
    const out = at('filtrado.pdf');
    const r = cli([
      'sign',
      at('doc.pdf'),
      '-o',
      out,
      '--p12',
      pki.p12.rsa,
      '--password-env',
      'P12PW',
      '--params',
      params(4, { certificateFilter: 'RENIEC' }),
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no cumple el filtro del perfil/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('V°B° stamp', () => {
  it('keeps its reason', () => {
    const out = at('visto.pdf');
    const r = cli([
      'sign',
      at('doc.pdf'),
      '-o',
      out,
      '--p12',
      pki.p12.rsa,
      '--password-env',
      'P12PW',
      '--visa',
      '--reason',
      'Conforme con el expediente',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const text = spawnSync('mutool', ['draw', '-F', 'txt', out, '2'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('V°B°');
    expect(text).toContain('Motivo: Conforme con el expediente');
  });
});

describe('V°B° with Firma Perú styles', () => {
  for (const style of [1, 2, 3, 4]) {
    it(`style ${style} keeps the reason (on the stamp when it has text, always in the signature)`, () => {
      const out = at(`visto-estilo-${style}.pdf`);
      const r = cli([
        'sign',
        at('doc.pdf'),
        '-o',
        out,
        '--p12',
        pki.p12.rsa,
        '--password-env',
        'P12PW',
        '--visa',
        '--params',
        params(style),
      ]);
      expect(r.status, r.stderr).toBe(0);
      judge(out, pki.nssDir, 1);
      const text = stampText(out);
      if (style === 3) expect(text).not.toContain('Motivo:');
      else {
        expect(text).toContain('V°B°');
        expect(text).not.toContain('Firmado digitalmente por');
        expect(text).toContain('Motivo: Doy conformidad al informe');
      }
      // The signature dictionary's /Reason (our writer puts strings in hex) in every style, image only included.
      const reasonHex = Buffer.from('Doy conformidad al informe', 'latin1').toString('hex');
      expect(fs.readFileSync(out, 'latin1')).toContain(`/Reason <${reasonHex}>`);
    });
  }
});

describe('Firma Perú run options (bachtOperation, oneByOne, visiblePosition)', () => {
  const sign = (files: string[], paramsFile: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    cli(
      ['sign', ...files, '--out-dir', at('lote'), '--p12', pki.p12.rsa, '--password-env', 'P12PW', '--params', paramsFile, ...extra],
      env,
    );
  const fresh = () => {
    fs.rmSync(at('lote'), { recursive: true, force: true });
    fs.mkdirSync(at('lote'));
    for (const n of ['uno.pdf', 'dos.pdf']) fs.copyFileSync(at('doc.pdf'), at(n));
  };

  it('bachtOperation=false refuses several files and signs none', () => {
    fresh();
    const r = sign([at('uno.pdf'), at('dos.pdf')], params(4, { bachtOperation: false }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bachtOperation=false');
    expect(r.stderr).toContain('[SIGN_PARAMS_BATCH]');
    expect(fs.readdirSync(at('lote'))).toEqual([]);
  });

  it('bachtOperation=true signs every file; oneByOne=true says how the batch runs', () => {
    fresh();
    const r = sign([at('uno.pdf'), at('dos.pdf')], params(4, { bachtOperation: true, oneByOne: true }));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Aviso: oneByOne=true: se firman los 2 archivos uno tras otro/);
    // The same note worded by the CLI in English from its code.
    const en = sign([at('uno.pdf'), at('dos.pdf')], params(4, { bachtOperation: true, oneByOne: true }), ['--force'], ENGLISH_ENV);
    expect(en.status, en.stderr).toBe(0);
    expect(en.stderr).toContain('Warning: oneByOne=true: the 2 files are signed one after another with a single password or PIN');
    expect(en.stderr).not.toMatch(/archivos|Aviso/);
    expect(fs.readdirSync(at('lote')).sort()).toEqual(['dos-firmado.pdf', 'uno-firmado.pdf']);
    for (const f of fs.readdirSync(at('lote'))) judge(path.join(at('lote'), f), pki.nssDir, 1);
    const quiet = sign([at('uno.pdf')], params(4, { bachtOperation: true, oneByOne: false }), ['--force']);
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('Aviso:');
  });

  it('visiblePosition=true: --rect places the stamp; without it the file position is used and the run says so', () => {
    fresh();
    const withRect = sign([at('uno.pdf')], params(4, { visiblePosition: true }), ['--rect', '40,40,170,60']);
    expect(withRect.status, withRect.stderr).toBe(0);
    expect(withRect.stderr).not.toContain('visiblePosition');
    // --rect is from the bottom-left: the stamp's top is 842 − 40 − 60 from the page's top.
    const placed = renderArea(path.join(at('lote'), 'uno-firmado.pdf'), [40, 842 - 100, 170, 60]);
    expect(inks(placed, { x0: 0, x1: 1, y0: 0, y1: 1 }).dark).toBeGreaterThan(100);
    const fromFile = sign([at('uno.pdf')], params(4, { visiblePosition: true }), ['--force']);
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toContain('visiblePosition=true');
    expect(fromFile.stderr).toContain('positionx/positiony');
    const fromFileEn = sign([at('uno.pdf')], params(4, { visiblePosition: true }), ['--force'], ENGLISH_ENV);
    expect(fromFileEn.status, fromFileEn.stderr).toBe(0);
    expect(fromFileEn.stderr).toContain(
      "Warning: visiblePosition=true: on the command line the place is not chosen with the mouse; the file's positionx/positiony is used",
    );
    const atFile = renderArea(path.join(at('lote'), 'uno-firmado.pdf'), [X, Y_TOP, 170, 60]);
    expect(inks(atFile, { x0: 0, x1: 1, y0: 0, y1: 1 }).dark).toBeGreaterThan(100);
  });
});

describe('Firma Perú parameter parsing', () => {
  const parse = (o: Record<string, unknown>) => parseFirmaPeruParams(JSON.stringify(o), { baseDir: tmp.dir, name: 'p' });

  it('maps levels, pages and positions', () => {
    const { profile, tsaPassword } = parse({
      signatureLevel: 'LTA',
      webTsa: 'https://tsa.example.pe/tsr',
      userTsa: 'u',
      passwordTsa: 's',
      signatureStyle: 2,
      stampPage: 0,
      positionx: 10,
      positiony: 20,
    });
    expect(profile.level).toBe('B-LTA');
    expect(profile.tsa).toEqual({ url: 'https://tsa.example.pe/tsr', username: 'u' });
    expect(tsaPassword).toBe('s');
    expect(profile.stamp).toMatchObject({ style: 2, page: 'last', rect: [10, 20, 120, 130], fromTop: true, dateStyle: 'dot' });
  });

  it('refuses what it cannot honour, naming the key in Spanish', () => {
    expect(() => parse({ signatureFormat: 'XAdES' })).toThrow(/signatureFormat.*PAdES/);
    expect(() => parse({ signatureLevel: 'Z' })).toThrow(/signatureLevel/);
    expect(() => parse({ signatureLevel: 'T' })).toThrow(/webTsa.*sellado de tiempo/);
    expect(() => parse({ signatureLevel: 'T', webTsa: 'http://tsa.example.pe/' })).toThrow(/Use https/);
    expect(() => parse({ signatureStyle: 7 })).toThrow(/signatureStyle/);
    expect(() => parse({ signatureStyle: 3 })).toThrow(/imageToStamp.*solo imagen/);
    expect(() => parse({ imageToStamp: 'https://example.pe/sello.png' })).toThrow(/archivo local/);
    expect(() => parse({ stampTextSize: 'grande' })).toThrow(/stampTextSize/);
    expect(() => parseFirmaPeruParams('{no es json', { baseDir: tmp.dir, name: 'p' })).toThrow(/no es JSON válido/);
    expect(() => parseFirmaPeruParams(' '.repeat(70_000) + '{}', { baseDir: tmp.dir, name: 'p' })).toThrow(/pesa más de 64 KB/);
  });
});
