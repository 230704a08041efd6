/**
 * B-LT and B-LTA through the real CLI: a local OCSP responder (openssl ocsp) and a local RFC 3161 TSA
 * (openssl ts) on 127.0.0.1; judged by our verifier offline and by pdfsig.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../../src-main/core/pdf/pdf-document';
import { PdfDict } from '../../src-main/core/pdf/pdf-objects';
import { locateSignatures } from '../../src-main/core/verify/pdf-signatures';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfsig } from '../helpers/pdf-judges';
import { testPki } from '../helpers/pki';
import { startPkiTsa } from '../helpers/tsa';
import { freePort, startOcspResponder } from '../helpers/ocsp-responder';
import { tempDir } from '../helpers/temp-home';
import { makePki, type Pki } from '../helpers/verify-pki';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-ltv-cli-${process.pid}`, 'cli.cjs');
const tmp = tempDir('casilla-ltv-');
const at = (name: string) => path.join(tmp.dir, name);
let pki: Pki;
let tsa: Awaited<ReturnType<typeof startPkiTsa>>;
let ocsp: Awaited<ReturnType<typeof startOcspResponder>>;
let p12: string;
const signingPki = testPki();

beforeAll(async () => {
  await bundleCli(cliBundle);
  const port = await freePort();
  pki = makePki(at('pki'), { ocspUrl: `http://127.0.0.1:${port}/`, tsaRevocation: true });
  ocsp = await startOcspResponder(pki, port);
  tsa = await startPkiTsa(pki);
  const leaf = pki.leaf('signer');
  p12 = at('signer.p12');
  execFileSync('openssl', [
    'pkcs12',
    '-export',
    '-in',
    leaf.cert,
    '-inkey',
    leaf.key,
    '-certfile',
    pki.interPem,
    '-out',
    p12,
    '-passout',
    'pass:clave',
  ]);
});
afterAll(async () => {
  await ocsp?.stop();
  await tsa?.close();
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

/** Async: the TSA answers from this process, so a blocking spawnSync would starve it. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBundle, '--home', at('home'), ...args], { env: { ...process.env, P12PW: 'clave' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Report = { verdict: string; signatures: Array<{ kind: string; level: string; verdict: string; revocation: { source: string } }> };

async function verifyOffline(file: string): Promise<Report> {
  const r = await cli(['--json', 'verify', '--offline', '--trust', pki.rootPem, '--trust', signingPki.rootPem, file]);
  return JSON.parse(r.stdout) as Report;
}

function dssOf(file: string): { certs: number; ocsps: number; vri: string[] } {
  const doc = openPdf(file);
  try {
    const dss = doc.resolveDict(doc.catalog().get('DSS'));
    const vri = doc.resolveDict(dss?.get('VRI'));
    return {
      certs: doc.resolveArray(dss?.get('Certs'))?.items.length ?? 0,
      ocsps: doc.resolveArray(dss?.get('OCSPs'))?.items.length ?? 0,
      vri: vri instanceof PdfDict ? [...vri.entries.keys()] : [],
    };
  } finally {
    doc.close();
  }
}

/** Verifies the document timestamp with `openssl ts -verify` against the byte ranges it covers. */
function opensslVerifiesDocTimestamp(file: string): boolean {
  const doc = openPdf(file);
  const ts = locateSignatures(doc).find((x) => x.kind === 'document-timestamp');
  doc.close();
  if (!ts?.byteRange || !ts.contents) return false;
  const bytes = fs.readFileSync(file);
  const [a, b, c, d] = ts.byteRange;
  fs.writeFileSync(at('ts-data.bin'), Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]));
  // The token without the hole's zero padding: the DER length from its header.
  const t = ts.contents;
  const lenBytes = (t[1] ?? 0) & 0x7f;
  const len = (t[1] ?? 0) < 0x80 ? (t[1] ?? 0) + 2 : 2 + lenBytes + t.subarray(2, 2 + lenBytes).reduce((n, x) => n * 256 + x, 0);
  fs.writeFileSync(at('ts-token.der'), t.subarray(0, len));
  const r = spawnSync(
    'openssl',
    [
      'ts',
      '-verify',
      '-data',
      at('ts-data.bin'),
      '-in',
      at('ts-token.der'),
      '-token_in',
      '-CAfile',
      pki.rootPem,
      '-untrusted',
      pki.interPem,
    ],
    { encoding: 'utf8' },
  );
  return r.status === 0 && /Verification: OK/.test(r.stdout);
}

