import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { P12_PASSWORD, testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

// The shipped bundles (dist/node, built by `npm run build:node`), not a test bundle from the sources: the
// launcher's code cache, the PDF worker started through its boot script and its own code cache.
const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
const dist = path.resolve(__dirname, '..', '..', 'dist', 'node');
const tmp = tempDir('casilla-cli-shipped-');
afterAll(() => tmp.cleanup());

describe('casilla sign from the shipped bundles', () => {
  const pki = testPki();

  it('signs through the code-cached PDF worker, cold and warm, and pdfsig accepts both outputs', () => {
    const input = writePlainPdf(path.join(tmp.dir, 'una.pdf'), { pages: 1 });
    const cacheDir = path.join(dist, 'code-cache');
    // Cold: no cache for the worker (and none for the command); the run must write the worker's.
    for (const f of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : [])
      if (/^(pdf-worker|cli-sign)-/.test(f)) fs.rmSync(path.join(cacheDir, f));
    for (const [i, extra] of [[], ['--invisible']].entries()) {
      const out = path.join(tmp.dir, `out-${i}.pdf`);
      const r = spawnSync(
        process.execPath,
        [cli, '--home', path.join(tmp.dir, 'home'), 'sign', input, '-o', out, '--p12', pki.p12.rsa, '--password-env', 'PW', ...extra],
        { encoding: 'utf8', env: { ...process.env, PW: P12_PASSWORD } },
      );
      expect(r.status, r.stderr).toBe(0);
      judge(out, pki.nssDir, 1);
      const cached = fs.readdirSync(cacheDir);
      expect(cached.some((f) => f.startsWith('pdf-worker-') && f.endsWith('.bin'))).toBe(true);
      expect(cached.some((f) => f.startsWith('cli-sign-') && f.endsWith('.bin'))).toBe(true);
    }
  });

  it('still says a wrong password clearly (exit 1, CERT_BAD_PASSWORD) and writes nothing', () => {
    const input = writePlainPdf(path.join(tmp.dir, 'dos.pdf'), { pages: 1 });
    const out = path.join(tmp.dir, 'nada.pdf');
    const r = spawnSync(
      process.execPath,
      [cli, '--home', path.join(tmp.dir, 'home'), '--json', 'sign', input, '-o', out, '--p12', pki.p12.rsa, '--password-env', 'PW'],
      { encoding: 'utf8', env: { ...process.env, PW: 'otra-clave' } },
    );
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'CERT_BAD_PASSWORD' }, exitCode: 1 });
    expect(fs.existsSync(out)).toBe(false);
  });
});
