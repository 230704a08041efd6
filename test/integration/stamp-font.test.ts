/**
 * The embedded stamp font, judged by third-party tools: pdffonts (CID TrueType, embedded, subset, ToUnicode),
 * pdftotext and mutool (the real characters come back), pdftoppm (ink inside the stamp), pdfsig/qpdf/mutool
 * (judge), and fontkit, an independent TrueType parser, reading the embedded subset.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { afterAll, describe, expect, it } from 'vitest';
import { stampAppearance } from '../../src-main/core/pdf/stamp-appearance';
import { signPdf, type SignPdfOptions } from '../../src-main/core/signing/pades-signer';
import { StampFontUse, STAMP_FONT_FILE } from '../../src-main/core/signing/stamp-font';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

const pki = testPki();
const tmp = tempDir('casilla-stamp-font-');
afterAll(() => tmp.cleanup());
const at = (name: string) => path.join(tmp.dir, name);
const FONT = path.resolve(__dirname, '../../resources/fonts', STAMP_FONT_FILE);

const NAME = 'José Núñez Ibáñez';
/** The test certificate, shown under a Spanish name with accents (the stamp takes the name from the summary). */
function signer() {
  const s = pdfTestSigner('rsa');
  return { ...s, summary: { ...s.summary, name: NAME } };
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** pdffonts rows: name, type, encoding, emb, sub, uni. */
function fonts(file: string): Array<{ name: string; type: string; emb: string; sub: string; uni: string }> {
  return run('pdffonts', [file])
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/.exec(l.trim());
      if (!m) throw new Error(`pdffonts: fila ilegible «${l}»`);
      return { name: m[1] ?? '', type: m[2] ?? '', emb: m[4] ?? '', sub: m[5] ?? '', uni: m[6] ?? '' };
    });
}

/** Dark pixels in a rectangle of page `page` rendered at 72 dpi (x, y from the top-left, in points). */
function darkPixels(file: string, page: number, [x, yTop, w, h]: [number, number, number, number]): number {
  const base = at(`render-${Math.random().toString(36).slice(2)}`);
  run('pdftoppm', [
    '-r',
    '72',
    '-gray',
    '-f',
    String(page),
    '-l',
    String(page),
    '-x',
    String(x),
    '-y',
    String(yTop),
    '-W',
    String(w),
    '-H',
    String(h),
    file,
    base,
  ]);
  const produced = fs.readdirSync(tmp.dir).find((f) => path.join(tmp.dir, f).startsWith(base));
  const pgm = fs.readFileSync(at(produced ?? ''));
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('PGM ilegible');
  return [...pgm.subarray(header[0].length)].filter((v) => v < 128).length;
}

async function sign(input: string, output: string, extra: Partial<SignPdfOptions> = {}) {
  return signPdf({ input, output, signer: signer(), role: 'visto-bueno', ...extra });
}

