import { expect, test } from '@playwright/test';
import path from 'node:path';
import { startHost, type RunningHost } from './web-host';

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
  await expect(panel).not.toContainText('Casilla Demo Raiz');
  await page.getByTestId('trust-add').setInputFiles(demoRoot);
  await expect(page.getByTestId('trust-message')).toContainText('Se agregó 1 certificado de confianza.');
  const row = panel.locator('tr', { hasText: 'Casilla Demo Raiz' });
  await expect(row).toContainText('Agregada por usted');
  await expect(page.getByTestId('certificates-panel')).toContainText('No hay certificados guardados.');
  await row.getByRole('button', { name: 'Eliminar' }).click();
  await expect(panel).not.toContainText('Casilla Demo Raiz');
});
