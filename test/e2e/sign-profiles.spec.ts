import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from './fixtures';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { startHost, type RunningHost } from './web-host';

/**
 * Firmar with saved signing profiles: a seeded profile fills the form, Firma Perú's parameter JSON is imported
 * from the screen (bad files refused in Spanish, naming the parameter), a stamp image is picked and shown on the
 * stamp, the current options are saved as a profile; then the signed file is signed again with the stamp over
 * the first signature: the page shows the existing signature, a warning, and a confirmation (keyboard: Escape
 * goes back) before signing; in a batch, the warning names the files, also those the preview does not show; a V°B°
 * on every page is warned about when its initials would cover a signature on another page. The screens with the
 * warning and the confirmation are scanned with axe.
 */
let host: RunningHost;
const root = path.resolve(__dirname, '..', '..');
const samplePdf = path.join(root, 'resources', 'demo', 'ejemplo.pdf');
const seal = path.join(root, 'resources', 'demo', 'sello.png');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-e2e-profiles-'));

function paramsFile(name: string, params: Record<string, unknown>): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(params));
  return file;
}

const oficina = paramsFile('oficina-logistica.json', {
  signatureFormat: 'PAdES',
  signatureLevel: 'B',
  signatureStyle: '4',
  stampPage: '1',
  positionx: '60',
  positiony: '120',
  signatureReason: 'Doy conformidad al informe',
  role: 'Jefe de Logística',
  stampTextSize: '8',
  stampWordWrap: '40',
  webTsa: '',
  certificateFilter: '.*',
  visiblePosition: false,
  bachtOperation: false,
  oneByOne: true,
});

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
}

