import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { freePort, startCrlServer, startOcspResponder } from '../helpers/ocsp-responder';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { tempDir } from '../helpers/temp-home';
import { appendUpdate } from '../helpers/verify-attacks';
import { makePki, type Pki } from '../helpers/verify-pki';
import { verifyPkiSigner } from '../helpers/verify-signer';

const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let ocsp: Awaited<ReturnType<typeof startOcspResponder>>;
let crl: Awaited<ReturnType<typeof startCrlServer>>;
let issuers: Awaited<ReturnType<typeof startCrlServer>>;
const at = (n: string) => path.join(tmp.dir, n);

beforeAll(async () => {
  tmp = tempDir('verify-cli-');
  const [op, cp, ip] = [await freePort(), await freePort(), await freePort()];
  pki = makePki(at('pki'), {
    ocspUrl: `http://127.0.0.1:${op}/`,
    crlUrl: `http://127.0.0.1:${cp}/ca.crl`,
    caIssuersUrl: `http://127.0.0.1:${ip}/inter.cer`,
  });
  issuers = await startCrlServer(() => path.join(pki.dir, 'inter.der'), ip);
  ocsp = await startOcspResponder(pki, op);
  crl = await startCrlServer(() => pki.crlDer, cp);
  const plain = writePlainPdf(at('plain.pdf'));
  await signPdf({ input: plain, output: at('good.pdf'), signer: verifyPkiSigner(pki, 'signer'), role: 'firma' });
  await signPdf({ input: plain, output: at('revoked.pdf'), signer: verifyPkiSigner(pki, 'revoked'), role: 'firma' });
  await signPdf({ input: plain, output: at('no-chain.pdf'), signer: verifyPkiSigner(pki, 'signer', false), role: 'firma' });
});
afterAll(async () => {
  await ocsp?.stop();
  await crl?.stop();
  await issuers?.stop();
  tmp?.cleanup();
});

const run = (...args: string[]) => spawnSync(process.execPath, [cli, '--home', at('home'), ...args], { encoding: 'utf8' });
/** For runs that call back into servers living in this test process (spawnSync would block them). */
const runAsync = (...args: string[]): Promise<{ status: number | null; stdout: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '--home', at('home'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (status) => resolve({ status, stdout }));
  });

