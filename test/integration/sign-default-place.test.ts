/**
 * Co-signers who do not place their stamp: the real CLI (`casilla sign` without `--rect`) with the demo certificate
 * puts each new stamp in the first default place free of the signature widgets already on the page, and warns only
 * when the page has none left. The widget rectangles are read by mutool, and every signed file is judged by pdfsig
 * (trusting the demo root), qpdf and mutool.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rectsIntersect, type PageRect } from '../../src-main/api/stamp-geometry';
import { bundleCli } from '../helpers/cli-bundle';
import { judge } from '../helpers/pdf-judges';
import { tempDir } from '../helpers/temp-home';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-default-place-cli-${process.pid}`, 'cli.cjs');
const demo = path.join(root, 'resources/demo');
const tmp = tempDir('casilla-default-place-');
const at = (name: string) => path.join(tmp.dir, name);
const nssDir = `sql:${at('nss')}`;

beforeAll(async () => {
  await bundleCli(cliBundle);
  fs.copyFileSync(path.join(demo, 'ejemplo.pdf'), at('ejemplo.pdf'));
  // pdfsig trusts the demo root (and only it) in this test's own NSS database, which also knows the demo signer (as
  // test/helpers/pki's does: NSS reports a second signature by a certificate it only met inside the first as an
  // "unknown issue").
  fs.mkdirSync(at('nss'));
  for (const [tool, ...args] of [
    ['certutil', '-N', '-d', nssDir, '--empty-password'],
    ['certutil', '-A', '-d', nssDir, '-n', 'casilla-demo-root', '-t', 'CT,C,C', '-i', path.join(demo, 'demo-root.pem')],
    ['pk12util', '-i', path.join(demo, 'demo-firmante.p12'), '-d', nssDir, '-W', 'demo1234', '-K', ''],
  ] as const) {
    const r = spawnSync(tool, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${r.stderr}`);
  }
});
afterAll(() => {
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

type SignOutput = { signed: number; warnings: Array<{ code: string; page: number; field: string; message: string }> };

function sign(input: string, output: string, extra: string[] = [], lang = 'es_PE.UTF-8') {
  const r = spawnSync(
    process.execPath,
    [
      cliBundle,
      '--home',
      at('home'),
      '--json',
      'sign',
      input,
      '-o',
      output,
      '--p12',
      path.join(demo, 'demo-firmante.p12'),
      '--password-env',
      'PW',
      ...extra,
    ],
    { encoding: 'utf8', env: { ...process.env, PW: 'demo1234', LANG: lang, LC_ALL: '', LC_MESSAGES: '' } },
  );
  expect(r.status, r.stderr).toBe(0);
  return { out: JSON.parse(r.stdout) as SignOutput, stderr: r.stderr };
}

/** The /Rect of the n-th field of /AcroForm (1-based, mutool's path syntax) as mutool reads it, as [x, y, w, h]. */
function fieldRect(file: string, n: number): PageRect {
  const r = spawnSync('mutool', ['show', file, `Root/AcroForm/Fields/${n}/Rect`], { encoding: 'utf8' });
  const nums = (/\[([^\]]*)\]/.exec(r.stdout)?.[1] ?? '').trim().split(/\s+/).map(Number);
  expect(nums, r.stdout + r.stderr).toHaveLength(4);
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = nums;
  return [Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0)];
}

describe('a stamp not placed by the user', () => {
  it('two co-signers signing as firma without --rect: the second stamp goes above the first, both valid', () => {
    const first = sign(at('ejemplo.pdf'), at('una.pdf'));
    expect(first.out.warnings).toEqual([]);
    const second = sign(at('una.pdf'), at('dos.pdf'));
    expect(second.out.warnings).toEqual([]);
    expect(second.stderr).not.toContain('Aviso');
    judge(at('dos.pdf'), nssDir, 2);
    const a = fieldRect(at('dos.pdf'), 1);
    const b = fieldRect(at('dos.pdf'), 2);
    // The first one where it always went (lower right of the A4 page); the second one stamp height + 6 pt above.
    expect(a).toEqual([595 - 170 - 36, 36, 170, 60]);
    expect(b).toEqual([a[0], 36 + 60 + 6, 170, 60]);
    expect(rectsIntersect(a, b)).toBe(false);
    // A third co-signer climbs one more place.
    sign(at('dos.pdf'), at('tres.pdf'));
    judge(at('tres.pdf'), nssDir, 3);
    expect(fieldRect(at('tres.pdf'), 3)).toEqual([a[0], 36 + 2 * 66, 170, 60]);
  });

  it('a V°B° takes the next place of its row when a signature sits on its own', () => {
    // One signature in the file makes the visa's place the second of its row (x 36 + 176, y 104 on A4): a
    // signature placed there by hand sends the visa on to the third place (the next row, 66 pt higher).
    sign(at('ejemplo.pdf'), at('ajena.pdf'), ['--rect', '220,110,120,40']);
    const visa = sign(at('ajena.pdf'), at('visada.pdf'), ['--visa']);
    expect(visa.out.warnings).toEqual([]);
    judge(at('visada.pdf'), nssDir, 2);
    expect(fieldRect(at('visada.pdf'), 2)).toEqual([36, 104 + 66, 170, 60]);
  });

  it('with no free place on the page, keeps the lower-right corner and warns (Spanish and English)', () => {
    // A signature as tall as the page over the firma's column: no place in it is free.
    sign(at('ejemplo.pdf'), at('columna.pdf'), ['--rect', '380,0,215,842']);
    const over = sign(at('columna.pdf'), at('encima.pdf'));
    expect(over.stderr).toContain('Aviso: el sello en la página 1 de columna.pdf se superpone a la firma «Firma1».');
    expect(over.out.warnings).toMatchObject([{ code: 'SIGN_STAMP_OVERLAP', page: 1, field: 'Firma1' }]);
    expect(fieldRect(at('encima.pdf'), 2)).toEqual([595 - 170 - 36, 36, 170, 60]);
    judge(at('encima.pdf'), nssDir, 2);
    const en = sign(at('columna.pdf'), at('encima-en.pdf'), [], 'en_US.UTF-8');
    expect(en.stderr).toContain('Warning: the stamp on page 1 of columna.pdf lies over the signature “Firma1”.');
  });
});
