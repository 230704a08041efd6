import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost, type RunningHost } from './web-host';

let host: RunningHost;
let files: string;

test.beforeAll(async () => {
  host = await startHost();
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-e2e-files-'));
  fs.mkdirSync('test-results/screens', { recursive: true });
});
test.afterAll(async () => {
  await host.stop();
  fs.rmSync(files, { recursive: true, force: true });
});

test('compose with a CSV of recipients and an attachment, send to the embedded sandbox, follow it to done', async ({ page }) => {
  // Latin-1, semicolons, a header, one bad check digit and one duplicate: the import keeps the good rows.
  const csv = Buffer.from(
    'RUN;Nombre\n33.333.333-3;Ana Pérez\n33333351-1;José Núñez\n12.345.678-9;Mal dígito\n33333333-3;Ana otra vez\n',
    'latin1',
  );
  const csvPath = path.join(files, 'destinatarios.csv');
  fs.writeFileSync(csvPath, csv);
  const pdfPath = path.join(files, 'resolucion.pdf');
  fs.writeFileSync(
    pdfPath,
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );

  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByLabel('Tipo de mensaje').selectOption('CP');
  await page.getByTestId('csv-input').setInputFiles(csvPath);
  await expect(page.getByTestId('csv-result')).toContainText('2 válidos, 1 con errores, 1 repetidos');
  await expect(page.getByTestId('csv-result')).toContainText('Línea 4');
  await expect(page.getByTestId('recipients-status')).toContainText('2 válidos · 0 con errores');
  await page.getByLabel('Asunto').fill('Resolución exenta N° 42');
  await page.getByTestId('body-editor').click();
  await page.keyboard.type('Se notifica la resolución adjunta.');
  await page.getByTestId('attachments-input').setInputFiles(pdfPath);
  await expect(page.getByTestId('attachments-list')).toContainText('resolucion.pdf');
  await page.getByRole('button', { name: 'Vista previa' }).click();
  await expect(page.getByTestId('preview')).toContainText('Se notifica la resolución adjunta.');
  await page.screenshot({ path: 'test-results/screens/compose-filled.png', fullPage: true });
  await page.getByTestId('queue-button').click();

  // The app moves to the outbox; the background sender delivers to the embedded sandbox and polls to the end.
  await expect(page.getByRole('heading', { level: 2, name: 'Bandeja de salida' })).toBeVisible();
  const row = page.getByTestId('outbox-row').filter({ hasText: 'Resolución exenta N° 42' });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  await row.click();
  await expect(page.getByTestId('detail-state')).toHaveText('Terminado');
  await expect(page.getByTestId('outbox-detail')).toContainText('Ana Pérez');
  await expect(page.getByTestId('outbox-detail')).toContainText('casilla');
  await expect(page.getByTestId('outbox-detail')).toContainText('excepcion');
  await expect(page.getByTestId('outbox-charts')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/outbox-done.png', fullPage: true });
});

test('a broken recipient list blocks sending and says which line is wrong', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByTestId('recipients').fill('33.333.333-3\n11.111.111-2');
  await expect(page.getByTestId('recipients-status')).toContainText('1 válidos · 1 con errores');
  await expect(page.getByRole('alert')).toContainText('Línea 2');
  await page.getByLabel('Asunto').fill('No debe salir');
  await page.getByTestId('body-editor').click();
  await page.keyboard.type('Contenido');
  await expect(page.getByTestId('queue-button')).toBeDisabled();
});
