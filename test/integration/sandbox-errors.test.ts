/**
 * Every error code of the casilla table, triggered through the real client over real HTTP against the
 * sandbox, and checked to come back classified as `permanent` with the official Spanish text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingAttachment } from '../../src-main/core/casilla/client';
import { casillaErrorText, type CasillaErrorCode } from '../../src-main/core/casilla/errors';
import { startTestSandbox, validMessage, type TestSandbox } from '../helpers/sandbox';
import { docxBytes, pdfBytes, pngBytes } from '../helpers/sandbox-files';

let t: TestSandbox;
let n = 0;
const subject = () => `Prueba de errores ${++n}`;
const MB = 1024 * 1024;

beforeAll(async () => {
  // A high rate so this file's many calls never meet the 429 path (tested elsewhere).
  t = await startTestSandbox({ rate: 1000 });
  t.client = t.clientFor({ ratePerSecond: 1000 });
});
afterAll(async () => t.cleanup());

async function expectSendError(
  code: CasillaErrorCode,
  patch: Record<string, unknown>,
  attachments: OutgoingAttachment[] = [],
): Promise<void> {
  const outcome = await t.client.sendMessage(validMessage(subject(), patch), attachments);
  expect(outcome).toEqual({ kind: 'permanent', code, message: casillaErrorText(code), status: 400 });
}

describe('sendMessage error codes, in table order', () => {
  it.each<[CasillaErrorCode, Record<string, unknown>]>([
    ['ERR001', { recipients: [] }],
    ['ERR002', { recipients: [{ rut: 33333333 }] }],
    ['ERR003', { recipients: [{ rol_unico: 123456789 }] }],
    ['ERR004', { message_type: '' }],
    ['ERR005', { message_type: 'ZZ' }],
    ['ERR006', { message_type: 'NT' }],
    ['ERR007', { message_type: 'NT', procedure_code: 'NO-EXISTE', procedure_stage: 1 }],
    ['ERR020', { signature_uid: '00000000-0000-4000-8000-000000000000' }],
    ['ERR026', { subject: 'x'.repeat(151) }],
    ['ERR027', { subject: '' }],
    ['ERR028', { content: '<a href="http//sin-dos-puntos" target="_blank">x</a>' }],
    ['ERR029', { content: '' }],
    ['ERR030', { recipients: Array.from({ length: 251 }, (_, i) => ({ rol_unico: 1000 + i })) }],
    ['ERR034', { webhook_url: 'no-es-una-url' }],
  ])('%s from the data part', async (code, patch) => {
    await expectSendError(code, patch);
  });

  it.each<[CasillaErrorCode, OutgoingAttachment[]]>([
    ['ERR013', [{ name: 'notas.txt', bytes: Buffer.from('hola') }]],
    ['ERR014', [{ name: 'n'.repeat(51) + '.pdf', bytes: pdfBytes() }]],
    [
      'ERR015',
      [
        { name: 'uno.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(10 * MB)]) },
        { name: 'dos.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(10 * MB)]) },
      ],
    ],
    [
      'ERR016',
      [
        { name: 'acta.pdf', bytes: pdfBytes() },
        { name: 'acta.pdf', bytes: pdfBytes('otra') },
      ],
    ],
    ['ERR017', [{ name: 'roto.pdf', bytes: Buffer.from('esto no es un PDF') }]],
    ['ERR018', [{ name: 'foto.pdf', bytes: pngBytes() }]],
    ['ERR019', [{ name: 'grande.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(21 * MB)]) }]],
    ['ERR032', Array.from({ length: 51 }, (_, i) => ({ name: `foto${i}.png`, bytes: pngBytes() }))],
    // Far more than the server reads: the ones past 51 are skipped unread, and it is still ERR032.
    ['ERR032', Array.from({ length: 80 }, (_, i) => ({ name: `foto${i}.png`, bytes: pngBytes() }))],
    ['ERR033', [{ name: 'resolución.docx', bytes: docxBytes() }]],
  ])('%s from the attachments', async (code, attachments) => {
    await expectSendError(code, {}, attachments);
  });

  it('ERR008 for an institution without its logo, and the first error by table order wins', async () => {
    const created = await t.admin<{ client_id: string; client_secret: string }>('POST', '/sandbox/institutions', {
      name: 'Municipalidad sin logo',
      logo_configured: false,
    });
    expect(created.status).toBe(201);
    const noLogo = t.clientFor({ clientId: created.body.client_id, clientSecret: created.body.client_secret, ratePerSecond: 1000 });
    expect(await noLogo.sendMessage(validMessage(subject()), [])).toMatchObject({ kind: 'permanent', code: 'ERR008' });
    // ERR005 ranks before ERR008, ERR008 before ERR026.
    expect(await noLogo.sendMessage(validMessage(subject(), { message_type: 'XX' }), [])).toMatchObject({
      kind: 'permanent',
      code: 'ERR005',
    });
    expect(await noLogo.sendMessage(validMessage('y'.repeat(200)), [])).toMatchObject({ kind: 'permanent', code: 'ERR008' });
    const patched = await t.admin<{ logo_configured: boolean }>('PATCH', `/sandbox/institutions/${created.body.client_id}`, {
      logo_configured: true,
    });
    expect(patched.body.logo_configured).toBe(true);
    expect(await noLogo.sendMessage(validMessage(subject()), [])).toMatchObject({ kind: 'accepted' });
  });

  it('ERR031 for the same content within 5 minutes, even with another Idempotency-Key', async () => {
    const msg = validMessage('Duplicado exacto', { recipients: [{ rol_unico: 33333351 }] });
    const files = [{ name: 'acta.pdf', bytes: pdfBytes('dup') }];
    expect(await t.client.sendMessage(msg, files, { idempotencyKey: 'dup-1' })).toMatchObject({ kind: 'accepted' });
    expect(await t.client.sendMessage(msg, files, { idempotencyKey: 'dup-2' })).toMatchObject({ kind: 'permanent', code: 'ERR031' });
    // Another attachment is another content.
    expect(await t.client.sendMessage(msg, [{ name: 'acta.pdf', bytes: pdfBytes('otro') }])).toMatchObject({ kind: 'accepted' });
  });
});

describe('read endpoint error codes', () => {
  let messageId = '';
  beforeAll(async () => {
    const o = await t.client.sendMessage(validMessage(subject(), { recipients: [{ rol_unico: 33333333 }, { rol_unico: 12345674 }] }), []);
    if (o.kind !== 'accepted') throw new Error(`send failed: ${JSON.stringify(o)}`);
    messageId = o.value.message_data_id;
  });

  it('ERR022 for an unknown or malformed message id (getReceipt and messageStatus)', async () => {
    expect(await t.client.getReceipt('0123456789abcdef01234567', 33333333)).toMatchObject({
      kind: 'permanent',
      code: 'ERR022',
      message: 'Código de mensaje no válido',
    });
    expect(await t.client.getReceipt('no-es-un-id', 33333333)).toMatchObject({ kind: 'permanent', code: 'ERR022' });
    expect(await t.client.messageStatus('0123456789abcdef01234567')).toMatchObject({ kind: 'permanent', code: 'ERR022' });
  });

  it('ERR023 for an invalid RUN, ERR024 for a RUN not among the recipients', async () => {
    expect(await t.client.getReceipt(messageId, 0)).toMatchObject({ kind: 'permanent', code: 'ERR023' });
    expect(await t.client.citizenPending(123456789)).toMatchObject({ kind: 'permanent', code: 'ERR023', message: 'RUN no válido' });
    expect(await t.client.getReceipt(messageId, 11111111)).toMatchObject({ kind: 'permanent', code: 'ERR024' });
  });

  it('ERR025 while an email recipient is still pending', async () => {
    const slow = await startTestSandbox({ emailDelayMs: 60_000 });
    try {
      const o = await slow.client.sendMessage(validMessage(subject(), { recipients: [{ rol_unico: 12345674 }] }), []);
      if (o.kind !== 'accepted') throw new Error('send failed');
      const s = await slow.client.messageStatus(o.value.message_data_id);
      expect(s.kind === 'accepted' && s.value.recipients['12345674']?.messageStatus).toBe('pending');
      expect(await slow.client.getReceipt(o.value.message_data_id, 12345674)).toMatchObject({ kind: 'permanent', code: 'ERR025' });
    } finally {
      await slow.cleanup();
    }
  });

  it('ERR025 for an email recipient whose delivery failed', async () => {
    const o = await t.client.sendMessage(validMessage(subject(), { recipients: [{ rol_unico: 12345679 }] }), []);
    if (o.kind !== 'accepted') throw new Error('send failed');
    const id = o.value.message_data_id;
    await waitFor(async () => {
      const s = await t.client.messageStatus(id);
      return s.kind === 'accepted' && s.value.recipients['12345679']?.messageStatus !== 'pending';
    });
    const s = await t.client.messageStatus(id);
    expect(s.kind === 'accepted' && s.value.recipients['12345679']?.messageStatus).toMatch(/^error/);
    expect(await t.client.getReceipt(id, 12345679)).toMatchObject({
      kind: 'permanent',
      code: 'ERR025',
      message: 'No se puede descargar el comprobante',
    });
  });

  it('wrong credentials are permanent UNAUTHORIZED', async () => {
    const bad = t.clientFor({ clientSecret: 'incorrecto' });
    expect(await bad.getProcedure()).toMatchObject({ kind: 'permanent', code: 'UNAUTHORIZED', status: 401 });
    expect(await t.clientFor({ authScheme: 'none' }).getSignature()).toMatchObject({ kind: 'permanent', code: 'UNAUTHORIZED' });
  });
});

/** Polls a condition driven by the sandbox's own clock (email delay); bounded so a bug fails instead of hanging. */
async function waitFor(cond: () => Promise<boolean>, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never became true');
}

