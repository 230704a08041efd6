import { expect, test } from './fixtures';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { runCheckDigit } from '../../src-main/core/casilla/identifiers';
import { holdNextCall, startHost, type RunningHost } from './web-host';

const root = path.resolve(__dirname, '..', '..');

/** A PDF signed by our own CLI with the demo certificate, and a copy altered after signing. */
function signedPdfs(dir: string): { signed: string; altered: string } {
  const signed = path.join(dir, 'resolucion-firmada.pdf');
  const args = [
    '--home',
    dir,
    'sign',
    path.join(root, 'resources/demo/ejemplo.pdf'),
    '-o',
    signed,
    '--p12',
    path.join(root, 'resources/demo/demo-firmante.p12'),
    '--password-env',
    'DEMO_PW',
  ];
  const r = spawnSync(process.execPath, [path.join(root, 'bin/casilla.cjs'), ...args], {
    env: { ...process.env, DEMO_PW: 'demo1234' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`casilla sign failed: ${r.stderr}`);
  const bytes = fs.readFileSync(signed);
  // Change one byte of the first stream's data (the page content), inside the signed byte range.
  const at = bytes.indexOf(Buffer.from('stream')) + 20;
  if (at < 20) throw new Error('no stream in the sample');
  bytes[at] = bytes[at]! ^ 0xff;
  const altered = path.join(dir, 'resolucion-alterada.pdf');
  fs.writeFileSync(altered, bytes);
  return { signed, altered };
}

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

test('compose with a CSV of recipients and a signed attachment, send to the embedded sandbox, follow it to done', async ({ page }) => {
  // Latin-1, semicolons, a header, one bad check digit and one duplicate: the import keeps the good rows.
  const csv = Buffer.from(
    'RUN;Nombre\n33.333.333-3;Ana Pérez\n33333351-1;José Núñez\n12.345.678-9;Mal dígito\n33333333-3;Ana otra vez\n',
    'latin1',
  );
  const csvPath = path.join(files, 'destinatarios.csv');
  fs.writeFileSync(csvPath, csv);
  const { signed, altered } = signedPdfs(files);

  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByLabel('Tipo de mensaje').selectOption('CP');
  await page.getByTestId('csv-input').setInputFiles(csvPath);
  await expect(page.getByTestId('csv-result')).toContainText('2 válidos, 1 con error, 1 repetido unido');
  await expect(page.getByTestId('csv-result')).toContainText('Línea 4');
  await expect(page.getByTestId('recipients-status')).toContainText('2 válidos · 0 con errores');
  await page.getByLabel('Asunto').fill('Resolución exenta N° 42');
  await page.getByTestId('body-editor').click();
  await page.keyboard.type('Se notifica la resolución adjunta.');
  // An altered signed PDF is refused with the verifier's reason; the intact one is attached and marked as signed.
  await page.getByTestId('attachments-input').setInputFiles(altered);
  // The first check in a fresh data folder builds the trust catalog (seconds on a loaded machine).
  await expect(page.getByTestId('compose-message')).toContainText('NO VÁLIDA', { timeout: 30_000 });
  await expect(page.getByTestId('attachments-list')).not.toContainText('resolucion-alterada.pdf');
  await page.getByTestId('attachments-input').setInputFiles(signed);
  await expect(page.getByTestId('attachments-list')).toContainText('resolucion-firmada.pdf');
  await expect(page.getByTestId('attachments-list')).toContainText('firmado:');
  await page.getByRole('button', { name: 'Vista previa' }).click();
  await expect(page.getByTestId('preview')).toContainText('Se notifica la resolución adjunta.');
  await page.screenshot({ path: 'test-results/screens/compose-filled.png', fullPage: true });
  await page.getByTestId('queue-button').click();

  // The app moves to the outbox; the background sender delivers to the embedded sandbox and polls to the end.
  await expect(page.getByRole('heading', { level: 2, name: 'Bandeja de salida' })).toBeVisible();
  const row = page.getByTestId('outbox-row').filter({ hasText: 'Resolución exenta N° 42' });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  await row.click();
  await expect(page.getByTestId('detail-state')).toHaveText('Entregado');
  await expect(page.getByTestId('outbox-detail')).toContainText('Ana Pérez');
  // The DDU types in words (api/delivery DDU_TYPES), not the platform's raw values.
  await expect(page.getByTestId('ddu-type').filter({ hasText: /^Casilla$/ })).toHaveCount(1);
  await expect(page.getByTestId('ddu-type').filter({ hasText: /^Excepción$/ })).toHaveCount(1);
  await expect(page.getByTestId('outbox-charts')).toBeVisible();
  // The delivery receipt (a PDF signed by the sandbox) downloads from the detail.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('outbox-detail').getByRole('button', { name: 'Descargar' }).first().click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^comprobante-[0-9a-f]{24}-\d+\.pdf$/);
  const receipt = fs.readFileSync(await download.path());
  expect(receipt.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(receipt.includes(Buffer.from('/ByteRange'))).toBe(true);
  await page.screenshot({ path: 'test-results/screens/outbox-done.png', fullPage: true });
});

test('a broken recipient list blocks sending and says which line is wrong', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByTestId('recipients').fill('33.333.333-3\n11.111.111-2');
  await expect(page.getByTestId('recipients-status')).toContainText('1 válido · 1 con error');
  await expect(page.getByRole('alert')).toContainText('Línea 2');
  await page.getByLabel('Asunto').fill('No debe salir');
  await page.getByTestId('body-editor').click();
  await page.keyboard.type('Contenido');
  await expect(page.getByTestId('queue-button')).toBeDisabled();
});

test('a template with placeholders is saved, applied and filled', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByLabel('Asunto').fill('Citación expediente {{expediente}}');
  await page.getByTestId('body-editor').click();
  await page.keyboard.type('Estimado/a {{nombre}}: se le cita a audiencia.');
  await page.getByTestId('templates').locator('summary').click();
  await page.getByTestId('template-name').fill('Citación');
  await page.getByTestId('template-save').click();
  await expect(page.getByTestId('templates')).toContainText('Plantilla «Citación» guardada.');
  // Start over and apply the template.
  await page.getByLabel('Asunto').fill('');
  await page.getByTestId('template-select').selectOption({ label: 'Citación' });
  await expect(page.getByLabel('Asunto')).toHaveValue('Citación expediente {{expediente}}');
  const fields = page.getByTestId('placeholders');
  await fields.getByLabel('{{expediente}}').fill('2026-123');
  await fields.getByLabel('{{nombre}}').fill('Ana <Pérez>');
  await page.getByTestId('placeholders-fill').click();
  await expect(page.getByLabel('Asunto')).toHaveValue('Citación expediente 2026-123');
  await page.getByRole('button', { name: 'Vista previa' }).click();
  await expect(page.getByTestId('preview')).toContainText('Estimado/a Ana <Pérez>: se le cita a audiencia.');
});

test('one content to two groups, the second with a PDF signed through "Firmar y adjuntar": two messages reach done', async ({ page }) => {
  const subject = 'Resolución exenta N° 77 (dos grupos)';
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByLabel('Tipo de mensaje').selectOption('CP');
  await page.getByLabel('Asunto').fill(subject);
  await page.getByTestId('body-editor').click();
  // The autosaved draft of the previous test (a template with {{nombre}}) is loaded: start from an empty body.
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('Se notifica la resolución a cada grupo.');
  await page.getByTestId('recipients').fill('33.333.333-3');
  await expect(page.getByTestId('recipients-status')).toContainText('1 válido · 0 con errores');

  // A second group starts empty and blocks sending until it has a valid recipient.
  await page.getByRole('button', { name: 'Agregar grupo de destinatarios' }).click();
  await expect(page.getByTestId('recipient-group-1')).toBeVisible();
  await expect(page.getByTestId('queue-button')).toBeDisabled();
  await page.getByTestId('recipients-1').fill('33333351-1\n11.111.111-2');
  await expect(page.getByTestId('recipients-status-1')).toContainText('1 válido · 1 con error');
  await expect(page.getByTestId('queue-button')).toBeDisabled();
  const draftSaved = page.waitForResponse(
    (r) => r.url().endsWith('/api/call') && (r.request().postData() ?? '').includes('"groups":["33.333.333-3","33333351-1"]'),
  );
  await page.getByTestId('recipients-1').fill('33333351-1');
  await expect(page.getByTestId('recipients-status-1')).toContainText('1 válido · 0 con errores');

  // The autosaved draft keeps both groups' recipients across a reload (once the debounced save has gone out).
  await draftSaved;
  await page.reload();
  await page.getByTestId('nav-compose').click();
  await expect(page.getByTestId('recipients-1')).toHaveValue('33333351-1');
  await expect(page.getByTestId('recipients')).toHaveValue('33.333.333-3');
  await expect(page.getByTestId('recipients-status-1')).toContainText('1 válido · 0 con errores');

  // A third group can be removed again.
  await page.getByRole('button', { name: 'Agregar grupo de destinatarios' }).click();
  await expect(page.getByTestId('queue-button')).toBeDisabled();
  await page.getByTestId('remove-group-2').click();
  await expect(page.getByTestId('recipient-group-2')).toHaveCount(0);

  // Firmar y adjuntar: the demo certificate signs the sample, the signed copy lands in group 2 only.
  await page.getByTestId('sign-attach-open-1').click();
  await page.getByTestId('sign-attach-pdf-1').setInputFiles(path.join(root, 'resources/demo/ejemplo.pdf'));
  // A wrong password is reported in the panel and attaches nothing.
  await page.getByTestId('sign-attach-demo-1').click();
  await page.getByTestId('sign-attach-password-1').fill('no-es-la-clave');
  await page.getByTestId('sign-attach-button-1').click();
  await expect(page.getByTestId('sign-attach-error-1')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('attachments-list-1')).not.toContainText('ejemplo-firmado.pdf');
  await expect(page.getByTestId('sign-attach-password-1')).toHaveValue('');
  await page.getByTestId('sign-attach-demo-1').click();
  await expect(page.getByTestId('sign-attach-password-1')).not.toHaveValue('');
  await page.getByTestId('sign-attach-button-1').click();
  await expect(page.getByTestId('attachments-list-1')).toContainText('ejemplo-firmado.pdf', { timeout: 20_000 });
  await expect(page.getByTestId('attachments-list-1')).toContainText('firmado:');
  await expect(page.getByTestId('attachments-list')).not.toContainText('ejemplo-firmado.pdf');
  await expect(page.getByTestId('sign-attach-1')).toHaveCount(0);

  await expect(page.getByTestId('queue-button')).toBeEnabled();
  await page.getByTestId('queue-button').click();

  // Two messages of one envío, same subject, each delivered by the embedded sandbox.
  await expect(page.getByRole('heading', { level: 2, name: 'Bandeja de salida' })).toBeVisible();
  const rows = page.getByTestId('outbox-row').filter({ hasText: subject });
  await expect(rows).toHaveCount(2, { timeout: 15_000 });
  await expect(rows.nth(0)).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  await expect(rows.nth(1)).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  // Two groups of one envío are told apart by their group's name.
  expect((await rows.getByTestId('row-group').allTextContents()).map((x) => x.trim()).sort()).toEqual(['· Grupo 1', '· Grupo 2']);
  await expect(rows.getByTestId('row-state')).toHaveText(['Entregado', 'Entregado']);
});

test('two typed paragraphs arrive as two, attachments are judged when picked, one failed recipient reads "Entregado con errores"', async ({
  page,
}) => {
  // A RUN ending in 9 is an email recipient whose delivery fails on the sandbox (src-main/sandbox/delivery.ts).
  const failing = `12.345.679-${runCheckDigit(12345679)}`;
  const exe = path.join(files, 'informe.pdf');
  fs.writeFileSync(exe, Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), Buffer.alloc(2048, 0x41)]));
  const big = path.join(files, 'grande.pdf');
  fs.copyFileSync(path.join(root, 'resources/demo/ejemplo.pdf'), big);
  fs.truncateSync(big, 20 * 1024 * 1024 + 1);
  const accented = path.join(files, 'resolución firmada.pdf');
  fs.copyFileSync(path.join(root, 'resources/demo/ejemplo.pdf'), accented);

  await page.setViewportSize({ width: 1024, height: 900 });
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByLabel('Tipo de mensaje').selectOption('CP');
  await page.getByTestId('recipients').fill(`33.333.333-3\n${failing}`);
  await expect(page.getByTestId('recipients-status')).toContainText('2 válidos · 0 con errores');
  await page.getByLabel('Asunto').fill('Dos párrafos y un error');
  await page.getByTestId('body-editor').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('Primer párrafo.');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Segundo párrafo.');

  await page.getByTestId('attachments-input').setInputFiles(exe);
  await expect(page.getByTestId('compose-message')).toContainText('«informe.pdf»');
  await page.getByTestId('attachments-input').setInputFiles(big);
  await expect(page.getByTestId('compose-message')).toContainText('«grande.pdf»');
  await expect(page.getByTestId('compose-message')).toContainText('20 MB');
  await page.getByTestId('attachments-input').setInputFiles(accented);
  await expect(page.getByTestId('attachments-list')).toContainText('resolucion firmada.pdf');
  await expect(page.getByTestId('attachments-list')).toContainText('antes «resolución firmada.pdf»');
  await expect(page.getByTestId('attachments-list').getByTestId('attachment-name')).toHaveCount(1);

  await page.getByRole('button', { name: 'Vista previa' }).click();
  expect(await page.getByTestId('preview').locator('.citizen-body').first().innerHTML()).toBe(
    '<p>Primer párrafo.</p><p>Segundo párrafo.</p>',
  );
  await page.getByTestId('queue-button').click();

  const row = page.getByTestId('outbox-row').filter({ hasText: 'Dos párrafos y un error' });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  // The list row reads like the detail, not a green "Terminado".
  await expect(row.getByTestId('row-state')).toHaveText('Entregado con errores');
  await expect(row).toHaveAttribute('data-delivery', 'delivered_with_errors');
  await row.click();
  await expect(page.getByTestId('detail-state')).toHaveText('Entregado con errores');
  const failed = page.getByTestId('outbox-detail').getByRole('row').filter({ hasText: 'RUN 12.345.679' });
  await expect(failed).toContainText('Error');
  await expect(failed).toContainText('la plataforma solo lo emite para destinatarios entregados');
  await expect(failed.getByRole('button', { name: 'Descargar' })).toHaveCount(0);
  // Served dates: the delivered recipient has one (Chile: third business day), the failed one none.
  const ok = page.getByTestId('outbox-detail').getByRole('row').filter({ hasText: 'RUN 33.333.333-3' });
  await expect(ok.getByTestId('served-at')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(failed.getByTestId('served-at')).toHaveText('—');
  // The rule the served date follows, worded from its code (Ley 21.806 for an arrival from 1 July 2026).
  await expect(page.getByTestId('served-basis')).toHaveText(
    /^Fecha de notificación según: Chile: tercer día hábil desde su llegada al DDU \((Ley 21\.806|DS 4\/2020, art\. 27)\)$/,
  );
  await page.getByTestId('deadline').getByRole('spinbutton').fill('10');
  await expect(page.getByTestId('deadline')).toContainText('Vence el');
  // The signed constancia de envío downloads from the detail.
  const gettingConstancia = page.waitForEvent('download');
  await page.getByTestId('constancia').click();
  const constancia = fs.readFileSync(await (await gettingConstancia).path());
  expect(constancia.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(constancia.includes(Buffer.from('/ByteRange'))).toBe(true);
  expect(constancia.toString('latin1')).toContain('resolucion firmada.pdf');
  // Fits 1024 px: nothing scrolls sideways.
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.screenshot({ path: 'test-results/screens/outbox-delivered-with-errors.png', fullPage: true });

  // What the platform stored: two paragraphs, and only the accepted attachment under the platform's name.
  const db = new Database(path.join(host.home, 'sandbox', 'sandbox.sqlite'), { readonly: true });
  try {
    const m = db.prepare('SELECT id, data FROM messages WHERE subject = ?').get('Dos párrafos y un error') as { id: string; data: string };
    expect((JSON.parse(m.data) as { content: string }).content).toBe('<p>Primer párrafo.</p><p>Segundo párrafo.</p>');
    const names = db.prepare('SELECT name FROM attachments WHERE message_id = ?').all(m.id) as { name: string }[];
    expect(names.map((n) => n.name)).toEqual(['resolucion firmada.pdf']);
  } finally {
    db.close();
  }
});

