import { expect, test } from './fixtures';
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

test('the inactivity lock warns at 10 minutes, locks at 12, hides the screen and opens only with the app password', async ({
  page,
  request,
}) => {
  // The page's clock is Playwright's fake one: the real defaults (10 and 12 minutes) in a few seconds.
  await page.clock.install();
  await page.goto(host.url);
  await expect(page.getByTestId('nav-sign')).toBeVisible();
  await page.clock.fastForward('09:50');
  await expect(page.getByTestId('lock-warning')).toBeHidden();
  await page.clock.fastForward('00:15');
  await expect(page.getByTestId('lock-warning')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/lock-warning.png' });
  await page.clock.fastForward('02:00');
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  // Hidden, not dimmed: nothing of the screen behind is drawn or reachable.
  await expect(page.locator('#app-body')).toBeHidden();
  await expect(page.locator('#app-body')).toHaveCSS('display', 'none');
  await expect(page.getByTestId('nav-sign')).toBeHidden();
  // The core is locked too: a call with the session token is refused.
  const locked = await request.post(`${host.origin}/api/call`, {
    data: { method: 'audit.list', input: {} },
    headers: { Authorization: `Bearer ${host.token}` },
  });
  expect(await locked.json()).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  // First lock: the user creates the app password, and it opens the app.
  await expect(page.getByRole('heading', { name: 'Cree la contraseña de la aplicación' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/locked.png' });
  await page.getByLabel('Nueva contraseña').fill('clave-1234');
  await page.getByLabel('Repita la contraseña').fill('clave-1234');
  await page.getByRole('button', { name: 'Guardar y desbloquear' }).click();
  await expect(page.getByTestId('lock-screen')).toBeHidden();
  await expect(page.getByTestId('nav-sign')).toBeVisible();
  // Second lock: a wrong password is refused, a reload does not open it, the right one does.
  await page.clock.fastForward('12:01');
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await page.getByLabel('Contraseña de la aplicación').fill('otra-clave');
  await page.getByRole('button', { name: 'Desbloquear' }).click();
  await expect(page.getByTestId('lock-error')).toContainText('no es correcta');
  await expect(page.locator('#app-body')).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.locator('#app-body')).toBeHidden();
  await page.getByLabel('Contraseña de la aplicación').fill('clave-1234');
  await page.getByRole('button', { name: 'Desbloquear' }).click();
  await expect(page.getByTestId('lock-screen')).toBeHidden();
  // The audit log has the lock, the failed attempt and the unlock, and is intact.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-result')).toContainText('Registro íntegro');
  // Actions are shown by their texts (codes cross the contract), never as the raw code.
  await expect(page.getByTestId('audit-table')).toContainText('Bloqueo por inactividad');
  await expect(page.getByTestId('audit-table')).toContainText('Desbloqueo fallido');
  await expect(page.getByTestId('audit-table')).toContainText('Contraseña de la aplicación definida');
  await expect(page.getByTestId('audit-table')).not.toContainText('session.');
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

test('a screen that cannot draw an answer says so in Spanish, the menu keeps working, and "Volver a intentar" draws it again', async ({
  page,
}) => {
  // The core's certificate list answered with entries the picker cannot read (as a newer or broken core might).
  let broken = true;
  await page.route('**/api/call', async (route) => {
    if (broken && (route.request().postData() ?? '').includes('"keys.list"')) {
      await route.fulfill({ json: { ok: true, value: { certificates: [{ key: 'x' }], problems: [] } } });
    } else await route.continue();
  });
  await page.goto(host.url);
  const error = page.getByTestId('screen-error');
  await expect(error).toContainText('Esta pantalla tuvo un error inesperado');
  await expect(page.getByTestId('screen-sign')).toHaveCount(0);
  await page.getByText('Detalles técnicos').click();
  await expect(error).toContainText('TypeError');
  // The rest of the app is unaffected.
  await page.getByTestId('nav-verify').click();
  await expect(page.getByRole('heading', { level: 2, name: 'Verificar firmas' })).toBeVisible();
  await expect(error).toHaveCount(0);
  // Back on Firmar the answer is still broken, so the error shows again; once the core answers well, the retry
  // button draws the screen.
  await page.getByTestId('nav-sign').click();
  await expect(error).toBeVisible();
  broken = false;
  await page.getByTestId('screen-error-retry').click();
  await expect(page.getByRole('heading', { level: 2, name: 'Firmar documentos' })).toBeVisible();
  await expect(page.getByTestId('certificate-picker')).toBeVisible();
  await expect(error).toHaveCount(0);
});
