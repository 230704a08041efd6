/**
 * TSA profiles end to end: through the contract (real SQLite, the real Secret Service of with-keyring.sh) and
 * through the CLI, against a real RFC 3161 TSA on 127.0.0.1 (`openssl ts -reply`) that requires HTTP Basic
 * credentials. Right credentials → a timestamp in the signature (pdfsig, qpdf, mutool judge it); wrong ones → a
 * clear Spanish error and no output; an http address off this machine is refused; the password never reaches
 * the database, the settings, the audit log or an answer.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TsaProfile, TsaTestResult } from '../../src-main/api/tsa';
import type { Result } from '../../src-main/api/result';
import { tsaSecretAccount } from '../../src-main/core/signing/tsa-profiles';
import { createHandlers, dispatch } from '../../src-main/services';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { P12_PASSWORD, startTestTsa, testPki, type TestTsa } from '../helpers/pki';
import { tempCore, tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-tsa-cli-${process.pid}`, 'cli.cjs');
const pki = testPki();
const tmp = tempDir('casilla-tsa-profiles-');
const at = (name: string) => path.join(tmp.dir, name);
const PASSWORD = 'clave-tsa-Ñandú-7731';
let tsa: TestTsa;

beforeAll(async () => {
  tsa = await startTestTsa({ username: 'mesa', password: PASSWORD });
  await bundleCli(cliBundle);
});
afterAll(async () => {
  await tsa.close();
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

/** The RFC 3161 signature-timestamp attribute OID (1.2.840.113549.1.9.16.2.14) in DER, as hex. */
const TIMESTAMP_ATTR = '060b2a864886f70d010910020e';
function hasSignatureTimestamp(file: string): boolean {
  return fs.readFileSync(file, 'latin1').toLowerCase().includes(TIMESTAMP_ATTR);
}

/** Every file of the data folder (database, WAL, settings) must be free of the password. */
function filesContaining(dir: string, secret: string): string[] {
  const hits: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    const bytes = fs.readFileSync(p);
    if (bytes.includes(Buffer.from(secret, 'utf8')) || bytes.includes(Buffer.from(secret, 'utf16le'))) hits.push(p);
  }
  return hits;
}

describe('TSA profiles through the contract', () => {
  it('saves the password in the keychain only, tests the TSA, and signs B-T with the profile', async () => {
    const env = tempCore();
    const table = createHandlers();
    const call = <T>(method: string, input: unknown) => dispatch(table, env.core, method, input) as Promise<Result<T>>;
    try {
      const saved = await call<TsaProfile>('tsa.save', {
        profile: { name: 'TSA local', url: tsa.url, username: 'mesa', password: PASSWORD },
      });
      if (!saved.ok) throw new Error(saved.error.message);
      expect(saved.value).toEqual({ id: saved.value.id, name: 'TSA local', url: tsa.url, username: 'mesa', hasPassword: true });
      expect(await env.core.secrets.get(tsaSecretAccount(saved.value.id))).toBe(PASSWORD);
      const listed = await call<TsaProfile[]>('tsa.list', {});
      expect(JSON.stringify(listed)).not.toContain(PASSWORD);

      const probe = await call<TsaTestResult>('tsa.test', { id: saved.value.id });
      if (!probe.ok) throw new Error(probe.error.message);
      expect(probe.value.tsaName).toMatch(/TSA/i);
      expect(Math.abs(Date.parse(probe.value.time) - Date.now())).toBeLessThan(10 * 60_000);
      expect(probe.value.intact).toBe(true);

      const input = writePlainPdf(at('contrato.pdf'));
      const before = tsa.requests;
      const signed = await call<{ signed: number; results: Array<{ ok: boolean }> }>('sign.start', {
        files: [input],
        output: at('contrato-bt.pdf'),
        certificate: { p12Path: pki.p12.rsa, password: P12_PASSWORD },
        options: { level: 'B-T', tsaProfile: saved.value.id },
      });
      if (!signed.ok) throw new Error(signed.error.message);
      expect(signed.value.signed).toBe(1);
      expect(tsa.requests).toBe(before + 1);
      expect(hasSignatureTimestamp(at('contrato-bt.pdf'))).toBe(true);
      judge(at('contrato-bt.pdf'), pki.nssDir, 1);

      // Wrong password: a Spanish error naming the credentials, nothing written.
      const wrong = await call<TsaProfile>('tsa.save', { profile: { name: 'TSA mala', url: tsa.url, username: 'mesa', password: 'otra' } });
      if (!wrong.ok) throw new Error(wrong.error.message);
      const refused = await call<TsaTestResult>('tsa.test', { id: wrong.value.id });
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error.code).toBe('SIGN_TSA_FAILED');
        expect(refused.error.message).toContain('usuario o contraseña de la TSA incorrectos');
      }
      const failed = await call<{ signed: number; results: Array<{ ok: boolean; error?: { code: string } }> }>('sign.start', {
        files: [input],
        output: at('contrato-mala.pdf'),
        certificate: { p12Path: pki.p12.rsa, password: P12_PASSWORD },
        options: { level: 'B-T', tsaProfile: wrong.value.id },
      });
      if (!failed.ok) throw new Error(failed.error.message);
      expect(failed.value.signed).toBe(0);
      expect(failed.value.results[0]?.error?.code).toBe('SIGN_TSA_FAILED');
      expect(fs.existsSync(at('contrato-mala.pdf'))).toBe(false);
      expect(fs.readdirSync(tmp.dir).filter((f) => f.includes('contrato-mala'))).toEqual([]);

      // http to another machine is refused before anything is stored.
      const insecure = await call<TsaProfile>('tsa.save', { profile: { name: 'Insegura', url: 'http://tsa.example.gob.pe/tsr' } });
      expect(insecure.ok).toBe(false);
      if (!insecure.ok) expect(insecure.error.message).toContain('https://');
      const names = await call<TsaProfile[]>('tsa.list', {});
      expect(names.ok && names.value.map((p) => p.name)).toEqual(['TSA local', 'TSA mala']);

      // Removing a profile removes its keychain entry.
      expect((await call('tsa.remove', { id: wrong.value.id })).ok).toBe(true);
      expect(await env.core.secrets.get(tsaSecretAccount(wrong.value.id))).toBeNull();

      expect(filesContaining(env.home, PASSWORD)).toEqual([]);
    } finally {
      await env.cleanup();
    }
  });
});

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cliBundle, '--home', at('home'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, P12PW: P12_PASSWORD, ...env },
  });
}