describe('casilla verify', () => {
  it('exits 0 for a valid, trusted, not revoked signature and prints the report as JSON', () => {
    const r = run('--json', 'verify', at('good.pdf'), '--trust', pki.rootPem);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ file: at('good.pdf'), verdict: 'valid', revisions: 2 });
    expect(report.signatures[0]).toMatchObject({
      field: expect.any(String),
      revision: 2,
      signer: { name: 'Juana Perez Firmante', id: 'PNOPE-12345678', issuer: 'Intermedia de Prueba' },
      claimedTime: expect.any(String),
      timestamp: null,
      intact: true,
      coverage: 'entire-file',
      modificationsAfter: 'none',
      changes: [],
      trusted: true,
      revocation: { status: 'good', source: 'online-ocsp' },
      level: 'PAdES-B-B',
      verdict: 'valid',
      reasons: [],
    });
  });

  it('exits 1 for a revoked signer, naming the revocation', () => {
    const r = run('--json', 'verify', at('revoked.pdf'), '--trust', pki.rootPem);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.signatures[0]).toMatchObject({ verdict: 'invalid', revocation: { status: 'revoked', source: 'online-ocsp' } });
    expect(report.signatures[0].reasons.map((x: { code: string }) => x.code)).toContain('REVOKED_BEFORE_SIGNING');
  });

  it('exits 1 offline (revocation unknown) and prints Spanish text without --json', () => {
    const r = run('verify', at('good.pdf'), '--trust', pki.rootPem, '--offline');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('INDETERMINADO');
    expect(r.stdout).toContain('No se pudo determinar si el certificado está revocado');
    // The file by its name (folder aside), plural forms, the time with its UTC offset.
    expect(r.stdout).toContain(`good.pdf (${tmp.dir}): INDETERMINADO (2 revisiones, 1 firma)`);
    expect(r.stdout).toMatch(/Hora: \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d UTC[+-]\d\d:\d\d \(declarada por el firmante\)/);
  });

  it('speaks English when the environment says so, with English plurals and reasons', () => {
    const r = spawnSync(process.execPath, [cli, '--home', at('home-en'), 'verify', at('good.pdf'), '--trust', pki.rootPem, '--offline'], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'en_US.UTF-8', TZ: 'America/Santiago' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('good.pdf');
    expect(r.stdout).toContain(': INDETERMINATE (2 revisions, 1 signature)');
    expect(r.stdout).toContain('Whether the certificate is revoked could not be determined.');
    expect(r.stdout).toMatch(/Time: .* UTC-0[34]:00 \(claimed by the signer\)/);
    expect(r.stdout).not.toMatch(/revisiones|\bfirmas?\b|Hora:|Íntegra|INDETERMINADO/);
  });

  it('exits 1 and lists the disallowed change made after the signature', () => {
    const changed = appendUpdate(at('good.pdf'), at('changed.pdf'), [
      { num: 6, body: '<< /Length 44 >>\nstream\nBT /F1 18 Tf 72 720 Td (PAGAR 1000000) Tj ET\nendstream' },
    ]);
    const r = run('verify', changed, '--trust', pki.rootPem);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('NO VÁLIDO');
    expect(r.stdout, r.stdout).toMatch(/Revisión 3, 6 0 R: Se modificó el contenido de la página 1\. \[NO PERMITIDO\]/);
  });

  it('writes the PDF report with --report (qpdf-clean, text readable by mutool)', () => {
    const out = at('informe.pdf');
    const r = run('verify', at('good.pdf'), at('revoked.pdf'), '--trust', pki.rootPem, '--report', out);
    expect(r.status).toBe(1);
    expect(spawnSync('qpdf', ['--check', out], { encoding: 'utf8' }).status).toBe(0);
    const text = spawnSync('mutool', ['draw', '-F', 'txt', out], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Informe de verificación de firmas');
    expect(text).toContain('VÁLIDO');
    expect(text).toContain('NO VÁLIDO');
    expect(text).toContain('Juana Perez Firmante');
  });

  it('--logo and --institution brand the report; a bad --logo is bad usage before anything is verified', () => {
    const out = at('informe-logo.pdf');
    // A JPEG made by poppler from a page of the plain PDF.
    spawnSync('pdftoppm', ['-jpeg', '-r', '10', '-f', '1', '-l', '1', '-singlefile', at('plain.pdf'), at('logo')]);
    const r = run(
      'verify',
      at('good.pdf'),
      '--trust',
      pki.rootPem,
      '--offline',
      '--report',
      out,
      '--logo',
      at('logo.jpg'),
      '--institution',
      'Gobierno Regional de Cusco',
    );
    expect(r.status).toBe(1);
    expect(spawnSync('qpdf', ['--check', out]).status).toBe(0);
    expect(spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout).toContain('Gobierno Regional de Cusco');
    const images = spawnSync('pdfimages', ['-list', out], { encoding: 'utf8' }).stdout;
    expect(images).toMatch(/\sjpeg\s/);
    const bad = run('verify', at('good.pdf'), '--offline', '--report', at('x.pdf'), '--logo', at('plain.pdf'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('El logo debe ser una imagen PNG o JPEG.');
    expect(fs.existsSync(at('x.pdf'))).toBe(false);
  });

  it('exits 2 when a file cannot be read, and still reports the others', () => {
    fs.writeFileSync(at('not.pdf'), 'esto no es un PDF');
    const r = run('--json', 'verify', at('good.pdf'), at('not.pdf'), '--trust', pki.rootPem);
    expect(r.status).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(2);
    expect(out[0].verdict).toBe('valid');
    expect(out[1]).toMatchObject({ file: at('not.pdf'), error: { code: 'PDF_INVALID' } });
  });

  it('downloads a missing intermediate from the CA Issuers URL when online, and only then', async () => {
    const before = issuers.hits();
    const online = await runAsync('--json', 'verify', at('no-chain.pdf'), '--trust', pki.rootPem);
    expect(online.status, online.stdout).toBe(0);
    expect(issuers.hits()).toBe(before + 1);
    const offline = JSON.parse(run('--json', 'verify', at('no-chain.pdf'), '--trust', pki.rootPem, '--offline').stdout);
    expect(offline.signatures[0]).toMatchObject({ intact: true, trusted: false });
    expect(issuers.hits()).toBe(before + 1);
  });

  it('exits 2 on an unreadable --trust file', () => {
    expect(run('verify', at('good.pdf'), '--trust', at('missing.pem')).status).toBe(2);
  });
});
