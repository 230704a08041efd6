import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { buildTrustStore } from '../../src-main/core/verify/trust';
import { judge } from '../helpers/pdf-judges';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

/**
 * A real office document: LibreOffice (installed by `scripts/setup.sh --test`) exports an HTML memo with accents
 * and a table to PDF; we put two visas and a titular signature on it, judged by pdfsig, qpdf and mutool, and by
 * our own verifier.
 */
const pki = testPki();
const tmp = tempDir('casilla-lo-');
afterAll(() => tmp.cleanup());

function libreOfficePdf(): string {
  const src = path.join(tmp.dir, 'memorando.html');
  fs.writeFileSync(
    src,
    '<html><body><h1>Memorando N° 042-2026</h1><p>Señor Jefe de Logística: se remite el informe técnico para su revisión y aprobación.</p>' +
      '<table border="1"><tr><th>Ítem</th><th>Monto</th></tr><tr><td>Adquisición</td><td>S/ 12 500,00</td></tr></table></body></html>',
  );
  execFileSync(
    'soffice',
    [
      '--headless',
      `-env:UserInstallation=file://${path.join(tmp.dir, 'lo-profile')}`,
      '--convert-to',
      'pdf:writer_pdf_Export',
      '--outdir',
      tmp.dir,
      src,
    ],
    {
      stdio: 'pipe',
      timeout: 120_000,
    },
  );
  const pdf = path.join(tmp.dir, 'memorando.pdf');
  expect(fs.readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/Producer:\s+LibreOffice/);
  return pdf;
}

describe('a LibreOffice PDF', () => {
  it('takes visa, visa and firma, all valid and trusted for pdfsig, qpdf, mutool and our verifier', async () => {
    const input = libreOfficePdf();
    const v1 = path.join(tmp.dir, 'v1.pdf');
    const v2 = path.join(tmp.dir, 'v2.pdf');
    const out = path.join(tmp.dir, 'memorando-firmado.pdf');
    await signPdf({ input, output: v1, signer: pdfTestSigner('rsa'), role: 'visto-bueno' });
    await signPdf({ input: v1, output: v2, signer: pdfTestSigner('ec'), role: 'visto-bueno' });
    await signPdf({ input: v2, output: out, signer: pdfTestSigner('rsa'), role: 'firma', reason: 'Aprobado', location: 'Lima' });
    judge(out, pki.nssDir, 3);
    const report = await verifyPdf(out, { trust: buildTrustStore({ cliFiles: [pki.rootPem] }), online: false });
    expect(report.signatures).toHaveLength(3);
    expect(report.signatures.every((s) => s.intact && s.trusted && s.modificationsAfter !== 'disallowed')).toBe(true);
  }, 180_000);
});