/** The CLI run without blocking this process (the TSA answers from it). */
function cliAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [cliBundle, '--home', at('home'), ...args], { env: { ...process.env, P12PW: P12_PASSWORD, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('casilla tsa and sign --tsa-profile', () => {
  it('adds, lists, tests and uses a profile; refuses wrong credentials and http off this machine', async () => {
    const add = cli(['tsa', 'add', 'Mesa de partes', '--url', tsa.url, '--user', 'mesa', '--password-env', 'TSAPW'], { TSAPW: PASSWORD });
    expect(add.status, add.stderr).toBe(0);
    const list = cli(['--json', 'tsa', 'list']);
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { id: expect.any(String), name: 'Mesa de partes', url: tsa.url, username: 'mesa', hasPassword: true },
    ]);
    expect(list.stdout).not.toContain(PASSWORD);

    const test = await cliAsync(['tsa', 'test', 'mesa de partes']);
    expect(test.status, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/Sello obtenido de «.*TSA.*»: \d{4}-\d{2}-\d{2}T/);

    const input = writePlainPdf(at('oficio.pdf'));
    const ok = await cliAsync([
      'sign',
      input,
      '-o',
      at('oficio-bt.pdf'),
      '--p12',
      pki.p12.ec,
      '--password-env',
      'P12PW',
      '--tsa-profile',
      'Mesa de partes',
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(hasSignatureTimestamp(at('oficio-bt.pdf'))).toBe(true);
    judge(at('oficio-bt.pdf'), pki.nssDir, 1);

    expect(cli(['tsa', 'add', 'Mala', '--url', tsa.url, '--user', 'mesa', '--password-env', 'TSAPW'], { TSAPW: 'equivocada' }).status).toBe(
      0,
    );
    const bad = await cliAsync([
      'sign',
      input,
      '-o',
      at('oficio-mala.pdf'),
      '--p12',
      pki.p12.ec,
      '--password-env',
      'P12PW',
      '--tsa-profile',
      'Mala',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('usuario o contraseña de la TSA incorrectos');
    expect(fs.existsSync(at('oficio-mala.pdf'))).toBe(false);
    const badTest = await cliAsync(['tsa', 'test', 'Mala']);
    expect(badTest.status).toBe(1);
    expect(badTest.stderr).toContain('[SIGN_TSA_FAILED]');

    const insecure = cli(['tsa', 'add', 'Remota', '--url', 'http://tsa.example.gob.pe/tsr']);
    expect(insecure.status).toBe(2);
    expect(insecure.stderr).toContain('https://');
    const unknown = cli(['sign', input, '-o', at('x.pdf'), '--p12', pki.p12.ec, '--password-env', 'P12PW', '--tsa-profile', 'Nadie']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('No existe el perfil de TSA «Nadie»');
    expect(JSON.parse(cli(['--json', 'tsa', 'list']).stdout).map((p: TsaProfile) => p.name)).toEqual(['Mala', 'Mesa de partes']);

    expect(cli(['tsa', 'remove', 'Mala']).status).toBe(0);
    expect(filesContaining(at('home'), PASSWORD)).toEqual([]);
  });
});