describe('casilla sign --level B-LT / B-LTA', async () => {
  it('B-LTA: DSS with VRI, a document timestamp, PAdES-B-LTA and VÁLIDO offline, pdfsig valid for the CAdES signature, openssl for the document timestamp', async () => {
    const input = writePlainPdf(at('doc.pdf'), { pages: 2 });
    const out = at('lta.pdf');
    const r = await cli(['sign', input, '-o', out, '--p12', p12, '--password-env', 'P12PW', '--level', 'B-LTA', '--tsa', tsa.url]);
    expect(r.status, r.stderr).toBe(0);
    const dss = dssOf(out);
    expect(dss.ocsps).toBeGreaterThanOrEqual(1);
    expect(dss.certs).toBeGreaterThanOrEqual(2);
    // One VRI entry for the signature, one for the document timestamp (its TSA's chain and OCSP).
    expect(dss.vri).toHaveLength(2);
    for (const key of dss.vri) expect(key).toMatch(/^[0-9A-F]{40}$/);
    const report = await verifyOffline(out);
    expect(report.verdict).toBe('valid');
    const sig = report.signatures.find((s) => s.kind === 'signature');
    expect(sig?.level).toBe('PAdES-B-LTA');
    expect(sig?.revocation.source).toBe('dss-ocsp');
    expect(report.signatures.some((s) => s.kind === 'document-timestamp' && s.verdict === 'valid')).toBe(true);
    const human = await cli(['verify', '--offline', '--trust', pki.rootPem, '--trust', signingPki.rootPem, out]);
    expect(human.stdout).toMatch(/VÁLIDO/);
    expect(human.stdout).not.toMatch(/NO VÁLIDO|INDETERMINADO/);
    // pdfsig validates the CAdES signature; it does not implement ETSI.RFC3161 document timestamps, so
    // `openssl ts -verify` judges that one over the same byte ranges.
    const ps = pdfsig(out, signingPki.nssDir);
    expect(ps.count, ps.output).toBe(2);
    expect(ps.valid, ps.output).toBe(1);
    expect(ps.output).toMatch(/Signature Field Name: Firma1[\s\S]*?Signature is Valid/);
    expect(ps.output).toMatch(/SelloTiempo1[\s\S]*Unable to validate this type of signature/);
    expect(opensslVerifiesDocTimestamp(out), 'openssl ts -verify').toBe(true);
  });

  it('B-LT stops at the DSS: PAdES-B-LT, no document timestamp', async () => {
    const out = at('lt.pdf');
    const r = await cli(['sign', at('doc.pdf'), '-o', out, '--p12', p12, '--password-env', 'P12PW', '--level', 'B-LT', '--tsa', tsa.url]);
    expect(r.status, r.stderr).toBe(0);
    const report = await verifyOffline(out);
    expect(report.signatures.map((s) => s.level)).toEqual(['PAdES-B-LT']);
    expect(report.verdict).toBe('valid');
  });

  it('--extend turns a B-T file into B-LTA later, leaving the input untouched', async () => {
    const bt = at('bt.pdf');
    expect((await cli(['sign', at('doc.pdf'), '-o', bt, '--p12', p12, '--password-env', 'P12PW', '--tsa', tsa.url])).status).toBe(0);
    expect((await verifyOffline(bt)).verdict).not.toBe('valid'); // offline, a plain B-T has no revocation data
    const before = fs.readFileSync(bt);
    const out = at('bt-lta.pdf');
    const r = await cli(['sign', '--extend', bt, '-o', out, '--tsa', tsa.url]);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(bt).equals(before)).toBe(true);
    const report = await verifyOffline(out);
    expect(report.verdict).toBe('valid');
    expect(report.signatures.find((s) => s.kind === 'signature')?.level).toBe('PAdES-B-LTA');
  });

  it('refuses B-LTA when the OCSP responder is down, and writes nothing', async () => {
    const port = Number(new URL(ocsp.url).port);
    await ocsp.stop();
    try {
      const out = at('sin-ocsp.pdf');
      const r = await cli([
        'sign',
        at('doc.pdf'),
        '-o',
        out,
        '--p12',
        p12,
        '--password-env',
        'P12PW',
        '--level',
        'B-LTA',
        '--tsa',
        tsa.url,
      ]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/ningún servicio OCSP ni CRL respondió.*No se escribió ningún archivo/);
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(tmp.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    } finally {
      ocsp = await startOcspResponder(pki, port);
    }
  });

  it('refuses an unknown level and B-LTA without a TSA', async () => {
    expect(
      (await cli(['sign', at('doc.pdf'), '-o', at('x.pdf'), '--p12', p12, '--password-env', 'P12PW', '--level', 'B-XL'])).stderr,
    ).toMatch(/Nivel desconocido/);
    expect(
      (await cli(['sign', at('doc.pdf'), '-o', at('x.pdf'), '--p12', p12, '--password-env', 'P12PW', '--level', 'B-LTA'])).stderr,
    ).toMatch(/necesita --tsa/);
  });
});
