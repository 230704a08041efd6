import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { child, children, der, explicit, isContextTag, octets, oid, parseDer } from '../../src-main/core/signing/der';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { startTestTsa, testPki, type TestTsa } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

const pki = testPki();
const tmp = tempDir('casilla-sign-tsa-');
let tsa: TestTsa;
beforeAll(async () => {
  tsa = await startTestTsa({ username: 'oficina', password: 'sello-2026' });
});
afterAll(async () => {
  await tsa.close();
  tmp.cleanup();
});
const at = (name: string) => path.join(tmp.dir, name);

/** Dumps the CMS of every signature with pdfsig and prints it with openssl (both independent of our code). */
function cmsDumps(file: string): string[] {
  const dir = fs.mkdtempSync(path.join(tmp.dir, 'dump-'));
  execFileSync('pdfsig', ['-nssdir', pki.nssDir, '-dump', file], { cwd: dir, stdio: 'pipe' });
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, f)], { encoding: 'utf8' }));
}

describe('PAdES B-T with an RFC 3161 timestamp from a local openssl TSA', () => {
  it('embeds a signature timestamp that pdfsig accepts, with Basic credentials', async () => {
    const input = writePlainPdf(at('memo.pdf'));
    const res = await signPdf({
      input,
      output: at('memo-bt.pdf'),
      signer: pdfTestSigner('ec'),
      role: 'firma',
      level: 'B-T',
      tsa: { url: tsa.url, username: 'oficina', password: 'sello-2026' },
    });
    expect(res.level).toBe('B-T');
    judge(at('memo-bt.pdf'), pki.nssDir, 1);
    const [dump] = cmsDumps(at('memo-bt.pdf'));
    expect(dump).toContain('id-smime-aa-timeStampToken');
    expect(dump).toContain('id-smime-aa-signingCertificateV2');
    // B-B on the same file has no timestamp: the attribute is there because of B-T.
    await signPdf({ input, output: at('memo-bb.pdf'), signer: pdfTestSigner('ec'), role: 'firma' });
    expect(cmsDumps(at('memo-bb.pdf'))[0]).not.toContain('timeStampToken');
  });

  it('the token is a valid RFC 3161 timestamp over the signature value (openssl ts -verify)', async () => {
    const input = writePlainPdf(at('memo3.pdf'));
    await signPdf({
      input,
      output: at('memo3-bt.pdf'),
      signer: pdfTestSigner('rsa'),
      role: 'firma',
      level: 'B-T',
      digest: 'sha384',
      tsa: { url: tsa.url, username: 'oficina', password: 'sello-2026' },
    });
    const dir = fs.mkdtempSync(path.join(tmp.dir, 'ts-'));
    execFileSync('pdfsig', ['-nssdir', pki.nssDir, '-dump', at('memo3-bt.pdf')], { cwd: dir, stdio: 'pipe' });
    const [dumpName] = fs.readdirSync(dir);
    const cms = fs.readFileSync(path.join(dir, dumpName ?? ''));
    // ContentInfo → [0] SignedData → signerInfos (last) → the one SignerInfo.
    const signedData = explicit(child(parseDer(cms), 1), 0);
    const signerInfo = child(children(signedData).at(-1), 0);
    const fields = children(signerInfo);
    const signatureValue = octets(fields[5]);
    const unsigned = fields[6];
    expect(unsigned && isContextTag(unsigned, 1)).toBe(true);
    const attr = child(unsigned, 0);
    expect(oid(child(attr, 0))).toBe('1.2.840.113549.1.9.16.2.14');
    const token = der(child(child(attr, 1), 0));
    fs.writeFileSync(path.join(dir, 'sig.bin'), signatureValue);
    fs.writeFileSync(path.join(dir, 'token.der'), token);
    const chain = path.join(dir, 'chain.pem');
    fs.writeFileSync(chain, fs.readFileSync(pki.intermediatePem));
    const verify = (data: string) =>
      spawnSync(
        'openssl',
        ['ts', '-verify', '-data', data, '-in', path.join(dir, 'token.der'), '-token_in', '-CAfile', pki.rootPem, '-untrusted', chain],
        { encoding: 'utf8' },
      );
    const ok = verify(path.join(dir, 'sig.bin'));
    expect(ok.stdout + ok.stderr).toContain('Verification: OK');
    // Over other bytes the same token does not verify: it is bound to this signature.
    fs.writeFileSync(path.join(dir, 'other.bin'), Buffer.concat([signatureValue, Buffer.from([0])]));
    expect(verify(path.join(dir, 'other.bin')).stdout).not.toContain('Verification: OK');
  });

  it('signs again with a larger /Contents when the TSA token does not fit the first estimate', async () => {
    const bigTsa = await startTestTsa(undefined, { extraCerts: 60 });
    try {
      const input = writePlainPdf(at('memo-big.pdf'));
      const res = await signPdf({
        input,
        output: at('memo-big-bt.pdf'),
        signer: pdfTestSigner('ec'),
        role: 'firma',
        level: 'B-T',
        tsa: { url: bigTsa.url },
      });
      // Two requests: the first token did not fit, the second run reserved what the CMS needed.
      expect(bigTsa.requests).toBe(2);
      expect(res.signatureBytes).toBeGreaterThan(24 * 1024);
      judge(at('memo-big-bt.pdf'), pki.nssDir, 1);
      expect(cmsDumps(at('memo-big-bt.pdf'))[0]).toContain('id-smime-aa-timeStampToken');
    } finally {
      await bigTsa.close();
    }
  });

  it('fails cleanly (no output) when the TSA refuses the credentials or is unreachable', async () => {
    const input = writePlainPdf(at('memo2.pdf'));
    const wrong = signPdf({
      input,
      output: at('wrong.pdf'),
      signer: pdfTestSigner('rsa'),
      role: 'firma',
      level: 'B-T',
      tsa: { url: tsa.url, username: 'oficina', password: 'otra' },
    });
    await expect(wrong).rejects.toSatisfy(
      (e: unknown) => e instanceof AppError && e.code === 'SIGN_TSA_FAILED' && /usuario o contraseña/.test(e.message),
    );
    const down = signPdf({
      input,
      output: at('down.pdf'),
      signer: pdfTestSigner('rsa'),
      role: 'firma',
      level: 'B-T',
      tsa: { url: 'http://127.0.0.1:9/tsa' },
    });
    await expect(down).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'SIGN_TSA_FAILED');
    expect(fs.readdirSync(tmp.dir).filter((f) => /wrong|down|\.part$/.test(f))).toEqual([]);
  });
});