describe('embedded stamp font', () => {
  it('a V°B° with accents: CID TrueType subset, real text extracted, ink in the stamp, valid', async () => {
    const input = writePlainPdf(at('memo.pdf'), { pages: 3 });
    const out = at('memo-vobo.pdf');
    await sign(input, out, {
      reason: 'Revisión en Peñalolén, 2º piso',
      roleTitle: 'Jefa de Logística',
      stamp: { page: 3, rect: [300, 300, 170, 60], everyPage: true },
    });
    judge(out, pki.nssDir, 1);

    const stampFonts = fonts(out).filter((f) => f.name.includes('DejaVuSansCondensed'));
    expect(stampFonts.length).toBeGreaterThan(0);
    for (const f of stampFonts) {
      expect(f).toMatchObject({ type: 'CID TrueType', emb: 'yes', sub: 'yes', uni: 'yes' });
      expect(f.name).toMatch(/^[A-Z]{6}\+DejaVuSansCondensed$/);
    }
    // No stamp falls back to a standard, non-embedded font.
    expect(fonts(out).filter((f) => f.emb === 'no' && f.name !== 'Helvetica')).toEqual([]);

    const page3 = run('pdftotext', ['-f', '3', '-l', '3', out, '-']);
    for (const text of [NAME, 'V°B°', 'Motivo: Revisión en Peñalolén, 2º piso', 'Jefa de Logística']) expect(page3).toContain(text);
    const mutool = run('mutool', ['draw', '-F', 'txt', out, '3']);
    expect(mutool).toContain(NAME);
    expect(mutool).toContain('V°B°');
    // The initials on the other pages use the same font.
    expect(run('pdftotext', ['-f', '1', '-l', '1', out, '-'])).toContain('V°B° JNI');

    // The page is A4 (595×842); the stamp's top is 842 − 300 − 60 from the page's top.
    const page = 842;
    expect(darkPixels(out, 3, [300, page - 300 - 60, 170, 60])).toBeGreaterThan(150);
    expect(darkPixels(out, 3, [300, page - 300 - 60 - 40, 170, 38])).toBe(0);
  });

  it('the embedded subset holds the used glyphs with the original outlines and widths (read by fontkit)', async () => {
    const out = at('subset.pdf');
    await sign(writePlainPdf(at('one.pdf')), out, { role: 'firma', reason: 'V°B° Peñalolén º', stamp: { rect: [300, 300, 170, 60] } });
    const dir = at('extract');
    fs.mkdirSync(dir);
    const r = spawnSync('mutool', ['extract', out], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ttfs = fs.readdirSync(dir).filter((f) => f.endsWith('.ttf'));
    expect(ttfs).toHaveLength(1);
    const subsetBytes = fs.readFileSync(path.join(dir, ttfs[0] ?? ''));
    const original = fontkit.create(fs.readFileSync(FONT)) as fontkit.Font;
    const subset = fontkit.create(subsetBytes) as fontkit.Font;
    // Far smaller than the font: only the glyphs drawn.
    expect(subsetBytes.length).toBeLessThan(original.numGlyphs * 2);
    expect(subsetBytes.length * 20).toBeLessThan(fs.statSync(FONT).size);
    for (const ch of ['ñ', 'é', '°', 'º', 'V', 'P']) {
      const g = original.glyphForCodePoint(ch.codePointAt(0) ?? 0);
      const s = subset.getGlyph(g.id);
      expect(s.advanceWidth, ch).toBe(g.advanceWidth);
      // Same outline: composite accented glyphs found their components in the subset.
      expect(s.path.toSVG(), ch).toBe(g.path.toSVG());
      expect(s.path.commands.length, ch).toBeGreaterThan(0);
    }
    // A glyph the stamp did not use is an empty slot.
    const unused = original.glyphForCodePoint('Ж'.codePointAt(0) ?? 0);
    expect(subset.getGlyph(unused.id).path.commands).toHaveLength(0);
  });

  it('an image-only stamp (style 3) embeds no font', async () => {
    const out = at('solo-imagen.pdf');
    await sign(writePlainPdf(at('img.pdf')), out, {
      stamp: { style: 3, image: fs.readFileSync(path.resolve(__dirname, '../../resources/demo/sello.png')) },
    });
    judge(out, pki.nssDir, 1);
    expect(fonts(out).filter((f) => f.name.includes('DejaVu'))).toEqual([]);
  });

  it('lays text out with the real glyph advances', () => {
    const font = new StampFontUse(() => 900);
    // The same number of characters: narrow ones fit on one line, wide ones wrap (a per-character estimate could not tell).
    const narrow = stampAppearance({ width: 100, height: 200, title: '', lines: ['iiiii iiiii iiiii iiiii'], maxFontSize: 9 }, font);
    const wide = stampAppearance({ width: 100, height: 200, title: '', lines: ['WWWWW WWWWW WWWWW WWWWW'], maxFontSize: 9 }, font);
    const tj = (c: Buffer) => (c.toString('latin1').match(/ Tj/g) ?? []).length;
    expect(tj(narrow.content)).toBe(1);
    expect(tj(wide.content)).toBeGreaterThanOrEqual(2);
    // Every line drawn stays inside the box: width from the font's own advances.
    const original = fontkit.create(fs.readFileSync(FONT)) as fontkit.Font;
    for (const m of wide.content.toString('latin1').matchAll(/<([0-9a-f]+)> Tj/g)) {
      const gids = (m[1] ?? '').match(/.{4}/g)?.map((h) => parseInt(h, 16)) ?? [];
      const widthPt = gids.reduce((n, g) => n + original.getGlyph(g).advanceWidth, 0) * (9 / original.unitsPerEm);
      expect(widthPt).toBeLessThanOrEqual(100 - 4);
    }
    expect(font.ref.num).toBe(900);
  });
});
