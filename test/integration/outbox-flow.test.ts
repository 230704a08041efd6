import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryFromCounts, messageDelivery } from '../../src-main/api/delivery';
import { AppError } from '../../src-main/api/result';
import { queueNotification, type ComposeRequest } from '../../src-main/core/compose/composer';
import { parseRecipient, type Recipient } from '../../src-main/core/compose/recipients';
import { startSandbox, trainerHeaders } from '../../src-main/sandbox';
import { outboxEnv, writePdf, type OutboxEnv } from '../helpers/outbox-env';

const envs: OutboxEnv[] = [];
afterEach(async () => {
  for (const e of envs.splice(0)) await e.cleanup();
});
async function env(options: Parameters<typeof outboxEnv>[0] = {}) {
  const e = await outboxEnv(options);
  envs.push(e);
  return e;
}
function recipients(...ids: string[]): Recipient[] {
  return ids.map((id) => parseRecipient(id) as Recipient);
}
function request(subject: string, rcpts: Recipient[], attachments: { path: string }[] = []): ComposeRequest {
  return { messageType: 'CP', subject, content: `<p>${subject}</p>`, groups: [{ recipients: rcpts, attachments }] };
}

describe('the outbox against the sandbox over HTTP', () => {
  it('queues, sends once, and follows every recipient to a final state', async () => {
    const e = await env();
    const dir = fs.mkdtempSync(path.join(e.home, 'files-'));
    const pdf = writePdf(dir, 'resolucion.pdf');
    const original = crypto.createHash('sha256').update(fs.readFileSync(pdf)).digest('hex');
    // 33333333 has a casilla, 33333351 is excepcionado; 12345678 is derived by the sandbox.
    const { messageIds } = await queueNotification(
      e,
      e.target,
      request('Resolución 123', recipients('33.333.333-3', '33333351-1', '12345678-5'), [{ path: pdf }]),
    );
    // A later edit of the original changes nothing: the snapshot is what goes out.
    fs.writeFileSync(pdf, 'changed');
    expect(e.repo.row(messageIds[0]!).state).toBe('queued');
    await e.runUntilQuiet();
    const detail = e.repo.detail(messageIds[0]!);
    expect(detail.state).toBe('done');
    expect(detail.messageDataId).toMatch(/^[0-9a-f]{24}$/);
    const byRol = new Map(detail.recipients.map((r) => [r.rolUnico, r]));
    expect(byRol.get(33333333)?.dduType).toBe('casilla');
    expect(byRol.get(33333351)?.dduType).toBe('excepcion');
    expect(detail.recipients.every((r) => r.status && r.status !== 'pending')).toBe(true);
    expect(detail.events.map((ev) => ev.state)).toEqual(expect.arrayContaining(['queued', 'sending', 'accepted', 'done']));
    const inSandbox = await e.sandboxMessages();
    expect(inSandbox).toHaveLength(1);
    expect(inSandbox[0]!.id).toBe(detail.messageDataId);
    expect(inSandbox[0]!.attachments.map((a) => a.sha256)).toEqual([original]);
    expect(inSandbox[0]!.idempotency_key?.replace(/"/g, '')).toBe(messageIds[0]);
    // Every transition is in the audit log, and the chain holds.
    const actions = e.core.audit.list({ limit: 50 }).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['outbox.queued', 'outbox.sending', 'outbox.accepted', 'outbox.done']));
    expect(e.core.audit.verify().ok).toBe(true);
  });

  it('splits more than 250 recipients into several messages of one envío', async () => {
    const e = await env();
    const many: Recipient[] = [];
    for (let body = 10_000_000; many.length < 260; body++) {
      const r = parseRecipient(`${body}-${runDv(body)}`);
      if (!('code' in r)) many.push(r);
    }
    const { envioId, messageIds } = await queueNotification(e, e.target, request('Comunicado masivo', many));
    expect(messageIds).toHaveLength(2);
    const rows = messageIds.map((id) => e.repo.row(id));
    expect(rows.map((r) => r.recipient_count)).toEqual([250, 10]);
    expect(rows.every((r) => r.envio_id === envioId)).toBe(true);
    // The two parts are told apart in the list.
    expect(rows.map((r) => r.group_label)).toEqual(['parte 1 de 2', 'parte 2 de 2']);
  });

  it('names the groups of one envío on their messages: "Grupo N", or the name the official gave', async () => {
    const e = await env();
    const two = await queueNotification(e, e.target, {
      ...request('Dos grupos', []),
      groups: [
        { recipients: recipients('33.333.333-3'), attachments: [] },
        { recipients: recipients('12345678-5'), attachments: [] },
      ],
    });
    expect(two.messageIds.map((id) => e.repo.summary(id).groupLabel)).toEqual(['Grupo 1', 'Grupo 2']);
    const named = await queueNotification(e, e.target, {
      ...request('Grupos con nombre', []),
      groups: [
        { recipients: recipients('33.333.333-3'), attachments: [], label: '  Fiscalizados  ' },
        { recipients: [], attachments: [] },
        { recipients: recipients('12345678-5'), attachments: [] },
      ],
    });
    expect(named.messageIds.map((id) => e.repo.detail(id).groupLabel)).toEqual(['Fiscalizados', 'Grupo 3']);
    const single = await queueNotification(e, e.target, request('Un grupo', recipients('33.333.333-3')));
    expect(e.repo.summary(single.messageIds[0]!).groupLabel).toBeNull();
    // The list carries them: two groups of one envío are not two identical rows.
    const listed = e.repo.list({ text: 'grupos' });
    expect(listed.map((m) => m.groupLabel).sort()).toEqual(['Fiscalizados', 'Grupo 1', 'Grupo 2', 'Grupo 3']);
  });

  it('{{nombre}} makes one message per recipient, each with its own name; a recipient without a name is refused', async () => {
    const e = await env();
    const named = [parseRecipient('33.333.333-3', 1, 'Ana <Pérez>'), parseRecipient('12345678-5', 2, 'Luis Soto')] as Recipient[];
    const tpl = { subject: 'Citación a {{nombre}}', content: '<p>Estimado/a {{ nombre }} ({{identificador}}): {{expediente}}</p>' };
    const { messageIds } = await queueNotification(e, e.target, { ...request('x', named), ...tpl });
    expect(messageIds).toHaveLength(2);
    const rows = messageIds.map((id) => e.repo.row(id));
    expect(rows.map((r) => r.subject)).toEqual(['Citación a Ana <Pérez>', 'Citación a Luis Soto']);
    expect(rows.map((r) => r.recipient_count)).toEqual([1, 1]);
    expect(rows.map((r) => (JSON.parse(r.data_json) as { content: string }).content)).toEqual([
      '<p>Estimado/a Ana &lt;Pérez&gt; (RUN 33.333.333-3): {{expediente}}</p>',
      '<p>Estimado/a Luis Soto (RUN 12.345.678-5): {{expediente}}</p>',
    ]);
    expect(rows.map((r) => r.group_label)).toEqual(['RUN 33.333.333-3', 'RUN 12.345.678-5']);
    await e.runUntilQuiet();
    const sent = await e.sandboxMessages();
    expect(sent.map((m) => m.subject).sort()).toEqual(['Citación a Ana <Pérez>', 'Citación a Luis Soto']);

    const before = e.repo.list({}).length;
    const mixed = [...named, parseRecipient('11.111.111-1') as Recipient];
    await expect(queueNotification(e, e.target, { ...request('x', mixed), ...tpl })).rejects.toMatchObject({
      code: 'PLACEHOLDER_NO_VALUE',
      message: expect.stringContaining('RUN 11.111.111-1'),
    });
    expect(e.repo.list({})).toHaveLength(before);
  });

  it('the list reads the delivery like the detail: one failed recipient is "delivered with errors"', async () => {
    const e = await env();
    // A RUN ending in 9 is an email recipient whose delivery the sandbox fails (src-main/sandbox/delivery.ts).
    const mixed = await queueNotification(e, e.target, request('Con un error', recipients('33.333.333-3', `12345679-${runDv(12345679)}`)));
    const clean = await queueNotification(e, e.target, request('Sin errores', recipients('33.333.333-3')));
    expect(e.repo.list({}).map((m) => deliveryFromCounts({ ...m, delivered: m.recipientsDelivered, failed: m.recipientsFailed }))).toEqual([
      null,
      null,
    ]);
    await e.runUntilQuiet();
    const byId = new Map(e.repo.list({}).map((m) => [m.id, m]));
    const row = byId.get(mixed.messageIds[0]!)!;
    expect(row.state).toBe('done');
    expect([row.recipientsDelivered, row.recipientsFailed]).toEqual([1, 1]);
    const fromList = deliveryFromCounts({ ...row, delivered: row.recipientsDelivered, failed: row.recipientsFailed });
    expect(fromList).toBe('delivered_with_errors');
    expect(messageDelivery(e.repo.detail(row.id))).toBe(fromList);
    const ok = byId.get(clean.messageIds[0]!)!;
    expect(deliveryFromCounts({ ...ok, delivered: ok.recipientsDelivered, failed: ok.recipientsFailed })).toBe('delivered');
    // Filters still apply with the counts (state by index).
    expect(e.repo.list({ states: ['done'], text: 'con un' }).map((m) => m.recipientsFailed)).toEqual([1]);
  });

  it('refuses locally what the platform would refuse, before storing anything', async () => {
    const e = await env();
    const long = 'x'.repeat(151);
    await expect(queueNotification(e, e.target, request(long, recipients('33333333-3')))).rejects.toMatchObject({ code: 'ERR026' });
    const dir = fs.mkdtempSync(path.join(e.home, 'files-'));
    const fake = path.join(dir, 'informe.pdf');
    fs.writeFileSync(fake, 'this is not a pdf');
    await expect(
      queueNotification(e, e.target, request('Con adjunto falso', recipients('33333333-3'), [{ path: fake }])),
    ).rejects.toBeInstanceOf(AppError);
    expect((e.core.db.prepare('SELECT count(*) c FROM outbox_messages').get() as { c: number }).c).toBe(0);
  });

  it('records a permanent refusal with its ERR code and Spanish text, and does not retry it', async () => {
    const e = await env();
    // A signature uid the institution does not have: only the server knows (ERR020).
    const req = { ...request('Con firma ajena', recipients('33333333-3')), signatureUid: crypto.randomUUID() };
    const { messageIds } = await queueNotification(e, e.target, req);
    await e.runUntilQuiet();
    const row = e.repo.row(messageIds[0]!);
    expect(row.state).toBe('failed');
    expect(row.error_code).toBe('ERR020');
    expect(row.error_message).toMatch(/Firma no válida/);
    expect(row.attempts).toBe(1);
    expect(await e.sandboxMessages()).toHaveLength(0);
  });

  it('an upload whose answer is lost is found on the platform and adopted, never sent again', async () => {
    const e = await env();
    const { messageIds } = await queueNotification(e, e.target, request('Respuesta perdida', recipients('33333333-3')));
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, dropAfterCommit: 1 });
    await e.runUntilQuiet({ until: () => e.repo.row(messageIds[0]!).state !== 'queued' && e.repo.row(messageIds[0]!).state !== 'sending' });
    const detail = e.repo.detail(messageIds[0]!);
    // The lost answer was recorded as an unknown outcome, then the reconciler found the message and adopted its id.
    expect(detail.events.some((ev) => ev.state === 'queued' && /resultado desconocido/.test(ev.detail ?? ''))).toBe(true);
    expect(detail.events.some((ev) => ev.state === 'accepted' && /conciliado automáticamente/.test(ev.detail ?? ''))).toBe(true);
    // Only the one upload: the drop fault would have dropped a second one too.
    expect(detail.events.filter((ev) => ev.state === 'sending')).toHaveLength(2);
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, dropAfterCommit: 0 });
    await e.runUntilQuiet();
    const row = e.repo.row(messageIds[0]!);
    expect(row.state).toBe('done');
    expect(row.unknown_since).toBeNull();
    const stored = await e.sandboxMessages();
    expect(stored).toHaveLength(1);
    expect(row.message_data_id).toBe(stored[0]!.id);
  });

  it('after the safe window, on a platform that cannot be searched, an unknown outcome waits for the user', async () => {
    const e = await env({ sender: { unknownWindowMs: 0 }, faults: 'no-inbox=1' });
    const { messageIds } = await queueNotification(e, e.target, request('Sin respuesta', recipients('33333333-3')));
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, dropAfterCommit: 1 });
    // The unknown outcome is looked at a jittered moment later (0–10 ms here): run until nothing is due.
    await e.runUntilQuiet();
    const id = messageIds[0]!;
    expect(e.repo.row(id).state).toBe('needs_reconciliation');
    expect(e.repo.row(id).error_message).toMatch(/No se sabe si la casilla recibió/);
    expect(e.repo.row(id).error_message).toMatch(/no se pudo buscar/);
    // The sender never touches it again on its own.
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, dropAfterCommit: 0 });
    await e.sender.runOnce();
    expect(e.repo.row(id).state).toBe('needs_reconciliation');
    expect(await e.sandboxMessages()).toHaveLength(1);
    // The user finds it on the platform and enters its number.
    const [stored] = await e.sandboxMessages();
    expect(
      e.repo.transition(
        id,
        ['needs_reconciliation'],
        'accepted',
        { message_data_id: stored!.id, due_at: new Date().toISOString() },
        'conciliado',
      ),
    ).toBe(true);
    await e.runUntilQuiet();
    expect(e.repo.row(id).state).toBe('done');
    expect(await e.sandboxMessages()).toHaveLength(1);
  });

  it('a rate limit answer waits for Retry-After and then delivers', async () => {
    const e = await env();
    await queueNotification(e, e.target, request('Con límite', recipients('33333333-3')));
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, storm429: 1 });
    const counts = await e.sender.runOnce();
    expect(counts.sent).toBe(0);
    const row = e.core.db.prepare(`SELECT state, due_at FROM outbox_messages`).get() as { state: string; due_at: string };
    expect(row.state).toBe('queued');
    expect(Date.parse(row.due_at)).toBeGreaterThan(Date.now());
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, storm429: 0 });
    await e.runUntilQuiet();
    expect(await e.sandboxMessages()).toHaveLength(1);
  });

  it('pauses while the backend is unreachable and delivers when it returns', async () => {
    const e = await env();
    const { messageIds } = await queueNotification(e, e.target, request('Sin red', recipients('33333333-3')));
    const port = Number(new URL(e.sandbox.baseUrl).port);
    await e.sandbox.close();
    await e.sender.runOnce();
    const row = e.repo.row(messageIds[0]!);
    expect(row.state).toBe('queued');
    expect(row.unknown_since).toBeNull();
    expect(row.error_message).toMatch(/sin conexión/);
    // The backend comes back on the same address with the same data.
    const again = await startSandbox({ dataDir: e.sandbox.dataDir, port, emailDelayMs: 30, rate: 1000 });
    try {
      await e.runUntilQuiet();
      expect(e.repo.row(messageIds[0]!).state).toBe('done');
      const res = await fetch(`${again.baseUrl}/sandbox/messages`, { headers: trainerHeaders(again) });
      expect(((await res.json()) as { messages: unknown[] }).messages).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('cancels only before sending starts', async () => {
    const e = await env();
    const { messageIds } = await queueNotification(e, e.target, request('Para cancelar', recipients('33333333-3')));
    const id = messageIds[0]!;
    expect(e.repo.transition(id, ['draft', 'queued'], 'cancelled', { due_at: null }, 'cancelado')).toBe(true);
    await e.sender.runOnce();
    expect(e.repo.row(id).state).toBe('cancelled');
    expect(await e.sandboxMessages()).toHaveLength(0);
  });

  it('lists with filters and full-text search, newest first, by pages', async () => {
    const e = await env();
    await queueNotification(e, e.target, request('Resolución de multa', recipients('33333333-3')));
    await queueNotification(e, e.target, { ...request('Citación a audiencia', recipients('12345678-5')), messageType: 'CI' });
    expect(e.repo.list({ text: 'multa' }).map((m) => m.subject)).toEqual(['Resolución de multa']);
    expect(e.repo.list({ text: 'citac' }).map((m) => m.subject)).toEqual(['Citación a audiencia']);
    expect(e.repo.list({ messageType: 'CI' })).toHaveLength(1);
    expect(e.repo.list({ recipient: 33333333 }).map((m) => m.subject)).toEqual(['Resolución de multa']);
    const first = e.repo.list({ limit: 1 });
    const second = e.repo.list({ limit: 1, before: { createdAt: first[0]!.createdAt, id: first[0]!.id } });
    expect(new Set([first[0]!.id, second[0]!.id]).size).toBe(2);
    expect(e.repo.stats(30).total).toBe(2);
  });
});

function runDv(body: number): string {
  let sum = 0;
  let w = 2;
  for (let r = body; r > 0; r = Math.trunc(r / 10)) {
    sum += (r % 10) * w;
    w = w === 7 ? 2 : w + 1;
  }
  const c = 11 - (sum % 11);
  return c === 11 ? '0' : c === 10 ? 'K' : String(c);
}
