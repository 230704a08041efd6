/**
 * FirmaGob end to end, offline: `casilla sandbox --firmagob` as a real process (the simulator: documented
 * endpoint, JWT HS256, purposes, OTP, its own State CA), `casilla sign --firmagob` in hash mode, judged by pdfsig
 * and by our verifier trusting the simulator's State CA. The client's Spanish refusals are checked against the
 * simulator too, and in every refusal no output file appears.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDigestWithFirmaGob, firmaGobSigner, type FirmaGobConfig } from '../../src-main/core/signing/firmagob/client';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { startFirmaGobSimulator, SANDBOX_ENTITY } from '../../src-main/sandbox/firmagob/server';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfsig } from '../helpers/pdf-judges';
import { testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-firmagob-cli-${process.pid}`, 'cli.cjs');
const tmp = tempDir('casilla-firmagob-');
const at = (name: string) => path.join(tmp.dir, name);
const nss = testPki().nssDir;

type Banner = { firmagob: { baseUrl: string; entity: string; apiKey: string; secret: string; runs: string[]; stateCaPem: string } };
let sandbox: ChildProcess;
let banner: Banner['firmagob'];

beforeAll(async () => {
  await bundleCli(cliBundle);
  writePlainPdf(at('doc.pdf'));
  sandbox = spawn(process.execPath, [cliBundle, '--home', at('home'), '--json', 'sandbox', '--port', '0', '--firmagob'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  banner = await new Promise<Banner['firmagob']>((resolve, reject) => {
    let out = '';
    let err = '';
    sandbox.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    sandbox.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve((JSON.parse(out) as Banner).firmagob);
      } catch {
        // The banner is not complete yet.
      }
    });
    sandbox.once('exit', (code) => reject(new Error(`el sandbox terminó con ${code}: ${err}`)));
  });
}, 60_000);
afterAll(async () => {
  if (sandbox && sandbox.exitCode === null) {
    await new Promise((done) => {
      sandbox.once('exit', done);
      sandbox.kill('SIGTERM');
    });
  }
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBundle, '--home', at('home'), ...args], {
      env: { ...process.env, FG_SECRET: banner.secret, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const fgArgs = () => [
  '--firmagob',
  '--firmagob-url',
  banner.baseUrl,
  '--firmagob-entity',
  banner.entity,
  '--firmagob-api-key',
  banner.apiKey,
  '--firmagob-secret-env',
  'FG_SECRET',
  '--run',
  '22222222',
];

const noTemps = () => expect(fs.readdirSync(tmp.dir).filter((f) => f.endsWith('.part'))).toEqual([]);

describe('casilla sign --firmagob against casilla sandbox --firmagob', () => {
  it('unattended: pdfsig says valid, our verifier chains the signature to the simulator State CA', async () => {
    const out = at('firmado.pdf');
    const r = await cli(['sign', at('doc.pdf'), '-o', out, ...fgArgs(), '--reason', 'Resolución exenta']);
    expect(r.status, r.stderr).toBe(0);
    const ps = pdfsig(out, nss);
    expect(ps.count, ps.output).toBe(1);
    expect(ps.valid, ps.output).toBe(1);
    expect(ps.output).toContain('USUARIO DE PRUEBA FIRMAGOB RUN 22222222');
    const v = await cli(['--json', 'verify', '--trust', banner.stateCaPem, out]);
    const report = JSON.parse(v.stdout) as {
      signatures: Array<{ intact: boolean; trusted: boolean; signer: { name: string; issuer: string } }>;
    };
    const sig = report.signatures[0];
    expect(sig?.intact).toBe(true);
    expect(sig?.trusted).toBe(true);
    expect(sig?.signer.issuer).toBe(`CA ${banner.entity} (simulador)`);
    // Without the State CA as an anchor the same signature is not trusted: the chain really ends there.
    const untrusted = JSON.parse((await cli(['--json', 'verify', out])).stdout) as typeof report;
    expect(untrusted.signatures[0]?.trusted).toBe(false);
  });

  it('attended without OTP is refused with a clear message and nothing is written', async () => {
    const out = at('sin-otp.pdf');
    const r = await cli(['sign', at('doc.pdf'), '-o', out, ...fgArgs(), '--attended', '--otp-env', 'OTP_NO_DEFINIDA']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/propósito atendido necesita la clave de un solo uso \(OTP\).*No se firmó nada/);
    expect(fs.existsSync(out)).toBe(false);
    noTemps();
  });

  it('attended with the OTP the simulator issued signs', async () => {
    const otp = ((await (await fetch(`${banner.baseUrl}/sandbox/firmagob/otp?run=22222222`)).json()) as { otp: string }).otp;
    const out = at('con-otp.pdf');
    const r = await cli(['sign', at('doc.pdf'), '-o', out, ...fgArgs(), '--attended', '--otp-env', 'FG_OTP'], { FG_OTP: otp });
    expect(r.status, r.stderr).toBe(0);
    expect(pdfsig(out, nss).valid).toBe(1);
    // The OTP is single use.
    const again = await cli(['sign', at('doc.pdf'), '-o', at('otra-vez.pdf'), ...fgArgs(), '--attended', '--otp-env', 'FG_OTP'], {
      FG_OTP: otp,
    });
    expect(again.stderr).toMatch(/clave OTP no es correcta/);
    expect(fs.existsSync(at('otra-vez.pdf'))).toBe(false);
  });

  it('a wrong secret is refused in Spanish and nothing is written', async () => {
    const out = at('clave-mala.pdf');
    const r = await cli(['sign', at('doc.pdf'), '-o', out, ...fgArgs()], { FG_SECRET: 'otra-clave' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/clave secreta de la institución no es la correcta/);
    expect(fs.existsSync(out)).toBe(false);
    noTemps();
  });
});

describe('FirmaGob client against the in-process simulator', () => {
  let sim: Awaited<ReturnType<typeof startFirmaGobSimulator>>;
  const config = (over: Partial<FirmaGobConfig> = {}): FirmaGobConfig => ({
    baseUrl: sim.baseUrl,
    entity: SANDBOX_ENTITY.entity,
    apiKey: SANDBOX_ENTITY.apiKey,
    secret: SANDBOX_ENTITY.secret,
    run: '22222222',
    purpose: 'Desatendido',
    ...over,
  });
  beforeAll(async () => {
    sim = await startFirmaGobSimulator({ dataDir: at('sim'), otpTtlMs: 1 });
  });
  afterAll(() => sim?.close());

  it('an expired token is refused with the time to check', async () => {
    const past = new Date(Date.now() - 3600_000);
    await expect(signDigestWithFirmaGob(config({ now: () => past }), Buffer.alloc(32, 1))).rejects.toMatchObject({
      code: 'FIRMAGOB_TOKEN_EXPIRED',
      message: expect.stringMatching(/token expiró: revise la fecha y hora/),
    });
  });

  it('an expired OTP makes the signer fail and leaves no output', async () => {
    const otp = sim.issueOtp('22222222');
    await new Promise((r) => setTimeout(r, 20)); // the simulator's OTP lives 1 ms here
    const out = at('otp-vencido.pdf');
    await expect(
      signPdf({ input: at('doc.pdf'), output: out, role: 'firma', signer: firmaGobSigner(config({ purpose: 'Propósito General', otp })) }),
    ).rejects.toMatchObject({ code: 'FIRMAGOB_OTP_EXPIRED', message: expect.stringMatching(/OTP expiró/) });
    expect(fs.existsSync(out)).toBe(false);
    noTemps();
  });

  it('an unknown RUN, a bad API key and an unreachable service each get their own message', async () => {
    await expect(signDigestWithFirmaGob(config({ run: '99999999' }), Buffer.alloc(32, 2))).rejects.toMatchObject({
      code: 'FIRMAGOB_RUN_UNKNOWN',
    });
    await expect(signDigestWithFirmaGob(config({ apiKey: 'otra' }), Buffer.alloc(32, 2))).rejects.toMatchObject({
      code: 'FIRMAGOB_BAD_API_KEY',
    });
    await expect(signDigestWithFirmaGob(config({ baseUrl: 'http://127.0.0.1:1' }), Buffer.alloc(32, 2))).rejects.toMatchObject({
      code: 'FIRMAGOB_UNREACHABLE',
    });
    expect(() => firmaGobSigner(config({ baseUrl: 'http://firmagob.example.cl' }))).toThrow(/solo por https/);
  });

  it('the simulator reports a partial failure per hash; the client refuses it', async () => {
    const { firmaGobToken } = await import('../../src-main/core/signing/firmagob/client');
    const res = await fetch(`${sim.baseUrl}/firma/v2/files/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        api_token_key: 'sandbox',
        token: firmaGobToken(config(), new Date()),
        hashes: [
          { 'content-type': 'application/pdf', content: Buffer.alloc(32, 3).toString('base64') },
          { 'content-type': 'application/pdf', content: 'no-es-un-hash' },
        ],
      }),
    });
    const body = (await res.json()) as { hashes: Array<{ status: string }>; metadata: { hashesSigned: number; signedFailed: number } };
    expect(body.metadata).toMatchObject({ hashesSigned: 1, signedFailed: 1 });
    expect(body.hashes.map((h) => h.status)).toEqual(['OK', 'FAILED']);
  });
});
