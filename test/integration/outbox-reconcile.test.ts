import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queueNotification, type ComposeRequest } from '../../src-main/core/compose/composer';
import { parseRecipient, type Recipient } from '../../src-main/core/compose/recipients';
import { OutboxRepository } from '../../src-main/core/outbox/outbox-repository';
import { createHandlers, dispatch } from '../../src-main/services';
import { outboxEnv, type OutboxEnv } from '../helpers/outbox-env';

/**
 * Unknown outcomes against a sandbox that behaves like the real platform: it ignores Idempotency-Key, and it
 * stores a message and then answers 502/503/429, garbage, nothing (socket dropped) or never. Each ends with the
 * message on the platform exactly once and the local row carrying the platform's id — found by the reconciler,
 * never sent a second time.
 */
const envs: OutboxEnv[] = [];
afterEach(async () => {
  for (const e of envs.splice(0)) await e.cleanup();
});
async function env(options: Parameters<typeof outboxEnv>[0] = {}) {
  const e = await outboxEnv({ ignoreKey: true, ...options });
  envs.push(e);
  return e;
}
const who = (id = '33333333-3') => [parseRecipient(id) as Recipient];
const request = (subject: string): ComposeRequest => ({
  messageType: 'CP',
  subject,
  content: `<p>${subject}</p>`,
  groups: [{ recipients: who(), attachments: [] }],
});
const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');

