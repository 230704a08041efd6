/**
 * A shadow attack seen, not read about: a PDF signed by our signer gets a later revision that paints a white box
 * over the signed text and writes another amount. Verificar says so in plain Spanish and, on "Comparar páginas",
 * shows page 1 as signed and as it is now (pdf.js) with the differing regions outlined.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import fs from 'node:fs';
import { writeShadowedContract } from '../helpers/shadow-contract';
import { tempDir } from '../helpers/temp-home';
import { startHost, type RunningHost } from './web-host';

let host: RunningHost;
let tmp: { dir: string; cleanup: () => void };
let attack: string;
let signed: string;

test.beforeAll(async () => {
  fs.mkdirSync('test-results/screens', { recursive: true });
  tmp = tempDir('verify-compare-');
  // Shadow hide-and-replace: an overlay appended to page 1's contents hides the signed line and writes another.
  ({ signed, altered: attack } = await writeShadowedContract(tmp.dir));
  host = await startHost();
});
test.afterAll(async () => {
  await host?.stop();
  tmp?.cleanup();
});

test('Verificar shows a shadow attack in words and side by side, with the differing region outlined', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-verify').click();
  await page.getByTestId('verify-files').setInputFiles(attack);
  const card = page.getByTestId('signature-card');
  await expect(card).toHaveCount(1, { timeout: 30_000 });
  await expect(card.getByTestId('change-list')).toContainText('Se modificó el contenido de la página 1.');
  // Object numbers only behind the details.
  await expect(card.getByTestId('change-list')).not.toContainText('0 R');
  await expect(card.getByTestId('verdict')).toHaveText('NO VÁLIDO');

  // Keyboard: the button is reached and pressed without the mouse.
  const button = card.getByRole('button', { name: 'Comparar páginas' });
  await button.focus();
  await page.keyboard.press('Enter');
  const compare = card.getByTestId('page-compare');
  await expect(compare).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  const status = card.getByTestId('compare-status');
  await expect(status).toHaveText(/^Página 1: (1 región difiere|\d+ regiones difieren)/);
  await expect(card.getByRole('img', { name: 'Página 1 como se firmó' })).toBeVisible();
  await expect(card.getByRole('img', { name: 'Página 1 como está ahora' })).toBeVisible();

  // The two canvases really differ where the overlay is, and the red outline is drawn on them.
  const facts = await card.locator('canvas').evaluateAll((els) => {
    const [a, b] = els as unknown as Array<{
      width: number;
      height: number;
      getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    }>;
    const red = (c: NonNullable<typeof a>) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 180 && d[i + 1]! < 60 && d[i + 2]! < 60) n++;
      return n;
    };
    return { width: a!.width, height: a!.height, redSigned: red(a!), redNow: red(b!) };
  });
  expect(facts.width).toBeGreaterThan(100);
  expect(facts.width).toBeLessThanOrEqual(420);
  expect(facts.redSigned).toBeGreaterThan(50);
  expect(facts.redNow).toBeGreaterThan(50);
  await page.screenshot({ path: 'test-results/screens/verify-compare-shadow.png', fullPage: true });
  // The comparison open: no serious or critical accessibility violation (axe-core, WCAG 2.1 A/AA).
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(
    axe.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' '))}`),
  ).toEqual([]);
});

test('the signed file without later changes has nothing to compare', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-verify').click();
  await page.getByTestId('verify-files').setInputFiles(signed);
  const card = page.getByTestId('signature-card');
  await expect(card).toHaveCount(1, { timeout: 30_000 });
  await expect(card).toContainText('Íntegra');
  await expect(card.getByRole('button', { name: 'Comparar páginas' })).toHaveCount(0);
});
