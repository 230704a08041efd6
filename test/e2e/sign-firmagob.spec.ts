import { expect, test } from './fixtures';
import path from 'node:path';
import { startHost, type RunningHost } from './web-host';

/**
 * FirmaGob chosen in the certificate picker of Firmar, with the built-in sandbox profile: the FirmaGob simulator
 * starts inside the app (nothing else running), the unattended purpose asks for no secret, and the signed file
 * verifies with the simulator official as signer.
 */
let host: RunningHost;
const samplePdf = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'ejemplo.pdf');

test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host.stop();
});

test('sign with FirmaGob (built-in simulator) chosen in the certificate picker, then verify', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(samplePdf);
  await expect(page.getByTestId('sign-file-list')).toContainText('ejemplo.pdf');
  const choice = page.getByTestId('cert-choice').filter({ hasText: 'FirmaGob' });
  await expect(choice).toContainText('USUARIO DE PRUEBA FIRMAGOB', { timeout: 20_000 });
  await expect(choice).toContainText('(simulador)');
  await choice.getByRole('radio').check();
  await expect(page.getByTestId('no-secret')).toBeVisible();
  await page.getByTestId('sign-button').click();
  await expect(page.getByTestId('sign-results')).toContainText('ejemplo-firmado.pdf', { timeout: 30_000 });
  await page.getByTestId('verify-now').click();
  const card = page.getByTestId('signature-card');
  await expect(card).toHaveCount(1, { timeout: 30_000 });
  await expect(card).toContainText('USUARIO DE PRUEBA FIRMAGOB');
  await expect(card).toContainText('Íntegra');
});
