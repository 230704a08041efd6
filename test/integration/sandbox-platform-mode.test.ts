import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, validMessage, type ListedMessage, type TestSandbox } from '../helpers/sandbox';
import { tempDir } from '../helpers/temp-home';

/** The sandbox behaving like the real platform: the key ignored, and faults that store and then fail. */
const sandboxes: TestSandbox[] = [];
afterEach(async () => {
  for (const s of sandboxes.splice(0)) await s.cleanup();
});
async function sandbox(options: Parameters<typeof startTestSandbox>[0] = {}) {
  const s = await startTestSandbox({ receiptSigner: null, attachmentVerifier: null, ...options });
  sandboxes.push(s);
  return s;
}
const listed = async (s: TestSandbox) => (await s.admin<{ messages: ListedMessage[] }>('GET', '/sandbox/messages')).body.messages;

describe('sandbox in platform mode', () => {
  it('--ignore-idempotency-key: a retry with the same key is not replayed; ERR031 is the only guard', async () => {
    const s = await sandbox({ ignoreIdempotencyKey: true });
    const first = await s.client.sendMessage(validMessage('Clave ignorada'), [], { idempotencyKey: 'k-1' });
    expect(first.kind).toBe('accepted');
    const again = await s.client.sendMessage(validMessage('Clave ignorada'), [], { idempotencyKey: 'k-1' });
    expect(again).toMatchObject({ kind: 'permanent', code: 'ERR031' });
    // The same key with other content is a new message (no 422: the key means nothing here).
    const other = await s.client.sendMessage(validMessage('Otro contenido'), [], { idempotencyKey: 'k-1' });
    expect(other).toMatchObject({ kind: 'accepted', replayed: false });
    const stored = await listed(s);
    expect(stored).toHaveLength(2);
    // The trainer still sees which key each request carried.
    expect(stored.map((m) => m.idempotency_key)).toEqual(['k-1', 'k-1']);
  });

  it('the same through PUT /sandbox/faults, and the honouring sandbox still replays', async () => {
    const s = await sandbox();
    const a = await s.client.sendMessage(validMessage('Repetido'), [], { idempotencyKey: 'k-2' });
    const b = await s.client.sendMessage(validMessage('Repetido'), [], { idempotencyKey: 'k-2' });
    expect(b).toMatchObject({ kind: 'accepted', replayed: true });
    expect(a.kind === 'accepted' && b.kind === 'accepted' && a.value.message_data_id === b.value.message_data_id).toBe(true);
    const put = await s.admin<{ spec: string }>('PUT', '/sandbox/faults', { spec: 'ignore-idempotency-key=1' });
    expect(put.body.spec).toBe('ignore-idempotency-key=1');
    const c = await s.client.sendMessage(validMessage('Repetido 2'), [], { idempotencyKey: 'k-3' });
    const d = await s.client.sendMessage(validMessage('Repetido 2'), [], { idempotencyKey: 'k-3' });
    expect(c.kind).toBe('accepted');
    expect(d).toMatchObject({ kind: 'permanent', code: 'ERR031' });
  });

  it.each([
    ['store-then-502=1', 'el servidor respondió 502'],
    ['store-then-503=1', 'el servidor respondió 503'],
    ['store-then-429=1', '429'],
    ['store-then-garbage=1', 'ilegible'],
  ])('%s stores the message, then the client sees an unknown outcome', async (faults, reason) => {
    const s = await sandbox({ faults });
    const o = await s.client.sendMessage(validMessage(`Falla ${faults}`), []);
    expect(o.kind).toBe('unknown-outcome');
    expect(o.kind === 'unknown-outcome' && o.reason).toContain(reason);
    expect(await listed(s)).toHaveLength(1);
  });

  it('store-then-hang stores and never answers; hang stores nothing', async () => {
    const s = await sandbox({ faults: 'store-then-hang=1' });
    const o = await s.client.sendMessage(validMessage('Colgado'), [], { timeoutMs: 800 });
    expect(o).toMatchObject({ kind: 'unknown-outcome', reason: 'tiempo de espera agotado' });
    expect(await listed(s)).toHaveLength(1);
    await s.admin('PUT', '/sandbox/faults', { spec: 'hang=1' });
    const p = await s.client.sendMessage(validMessage('Colgado antes'), [], { timeoutMs: 800 });
    expect(p.kind).toBe('unknown-outcome');
    expect(await listed(s)).toHaveLength(1);
  });

  it("citizenPending's access_url lists this institution's messages to the citizen, with its credentials only", async () => {
    const s = await sandbox();
    const sent = await s.client.sendMessage(validMessage('Para la bandeja'), []);
    expect(sent.kind).toBe('accepted');
    const pending = await s.client.citizenPending(33333333);
    expect(pending.kind).toBe('accepted');
    const url = pending.kind === 'accepted' ? pending.value.access_url : '';
    expect(url.startsWith(s.sandbox.baseUrl + '/casilla/')).toBe(true);
    const inbox = await s.client.citizenInbox(url);
    expect(inbox.kind).toBe('accepted');
    expect(inbox.kind === 'accepted' && inbox.value.messages.map((m) => m.subject)).toEqual(['Para la bandeja']);
    expect(inbox.kind === 'accepted' && inbox.value.messages[0]!.message_data_id).toBe(
      sent.kind === 'accepted' && sent.value.message_data_id,
    );
    // Without credentials: 401. Another origin: the client refuses to send its credentials there.
    expect((await fetch(url)).status).toBe(401);
    expect(await s.client.citizenInbox('https://example.invalid/casilla/33333333')).toMatchObject({ kind: 'permanent', code: 'NO_INBOX' });
    // Like the real platform (a web page): nothing to search.
    await s.admin('PUT', '/sandbox/faults', { spec: 'no-inbox=1' });
    expect(await s.client.citizenInbox(url)).toMatchObject({ kind: 'permanent', code: 'NO_INBOX' });
  });

  it('every answer carries the platform time; the client keeps it on its monotonic clock', async () => {
    const s = await sandbox();
    expect(s.client.platformNow()).toBeNull();
    const t = await s.client.platformTime();
    expect(t).not.toBeNull();
    expect(Math.abs(t! - Date.now())).toBeLessThan(3000);
  });

  it('`casilla sandbox --ignore-idempotency-key` says so in its banner', async () => {
    const { dir, cleanup } = tempDir('casilla-sbx-cli-');
    const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
    const child = spawn(process.execPath, [
      cli,
      'sandbox',
      '--data',
      dir,
      '--ignore-idempotency-key',
      '--faults',
      'store-then-502=0.5',
      '--json',
    ]);
    try {
      const banner = await new Promise<{ faults: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          try {
            resolve(JSON.parse(out) as { faults: string });
          } catch {
            // not complete yet
          }
        });
        child.once('exit', () => reject(new Error('sandbox exited')));
      });
      expect(banner.faults).toBe('store-then-502=0.5,ignore-idempotency-key=1');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      cleanup();
    }
  });
});