/** The first test's output: next to its upload, in the data folder. */
function firstTestOutput(): string {
  const signed = (fs.readdirSync(host.home, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === 'ejemplo-firmado.pdf')
    .map((f) => path.join(host.home, f))[0];
  if (!signed) throw new Error('no se encontró el PDF firmado por la primera prueba');
  return signed;
}

/** The preference as Configuración saves it, through the same contract call. */
async function setLocale(locale: 'es' | 'en'): Promise<void> {
  const r = await fetch(`${host.origin}/api/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ method: 'settings.update', input: { locale } }),
  });
  expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
}

// The later tests sign again the file the first one signed.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  host = await startHost();
  fs.mkdirSync('test-results/screens', { recursive: true });
});
test.afterAll(async () => {
  await host.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('choose a seeded profile, import Firma Perú parameters, pick a stamp image, save a profile, sign', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(samplePdf);
  await expect(page.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });

  // The seeded V°B° profile fills the form; the user can still change it.
  const profile = page.getByTestId('sign-profile');
  await profile.selectOption({ label: 'V°B°' });
  await expect(page.getByRole('radio', { name: 'Visto bueno (V°B°)' })).toBeChecked();
  await expect(page.getByLabel('Motivo')).toHaveValue('V°B°');
  await profile.selectOption({ label: 'Firma' });
  await expect(page.getByRole('radio', { name: 'Firma (titular)' })).toBeChecked();
  await expect(page.getByLabel('Motivo')).toHaveValue('');

  // A file that is not JSON, then a parameter out of range: refused in Spanish, naming the parameter; no profile added.
  fs.writeFileSync(path.join(tmp, 'roto.json'), '{ "signatureStyle": ');
  await page.getByTestId('sign-profile-import').setInputFiles(path.join(tmp, 'roto.json'));
  await expect(page.getByTestId('sign-error')).toContainText('El archivo de parámetros de firma no es válido');
  await page.getByTestId('sign-profile-import').setInputFiles(paramsFile('malo.json', { signatureLevel: 'X' }));
  await expect(page.getByTestId('sign-error')).toContainText('Revise el parámetro «signatureLevel»');
  await expect(profile.locator('option')).toHaveText(['(ninguno: opciones a mano)', 'Firma', 'V°B°']);

  // Firma Perú's parameters become a profile, applied at once, with what is not applied said.
  await page.getByTestId('sign-profile-import').setInputFiles(oficina);
  const note = page.getByTestId('sign-profile-imported');
  await expect(note).toContainText('«oficina-logistica»');
  await expect(note).toContainText('visiblePosition');
  await expect(note).toContainText('oneByOne');
  await expect(profile.locator('option:checked')).toHaveText('oficina-logistica');
  await expect(page.getByLabel('Motivo')).toHaveValue('Doy conformidad al informe');
  await expect(page.getByLabel('Cargo')).toHaveValue('Jefe de Logística');
  await expect(page.getByLabel('Estilo del sello')).toHaveValue('4');
  await expect(page.getByTestId('stamp-text-size')).toHaveValue('8');
  await expect(page.getByTestId('stamp-box')).toBeVisible();

  // A stamp image, checked by the core and shown on the stamp.
  await page.getByTestId('stamp-image-input').setInputFiles(seal);
  await expect(page.getByTestId('stamp-image-name')).toContainText('sello.png');
  await expect(page.getByTestId('stamp-image-preview')).toBeVisible();
  fs.writeFileSync(path.join(tmp, 'falso.png'), 'no soy una imagen');
  await page.getByTestId('stamp-image-input').setInputFiles(path.join(tmp, 'falso.png'));
  await expect(page.getByTestId('sign-error')).toContainText('imagen del sello');
  await expect(page.getByTestId('stamp-image-name')).toContainText('sello.png');

  // Saved as a profile of its own (the image kept with it).
  await page.getByTestId('sign-profile-save-open').click();
  await page.getByTestId('sign-profile-name').fill('Logística con sello');
  await page.getByTestId('sign-profile-save').click();
  await expect(page.getByTestId('sign-profile-saved')).toContainText('Logística con sello');
  await expect(profile.locator('option:checked')).toHaveText('Logística con sello');

  await page.getByTestId('use-demo-cert').click();
  await page.screenshot({ path: 'test-results/screens/sign-profile.png', fullPage: true });
  await page.getByTestId('sign-button').click();
  await expect(page.getByTestId('sign-results')).toContainText('ejemplo-firmado.pdf', { timeout: 30_000 });

  // Another visit: the saved profile brings its image back.
  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(samplePdf);
  await expect(page.getByTestId('sign-file-list')).toContainText('ejemplo.pdf');
  await page.getByTestId('sign-profile').selectOption({ label: 'Logística con sello' });
  await expect(page.getByTestId('stamp-image-name')).toBeVisible();
  await expect(page.getByTestId('stamp-image-preview')).toBeVisible({ timeout: 20_000 });
});

test('a stamp over an existing signature is shown, warned about, and signed only after confirming', async ({ page }) => {
  const signed = firstTestOutput();
  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(signed);
  await expect(page.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  // The same profile puts the stamp where the first signature is.
  await page.getByTestId('sign-profile').selectOption({ label: 'oficina-logistica' });
  await expect(page.getByTestId('existing-signature')).toHaveCount(1);
  await expect(page.getByTestId('existing-signature')).toHaveAttribute('data-overlapped', 'true');
  await expect(page.getByTestId('overlap-warning')).toContainText('encima de una firma existente');

  await page.getByTestId('use-demo-cert').click();
  await page.getByTestId('sign-button').click();
  const dialog = page.getByRole('alertdialog', { name: '¿Firmar encima de otra firma?' });
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('overlap-confirm-cancel')).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/screens/sign-overlap.png', fullPage: true });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('sign-results')).toHaveCount(0);

  // Moved away with the keyboard: no warning, no question.
  await page.getByTestId('page-preview').focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('existing-signature')).toHaveAttribute('data-overlapped', 'false');
  await expect(page.getByTestId('overlap-warning')).toHaveCount(0);
  // Back over it, and this time signed after confirming with the keyboard.
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('overlap-warning')).toBeVisible();
  await page.getByTestId('sign-button').click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('overlap-confirm-sign')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sign-results')).toContainText('firmado', { timeout: 30_000 });
  await expect(page.getByTestId('sign-results').locator('.alert-error')).toHaveCount(0);
});

test('in a batch, a signature under the stamp in the second file only is warned about, naming that file', async ({ page }) => {
  const signed = firstTestOutput();
  await page.goto(host.url);
  // The first file (the one previewed) has no signature; the second has one where the profile puts the stamp.
  await page.getByTestId('sign-files').setInputFiles([samplePdf, signed]);
  await expect(page.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await page.getByTestId('sign-profile').selectOption({ label: 'oficina-logistica' });
  await expect(page.getByTestId('existing-signature')).toHaveCount(0);
  const warning = page.getByTestId('overlap-warning');
  await expect(warning).toContainText('En ejemplo-firmado.pdf (página 1: «');
  await expect(warning).toContainText('el sello queda encima de una firma existente');
  await expect(warning).not.toContainText('ejemplo.pdf');
  expect(await seriousViolations(page)).toEqual([]);
  // In English too: the language changed meanwhile (as from another window); the screen keeps its files.
  try {
    await setLocale('en');
    await expect(warning).toContainText('In ejemplo-firmado.pdf (page 1: «');
    await expect(warning).toContainText('the stamp lies over an existing signature');
  } finally {
    await setLocale('es');
  }
  await expect(warning).toContainText('En ejemplo-firmado.pdf');

  // Moved away, no file is named; back over it, the batch asks first and, confirmed, signs both files.
  await page.getByTestId('page-preview').focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowUp');
  await expect(warning).toHaveCount(0);
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
  await expect(warning).toContainText('ejemplo-firmado.pdf');
  await page.getByTestId('use-demo-cert').click();
  await page.getByTestId('sign-button').click();
  await expect(page.getByRole('alertdialog', { name: '¿Firmar encima de otra firma?' })).toBeVisible();
  await page.getByTestId('overlap-confirm-sign').click();
  const results = page.getByTestId('sign-results');
  await expect(results.locator('li')).toHaveCount(2, { timeout: 30_000 });
  await expect(results.locator('.alert-error')).toHaveCount(0);
});

test('a V°B° on every page whose initials would cover a signature on another page is warned about, naming page and field, and asked about', async ({
  page,
}) => {
  // Two pages, a signature at the lower-right corner of page 1 (where a V°B°'s initials go), signed with the CLI.
  const plain = writePlainPdf(path.join(tmp, 'dos.pdf'), { pages: 2 });
  const cornered = path.join(tmp, 'esquina.pdf');
  const demo = path.join(root, 'resources', 'demo', 'demo-firmante.p12');
  const cliArgs = ['--home', path.join(tmp, 'cli-home'), 'sign', plain, '-o', cornered, '--p12', demo, '--password-env', 'DEMO_PW'];
  const r = spawnSync(process.execPath, [path.join(root, 'bin/casilla.cjs'), ...cliArgs, '--page', '1', '--rect', '480,10,100,40'], {
    encoding: 'utf8',
    env: { ...process.env, DEMO_PW: 'demo1234' },
  });
  expect(r.status, r.stderr).toBe(0);

  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(cornered);
  await expect(page.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await page.getByRole('radio', { name: 'Visto bueno (V°B°)' }).check();
  const warning = page.getByTestId('overlap-initials-warning');
  await expect(warning).toHaveCount(0); // initials on every page not chosen yet
  const everyPage = page.getByRole('checkbox', { name: 'Iniciales en todas las páginas' });
  await everyPage.check();
  await expect(warning).toContainText('Las iniciales del V°B° quedan encima de una firma existente (página 1: «Firma1»)');
  await expect(page.getByTestId('overlap-warning')).toHaveCount(0); // the stamp itself, on page 2, covers nothing
  try {
    await setLocale('en');
    await expect(warning).toContainText('The approval (V°B°) initials lie over an existing signature (page 1: «Firma1»)');
  } finally {
    await setLocale('es');
  }
  await expect(warning).toContainText('Las iniciales del V°B°');
  await everyPage.uncheck();
  await expect(warning).toHaveCount(0);
  await everyPage.check();

  await page.getByTestId('use-demo-cert').click();
  await page.getByTestId('sign-button').click();
  const dialog = page.getByRole('alertdialog', { name: '¿Firmar encima de otra firma?' });
  await expect(dialog).toContainText('Las iniciales del V°B° cubrirán el sello de una firma existente en otra página');
  await page.getByTestId('overlap-confirm-sign').click();
  await expect(page.getByTestId('sign-results')).toContainText('firmado', { timeout: 30_000 });
  await expect(page.getByTestId('sign-results').locator('.alert-error')).toHaveCount(0);
});

test('a stamp not placed goes to the first free default place: warned about only when the page has none left', async ({ page }) => {
  // Made with the CLI: one co-signer's stamp at the lower-right corner of the last page (the default place of a
  // firma), and another file whose last page has a signature as tall as the page over that whole column.
  const demo = path.join(root, 'resources', 'demo', 'demo-firmante.p12');
  const signWith = (input: string, output: string, extra: string[]) => {
    const cliArgs = ['--home', path.join(tmp, 'cli-home'), 'sign', input, '-o', output, '--p12', demo, '--password-env', 'DEMO_PW'];
    const r = spawnSync(process.execPath, [path.join(root, 'bin/casilla.cjs'), ...cliArgs, ...extra], {
      encoding: 'utf8',
      env: { ...process.env, DEMO_PW: 'demo1234' },
    });
    expect(r.status, r.stderr).toBe(0);
  };
  const plain = writePlainPdf(path.join(tmp, 'default-place.pdf'), { pages: 1 });
  const cosigned = path.join(tmp, 'cofirmado.pdf');
  signWith(plain, cosigned, []);
  const blocked = path.join(tmp, 'columna.pdf');
  signWith(plain, blocked, ['--rect', '380,0,215,842']);

  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(cosigned);
  await expect(page.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  // No click on the page: the second firma goes above the first one, so nothing is warned about or flagged.
  const existing = page.getByTestId('existing-signature');
  await expect(existing).toHaveCount(1);
  await expect(existing).toHaveAttribute('data-overlapped', 'false');
  await expect(page.getByTestId('overlap-warning')).toHaveCount(0);

  // The blocked file joins the batch: each file gets its own default place, and only the blocked one is named.
  await page.getByTestId('sign-files').setInputFiles(blocked);
  const warning = page.getByTestId('overlap-warning');
  await expect(warning).toContainText('En columna.pdf (página 1: «Firma1»), el sello queda encima de una firma existente', {
    timeout: 20_000,
  });
  await expect(warning).not.toContainText('cofirmado.pdf');
  await expect(existing).toHaveAttribute('data-overlapped', 'false'); // the preview shows the first file

  // The blocked file alone: the single-file warning, and its preview flags the signature the stamp will cover.
  const alone = await page.context().newPage();
  await alone.goto(host.url);
  await alone.getByTestId('sign-files').setInputFiles(blocked);
  await expect(alone.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect(alone.getByTestId('overlap-warning')).toContainText('El sello queda encima de una firma existente («Firma1»)');
  await expect(alone.getByTestId('existing-signature')).toHaveAttribute('data-overlapped', 'true');
  await alone.close();
});

test('"Firmar y adjuntar" with the FirmaGob simulator in the attended purpose offers the OTP the simulator shows', async ({ page }) => {
  // Configuración → FirmaGob, through the same contract call: the built-in simulator, attended purpose (asks an OTP).
  const saved = await fetch(`${host.origin}/api/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      method: 'sign.firmagob.save',
      input: {
        baseUrl: 'sandbox:embedded',
        entity: 'Subsecretaría General de la Presidencia',
        apiKey: 'sandbox',
        run: '22222222',
        purpose: 'Propósito General',
      },
    }),
  });
  expect(((await saved.json()) as { ok: boolean }).ok).toBe(true);
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await expect(page.getByTestId('screen-compose').getByTestId('recipients')).toBeVisible();
  await page.getByTestId('sign-attach-open').click();
  await expect(page.getByTestId('sign-attach')).toBeVisible();
  await page.getByTestId('sign-attach-pdf').setInputFiles(samplePdf);
  const choice = page.getByTestId('sign-attach').getByTestId('cert-choice').filter({ hasText: 'FirmaGob' });
  await expect(choice).toContainText('(simulador)', { timeout: 20_000 });
  await choice.getByRole('radio').check();
  await expect(page.getByTestId('sign-attach').getByText('Clave OTP')).toBeVisible();
  await expect(page.getByTestId('sign-attach-button')).toBeDisabled();
  await page.getByTestId('sign-attach-simulator-otp').click();
  await expect(page.getByTestId('sign-attach-password')).not.toHaveValue('');
  await page.getByTestId('sign-attach-button').click();
  await expect(page.getByTestId('attachments-list')).toContainText('ejemplo-firmado.pdf', { timeout: 30_000 });
});
