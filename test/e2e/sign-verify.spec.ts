import { expect, test } from './fixtures';
import fs from 'node:fs';
import path from 'node:path';
import { startHost, type RunningHost } from './web-host';

let host: RunningHost;
const samplePdf = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'ejemplo.pdf');

test.beforeAll(async () => {
  host = await startHost();
  fs.mkdirSync('test-results/screens', { recursive: true });
});
test.afterAll(async () => {
  await host.stop();
});

test('sign the sample PDF with the demo certificate at a clicked place, then verify it', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('screen-sign')).toBeVisible();
  await page.getByTestId('sign-files').setInputFiles(samplePdf);
  await expect(page.getByTestId('sign-file-list')).toContainText('ejemplo.pdf');
  // pdf.js renders the page; a click places the stamp.
  const preview = page.getByTestId('page-preview');
  await expect(preview.locator('canvas')).toBeVisible();
  // The page is rendered once the preview says so; a click before that places nothing.
  await expect(preview).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await preview.click({ position: { x: 200, y: 150 } });
  await expect(page.getByTestId('stamp-box')).toBeVisible();
  await page.getByTestId('use-demo-cert').click();
  await page.getByTestId('inspect-cert').click();
  await expect(page.getByTestId('cert-info')).toContainText('USUARIO DEMO');
  await page.getByRole('radio', { name: 'Visto bueno (V°B°)' }).check();
  await page.screenshot({ path: 'test-results/screens/sign-ready.png', fullPage: true });
  await page.getByTestId('sign-button').click();
  await expect(page.getByTestId('sign-results')).toContainText('ejemplo-firmado.pdf', { timeout: 30_000 });
  await page.getByTestId('verify-now').click();
  await expect(page.getByTestId('screen-verify')).toBeVisible();
  const card = page.getByTestId('signature-card');
  await expect(card).toHaveCount(1, { timeout: 30_000 });
  await expect(card).toContainText('USUARIO DEMO');
  await expect(card).toContainText('Íntegra');
  // The demo root is not a trust anchor: the honest bottom line is INDETERMINADO, never VÁLIDO.
  await expect(page.getByTestId('verify-file').getByTestId('verdict').first()).toHaveText('INDETERMINADO');
  await page.screenshot({ path: 'test-results/screens/verify-result.png', fullPage: true });
  // The PDF report of the same files comes back as a browser download.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Exportar informe PDF' }).click();
  const report = await download;
  expect(report.suggestedFilename()).toMatch(/^informe-verificacion-.*\.pdf$/);
  const saved = await report.path();
  expect(fs.readFileSync(saved).subarray(0, 5).toString('latin1')).toBe('%PDF-');
});

test('a wrong certificate password is refused with a Spanish message', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('use-demo-cert').click();
  await page.getByTestId('p12-password').fill('incorrecta');
  await page.getByTestId('inspect-cert').click();
  await expect(page.getByRole('alert')).toContainText(/contraseña/i);
});

test('a PDF dropped on Verificar is verified (unsigned: says so)', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-verify').click();
  const bytes = fs.readFileSync(samplePdf).toString('base64');
  const transfer = await page.evaluateHandle((b64) => {
    // Runs in the page: the browser's DataTransfer and File, typed here without the DOM library.
    const page = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
    };
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new page.DataTransfer();
    dt.items.add(new page.File([data], 'soltado.pdf', { type: 'application/pdf' }));
    return dt;
  }, bytes);
  await page.locator('.file-drop').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByTestId('verify-file')).toContainText('soltado.pdf');
  await expect(page.getByTestId('verify-file')).toContainText('Este documento no tiene firmas.');
});
