import { expect, test, type Page } from './fixtures';
import path from 'node:path';
import { ENGLISH, SPANISH } from '../helpers/language-words';
import { writeShadowedContract } from '../helpers/shadow-contract';
import { tempDir } from '../helpers/temp-home';
import { startHost, type RunningHost } from './web-host';

/**
 * Every screen walked in English finds none of a list of Spanish words (texts that come from the core or were
 * left untranslated), and in Spanish none of a list of English ones: visible text plus the accessible names,
 * placeholders and tooltips that a screen reader or a hover shows. Besides the five screens as they open, the
 * walk covers what only data brings: the outbox detail with its timeline and recipients, a verification with
 * changes after the signature (and an invalid one), the trust panel, and a form refused by the contract's schema.
 */
let host: RunningHost;
let tmp: { dir: string; cleanup: () => void };
let altered: string;

test.beforeAll(async () => {
  tmp = tempDir('language-');
  // A later revision that changes page 1's content: the verification lists the change and says NO VÁLIDO.
  ({ altered } = await writeShadowedContract(tmp.dir));
  host = await startHost();
});
test.afterAll(async () => {
  await host?.stop();
  tmp?.cleanup();
});

const navs = ['sign', 'verify', 'compose', 'outbox', 'settings'] as const;

/**
 * The text a user reads or hears: visible text plus accessible names, placeholders, tooltips and alt texts. Proper
 * names from data (certificate authorities, providers, subjects the user typed) are marked `translate="no"`, the
 * HTML way of saying "not to be translated", and are left out here.
 */
async function screenText(page: Page): Promise<string> {
  return page.evaluate(() => {
    type El = { getAttribute(n: string): string | null; innerText: string };
    const doc = (
      globalThis as unknown as {
        document: { body: { innerText: string }; querySelectorAll(s: string): ArrayLike<El> };
      }
    ).document;
    const attrs: string[] = [];
    for (const el of Array.from(doc.querySelectorAll('[aria-label],[placeholder],[title],[alt]')))
      for (const n of ['aria-label', 'placeholder', 'title', 'alt']) attrs.push(el.getAttribute(n) ?? '');
    let text = doc.body.innerText;
    // Longest first, so a name inside a longer one (a provider inside a URL) does not break the longer one.
    const names = Array.from(doc.querySelectorAll('[translate="no"]'), (el) => el.innerText).filter(Boolean);
    for (const name of names.sort((a, b) => b.length - a.length)) text = text.split(name).join(' ');
    return `${text}\n${attrs.join('\n')}`;
  });
}

/** File names are the user's data (and the signed copy is named `<name>-firmado.pdf` by the core): left out. */
function found(text: string, words: string[]): string[] {
  const prose = text.replace(/\S+\.pdf\b/gi, ' ');
  return words.filter((w) => new RegExp(`(^|[^\\p{L}])${w}($|[^\\p{L}])`, 'iu').test(prose));
}

async function walk(page: Page, words: string[]): Promise<Record<string, string[]>> {
  const hits: Record<string, string[]> = {};
  for (const nav of navs) {
    await page.getByTestId(`nav-${nav}`).click();
    // The event stream keeps a connection open (no network idle): wait until nothing is marked busy.
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    const f = found(await screenText(page), words);
    if (f.length) hits[nav] = f;
  }
  return hits;
}

