import { expect, test } from './fixtures';
import path from 'node:path';
import { startTestTsa } from '../helpers/pki';
import { holdNextCall, startHost, type RunningHost } from './web-host';

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
  // The file list grows under the certificate's controls once the upload is read: click after it, as a user would.
  await expect(page.getByTestId('sign-file-list')).toContainText('ejemplo.pdf');
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

  // A read answered after the user started typing (a busy machine) fills the rest but keeps what was typed.
  const hold = await holdNextCall(page, 'sign.firmagob.get');
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await panel.getByLabel('API key').fill('otra-clave');
  expect(hold.held()).toBe(true);
  hold.release();
  await expect(panel.getByLabel('Clave secreta')).toHaveAttribute('placeholder', /guardada en el llavero/);
  await expect(panel.getByLabel('API key')).toHaveValue('otra-clave');
});

test('Configuración → TSA: a profile with a password in the keychain is tested, then chosen in Firmar to sign B-T', async ({ page }) => {
  // A real RFC 3161 TSA on 127.0.0.1 (openssl ts) that demands HTTP Basic credentials.
  const tsa = await startTestTsa({ username: 'mesa', password: 'clave-e2e-tsa' });
  try {
    await page.goto(host.url);
    await page.getByTestId('nav-settings').click();
    const panel = page.getByTestId('tsa-panel');
    await expect(panel).toContainText('No hay perfiles de TSA');
    await panel.getByLabel('Nombre').fill('TSA de prueba');
    await panel.getByLabel('Dirección').fill('http://tsa.example.pe/tsr');
    await expect(panel.getByRole('alert')).toContainText('Use https');
    await expect(panel.getByTestId('tsa-save')).toBeDisabled();
    await panel.getByLabel('Dirección').fill(tsa.url);
    await panel.getByLabel('Usuario (opcional)').fill('mesa');
    await panel.getByLabel('Contraseña').fill('equivocada');
    await panel.getByTestId('tsa-test-typed').click();
    await expect(panel.getByTestId('tsa-message')).toContainText('La TSA rechazó el usuario o la contraseña (HTTP 401)', {
      timeout: 30_000,
    });
    await panel.getByLabel('Contraseña').fill('clave-e2e-tsa');
    await panel.getByTestId('tsa-save').click();
    await expect(panel.getByTestId('tsa-message')).toContainText('guardado');
    const row = panel.getByTestId('tsa-row');
    await expect(row).toContainText('contraseña en el llavero');
    await row.getByRole('button', { name: 'Probar TSA de prueba' }).click();
    await expect(panel.getByTestId('tsa-message')).toContainText(/La TSA «.+» respondió/, { timeout: 30_000 });
    expect(await page.content()).not.toContain('clave-e2e-tsa');

    await page.getByTestId('nav-sign').click();
    await page.getByTestId('sign-files').setInputFiles(samplePdf);
    await expect(page.getByTestId('sign-file-list')).toContainText('ejemplo.pdf');
    await page.getByTestId('use-demo-cert').click();
    await page.getByTestId('inspect-cert').click();
    await expect(page.getByTestId('cert-info')).toContainText('USUARIO DEMO');
    await page.getByTestId('sign-level').selectOption('B-T');
    await expect(page.getByTestId('sign-tsa-profile')).toHaveValue(/^perfil:/);
    await expect(page.getByTestId('sign-tsa-url')).toHaveCount(0);
    const before = tsa.requests;
    await page.getByTestId('sign-button').click();
    await expect(page.getByTestId('sign-results')).toContainText('ejemplo-firmado', { timeout: 30_000 });
    expect(tsa.requests).toBe(before + 1);
    // "Otra dirección…" brings the address field back.
    await page.getByTestId('sign-tsa-profile').selectOption({ label: 'Otra dirección…' });
    await expect(page.getByTestId('sign-tsa-url')).toBeVisible();
  } finally {
    await tsa.close();
  }
});
