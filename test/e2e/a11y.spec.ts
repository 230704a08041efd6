import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from './fixtures';
import path from 'node:path';
import { startHost, type RunningHost } from './web-host';

/**
 * An automated accessibility scan (axe-core, WCAG 2.1 A and AA rules) of every screen and of the lock, in
 * Spanish: any violation of serious or critical impact fails, listed with the rule and the elements it found.
 */
let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host.stop();
});

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
}

const screens = [
  { nav: 'sign', heading: 'Firmar documentos' },
  { nav: 'verify', heading: 'Verificar firmas' },
  { nav: 'compose', heading: 'Redactar notificación' },
  { nav: 'outbox', heading: 'Bandeja de salida' },
  { nav: 'settings', heading: 'Configuración' },
] as const;

for (const s of screens) {
  test(`the ${s.nav} screen has no serious or critical accessibility violation`, async ({ page }) => {
    await page.goto(host.url);
    await page.getByTestId(`nav-${s.nav}`).click();
    await expect(page.getByRole('heading', { level: 2, name: s.heading })).toBeVisible();
    // Let data-driven parts (lists, charts, profiles) render before scanning.
    // The event stream keeps a connection open (no network idle): wait until nothing is marked busy.
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('signing results and a verification report have no serious or critical accessibility violation', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('sign-files').setInputFiles(path.resolve(__dirname, '..', '..', 'resources', 'demo', 'ejemplo.pdf'));
  await expect(page.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await page.getByTestId('use-demo-cert').click();
  await page.getByTestId('inspect-cert').click();
  await expect(page.getByTestId('cert-info')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByTestId('sign-button').click();
  await expect(page.getByTestId('sign-results')).toContainText('ejemplo-firmado.pdf', { timeout: 30_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByTestId('verify-now').click();
  await expect(page.getByTestId('signature-card')).toHaveCount(1, { timeout: 30_000 });
  expect(await seriousViolations(page)).toEqual([]);
});

test('the scan does catch a violation (an unlabeled icon button and an image without text)', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('screen-sign')).toBeVisible();
  await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { insertAdjacentHTML(p: string, h: string): void } } })
      .document;
    doc.querySelector('main')?.insertAdjacentHTML('beforeend', '<button><svg width="10" height="10"></svg></button><img src="/x.png">');
  });
  const found = await seriousViolations(page);
  expect(found.some((v) => v.includes('button-name'))).toBe(true);
  expect(found.some((v) => v.includes('image-alt'))).toBe(true);
});

test('the lock warning, the first lock (create the password) and a later lock have no serious or critical violation', async ({ page }) => {
  // Playwright's fake clock: the real 10 and 12 minutes in a moment.
  await page.clock.install();
  await page.goto(host.url);
  await expect(page.getByTestId('nav-sign')).toBeVisible();
  await page.clock.fastForward('10:05');
  await expect(page.getByTestId('lock-warning')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.clock.fastForward('02:00');
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Cree la contraseña de la aplicación' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel('Nueva contraseña').fill('clave-1234');
  await page.getByLabel('Repita la contraseña').fill('clave-1234');
  await page.getByRole('button', { name: 'Guardar y desbloquear' }).click();
  await expect(page.getByTestId('lock-screen')).toBeHidden();
  await page.clock.fastForward('12:01');
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
