import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
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
