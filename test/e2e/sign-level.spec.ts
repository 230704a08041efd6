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
