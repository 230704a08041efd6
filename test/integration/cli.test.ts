import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { commandTable } from '../../src-main/cli/commands/index';
import { tempDir } from '../helpers/temp-home';

const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
const home = tempDir();
afterAll(() => home.cleanup());
const run = (...args: string[]) => spawnSync(process.execPath, [cli, '--home', home.dir, ...args], { encoding: 'utf8' });

describe('the casilla CLI', () => {
  it('prints help in Spanish and exits 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Uso: casilla [opciones] [comando]');
    expect(r.stdout).toContain('Comandos:');
    expect(r.stdout).not.toMatch(/Usage:|Options:|display help/);
    expect(r.stdout).toContain('doctor');
    expect(r.stdout).toContain('audit');
  });
  it('has a bundle for every listed command, which runs that command', () => {
    for (const c of commandTable) {
      const r = run(c.name, '--help');
      expect(r.status, c.name).toBe(0);
      expect(r.stdout).toContain(`Uso: casilla ${c.name}`);
    }
  });
  it('prints its version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
  it("speaks commander's errors in Spanish, or English when LANG says en", () => {
    const es = run('verify');
    expect(es.status).toBe(2);
    expect(es.stderr).toContain("error: falta el argumento obligatorio 'file'");
    expect(es.stderr).toContain('(use --help para ver las opciones)');
    const en = spawnSync(process.execPath, [cli, '--home', home.dir, 'verify'], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
    });
    expect(en.status).toBe(2);
    expect(en.stderr).toContain("error: missing required argument 'file'");
    const unknown = run('firmar');
    expect(unknown.stderr).toContain("comando desconocido 'firmar'");
    const help = spawnSync(process.execPath, [cli, '--home', home.dir, 'sign', '--help'], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
    });
    expect(help.stdout).toContain('Usage: casilla sign [options]');
  });
  it("gives zod's validation messages in Spanish, or English when LANG says en", () => {
    const long = 'a'.repeat(300);
    const es = run('outbox', 'show', long);
    expect(es.status).toBe(2);
    expect(es.stderr).toContain('Demasiado grande');
    expect(es.stderr).not.toContain('Too big');
    const en = spawnSync(process.execPath, [cli, '--home', home.dir, 'outbox', 'show', long], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
    });
    expect(en.stderr).toContain('Too big');
  });
  it('with --json, errors are one JSON object on stdout with the code, and the exit code is unchanged', () => {
    const r = run('--json', 'sign', 'x.pdf');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'BAD_USAGE' } });
    const missing = run('--json', 'verify', path.join(home.dir, 'no-existe.pdf'));
    expect(missing.status).toBe(2);
    const parsed = JSON.parse(missing.stdout) as { error?: { code: string } };
    expect(parsed.error?.code).toMatch(/^[A-Z_]+$/);
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
