import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { tempDir } from '../helpers/temp-home';

const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
const home = tempDir();
afterAll(() => home.cleanup());
const run = (...args: string[]) => spawnSync(process.execPath, [cli, '--home', home.dir, ...args], { encoding: 'utf8' });

describe('the casilla CLI', () => {
  it('prints help in Spanish and exits 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: casilla');
    expect(r.stdout).toContain('doctor');
    expect(r.stdout).toContain('audit');
  });
  it('prints its version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
  it('exits 2 on bad usage', () => {
    expect(run('--no-such-flag').status).toBe(2);
    expect(run('no-such-command').status).toBe(2);
  });
  it('doctor reports the data folder, schema, keychain and checkers as JSON', () => {
    const r = run('--json', 'doctor');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as {
      home: string;
      database: { schema: number };
      keychain: { ok: boolean };
      checkers: Record<string, string | null>;
    };
    expect(report.home).toBe(home.dir);
    expect(report.database.schema).toBeGreaterThanOrEqual(20);
    // The suite runs under a private Secret Service.
    expect(report.keychain.ok).toBe(true);
    expect(report.checkers.qpdf).toMatch(/qpdf version/);
    expect(Object.keys(report.checkers)).toEqual(expect.arrayContaining(['pdfsig', 'qpdf', 'mutool', 'openssl', 'chromium']));
  });
  it('uses CASILLA_HOME when --home is not given', () => {
    const other = tempDir();
    const r = spawnSync(process.execPath, [cli, '--json', 'doctor'], {
      encoding: 'utf8',
      env: { ...process.env, CASILLA_HOME: other.dir },
    });
    expect((JSON.parse(r.stdout) as { home: string }).home).toBe(other.dir);
    other.cleanup();
  });
});
