/**
 * The verify domain through the handler table (as the UI and the web host call it) and revocation data
 * embedded in the PDF's DSS: a valid verdict fully offline, a revoked signer found without the network.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src-main/api/contract';
import type { FileOutcome, TrustAnchorInfo } from '../../src-main/api/verify';
import type { CoreContext } from '../../src-main/core/context';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { createHandlers, dispatch } from '../../src-main/services';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { tempCore, tempDir } from '../helpers/temp-home';
import { appendUpdate, objectBody, structureOf } from '../helpers/verify-attacks';
import { makePki, type Pki } from '../helpers/verify-pki';
import { verifyPkiSigner } from '../helpers/verify-signer';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let core: CoreContext;
let closeCore: () => Promise<void>;
const at = (n: string) => path.join(tmp.dir, n);
const table = createHandlers();

/** Adds a DSS with the CA's CRL (and any extra CRLs), the way a B-LT augmenter does. */
function withDss(input: string, output: string, extraCrls: Buffer[] = []): string {
  const s = structureOf(input);
  const crls = [fs.readFileSync(pki.crlDer), ...extraCrls].map((c) => c.toString('latin1'));
  return appendUpdate(input, output, [
    ...crls.map((crl, i) => ({ num: 82 + i, body: `<< /Length ${crl.length} >>\nstream\n${crl}\nendstream` })),
    { num: 81, body: `<< /CRLs [${crls.map((_, i) => `${82 + i} 0 R`).join(' ')}] >>` },
    { num: s.catalog, body: objectBody(input, s.catalog).replace(/>>\s*$/, ' /DSS 81 0 R >>') },
  ]);
}

/** A CRL of the root revoking the intermediate since yesterday, signed with WebCrypto through pkijs. */
async function rootCrlRevokingIntermediate(): Promise<Buffer> {
  const load = (f: string) =>
    pkijs.Certificate.fromBER(Buffer.from(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/.exec(fs.readFileSync(f, 'utf8'))![1]!, 'base64'));
  const root = load(pki.rootPem);
  const inter = load(pki.interPem);
  const keyDer = crypto.createPrivateKey(fs.readFileSync(path.join(pki.dir, 'root.key'))).export({ type: 'pkcs8', format: 'der' });
  const key = await crypto.webcrypto.subtle.importKey('pkcs8', keyDer, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: root.subject,
    thisUpdate: new pkijs.Time({ type: 0, value: new Date() }),
    revokedCertificates: [
      new pkijs.RevokedCertificate({
        userCertificate: inter.serialNumber,
        revocationDate: new pkijs.Time({ type: 0, value: new Date(Date.now() - 86_400_000) }),
      }),
    ],
  });
  await crl.sign(key, 'SHA-256');
  return Buffer.from(crl.toSchema(true).toBER(false));
}

beforeAll(async () => {
  tmp = tempDir('verify-service-');
  pki = makePki(at('pki'));
  const plain = writePlainPdf(at('plain.pdf'));
  await signPdf({ input: plain, output: at('good.pdf'), signer: verifyPkiSigner(pki, 'signer'), role: 'firma' });
  await signPdf({ input: plain, output: at('revoked.pdf'), signer: verifyPkiSigner(pki, 'revoked'), role: 'firma' });
  withDss(at('good.pdf'), at('good-dss.pdf'));
  withDss(at('revoked.pdf'), at('revoked-dss.pdf'));
  const opened = tempCore();
  core = opened.core;
  closeCore = opened.cleanup;
});
afterAll(async () => {
  await closeCore?.();
  tmp?.cleanup();
});

