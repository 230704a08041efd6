import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { buildTrustStore, TrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import type { FileReport } from '../../src-main/core/verify/report';
import { withEmptySignatureField, withXrefStreams, writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfsig } from '../helpers/pdf-judges';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { P12_PASSWORD, testPki, type TestPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

let pki: TestPki;
let tmp: { dir: string; cleanup: () => void };
const at = (n: string) => path.join(tmp.dir, n);
let trust: TrustStore;

beforeAll(() => {
  pki = testPki();
  tmp = tempDir('verify-pdf-');
  trust = buildTrustStore({ cliFiles: [pki.rootPem] });
});
afterAll(() => tmp.cleanup());

const verify = (file: string, t: TrustStore = trust): Promise<FileReport> => verifyPdf(file, { trust: t, online: false });

/** Our intact/trusted must agree with pdfsig's "Signature is Valid" / "Certificate is Trusted" for every signature. */
function expectAgreement(file: string, report: FileReport): void {
  const ref = pdfsig(file, pki.nssDir);
  const ours = JSON.stringify(
    report.signatures.map((s) => ({ intact: s.intact, trusted: s.trusted, reasons: s.reasons, notes: s.notes })),
    null,
    1,
  );
  expect(report.signatures.length, ref.output).toBe(ref.count);
  expect(report.signatures.filter((s) => s.intact).length, `${ref.output}\n${ours}`).toBe(ref.valid);
  // pdfsig validates the certificate only when the signature itself is valid.
  expect(report.signatures.filter((s) => s.intact && s.trusted).length, `${ref.output}\n${ours}`).toBe(ref.trusted);
}

describe('signatures made by our signer', () => {
  it('one signature: intact, entire file, trusted, no changes; revocation unknown offline', async () => {
    const signed = at('ours-1.pdf');
    await signPdf({ input: writePlainPdf(at('plain.pdf')), output: signed, signer: pdfTestSigner('rsa'), role: 'firma' });
    const r = await verify(signed);
    expectAgreement(signed, r);
    const s = r.signatures[0]!;
    expect(s).toMatchObject({
      kind: 'signature',
      intact: true,
      coverage: 'entire-file',
      modificationsAfter: 'none',
      trusted: true,
      revision: 2,
      revocation: { status: 'unknown' },
    });
    expect(s.signer?.issuer).toMatch(/Intermedia/);
    expect(s.page).toBeGreaterThanOrEqual(1);
    expect(s.verdict).toBe('indeterminate');
    expect(s.reasons.map((x) => x.code)).toEqual(['REVOCATION_UNKNOWN']);
    expect(r.revisions).toBe(2);
  });

  it('a later visa leaves the first signature covering its revision with allowed changes only', async () => {
    await signPdf({ input: at('ours-1.pdf'), output: at('ours-2.pdf'), signer: pdfTestSigner('ec'), role: 'visto-bueno' });
    const r = await verify(at('ours-2.pdf'));
    expectAgreement(at('ours-2.pdf'), r);
    const [first, second] = r.signatures;
    expect(first).toMatchObject({ intact: true, coverage: 'revision', modificationsAfter: 'allowed', revision: 2 });
    expect(first!.changes.length).toBeGreaterThan(0);
    expect(
      first!.changes.every((c) => c.allowed),
      JSON.stringify(first!.changes, null, 1),
    ).toBe(true);
    expect(second).toMatchObject({ intact: true, coverage: 'entire-file', modificationsAfter: 'none', revision: 3 });
  });

  it('object and cross-reference streams (qpdf): a visa after the first signature is an allowed update', async () => {
    const xs = withXrefStreams(writePlainPdf(at('plain-xs.pdf')), at('xs.pdf'));
    await signPdf({ input: xs, output: at('xs-1.pdf'), signer: pdfTestSigner('rsa'), role: 'firma' });
    await signPdf({ input: at('xs-1.pdf'), output: at('xs-2.pdf'), signer: pdfTestSigner('pss'), role: 'visto-bueno', pss: true });
    const r = await verify(at('xs-2.pdf'));
    expectAgreement(at('xs-2.pdf'), r);
    expect(r.signatures[0], JSON.stringify(r.signatures[0]?.changes)).toMatchObject({
      intact: true,
      coverage: 'revision',
      modificationsAfter: 'allowed',
    });
    expect(r.signatures[1]).toMatchObject({ intact: true, coverage: 'entire-file' });
    expect(r.signatures[1]!.notes.map((n) => n.message)).toContain('Algoritmo de firma: RSA-PSS SHA256.');
  });

  it('untrusted without anchors; intact still', async () => {
    const r = await verify(at('ours-1.pdf'), new TrustStore([]));
    expect(r.signatures[0]).toMatchObject({ intact: true, trusted: false, verdict: 'indeterminate' });
    expect(r.signatures[0]!.reasons.map((x) => x.code)).toContain('UNTRUSTED');
  });

  it('a changed byte inside the signed range makes it invalid, as pdfsig says', async () => {
    const data = fs.readFileSync(at('ours-1.pdf'));
    const i = data.indexOf('Documento de prueba');
    data[i] = 'd'.charCodeAt(0);
    fs.writeFileSync(at('ours-tampered.pdf'), data);
    const r = await verify(at('ours-tampered.pdf'));
    expectAgreement(at('ours-tampered.pdf'), r);
    expect(r.signatures[0]).toMatchObject({ intact: false, verdict: 'invalid' });
    expect(r.signatures[0]!.reasons[0]?.code).toBe('DIGEST_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });
});

describe('signatures made by other tools', () => {
  it('pdfsig -add-signature', async () => {
    const out = at('by-pdfsig.pdf');
    execFileSync(
      'pdfsig',
      ['-nssdir', pki.nssDir, '-add-signature', '-nick', pki.nssSignerNick, '-kpw', '', writePlainPdf(at('plain-p.pdf')), out],
      { stdio: 'pipe' },
    );
    const r = await verify(out);
    expectAgreement(out, r);
    expect(r.signatures[0]).toMatchObject({ intact: true, trusted: true, coverage: 'entire-file' });
  });

  it('pdfsig signature followed by our visa: the first one sees only allowed changes', async () => {
    await signPdf({ input: at('by-pdfsig.pdf'), output: at('by-pdfsig-visa.pdf'), signer: pdfTestSigner('rsa'), role: 'visto-bueno' });
    const r = await verify(at('by-pdfsig-visa.pdf'));
    expectAgreement(at('by-pdfsig-visa.pdf'), r);
    expect(r.signatures[0]).toMatchObject({ intact: true, coverage: 'revision', modificationsAfter: 'allowed' });
    expect(r.signatures[1]).toMatchObject({ intact: true, coverage: 'entire-file' });
  });

  it('mutool sign into an empty field', async () => {
    const withField = withEmptySignatureField(writePlainPdf(at('plain-m.pdf')), at('field-m.pdf'));
    const fieldNum = execFileSync('mutool', ['sign', withField], { encoding: 'utf8' }).match(/(\d+):/)?.[1];
    expect(fieldNum).toBeDefined();
    const out = at('by-mutool.pdf');
    fs.copyFileSync(withField, out);
    execFileSync('mutool', ['sign', '-s', pki.p12Legacy.rsa, '-P', P12_PASSWORD, '-o', out + '.tmp', withField, fieldNum!], {
      stdio: 'pipe',
    });
    fs.renameSync(out + '.tmp', out);
    // mutool embeds only the signer's certificate; pdfsig finds the intermediate in its NSS db, we get it here.
    const r = await verify(out, buildTrustStore({ cliFiles: [pki.rootPem, pki.intermediatePem] }));
    expectAgreement(out, r);
    expect(r.signatures[0]).toMatchObject({ intact: true, field: 'FirmaJefe', level: 'CMS' });
    expect(r.signatures[0]!.reasons.map((x) => x.code)).toContain('WEAK_ALGORITHM');
  });
});

describe('files that are not signed PDFs', () => {
  it('a PDF without signatures is indeterminate with a reason', async () => {
    const r = await verify(writePlainPdf(at('unsigned.pdf')));
    expect(r).toMatchObject({ verdict: 'indeterminate', signatures: [], reasons: [{ code: 'NO_SIGNATURES' }] });
  });
  it('a non-PDF is an AppError', async () => {
    fs.writeFileSync(at('x.pdf'), 'hola');
    await expect(verify(at('x.pdf'))).rejects.toMatchObject({ code: 'PDF_INVALID' });
  });
});