describe('unknown outcomes with the key ignored', () => {
  it.each([
    ['store-then-502=1', '502'],
    ['store-then-503=1', '503'],
    ['store-then-429=1', '429'],
    ['store-then-garbage=1', 'ilegible'],
    ['drop-after-commit=1', 'conexión interrumpida'],
    ['store-then-hang=1', 'tiempo de espera'],
  ])(
    '%s: stored then no usable answer → found and adopted, once on the platform',
    async (fault, reason) => {
      const e = await env({ faults: fault, uploadTimeoutMs: 1500 });
      const { messageIds } = await queueNotification(e, e.target, request(`Con fallo ${fault}`));
      const id = messageIds[0]!;
      const settled = (s: string[]) => s.every((x) => x !== 'queued' && x !== 'sending');
      await e.runUntilQuiet({ until: settled });
      // Faults off for the status polls; the answer is already decided.
      e.sandbox.faults.set({
        ...e.sandbox.faults.spec,
        storeThen502: 0,
        storeThen503: 0,
        storeThen429: 0,
        storeThenGarbage: 0,
        storeThenHang: 0,
        dropAfterCommit: 0,
      });
      await e.runUntilQuiet();
      const row = e.repo.row(id);
      const detail = e.repo.detail(id);
      expect(row.state).toBe('done');
      expect(detail.events.some((ev) => new RegExp(reason).test(ev.detail ?? ''))).toBe(true);
      expect(detail.events.some((ev) => /conciliado automáticamente/.test(ev.detail ?? ''))).toBe(true);
      expect(detail.events.some((ev) => ev.state === 'failed')).toBe(false);
      const stored = await e.sandboxMessages();
      expect(stored).toHaveLength(1);
      expect(row.message_data_id).toBe(stored[0]!.id);
    },
    30_000,
  );

  it('a message stored then answered 502 ends accepted, and the retry the user might ask for is refused meanwhile', async () => {
    // The reconciler cannot reach the platform for a while (503 to every read): the row waits as unknown.
    const e = await env({ faults: 'store-then-502=1' });
    const { messageIds } = await queueNotification(e, e.target, request('Guardado y 502'));
    const id = messageIds[0]!;
    e.sender['options'].unknownRetryMs = { baseMs: 60_000, capMs: 60_000 };
    await e.sender.runOnce();
    expect(e.repo.row(id).state).toBe('queued');
    expect(e.repo.row(id).unknown_since).not.toBeNull();
    const handlers = createHandlers();
    const cancel = await dispatch(handlers, e.core, 'outbox.cancel', { id });
    expect(cancel.ok).toBe(false);
    expect(!cancel.ok && cancel.error.code).toBe('OUTBOX_OUTCOME_UNKNOWN');
    expect(!cancel.ok && cancel.error.message).toMatch(/resultado desconocido/);
    // Due now: the reconciler looks, finds it, adopts it.
    e.sender['options'].unknownRetryMs = { baseMs: 10, capMs: 50 };
    e.core.db.prepare(`UPDATE outbox_messages SET due_at = ? WHERE id = ?`).run(new Date(0).toISOString(), id);
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, storeThen502: 0 });
    await e.runUntilQuiet();
    expect(e.repo.row(id).state).toBe('done');
    expect(await e.sandboxMessages()).toHaveLength(1);
  });

  it('on a platform that cannot be searched, a resend inside the window meets ERR031 and the user gets the evidence', async () => {
    const e = await env({ faults: 'store-then-502=1,no-inbox=1' });
    const { messageIds } = await queueNotification(e, e.target, request('Sin bandeja que buscar'));
    const id = messageIds[0]!;
    await e.runUntilQuiet({ until: (s) => s.every((x) => x !== 'queued' && x !== 'sending') });
    const row = e.repo.row(id);
    expect(row.state).toBe('needs_reconciliation');
    expect(row.error_code).toBe('ERR031');
    expect(row.error_message).toMatch(/ERR031/);
    const events = e.repo.detail(id).events.map((ev) => ev.detail ?? '');
    expect(events.some((d) => /ERR031 después de un intento con resultado desconocido/.test(d))).toBe(true);
    // The user's evidence as codes, read back from SQLite: the decision, and why the platform could not be searched.
    const human = e.repo.detail(id).events.find((ev) => ev.code === 'needs_human');
    expect(human?.reason?.code).toBe('duplicate_without_id');
    expect(human?.reason?.cause?.code).toMatch(/^citizen_(pending|inbox)_failed$/);
    expect(human?.reason?.cause?.cause?.code).toBeDefined();
    // Still exactly one on the platform: the resend was refused as a duplicate.
    expect(await e.sandboxMessages()).toHaveLength(1);
    // Retry and cancel are refused while the outcome is unknown; the user's resolution is the way out.
    const handlers = createHandlers();
    const retry = await dispatch(handlers, e.core, 'outbox.retry', { id });
    expect(!retry.ok && retry.error.code).toBe('OUTBOX_OUTCOME_UNKNOWN');
  });

  it('a message the platform never got (reset before storing) is found absent and sent once', async () => {
    const e = await env({ faults: 'reset=1' });
    const { messageIds } = await queueNotification(e, e.target, request('Nunca llegó'));
    const id = messageIds[0]!;
    await e.sender.runOnce();
    expect(e.repo.row(id).unknown_since).not.toBeNull();
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, reset: 0 });
    await e.runUntilQuiet();
    expect(e.repo.row(id).state).toBe('done');
    expect(e.repo.detail(id).events.some((ev) => /no está en la casilla/.test(ev.detail ?? ''))).toBe(true);
    const events = e.repo.detail(id).events;
    expect(events.find((ev) => ev.code === 'unknown_outcome')?.reason).toMatchObject({ code: 'connection_interrupted' });
    const resent = events.find((ev) => ev.code === 'accepted');
    expect(resent?.reason?.code).toBe('absent_resend');
    expect(resent?.reason?.cause).toMatchObject({ code: 'not_listed', params: { count: expect.any(Number), rol: expect.any(Number) } });
    expect(await e.sandboxMessages()).toHaveLength(1);
  });

  it('faketime +10 min: an upload killed mid-way is reconciled by the next sender on the real clock', async () => {
    const e = await env({ faults: 'store-then-hang=1' });
    const { messageIds } = await queueNotification(e, e.target, request('Reloj adelantado'));
    const id = messageIds[0]!;
    await e.core.close();
    const args = [
      cli,
      '--home',
      e.home,
      'outbox',
      'sync',
      '--backend',
      e.sandbox.baseUrl,
      '--client-id',
      e.sandbox.institution.clientId,
      '--client-secret-env',
      'RECONCILE_SECRET',
    ];
    const environment = { ...process.env, RECONCILE_SECRET: e.sandbox.institution.clientSecret };
    // `faketime -f '+10m'`: this build of faketime wants -f for a relative offset.
    // faketime forks node: run it in its own process group and kill the whole group.
    const ahead = spawn('faketime', ['-f', '+10m', process.execPath, ...args], {
      env: environment,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let aheadErr = '';
    ahead.stderr.on('data', (d: Buffer) => (aheadErr += d.toString()));
    const exited = new Promise((r) => ahead.once('exit', r));
    // Wait (on the platform, not on a timer) until the upload is stored and hanging, then kill it mid-way.
    for (let i = 0; i < 300 && (await e.sandboxMessages()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await e.sandboxMessages(), aheadErr).toHaveLength(1);
    process.kill(-ahead.pid!, 'SIGKILL');
    await exited;
    // The node under faketime is its grandchild: wait until it is really gone (reaped), as a restart would find it.
    const { openCore } = await import('../../src-main/core/context');
    const peek = openCore({ home: e.home, shell: 'cli' });
    const owner = (peek.db.prepare(`SELECT lease_owner FROM outbox_messages WHERE id = ?`).get(id) as { lease_owner: string }).lease_owner;
    await peek.close();
    const pid = Number(owner.split(':')[1]);
    for (let i = 0; i < 200; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, storeThenHang: 0 });
    // The next sender runs on the real clock, 10 minutes "before" the dead one's wall-clock notes.
    const once = spawn(process.execPath, [...args, '--once'], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    once.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let errOut = '';
    once.stderr.on('data', (d: Buffer) => (errOut += d.toString()));
    const code = await new Promise((r) => once.once('exit', r));
    expect(code).toBe(0);
    expect(out + errOut).toMatch(/conciliados solos: 1/);
    const core = openCore({ home: e.home, shell: 'cli' });
    try {
      const row = core.db.prepare(`SELECT state, message_data_id FROM outbox_messages WHERE id = ?`).get(id) as {
        state: string;
        message_data_id: string;
      };
      const firstAttempt = core.db
        .prepare(`SELECT at FROM outbox_events WHERE message_id = ? AND state = 'sending' ORDER BY id LIMIT 1`)
        .get(id) as { at: string };
      // The dead sender's wall clock was 10 minutes ahead…
      expect(Date.parse(firstAttempt.at) - Date.now()).toBeGreaterThan(8 * 60_000);
      // …yet the message is accepted with the platform's id, once.
      expect(['accepted', 'tracking', 'done']).toContain(row.state);
      const stored = await e.sandboxMessages();
      expect(stored).toHaveLength(1);
      expect(row.message_data_id).toBe(stored[0]!.id);
    } finally {
      await core.close();
    }
  }, 60_000);

  it('status answers that do not parse surface to the user after a bounded number of polls', async () => {
    const e = await env({ sender: { maxBadPolls: 4, poll: { baseMs: 5, capMs: 20 } } });
    const { messageIds } = await queueNotification(e, e.target, request('Estado ilegible'));
    const id = messageIds[0]!;
    e.sandbox.faults.set({ ...e.sandbox.faults.spec, statusGarbage: 1 });
    await e.runUntilQuiet();
    const row = e.repo.row(id);
    expect(row.state).toBe('needs_reconciliation');
    expect(row.error_code).toBe('STATUS_UNREADABLE');
    expect(row.error_message).toMatch(/4 consultas de estado seguidas no se pudieron leer/);
    expect(row.message_data_id).toBe((await e.sandboxMessages())[0]!.id);
    expect(row.polls).toBe(3);
  });

  it('a message queued while the clock was an hour ahead is sent at once when the clock is right again', async () => {
    const e = await env();
    const ahead = new OutboxRepository(e.core.db, e.core.audit, () => new Date(Date.now() + 3_600_000));
    const { messageIds } = await queueNotification({ repo: ahead, store: e.store }, e.target, request('Reloj adelantado al encolar'));
    const counts = await e.sender.runOnce();
    expect(counts.sent).toBe(1);
    expect(['accepted', 'tracking', 'done']).toContain(e.repo.row(messageIds[0]!).state);
  });
});