/** What only data shows, each checked for the other language's words: returns the hits per place. */
async function walkData(page: Page, words: string[], subject: string): Promise<Record<string, string[]>> {
  const hits: Record<string, string[]> = {};
  const check = async (place: string) => {
    const text = await screenText(page);
    // Each hit with the words around it, so a failure says where it is.
    const f = found(text, words).map((w) => {
      const at = text.search(new RegExp(`(^|[^\\p{L}])${w}($|[^\\p{L}])`, 'iu'));
      return `${w} «${text.slice(Math.max(0, at - 40), at + 40).replace(/\s+/g, ' ')}»`;
    });
    if (f.length) hits[place] = f;
  };
  // The outbox detail of a delivered message: its states, timeline entries (codes), recipients' DDU and status.
  await page.getByTestId('nav-outbox').click();
  const row = page.getByTestId('outbox-row').filter({ hasText: subject });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  await row.click();
  await expect(page.locator('[data-testid="timeline-entry"][data-code="delivery_progress"]').first()).toBeVisible();
  await expect(page.getByTestId('outbox-detail')).toBeVisible();
  await page.getByTestId('deadline').getByRole('spinbutton').fill('10');
  await expect(page.getByTestId('deadline').locator('p')).toBeVisible();
  await check('outbox-detail');
  // A verification with a change after the signature (NO VÁLIDO, the change in words).
  await page.getByTestId('nav-verify').click();
  await page.getByTestId('verify-files').setInputFiles(altered);
  await expect(page.getByTestId('signature-card')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('change-list')).not.toHaveCount(0);
  await check('verify-changes');
  // The trust panel (national lists, statuses) and a backend form refused by the contract's schema.
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('trust-list-name').first()).toBeVisible();
  const profiles = page.getByTestId('profiles-form');
  await profiles.locator('input').nth(0).fill('x'.repeat(81));
  await profiles.locator('input').nth(1).fill('http://casilla.example.org');
  await profiles.locator('input').nth(2).fill('cliente');
  await profiles.locator('input').nth(3).fill('secreto');
  await profiles.getByRole('button').click();
  await expect(page.getByTestId('profiles-error')).toBeVisible();
  await check('settings-form');
  return hits;
}

async function queueOne(page: Page, subject: string): Promise<void> {
  await page.getByTestId('nav-compose').click();
  await page.getByTestId('recipients').fill('33.333.333-3\n33333351-1');
  await page.getByTestId('subject').fill(subject);
  await page.getByTestId('body-editor').click();
  await page.keyboard.type('Texto de la notificación.');
  await page.getByTestId('queue-button').click();
  await expect(page.getByTestId('screen-outbox')).toBeVisible();
}

test('in English no screen shows a Spanish word, and in Spanish no screen shows an English one', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(host.url);
  await expect(page.getByTestId('nav-sign')).toBeVisible();
  expect(await walk(page, ENGLISH)).toEqual({});
  const subject = 'Resolución de prueba de idioma';
  await queueOne(page, subject);
  expect(await walkData(page, ENGLISH, subject)).toEqual({});
  await page.getByTestId('nav-settings').click();
  await page.getByLabel('Idioma').selectOption('en');
  await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
  try {
    expect(await walk(page, SPANISH)).toEqual({});
    await page.reload();
    expect(await walkData(page, SPANISH, subject)).toEqual({});
    // An error from the core (a wrong certificate password) is shown from its code, in English.
    await page.getByTestId('nav-sign').click();
    await page.getByTestId('use-demo-cert').click();
    await page.getByTestId('p12-password').fill('incorrecta');
    await page.getByTestId('inspect-cert').click();
    await expect(page.getByRole('alert')).toContainText('The certificate password is wrong.');
    expect(found(await screenText(page), SPANISH)).toEqual([]);
    // A signed PDF verified in English: verdicts, reasons (by code) and dates carry no Spanish.
    await page.reload();
    await page.getByTestId('sign-files').setInputFiles(path.resolve(__dirname, '..', '..', 'resources', 'demo', 'ejemplo.pdf'));
    await expect(page.getByTestId('page-preview')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    await page.getByTestId('use-demo-cert').click();
    await page.getByTestId('sign-button').click();
    await expect(page.getByTestId('sign-results')).toContainText('ejemplo-firmado.pdf', { timeout: 30_000 });
    expect(found(await screenText(page), SPANISH)).toEqual([]);
    await page.getByTestId('verify-now').click();
    await expect(page.getByTestId('signature-card')).toHaveCount(1, { timeout: 30_000 });
    await expect(page.getByTestId('signature-card')).toContainText('revoked could not be determined');
    expect(found(await screenText(page), SPANISH)).toEqual([]);
  } finally {
    await page.getByTestId('nav-settings').click();
    await page.getByLabel('Language').selectOption('es');
    await expect(page.getByRole('heading', { level: 2, name: 'Configuración' })).toBeVisible();
  }
});
