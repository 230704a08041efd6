/**
 * The happy paths through the real client over HTTP: a send with every kind of attachment, the status
 * lifecycle of each DDU type, reading, receipts (a real PDF checked by qpdf), the institution's procedures
 * and signatures, signed webhooks to a local receiver, and a restart that keeps everything.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStatus } from '../../src-main/core/casilla/client';
import { verifyWebhookSignature } from '../../src-main/sandbox';
import { startTestSandbox, validMessage, type ListedMessage, type TestSandbox } from '../helpers/sandbox';
import { docBytes, docxBytes, jpgBytes, pdfBytes, pngBytes, xlsBytes, xlsxBytes } from '../helpers/sandbox-files';

let t: TestSandbox;
beforeAll(async () => {
  // Email recipients stay pending 1 s: long enough to observe `pending` on a loaded machine, short for the suite.
  t = await startTestSandbox({ rate: 1000, emailDelayMs: 1000 });
  t.client = t.clientFor({ ratePerSecond: 1000 });
});
afterAll(async () => t.cleanup());

async function statusOf(id: string): Promise<MessageStatus> {
  const s = await t.client.messageStatus(id);
  if (s.kind !== 'accepted') throw new Error(`messageStatus: ${JSON.stringify(s)}`);
  return s.value;
}

async function waitUntilSettled(id: string): Promise<MessageStatus> {
  for (let i = 0; i < 200; i++) {
    const s = await statusOf(id);
    if (Object.values(s.recipients).every((r) => r.messageStatus !== 'pending')) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('never settled');
}

describe('sending and following a notification', () => {
  const runs = {
    casilla: 33333333,
    excepcion: 33333351,
    casillaDerived: 12345670,
    email: 12345674,
    notConfigured: 12345677,
    emailFails: 12345679,
  };
  let id = '';
  const files = [
    { name: 'resolucion exenta 12.pdf', bytes: pdfBytes('resolución') },
    { name: 'foto_1.png', bytes: pngBytes() },
    { name: 'foto-2.jpg', bytes: jpgBytes() },
    { name: 'acta.doc', bytes: docBytes() },
    { name: 'acta.docx', bytes: docxBytes() },
    { name: 'planilla.xls', bytes: xlsBytes() },
    { name: 'planilla.xlsx', bytes: xlsxBytes() },
  ];

  it('accepts an NT with a procedure, an institutional signature and seven attachments', async () => {
    const procs = await t.client.getProcedure();
    const sigs = await t.client.getSignature();
    if (procs.kind !== 'accepted' || sigs.kind !== 'accepted') throw new Error('catalogues unavailable');
    expect(procs.value.procedures.map((p) => p.stage)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(procs.value.procedures[0]).toMatchObject({ code: 'PA-0001', stage_name: 'Inicio' });
    const sig = sigs.value.signatures[0]!;
    expect(sig.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(sig.updated_at).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);

    const outcome = await t.client.sendMessage(
      validMessage('Resolución con adjuntos', {
        message_type: 'NT',
        procedure_code: procs.value.procedures[1]!.code,
        procedure_stage: 2,
        signature_uid: sig.uid,
        recipients: Object.values(runs).map((r) => ({ rol_unico: r })),
      }),
      files,
      { idempotencyKey: crypto.randomUUID() },
    );
    if (outcome.kind !== 'accepted') throw new Error(JSON.stringify(outcome));
    expect(outcome.value.message_data_id).toMatch(/^[0-9a-f]{24}$/);
    expect(outcome.value.status).toBe('pending');
    expect(new Date(outcome.value.sent_at).toUTCString()).toBe(outcome.value.sent_at);
    id = outcome.value.message_data_id;

    const listed = await t.admin<{ messages: ListedMessage[] }>('GET', '/sandbox/messages');
    const mine = listed.body.messages.find((m) => m.id === id)!;
    expect(mine.subject).toBe('Resolución con adjuntos');
    expect(mine.attachments.map((a) => [a.name, a.kind, a.sha256])).toEqual(
      files.map((f) => [f.name, path.extname(f.name).slice(1), crypto.createHash('sha256').update(f.bytes).digest('hex')]),
    );
  });

  it('starts casilla/excepción/not-configured recipients delivered and email ones pending', async () => {
    const s = await statusOf(id);
    expect(s.recipientsCount).toBe(6);
    expect(s.status).toBe('processed');
    const r = s.recipients;
    expect(r[String(runs.casilla)]).toMatchObject({ dduType: 'casilla', messageStatus: 'delivered', method: 'API', readAt: null });
    expect(r[String(runs.excepcion)]).toMatchObject({ dduType: 'excepcion', messageStatus: 'delivered' });
    expect(r[String(runs.casillaDerived)]).toMatchObject({ dduType: 'casilla', messageStatus: 'delivered' });
    expect(r[String(runs.notConfigured)]).toMatchObject({ dduType: 'not_configured', messageStatus: 'delivered' });
    expect(r[String(runs.email)]).toMatchObject({ dduType: 'email', messageStatus: 'pending', deliveredAt: null });
    expect(r[String(runs.emailFails)]).toMatchObject({ dduType: 'email', messageStatus: 'pending' });
  });

  it('turns email recipients delivered or into an error after the delay', async () => {
    const s = await waitUntilSettled(id);
    expect(s.recipients[String(runs.email)]).toMatchObject({ messageStatus: 'delivered' });
    expect(s.recipients[String(runs.email)]!.deliveredAt).not.toBeNull();
    expect(s.recipients[String(runs.emailFails)]!.messageStatus).toMatch(/^error/);
    expect(s.recipients[String(runs.emailFails)]!.deliveredAt).toBeNull();
  });

  it('marks a casilla message read (only casilla ones) and counts the citizen pending ones', async () => {
    const before = await t.client.citizenPending(runs.casilla);
    if (before.kind !== 'accepted') throw new Error('citizenPending');
    expect(before.value).toMatchObject({ current_ddu_type: 'casilla', status: true });
    expect(before.value.total_pending).toBeGreaterThanOrEqual(1);
    expect((await t.admin('POST', '/sandbox/read', { message_data_id: id, rol_unico: runs.casilla })).status).toBe(200);
    expect((await t.admin('POST', '/sandbox/read', { message_data_id: id, rol_unico: runs.email })).status).toBe(409);
    const s = await statusOf(id);
    expect(s.recipients[String(runs.casilla)]!.readAt).toMatch(/GMT$/);
    expect(s.recipients[String(runs.casillaDerived)]!.readAt).toBeNull();
    const after = await t.client.citizenPending(runs.casilla);
    expect(after.kind === 'accepted' && after.value.total_pending).toBe(before.value.total_pending - 1);
    const exc = await t.client.citizenPending(runs.excepcion);
    expect(exc.kind === 'accepted' && exc.value.current_ddu_type).toBe('excepcion');
  });

  it('serves a real PDF receipt per delivered recipient', async () => {
    const link = await t.client.getReceipt(id, runs.casilla);
    if (link.kind !== 'accepted') throw new Error(JSON.stringify(link));
    const pdf = await t.client.downloadReceipt(link.value.url);
    if (pdf.kind !== 'accepted') throw new Error(JSON.stringify(pdf));
    const file = path.join(t.dataDir, 'receipt.pdf');
    fs.writeFileSync(file, pdf.value);
    execFileSync('qpdf', ['--check', file]); // throws on a structural error
    const text = execFileSync('mutool', ['draw', '-F', 'txt', file], { encoding: 'utf8' });
    expect(text).toContain('Comprobante de envío');
    expect(text).toContain(id);
    expect(text).toContain('33.333.333-3');
    // A tampered token is refused.
    // Change the token's first character to a different one (always a change, whatever the token starts with).
    const res = await fetch(link.value.url.replace(/token=(.)/, (_m, c: string) => `token=${c === '0' ? '1' : '0'}`));
    expect(res.status).toBe(404);
  });
});

describe('webhooks', () => {
  it('POSTs each status change, signed per Standard Webhooks, and retries after a failure', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    let failFirst = true;
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failFirst) {
          failFirst = false;
          res.writeHead(503).end();
          return;
        }
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const o = await t.client.sendMessage(validMessage('Con webhook', { recipients: [{ rol_unico: 12345674 }], webhook_url: url }), []);
      if (o.kind !== 'accepted') throw new Error(JSON.stringify(o));
      for (let i = 0; i < 200 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(received.length).toBe(2);
      const bodies = received.map(
        (r) => JSON.parse(r.body) as { message_data_id: string; status: string; recipients: Record<string, { message_status: string }> },
      );
      // The retried first event and the delivery event may arrive in either order on a loaded machine.
      expect(bodies.map((b) => b.recipients['12345674']!.message_status).sort()).toEqual(['delivered', 'pending']);
      expect(bodies.every((b) => b.message_data_id === o.value.message_data_id)).toBe(true);
      for (const r of received) {
        const headers = {
          id: String(r.headers['webhook-id']),
          timestamp: String(r.headers['webhook-timestamp']),
          signature: String(r.headers['webhook-signature']),
        };
        expect(headers.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
        expect(verifyWebhookSignature(t.sandbox.institution.webhookSecret, headers, r.body)).toBe(true);
        expect(verifyWebhookSignature(t.sandbox.institution.webhookSecret, headers, r.body.replace('"status":"', '"status":"x'))).toBe(
          false,
        );
        expect(verifyWebhookSignature('whsec_' + Buffer.from('otra clave').toString('base64'), headers, r.body)).toBe(false);
      }
      const attempts = await t.admin<{ attempts: { webhookId: string; outcome: string }[] }>('GET', '/sandbox/webhooks');
      // The receiver refused the very first delivery (the `pending` event): it was retried under the same id.
      const pendingEvent = received.find((r) => r.body.includes('"status":"pending"'))!;
      const first = attempts.body.attempts.filter((a) => a.webhookId === pendingEvent.headers['webhook-id']);
      expect(first.map((a) => a.outcome)).toEqual(['http-503', 'delivered']);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});

describe('restart', () => {
  it('keeps institutions, messages, statuses, reads and idempotency records', async () => {
    const key = crypto.randomUUID();
    const data = validMessage('Antes del reinicio', { recipients: [{ rol_unico: 33333333 }, { rol_unico: 12345675 }] });
    const sent = await t.client.sendMessage(data, [{ name: 'acta.pdf', bytes: pdfBytes('reinicio') }], { idempotencyKey: key });
    if (sent.kind !== 'accepted') throw new Error(JSON.stringify(sent));
    const id = sent.value.message_data_id;
    await waitUntilSettled(id);
    await t.admin('POST', '/sandbox/read', { message_data_id: id, rol_unico: 33333333 });
    const before = await statusOf(id);
    const credentials = t.sandbox.institution;

    await t.restart();
    expect(t.sandbox.institution).toEqual(credentials);
    t.client = t.clientFor({ ratePerSecond: 1000 });
    expect(await statusOf(id)).toEqual(before);
    const replay = await t.client.sendMessage(data, [{ name: 'acta.pdf', bytes: pdfBytes('reinicio') }], { idempotencyKey: key });
    expect(replay).toMatchObject({ kind: 'accepted', replayed: true, value: { message_data_id: id } });
    const listed = await t.admin<{ messages: ListedMessage[] }>('GET', '/sandbox/messages');
    expect(listed.body.messages.filter((m) => m.subject === 'Antes del reinicio')).toHaveLength(1);
  });

  it('settles email deliveries that came due while the sandbox was stopped', async () => {
    await t.restart({ emailDelayMs: 100 });
    t.client = t.clientFor({ ratePerSecond: 1000 });
    const sent = await t.client.sendMessage(validMessage('Pendiente al apagar', { recipients: [{ rol_unico: 22222224 }] }), []);
    if (sent.kind !== 'accepted') throw new Error(JSON.stringify(sent));
    await t.sandbox.close();
    await new Promise((r) => setTimeout(r, 150));
    await t.restart({ emailDelayMs: 100 });
    t.client = t.clientFor({ ratePerSecond: 1000 });
    const s = await statusOf(sent.value.message_data_id);
    expect(s.recipients['22222224']!.messageStatus).toBe('delivered');
  });
});
