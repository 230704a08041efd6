import { expect, test } from './fixtures';
import path from 'node:path';
import { holdNextCall, startHost, type RunningHost } from './web-host';

let host: RunningHost;
const demoRoot = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'demo-root.pem');

test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host.stop();
});

test('a root added in Configuración is listed as a trust anchor and can be removed', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  const panel = page.getByTestId('trust-panel');
  // The national lists are read once per data folder (seconds on a busy machine): wait until they are shown.
  const ecernep = panel.locator('tr', { hasText: 'ECERNEP PERU CA ROOT 3' });
  await expect(ecernep).toContainText('TSL de INDECOPI (Perú)', { timeout: 30_000 });
  await expect(ecernep).toContainText('bajo supervisión');
  await expect(ecernep).toContainText('96508217c36f3bbc');
  await expect(panel.locator('tr', { hasText: 'Autoridad Certificadora del Estado de Chile G2' }).first()).toContainText('CL');
  await expect(page.getByTestId('trust-tsl')).toContainText('número 25');
  await expect(panel).not.toContainText('Casilla Demo Raiz');
  await page.getByTestId('trust-add').setInputFiles(demoRoot);
  await expect(page.getByTestId('trust-message')).toContainText('Se agregó 1 certificado de confianza.');
  const row = panel.locator('tr', { hasText: 'Casilla Demo Raiz' });
  await expect(row).toContainText('Agregada por usted');
  await expect(page.getByTestId('certificates-panel')).toContainText('No hay certificados guardados.');
  await row.getByRole('button', { name: 'Eliminar' }).click();
  await expect(panel).not.toContainText('Casilla Demo Raiz');
});

test('the report panel keeps the institution and a logo (checked by the core), and says why a bad file is refused', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  const panel = page.getByTestId('report-panel');
  await expect(page.getByTestId('report-logo-state')).toContainText('Sin logo');
  await page.getByTestId('report-institution').fill('Gobierno Regional de Cusco');
  await page.getByTestId('report-save').click();
  await expect(page.getByTestId('report-message')).toHaveText('Datos del informe guardados.');
  // The app's own icon is a PNG: picked through the browser, uploaded, checked and copied by the core.
  await page.getByTestId('report-logo').setInputFiles(path.resolve(__dirname, '..', '..', 'resources', 'icons', '64x64.png'));
  await expect(page.getByTestId('report-logo-state')).toHaveText('Logo: 64x64.png (64×64 px)');
  await page.getByTestId('report-logo').setInputFiles(demoRoot);
  await expect(page.getByTestId('report-message')).toHaveText('El logo no es una imagen PNG o JPEG válida.');
  await expect(page.getByTestId('report-logo-state')).toHaveText('Logo: 64x64.png (64×64 px)');
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('report-institution')).toHaveValue('Gobierno Regional de Cusco');
  await panel.getByTestId('report-logo-remove').click();
  await expect(page.getByTestId('report-logo-state')).toContainText('Sin logo');
});

test('a slow first answer of the core does not replace the institution the user already typed', async ({ page }) => {
  // A logo first, so that the moment the held answer is applied shows on screen (the logo line changes).
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('report-logo').setInputFiles(path.resolve(__dirname, '..', '..', 'resources', 'icons', '64x64.png'));
  await expect(page.getByTestId('report-logo-state')).toHaveText('Logo: 64x64.png (64×64 px)');
  // Hold the panel's next read back until the user has typed (as on a busy machine), then let it through.
  const hold = await holdNextCall(page, 'verify.reportSettings.get');
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('report-logo-state')).toContainText('Sin logo');
  await page.getByTestId('report-institution').fill('Municipalidad de Arica');
  expect(hold.held()).toBe(true);
  hold.release();
  // The held answer is on screen (the logo line comes from it), and the typed name is still there and savable.
  await expect(page.getByTestId('report-logo-state')).toHaveText('Logo: 64x64.png (64×64 px)');
  await expect(page.getByTestId('report-institution')).toHaveValue('Municipalidad de Arica');
  await page.getByTestId('report-save').click();
  await expect(page.getByTestId('report-message')).toHaveText('Datos del informe guardados.');
  await page.getByTestId('report-logo-remove').click();
  await expect(page.getByTestId('report-logo-state')).toContainText('Sin logo');
});
