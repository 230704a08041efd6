/**
 * Receipts signed through our signing core with the sandbox's own certificate, checked by poppler's pdfsig
 * (NSS trust db holding that certificate) and by our verification core; ERR021 for a signed PDF altered after
 * signing, through the real client over HTTP.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeCertificate } from '../../src-main/core/signing/certificate-summary';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { buildTrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { buildReceiptPdf } from '../../src-main/sandbox/receipt-pdf';
import { CoreAttachmentVerifier } from '../../src-main/sandbox/signed-pdf-check';
import { freePort, startCrlServer } from '../helpers/ocsp-responder';
import { startTestSandbox, validMessage, type TestSandbox } from '../helpers/sandbox';
import { makePki } from '../helpers/verify-pki';
import { pdfBytes } from '../helpers/sandbox-files';

let t: TestSandbox;
let receipt: Buffer;
let nssDir: string;

beforeAll(async () => {
  t = await startTestSandbox({ rate: 1000 });
  t.client = t.clientFor({ ratePerSecond: 1000 });
  const sent = await t.client.sendMessage(validMessage('Comprobante firmado', { recipients: [{ rol_unico: 33333333 }] }), [
    { name: 'acta.pdf', bytes: pdfBytes() },
  ]);
  if (sent.kind !== 'accepted') throw new Error(JSON.stringify(sent));
  const link = await t.client.getReceipt(sent.value.message_data_id, 33333333);
  if (link.kind !== 'accepted') throw new Error(JSON.stringify(link));
  const pdf = await t.client.downloadReceipt(link.value.url);
  if (pdf.kind !== 'accepted') throw new Error(JSON.stringify(pdf));
  receipt = pdf.value;
  nssDir = path.join(t.dataDir, 'nss');
  fs.mkdirSync(nssDir);
  execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
  execFileSync('certutil', [
    '-A',
    '-d',
    `sql:${nssDir}`,
    '-n',
    'sandbox',
    '-t',
    'CT,C,C',
    '-i',
    path.join(t.dataDir, 'receipt-signer', 'certificate.pem'),
  ]);
});
afterAll(async () => t.cleanup());

function pdfsig(bytes: Buffer): string {
  const file = path.join(t.dataDir, `check-${Math.random().toString(16).slice(2)}.pdf`);
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
  } catch (err) {
    // pdfsig exits non-zero when a signature is invalid; its report is still on stdout.
    return String((err as { stdout?: unknown }).stdout ?? '');
  }
}

/** The receipt with one letter of its visible text changed, inside the signed range. */
function tampered(): Buffer {
  const copy = Buffer.from(receipt);
  const at = copy.indexOf('Comprobante de env', copy.indexOf('BT\n', 0, 'latin1'), 'latin1');
  expect(at).toBeGreaterThan(0);
  copy[at] = 'X'.charCodeAt(0);
  return copy;
}

describe('signed receipts', () => {
  it('pdfsig reports the receipt signature valid and its certificate trusted', () => {
    const report = pdfsig(receipt);
    expect(report).toContain('Signer Certificate Common Name: Sandbox de la casilla - Casilla Desktop');
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Certificate is Trusted');
    expect(report).toContain('Total document signed');
  });

  it("the project's verifier finds the receipt intact and trusted with the sandbox certificate as anchor", async () => {
    const file = path.join(t.dataDir, 'receipt-for-verifier.pdf');
    fs.writeFileSync(file, receipt);
    const trust = buildTrustStore({ cliFiles: [path.join(t.dataDir, 'receipt-signer', 'certificate.pem')] });
    const report = await verifyPdf(file, { trust, online: false });
    expect(report.signatures).toHaveLength(1);
    const sig = report.signatures[0]!;
    expect(sig).toMatchObject({ intact: true, trusted: true, coverage: 'entire-file', modificationsAfter: 'none' });
    expect(sig.signer?.name).toBe('Sandbox de la casilla - Casilla Desktop');
    // The signer is itself the anchor (RFC 5280: trusted directly), so no revocation source is needed: VALID,
    // with the revocation status still reported honestly as unknown and a note saying why it does not count.
    expect(sig.verdict).toBe('valid');
    expect(report.verdict).toBe('valid');
    expect(sig.reasons).toEqual([]);
    expect(sig.revocation.status).toBe('unknown');
    expect(sig.notes.map((n) => n.code)).toContain('REVOCATION_NOT_APPLICABLE');
  });

  it('our verification core judges it valid, and a tampered copy altered (pdfsig agrees)', async () => {
    const verifier = new CoreAttachmentVerifier();
    expect(await verifier.verifyPdf(receipt)).toBe('valid');
    expect(await verifier.verifyPdf(tampered())).toBe('altered');
    expect(pdfsig(tampered())).not.toContain('Signature is Valid');
    const unsigned = buildReceiptPdf({
      institution: 'I',
      messageId: '0'.repeat(24),
      run: '1-9',
      subject: 's',
      dduType: 'casilla',
      status: 'delivered',
      receivedAt: 'r',
      deliveredAt: null,
      readAt: null,
      generatedAt: 'g',
    });
    expect(await verifier.verifyPdf(unsigned)).toBe('unsigned');
    // Not a readable PDF structure: no proof of tampering, so not rejected.
    expect(await verifier.verifyPdf(Buffer.from('%PDF-1.4\nsin objetos ni tablas\n%%EOF\n', 'latin1'))).toBe('indeterminate');
    // A damaged cross-reference the reader rebuilds (no startxref) is read: no signatures, so unsigned.
    expect(await verifier.verifyPdf(pdfBytes())).toBe('unsigned');
  });

  it('keeps its certificate across restarts', async () => {
    const certFile = path.join(t.dataDir, 'receipt-signer', 'certificate.pem');
    const before = fs.readFileSync(certFile, 'utf8');
    await t.restart();
    t.client = t.clientFor({ ratePerSecond: 1000 });
    expect(fs.readFileSync(certFile, 'utf8')).toBe(before);
  });
});