async function call<T>(method: string, input: unknown, onProgress?: (e: ProgressEvent) => void): Promise<T> {
  const r = await dispatch(table, core, method, input, { opId: 'op-1', ...(onProgress ? { onProgress } : {}) });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe('verify through the handler table', () => {
  it('trust anchors added in Configuración are used, listed and removable', async () => {
    expect(await call<{ added: string[] }>('verify.trust.add', { pem: fs.readFileSync(pki.rootPem, 'utf8') })).toEqual({
      added: ['Raiz de Prueba'],
    });
    const list = await call<TrustAnchorInfo[]>('verify.trust.list', {});
    const mine = list.find((a) => a.source === 'user');
    expect(mine).toMatchObject({ name: 'Raiz de Prueba', issuer: 'Raiz de Prueba' });
    const bad = await dispatch(table, core, 'verify.trust.add', { pem: 'no es un certificado' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VERIFY_TRUST_UNREADABLE' } });
    expect(await call('verify.trust.remove', { fingerprint: mine!.fingerprint })).toEqual({ removed: true });
    expect((await call<TrustAnchorInfo[]>('verify.trust.list', {})).some((a) => a.source === 'user')).toBe(false);
    await call('verify.trust.add', { pem: fs.readFileSync(pki.rootPem, 'utf8') });
  });

  it('a signature with its CRL in the DSS is VALID fully offline; DSS added after signing is an allowed change', async () => {
    const events: ProgressEvent[] = [];
    const { outcomes } = await call<{ outcomes: FileOutcome[] }>(
      'verify.files',
      { files: [at('good-dss.pdf'), at('missing.pdf')], offline: true },
      (e) => events.push(e),
    );
    const [good, missing] = outcomes;
    const s = good!.report!.signatures[0]!;
    expect(s).toMatchObject({
      verdict: 'valid',
      trusted: true,
      revocation: { status: 'good', source: 'dss-crl' },
      coverage: 'revision',
      modificationsAfter: 'allowed',
    });
    expect(s.changes.every((c) => c.allowed)).toBe(true);
    expect(good!.report!.verdict).toBe('valid');
    expect(missing).toMatchObject({ file: at('missing.pdf'), error: { code: 'SIGN_FILE_UNREADABLE' } });
    expect(events.map((e) => e.stage)).toEqual(['verify.file', 'verify.file', 'verify.done']);
    expect(events[0]).toMatchObject({ opId: 'op-1', method: 'verify.files', values: { index: 1, total: 2 } });
    expect(core.audit.list({ limit: 1, action: 'verify' })[0]?.details).toMatchObject({ files: 2 });
  });

  it('a revoked signer is found in the DSS without the network', async () => {
    const { outcomes } = await call<{ outcomes: FileOutcome[] }>('verify.files', { files: [at('revoked-dss.pdf')], offline: true });
    const s = outcomes[0]!.report!.signatures[0]!;
    expect(s).toMatchObject({ verdict: 'invalid', revocation: { status: 'revoked', source: 'dss-crl' } });
    expect(s.revocation.revokedAt).toEqual(expect.any(String));
  });

  it('an intermediate CA revoked before signing makes the signature invalid', async () => {
    withDss(at('good.pdf'), at('ca-revoked.pdf'), [await rootCrlRevokingIntermediate()]);
    const { outcomes } = await call<{ outcomes: FileOutcome[] }>('verify.files', { files: [at('ca-revoked.pdf')], offline: true });
    const s = outcomes[0]!.report!.signatures[0]!;
    expect(s).toMatchObject({ verdict: 'invalid', revocation: { status: 'good', source: 'dss-crl' } });
    expect(s.reasons.map((r) => r.code)).toContain('CA_REVOKED');
  });

  it('extracts the signed revision, which verifies as covering the entire file', async () => {
    const out = at('signed-version.pdf');
    const { bytes } = await call<{ bytes: number }>('verify.extractRevision', { file: at('good-dss.pdf'), revision: 2, output: out });
    expect(bytes).toBe(fs.statSync(at('good.pdf')).size);
    expect(fs.readFileSync(out).equals(fs.readFileSync(at('good.pdf')))).toBe(true);
    const { outcomes } = await call<{ outcomes: FileOutcome[] }>('verify.files', { files: [out], offline: true });
    expect(outcomes[0]!.report!.signatures[0]).toMatchObject({ intact: true, coverage: 'entire-file' });
    expect(await dispatch(table, core, 'verify.extractRevision', { file: at('good.pdf'), revision: 9, output: out })).toMatchObject({
      ok: false,
      error: { code: 'VERIFY_NO_SUCH_REVISION' },
    });
  });

  it('hands the renderer the bytes of a revision and of the file as it is now, only for a PDF', async () => {
    const signed = await call<{ data: string; bytes: number }>('verify.revisionData', { file: at('good-dss.pdf'), revision: 2 });
    expect(Buffer.from(signed.data, 'base64').equals(fs.readFileSync(at('good.pdf')))).toBe(true);
    const now = await call<{ data: string; bytes: number; revisions: number }>('verify.revisionData', {
      file: at('good-dss.pdf'),
      revision: 0,
    });
    expect(Buffer.from(now.data, 'base64').equals(fs.readFileSync(at('good-dss.pdf')))).toBe(true);
    expect(now.revisions).toBe(3);
    fs.writeFileSync(at('not-a-pdf.txt'), 'hola');
    const bad = await dispatch(table, core, 'verify.revisionData', { file: at('not-a-pdf.txt'), revision: 0 });
    expect(bad).toMatchObject({ ok: false });
    expect(JSON.stringify(bad)).not.toContain('aG9sYQ');
    expect(await dispatch(table, core, 'verify.revisionData', { file: at('good.pdf'), revision: 9 })).toMatchObject({
      ok: false,
      error: { code: 'VERIFY_NO_SUCH_REVISION' },
    });
  });

  it('writes the PDF report that qpdf accepts, with the Spanish verdicts, by default under <home>/reports', async () => {
    const out = at('informe.pdf');
    const events: ProgressEvent[] = [];
    const r = await call<{ output: string; bytes: number }>(
      'verify.reportPdf',
      { files: [at('good-dss.pdf'), at('revoked-dss.pdf')], offline: true, output: out, timeZone: 'America/Lima' },
      (e) => events.push(e),
    );
    expect(r).toEqual({ output: out, bytes: fs.statSync(out).size });
    expect(fs.readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // qpdf exits non-zero on any structural error, which fails the test.
    expect(execFileSync('qpdf', ['--check', out], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' });
    expect(text).toContain('Informe de verificación de firmas');
    // Each file's name heads its section and its verdict badge follows it.
    expect(text).toMatch(/good-dss\.pdf\s+VÁLIDO/);
    expect(text).toMatch(/revoked-dss\.pdf\s+NO VÁLIDO/);
    // Plural forms, the user's time zone with its offset, and each signed page as a thumbnail: the DSS added
    // after signing does not change how the page looks.
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('2 archivos · 1 válido · 1 no válido');
    expect(flat).toContain('3 revisiones · 1 firma');
    expect(flat).toMatch(/\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d UTC-05:00/);
    expect(flat).toContain('Pág. 2: firmada sin cambios después de la firma');
    expect(flat).not.toContain('miniatura no disponible');
    expect(events.map((e) => e.stage)).toEqual(['verify.file', 'verify.file', 'verify.done']);
    expect(fs.readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(core.audit.list({ limit: 1, action: 'verify.report' })[0]).toMatchObject({ subject: out });

    // Without an output the service chooses one in the data folder and says where.
    const auto = await call<{ output: string; bytes: number }>('verify.reportPdf', { files: [at('good-dss.pdf')], offline: true });
    expect(path.dirname(auto.output)).toBe(path.join(core.home, 'reports'));
    expect(path.basename(auto.output)).toMatch(/^informe-verificacion-\d{4}-\d{2}-\d{2}T[\d-]+Z\.pdf$/);
    expect(fs.statSync(auto.output).size).toBe(auto.bytes);

    // The report never replaces one of the verified files.
    const before = fs.readFileSync(at('good-dss.pdf'));
    expect(
      await dispatch(table, core, 'verify.reportPdf', { files: [at('good-dss.pdf')], offline: true, output: at('good-dss.pdf') }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VERIFY_OUTPUT_SAME_AS_INPUT' },
    });
    expect(fs.readFileSync(at('good-dss.pdf')).equals(before)).toBe(true);
    expect(
      await dispatch(table, core, 'verify.reportPdf', {
        files: [at('good-dss.pdf')],
        offline: true,
        output: path.join(at('good-dss.pdf'), 'x.pdf'),
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VERIFY_REPORT_UNWRITABLE' },
    });
    expect(await dispatch(table, core, 'verify.reportPdf', { files: [], output: out })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });

  it('rejects bad input with BAD_INPUT', async () => {
    expect(await dispatch(table, core, 'verify.files', { files: [] })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