test('several saved drafts keep their attachments; {{nombre}} is announced as one message per recipient', async ({ page }) => {
  const pdf = path.join(files, 'acta borrador.pdf');
  fs.copyFileSync(path.join(root, 'resources/demo/ejemplo.pdf'), pdf);
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  await page.getByLabel('Asunto').fill('Citación para {{nombre}}');
  await page.getByTestId('recipients').fill('33.333.333-3\n12.345.678-5');
  await expect(page.getByTestId('recipients-status')).toContainText('2 válidos · 0 con errores');
  await expect(page.getByTestId('per-recipient-note')).toHaveText(
    'El mensaje usa {{nombre}}: se enviará un mensaje por destinatario, 2 mensajes en total.',
  );
  await page.getByTestId('attachments-input').setInputFiles(pdf);
  await expect(page.getByTestId('attachments-list')).toContainText('acta borrador.pdf');

  await page.getByTestId('drafts').locator('summary').click();
  await page.getByTestId('draft-name').fill('Citaciones de mayo');
  await page.getByTestId('draft-save').click();
  await expect(page.getByTestId('drafts')).toContainText('Borrador «Citaciones de mayo» guardado con 1 adjunto.');
  // The original goes away; a second draft is saved from an empty message.
  fs.rmSync(pdf);
  await page.getByLabel('Asunto').fill('Otro asunto');
  await expect(page.getByTestId('per-recipient-note')).toHaveCount(0);
  await page.getByTestId('attachments-list').getByRole('button').first().click();
  await expect(page.getByTestId('attachments-list')).not.toContainText('acta borrador.pdf');
  await page.getByTestId('draft-name').fill('Segundo');
  await page.getByTestId('draft-save').click();
  await expect(page.getByTestId('draft-item')).toHaveCount(2);

  // Open the first: subject, recipients and the attachment (from its snapshot) come back.
  await page.getByTestId('draft-item').filter({ hasText: 'Citaciones de mayo' }).getByTestId('draft-open').click();
  await expect(page.getByLabel('Asunto')).toHaveValue('Citación para {{nombre}}');
  await expect(page.getByTestId('recipients')).toHaveValue('33.333.333-3\n12.345.678-5');
  await expect(page.getByTestId('attachments-list')).toContainText('acta borrador.pdf');
  await expect(page.getByTestId('per-recipient-note')).toContainText('2 mensajes en total');

  await page.getByTestId('draft-item').filter({ hasText: 'Segundo' }).getByTestId('draft-remove').click();
  await expect(page.getByTestId('draft-item')).toHaveCount(1);
});

test("the server's institutional signatures arriving late do not move the form under the pointer", async ({ page }) => {
  const held = await holdNextCall(page, 'compose.institution');
  await page.goto(host.url);
  await page.getByTestId('nav-compose').click();
  const signature = page.getByTestId('compose-signature');
  await expect(signature).toBeDisabled();
  await expect(signature).toContainText('Cargando las firmas del servidor');
  expect(held.held()).toBe(true);
  const before = await page.getByTestId('sign-attach-open').boundingBox();
  held.release();
  // The list arrives (the sandbox offers signatures): the field fills in place, nothing below it moves.
  await expect(signature).toBeEnabled();
  await expect(signature.locator('option')).not.toHaveCount(1);
  const after = await page.getByTestId('sign-attach-open').boundingBox();
  expect(after).toEqual(before);
});