describe('ERR021', () => {
  it('accepts an intact signed PDF and rejects one altered after signing', async () => {
    expect(
      await t.client.sendMessage(validMessage('Adjunto firmado intacto'), [{ name: 'comprobante.pdf', bytes: receipt }]),
    ).toMatchObject({ kind: 'accepted' });
    expect(await t.client.sendMessage(validMessage('Adjunto firmado alterado'), [{ name: 'comprobante.pdf', bytes: tampered() }])).toEqual({
      kind: 'permanent',
      code: 'ERR021',
      message: 'Archivo adulterado o con firma revocada',
      status: 400,
    });
  });

  it('ranks ERR021 by table order among other problems', async () => {
    // ERR020 (bad signature uid) comes before ERR021; ERR026 (long subject) after it.
    expect(
      await t.client.sendMessage(validMessage('x', { signature_uid: '00000000-0000-4000-8000-000000000000' }), [
        { name: 'c.pdf', bytes: tampered() },
      ]),
    ).toMatchObject({ code: 'ERR020' });
    expect(await t.client.sendMessage(validMessage('y'.repeat(151)), [{ name: 'c.pdf', bytes: tampered() }])).toMatchObject({
      code: 'ERR021',
    });
  });
});

describe('ERR021 for a revoked signer', () => {
  it('rejects a PDF signed with a certificate its CA revoked, accepts one signed by a good certificate', async () => {
    const pkiDir = path.join(t.dataDir, 'pki');
    const crlPort = await freePort();
    const pki = makePki(pkiDir, { crlUrl: `http://127.0.0.1:${crlPort}/ca.crl` });
    const crl = await startCrlServer(() => pki.crlDer, crlPort);
    // A sandbox whose verifier may fetch revocation (here only from the CRL server on 127.0.0.1).
    const online = await startTestSandbox({
      rate: 1000,
      attachmentVerifier: new CoreAttachmentVerifier({ online: true, trust: buildTrustStore({ cliFiles: [pki.rootPem] }) }),
    });
    try {
      const signWith = async (leaf: 'signer' | 'revoked'): Promise<Buffer> => {
        const { cert, key } = pki.leaf(leaf);
        const certificate = Buffer.from(new X509Certificate(fs.readFileSync(cert)).raw);
        const input = path.join(pkiDir, `plain-${leaf}.pdf`);
        const output = path.join(pkiDir, `signed-${leaf}.pdf`);
        fs.writeFileSync(
          input,
          buildReceiptPdf({
            institution: 'I',
            messageId: '0'.repeat(24),
            run: '1-9',
            subject: leaf,
            dduType: 'casilla',
            status: 'delivered',
            receivedAt: 'r',
            deliveredAt: null,
            readAt: null,
            generatedAt: 'g',
          }),
        );
        await signPdf({
          input,
          output,
          role: 'firma',
          stamp: { invisible: true },
          signer: {
            privateKey: createPrivateKey(fs.readFileSync(key)),
            certificate,
            chain: [Buffer.from(new X509Certificate(fs.readFileSync(pki.interPem)).raw)],
            summary: summarizeCertificate(certificate),
          },
        });
        return fs.readFileSync(output);
      };
      const client = online.clientFor({ ratePerSecond: 1000 });
      expect(
        await client.sendMessage(validMessage('Firmante vigente'), [{ name: 'vigente.pdf', bytes: await signWith('signer') }]),
      ).toMatchObject({ kind: 'accepted' });
      expect(
        await client.sendMessage(validMessage('Firmante revocado'), [{ name: 'revocado.pdf', bytes: await signWith('revoked') }]),
      ).toMatchObject({ kind: 'permanent', code: 'ERR021' });
      expect(crl.hits()).toBeGreaterThan(0);
    } finally {
      await online.cleanup();
      await crl.stop();
    }
  });
});
