import { expect, test } from './fixtures';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectPdfForSigning } from '../../src-main/core/signing/inspect-pdf';
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

test('before any click the default place is shown where the signer puts the stamp; the arrows start from it', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-e2e-default-'));
  const input = path.join(dir, 'por-defecto.pdf');
  fs.copyFileSync(samplePdf, input);
  try {
    await page.goto(host.url);
    await page.getByTestId('sign-files').setInputFiles(input);
    const preview = page.getByTestId('page-preview');
    await expect(preview).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    const ghost = page.getByTestId('stamp-default');
    await expect(ghost).toContainText('Lugar predeterminado');
    await expect(ghost).toHaveAttribute('title', /Aquí irá el sello/);
    await expect(page.getByTestId('stamp-box')).toHaveCount(0);
    // Positions relative to the page canvas (a click or a focus may scroll the window).
    const within = async (testId: string) => {
      const [box, page0] = [(await page.getByTestId(testId).boundingBox())!, (await preview.locator('canvas').boundingBox())!];
      return { x: box.x - page0.x, y: box.y - page0.y, width: box.width };
    };
    const canvas = (await preview.locator('canvas').boundingBox())!;
    const firma = await within('stamp-default');
    // A firma goes to the lower right; a V°B° to the left, above it.
    expect(firma.x + firma.width / 2).toBeGreaterThan(canvas.width / 2);
    await page.getByRole('radio', { name: 'Visto bueno (V°B°)' }).check();
    const visa = await within('stamp-default');
    expect(visa.x + visa.width / 2).toBeLessThan(canvas.width / 2);
    expect(visa.y).toBeLessThan(firma.y);
    await page.getByRole('radio', { name: 'Firma (titular)' }).check();

    // Signed without placing: the widget lands where the dashed box was drawn.
    await page.getByTestId('use-demo-cert').click();
    await page.getByTestId('sign-button').click();
    await expect(page.getByTestId('sign-results')).toContainText('por-defecto-firmado.pdf', { timeout: 30_000 });
    const signed = (fs.readdirSync(host.home, { recursive: true }) as string[]).find((f) => path.basename(f) === 'por-defecto-firmado.pdf');
    expect(signed).toBeTruthy();
    const info = inspectPdfForSigning(path.join(host.home, signed!), 1);
    const [x, y, w, h] = info.signatureWidgets[0]!.rect;
    const scale = canvas.width / info.page.width;
    expect(Math.abs(firma.x - x * scale)).toBeLessThan(2);
    expect(Math.abs(firma.y - (info.page.height - y - h) * scale)).toBeLessThan(2);
    expect(Math.abs(firma.width - w * scale)).toBeLessThan(2);

    // On a fresh screen, one arrow press places the stamp 10 points above the default place.
    await page.goto(host.url);
    await page.getByTestId('sign-files').setInputFiles(input);
    await expect(preview).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    const before = await within('stamp-default');
    await preview.focus();
    await page.keyboard.press('ArrowUp');
    await expect(page.getByTestId('stamp-default')).toHaveCount(0);
    const moved = await within('stamp-box');
    expect(Math.abs(moved.x - before.x)).toBeLessThan(1);
    expect(Math.abs(before.y - moved.y - 10 * scale)).toBeLessThan(1);
    expect(Math.abs(moved.width - before.width)).toBeLessThan(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