describe('malformed requests', () => {
  const auth = () => 'Basic ' + Buffer.from(`${t.sandbox.institution.clientId}:${t.sandbox.institution.clientSecret}`).toString('base64');

  it('a body that is not multipart is a clear 400, not a hang or a crash', async () => {
    const res = await fetch(`${t.sandbox.baseUrl}/notificador/sendMessage`, {
      method: 'POST',
      headers: { authorization: auth(), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });

  it('a truncated multipart body is a 400', async () => {
    const body = '--b\r\nContent-Disposition: form-data; name="data"\r\n\r\n{"recipients":';
    const res = await fetch(`${t.sandbox.baseUrl}/notificador/sendMessage`, {
      method: 'POST',
      headers: { authorization: auth(), 'content-type': 'multipart/form-data; boundary=b' },
      body,
    });
    expect(res.status).toBe(400);
  });

  it('a multipart body without the data part, or with data that is not JSON, reports ERR001', async () => {
    for (const data of [null, '{no es json']) {
      const form = new FormData();
      if (data !== null) form.append('data', data);
      const res = await fetch(`${t.sandbox.baseUrl}/notificador/sendMessage`, {
        method: 'POST',
        headers: { authorization: auth() },
        body: form,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR001');
    }
  });

  it('unknown routes and wrong methods are 404; a bad Idempotency-Key is 400', async () => {
    expect((await fetch(`${t.sandbox.baseUrl}/notificador/deleteEverything`, { headers: { authorization: auth() } })).status).toBe(404);
    expect((await fetch(`${t.sandbox.baseUrl}/notificador/sendMessage`, { headers: { authorization: auth() } })).status).toBe(404);
    const res = await fetch(`${t.sandbox.baseUrl}/notificador/sendMessage`, {
      method: 'POST',
      headers: { authorization: auth(), 'idempotency-key': 'x'.repeat(300) },
      body: new FormData(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });
});
