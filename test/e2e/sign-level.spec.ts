import { expect, test } from '@playwright/test';
import path from 'node:path';
import { startHost, type RunningHost } from './web-host';

let host: RunningHost;
const samplePdf = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'ejemplo.pdf');

test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host.stop();
});

test('Firmar: a level above B-B needs a TSA, https unless local; a text-only stamp signs', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(samplePdf);
  await page.getByTestId('use-demo-cert').click();
  await page.getByTestId('inspect-cert').click();
  await expect(page.getByTestId('cert-info')).toContainText('USUARIO DEMO');
  const button = page.getByTestId('sign-button');
  await expect(button).toBeEnabled();

  await page.getByTestId('sign-level').selectOption('B-LTA');
  await expect(button).toBeDisabled();
  await page.getByTestId('sign-tsa-url').fill('http://tsa.example.pe/tsr');
  await expect(page.getByRole('alert')).toContainText('Use https');
  await expect(button).toBeDisabled();
  await page.getByTestId('sign-tsa-url').fill('https://tsa.example.pe/tsr');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(button).toBeEnabled();

  await page.getByTestId('sign-level').selectOption('B-B');
  await page.getByLabel('Estilo del sello').selectOption({ label: 'Solo texto' });
  await button.click();
  await expect(page.getByTestId('sign-results')).toContainText('ejemplo-firmado.pdf', { timeout: 30_000 });
});

test('Configuración → FirmaGob: settings are kept, the secret goes to the keychain and never comes back', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  const panel = page.getByTestId('firmagob-panel');
  await panel.getByLabel('Entidad (institución)').fill('Subsecretaría General de la Presidencia');
  await panel.getByLabel('API key').fill('sandbox');
  await panel.getByLabel('Clave secreta').fill('secreto-e2e-no-debe-volver');
  await panel.getByLabel(/RUN del funcionario/).fill('22.222.222');
  await expect(panel.getByLabel(/RUN del funcionario/)).toHaveValue('22222222');
  await panel.getByTestId('firmagob-save').click();
  await expect(panel.getByRole('status')).toContainText('guardada');
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(panel.getByLabel('API key')).toHaveValue('sandbox');
  await expect(panel.getByLabel('Clave secreta')).toHaveValue('');
  await expect(panel.getByLabel('Clave secreta')).toHaveAttribute('placeholder', /guardada en el llavero/);
  expect(await page.content()).not.toContain('secreto-e2e-no-debe-volver');
});
