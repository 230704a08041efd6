import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { buildTrustStore, TrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfsig } from '../helpers/pdf-judges';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { startTestTsa, testPki, type TestTsa } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';
import { appendDocumentTimestamp } from '../helpers/tsa';
import { makePki, tsaToken, type Pki } from '../helpers/verify-pki';

let tmp: { dir: string; cleanup: () => void };
let tsa: TestTsa;
let ownPki: Pki;
const at = (n: string) => path.join(tmp.dir, n);

beforeAll(async () => {
  tmp = tempDir('verify-time-');
  tsa = await startTestTsa();
  ownPki = makePki(at('pki'));
  await signPdf({
    input: writePlainPdf(at('plain.pdf')),
    output: at('bt.pdf'),
    signer: pdfTestSigner('rsa'),
    role: 'firma',
    level: 'B-T',
    tsa: { url: tsa.url },
  });
});
afterAll(async () => {
  await tsa?.close();
  tmp?.cleanup();
});

describe('time in signed PDFs', () => {
  it('a PAdES B-T signature is checked at its timestamp time', async () => {
    const before = Date.now();
    const r = await verifyPdf(at('bt.pdf'), { trust: buildTrustStore({ cliFiles: [testPki().rootPem] }), online: false });
    const s = r.signatures[0]!;
    expect(s, JSON.stringify(s.notes)).toMatchObject({
      intact: true,
      level: 'PAdES-B-T',
      timeSource: 'timestamp',
      timestamp: { valid: true },
    });
    expect(Math.abs(Date.parse(s.timestamp!.time) - before)).toBeLessThan(5 * 60_000);
    expect(pdfsig(at('bt.pdf'), testPki().nssDir).valid).toBe(1);
  });

  it('falls back to the claimed time when the TSA is not trusted, without calling the signature invalid', async () => {
    const r = await verifyPdf(at('bt.pdf'), { trust: new TrustStore([]), online: false });
    const s = r.signatures[0]!;
    expect(s).toMatchObject({ intact: true, timeSource: 'claimed', timestamp: { valid: false }, verdict: 'indeterminate' });
    expect(s.reasons.map((x) => x.code)).not.toContain('TIMESTAMP_INVALID');
  });

  it('a document timestamp (ETSI.RFC3161) is verified over its byte ranges, and the earlier signature covers its revision', async () => {
    const out = appendDocumentTimestamp(at('bt.pdf'), at('lta.pdf'), (hex) => tsaToken(ownPki, hex));
    const r = await verifyPdf(out, { trust: buildTrustStore({ cliFiles: [testPki().rootPem, ownPki.rootPem] }), online: false });
    const [sig, docTs] = r.signatures;
    expect(docTs, JSON.stringify(docTs?.notes)).toMatchObject({
      kind: 'document-timestamp',
      field: 'SelloDocumento',
      intact: true,
      coverage: 'entire-file',
      level: 'document-timestamp',
      trusted: true,
      timeSource: 'timestamp',
    });
    expect(docTs!.signer?.name).toBe('TSA de Prueba');
    expect(sig).toMatchObject({ intact: true, coverage: 'revision', modificationsAfter: 'allowed' });
    expect(sig!.changes.map((c) => c.message).join('\n')).toMatch(/sello de tiempo del documento/);
  });

  it('a document timestamp over other bytes is not intact', async () => {
    const out = appendDocumentTimestamp(at('bt.pdf'), at('lta-bad.pdf'), (hex) =>
      tsaToken(
        ownPki,
        hex.replace(/^./, (c) => (c === '0' ? '1' : '0')),
      ),
    );
    const r = await verifyPdf(out, { trust: buildTrustStore({ cliFiles: [ownPki.rootPem] }), online: false });
    expect(r.signatures[1]).toMatchObject({ kind: 'document-timestamp', intact: false, verdict: 'invalid' });
  });
});
