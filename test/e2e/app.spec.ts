import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { startHost, type RunningHost } from './web-host';

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost();
  fs.mkdirSync('test-results/screens', { recursive: true });
});
test.afterAll(async () => {
  await host.stop();
});

const screens = [
  { nav: 'sign', es: 'Firmar', heading: 'Firmar documentos' },
  { nav: 'verify', es: 'Verificar', heading: 'Verificar firmas' },
  { nav: 'compose', es: 'Redactar', heading: 'Redactar notificación' },
  { nav: 'outbox', es: 'Bandeja de salida', heading: 'Bandeja de salida' },
  { nav: 'settings', es: 'Configuración', heading: 'Configuración' },
] as const;

test('every screen opens in Spanish, by mouse and by keyboard, and is captured', async ({ page }) => {
  await page.goto(host.url);
  // The token leaves the address bar as soon as the page has it.
  await expect(page).toHaveURL(`${host.origin}/`);
  await expect(page.getByTestId('active-backend')).toContainText('Sandbox integrado');
  for (const s of screens) {
    await page.getByRole('navigation').getByRole('button', { name: s.es, exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: s.heading })).toBeVisible();
    await expect(page.getByTestId(`nav-${s.nav}`)).toHaveAttribute('aria-current', 'page');
    await page.screenshot({ path: `test-results/screens/${s.nav}.png`, fullPage: true });
  }
  // Alt+2 goes to Verificar without the mouse.
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { level: 2, name: 'Verificar firmas' })).toBeVisible();
  // Alt+2 put the focus on the content, so the next Tab lands inside the screen.
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('verify-files')).toBeFocused();
  // From the top of a fresh page, Tab reaches the skip link first, then the menu.
  await page.reload();
  await expect(page.getByTestId('nav-sign')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Saltar al contenido' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('nav-sign')).toBeFocused();
});

test('the language switches to English and back, and the choice is kept', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  await page.getByLabel('Idioma').selectOption('en');
  await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('nav-sign')).toHaveText('Sign');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.screenshot({ path: 'test-results/screens/settings-en.png', fullPage: true });
  // A new page (same session token) comes up in English: the preference lives in the core, not the tab.
  await page.reload();
  await expect(page.getByTestId('nav-outbox')).toHaveText('Outbox');
  await page.getByTestId('nav-settings').click();
  await page.getByLabel('Language').selectOption('es');
  await expect(page.getByTestId('nav-outbox')).toHaveText('Bandeja de salida');
});

test('the inactivity lock warns, locks, and unlocks (shortened timeouts)', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  // 3 s to the warning, 6 s to the lock.
  await page.getByLabel('Aviso de inactividad (minutos)').fill('0.05');
  await page.getByLabel('Bloqueo por inactividad (minutos)').fill('0.1');
  await page.getByRole('button', { name: 'Guardar' }).click();
  await expect(page.getByText('Configuración guardada.')).toBeVisible();
  await expect(page.getByTestId('lock-warning')).toBeVisible({ timeout: 10_000 });
  await page.screenshot({ path: 'test-results/screens/lock-warning.png' });
  await expect(page.getByTestId('lock-screen')).toBeVisible({ timeout: 10_000 });
  await page.screenshot({ path: 'test-results/screens/locked.png' });
  // While locked, the menu is out of reach.
  await expect(page.getByTestId('nav-sign'))
    .not.toBeInViewport({ ratio: 1 })
    .catch(() => undefined);
  await expect(page.locator('#app-body')).toHaveAttribute('inert', '');
  await page.getByRole('button', { name: 'Desbloquear' }).click();
  await expect(page.getByTestId('lock-screen')).toBeHidden();
  // Restore sane timeouts and check the audit log recorded the lock and the unlock.
  await page.getByLabel('Aviso de inactividad (minutos)').fill('10');
  await page.getByLabel('Bloqueo por inactividad (minutos)').fill('12');
  await page.getByRole('button', { name: 'Guardar' }).click();
  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-result')).toContainText('Registro íntegro');
  await expect(page.getByTestId('audit-table')).toContainText('session.lock');
  await expect(page.getByTestId('audit-table')).toContainText('session.unlock');
});

test('the web host refuses calls without the token and from a foreign Origin', async ({ request }) => {
  const noToken = await request.post(`${host.origin}/api/call`, { data: { method: 'app.info', input: {} } });
  expect(noToken.status()).toBe(401);
  const foreign = await request.post(`${host.origin}/api/call`, {
    data: { method: 'app.info', input: {} },
    headers: { Authorization: `Bearer ${host.token}`, Origin: 'http://evil.example' },
  });
  expect(foreign.status()).toBe(403);
  const good = await request.post(`${host.origin}/api/call`, {
    data: { method: 'app.info', input: {} },
    headers: { Authorization: `Bearer ${host.token}`, Origin: host.origin },
  });
  expect(good.status()).toBe(200);
  expect((await good.json()) as unknown).toMatchObject({ ok: true, value: { name: 'Casilla Desktop', shell: 'browser' } });
});
