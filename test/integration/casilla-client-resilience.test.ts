/**
 * The client's classification of every fault the sandbox can inject, over real HTTP: rate limits (server and
 * client side), idempotent replay and 422, accept-then-drop, reset before storing, 5xx, 429 storms, timeouts,
 * refused connections, caller aborts — and a seeded storm of faults after which every message exists once.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CasillaClient } from '../../src-main/core/casilla/client';
import type { Outcome } from '../../src-main/core/casilla/classify';
import { startTestSandbox, validMessage, type ListedMessage, type TestSandbox } from '../helpers/sandbox';
import { pdfBytes } from '../helpers/sandbox-files';

let t: TestSandbox;
beforeAll(async () => {
  // Faults are tested without the rate limit in the way; the limit has its own sandbox below at 6/s.
  t = await startTestSandbox({ rate: 1000 });
  t.client = t.clientFor({ ratePerSecond: 1000 });
});
afterAll(async () => t.cleanup());

async function setFaults(spec: string): Promise<void> {
  const r = await t.admin<{ spec: string }>('PUT', '/sandbox/faults', { spec });
  expect(r.status).toBe(200);
}

async function storedWithKey(key: string): Promise<ListedMessage[]> {
  const r = await t.admin<{ messages: ListedMessage[] }>('GET', '/sandbox/messages?limit=1000');
  return r.body.messages.filter((m) => m.idempotency_key === key);
}

describe('rate limits', () => {
  let limited: TestSandbox;
  beforeAll(async () => {
    limited = await startTestSandbox();
  });
  afterAll(async () => limited.cleanup());

  /** A client for a fresh institution, so each test has its own server-side rate bucket. */
  async function freshInstitutionClient(ratePerSecond: number): Promise<CasillaClient> {
    const created = await limited.admin<{ client_id: string; client_secret: string }>('POST', '/sandbox/institutions', {
      name: 'Servicio de prueba',
    });
    return limited.clientFor({ clientId: created.body.client_id, clientSecret: created.body.client_secret, ratePerSecond });
  }

  it('the sandbox answers 429 with Retry-After above 6 requests per second', async () => {
    const greedy = await freshInstitutionClient(10_000);
    const outcomes = await Promise.all(Array.from({ length: 15 }, () => greedy.getProcedure()));
    const kinds = outcomes.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'accepted').length).toBeGreaterThanOrEqual(6);
    const limited = outcomes.filter((o): o is Extract<Outcome<unknown>, { kind: 'rate-limited' }> => o.kind === 'rate-limited');
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.every((o) => o.retryAfterMs >= 1000 && o.status === 429)).toBe(true);
  });

  it("the client's own token bucket keeps it under the server's limit", async () => {
    // Same 6/s on both sides: the client spaces its calls (no burst) while the server tolerates a burst of 6.
    const polite = await freshInstitutionClient(6);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => polite.getSignature()));
    expect(outcomes.map((o) => o.kind)).toEqual(Array(10).fill('accepted'));
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer, and refuses the key with another payload (422)', async () => {
    const key = crypto.randomUUID();
    const data = validMessage('Idempotente');
    const first = await t.client.sendMessage(data, [{ name: 'a.pdf', bytes: pdfBytes() }], { idempotencyKey: key });
    if (first.kind !== 'accepted') throw new Error(JSON.stringify(first));
    expect(first.replayed).toBe(false);
    const again = await t.client.sendMessage(data, [{ name: 'a.pdf', bytes: pdfBytes() }], { idempotencyKey: key });
    expect(again).toEqual({ ...first, replayed: true });
    const other = await t.client.sendMessage(validMessage('Otro contenido'), [], { idempotencyKey: key });
    expect(other).toMatchObject({ kind: 'permanent', code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    expect(await storedWithKey(key)).toHaveLength(1);
  });
});

describe('faults', () => {
  it('rejects a bad spec and shows the current one', async () => {
    const bad = await t.admin<{ error: { code: string; message: string } }>('PUT', '/sandbox/faults', 'reset=7');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('FAULT_SPEC_INVALID');
    await setFaults('status503=0.5,latency=5-10ms,seed=3');
    const now = await t.admin<{ spec: string }>('GET', '/sandbox/faults');
    expect(now.body.spec).toBe('status503=0.5,latency=5-10ms,seed=3');
    await setFaults('none');
  });

  it('accept then drop: unknown outcome, yet the message IS stored; a retry with the key recovers its id', async () => {
    await setFaults('drop-after-commit=1');
    const key = crypto.randomUUID();
    const data = validMessage('Aceptado y perdido');
    const lost = await t.client.sendMessage(data, [], { idempotencyKey: key });
    expect(lost.kind).toBe('unknown-outcome');
    const stored = await storedWithKey(key);
    expect(stored).toHaveLength(1);
    await setFaults('none');
    const retry = await t.client.sendMessage(data, [], { idempotencyKey: key });
    expect(retry).toMatchObject({ kind: 'accepted', replayed: true, value: { message_data_id: stored[0]!.id } });
    expect(await storedWithKey(key)).toHaveLength(1);
  });

  it('without a key, a retry after accept-then-drop meets ERR031 (the trap the outbox must reconcile)', async () => {
    await setFaults('drop-after-commit=1');
    const data = validMessage('Sin clave');
    expect((await t.client.sendMessage(data, [])).kind).toBe('unknown-outcome');
    await setFaults('none');
    expect(await t.client.sendMessage(data, [])).toMatchObject({ kind: 'permanent', code: 'ERR031' });
  });

  it('reset before storing: an upload is an unknown outcome and nothing is stored; a read is retryable', async () => {
    await setFaults('reset=1');
    const key = crypto.randomUUID();
    const data = validMessage('Conexión reiniciada');
    expect((await t.client.sendMessage(data, [{ name: 'a.pdf', bytes: pdfBytes('reset') }], { idempotencyKey: key })).kind).toBe(
      'unknown-outcome',
    );
    expect(await t.client.getProcedure()).toMatchObject({ kind: 'retryable' });
    await setFaults('none');
    expect(await storedWithKey(key)).toHaveLength(0);
    expect(await t.client.sendMessage(data, [{ name: 'a.pdf', bytes: pdfBytes('reset') }], { idempotencyKey: key })).toMatchObject({
      kind: 'accepted',
      replayed: false,
    });
    expect(await storedWithKey(key)).toHaveLength(1);
  });

  it('503, 500 and 429 to an upload are unknown outcomes (the client cannot tell they stored nothing); to a read, retryable / rate-limited', async () => {
    const key = crypto.randomUUID();
    await setFaults('status503=1');
    expect(await t.client.sendMessage(validMessage('503'), [], { idempotencyKey: key })).toMatchObject({
      kind: 'unknown-outcome',
      status: 503,
    });
    await setFaults('status500=1');
    expect(await t.client.getSignature()).toMatchObject({ kind: 'retryable', status: 500 });
    await setFaults('storm429=1');
    expect(await t.client.sendMessage(validMessage('429'), [], { idempotencyKey: key })).toMatchObject({
      kind: 'unknown-outcome',
      retryAfterMs: 1000,
      status: 429,
    });
    expect(await t.client.getSignature()).toEqual({ kind: 'rate-limited', retryAfterMs: 1000, status: 429 });
    await setFaults('none');
    // These faults answer before storing: the reconciler would find nothing and resend.
    expect(await storedWithKey(key)).toHaveLength(0);
  });

  it('a timeout is an unknown outcome for an upload, retryable for a read', async () => {
    await setFaults('latency=400ms');
    const key = crypto.randomUUID();
    expect(await t.client.sendMessage(validMessage('Lento'), [], { idempotencyKey: key, timeoutMs: 100 })).toEqual({
      kind: 'unknown-outcome',
      reason: 'tiempo de espera agotado',
      why: { code: 'timeout' },
    });
    expect(await t.client.getProcedure({ timeoutMs: 100 })).toMatchObject({
      kind: 'retryable',
      reason: 'tiempo de espera agotado',
      why: { code: 'timeout' },
    });
    await setFaults('none');
  });

  it("the caller's abort of an upload under way is an unknown outcome, not an exception", async () => {
    await setFaults('latency=400ms');
    const controller = new AbortController();
    const pending = t.client.sendMessage(validMessage('Cancelado en vuelo'), [], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelado')), 50);
    expect((await pending).kind).toBe('unknown-outcome');
    await setFaults('none');
  });

  it("the caller's abort of a read throws its reason; a refused connection is retryable even for an upload", async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelado por el usuario'));
    await expect(t.client.getProcedure({ signal: controller.signal })).rejects.toThrow('cancelado por el usuario');
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nowhere = new CasillaClient({ baseUrl: `http://127.0.0.1:${port}`, clientId: 'x', clientSecret: 'y' });
    expect(await nowhere.sendMessage(validMessage('Nadie escucha'), [])).toMatchObject({ kind: 'retryable' });
  });

  it('under a seeded storm of drops and resets, retrying by classification stores every message exactly once', async () => {
    await setFaults('drop-after-commit=0.3,reset=0.3,status503=0.1,seed=7');
    const client = t.clientFor({ ratePerSecond: 1000 });
    const keys = Array.from({ length: 12 }, () => crypto.randomUUID());
    const seen = new Map<string, number>();
    for (const [i, key] of keys.entries()) {
      const data = validMessage(`Tormenta ${i}`, { recipients: [{ rol_unico: 20000000 + i }] });
      for (let attempt = 0; ; attempt++) {
        if (attempt > 40) throw new Error('never accepted');
        const o = await client.sendMessage(data, [], { idempotencyKey: key, attempt });
        seen.set(o.kind, (seen.get(o.kind) ?? 0) + 1);
        if (o.kind === 'accepted') break;
        if (o.kind === 'permanent') throw new Error(JSON.stringify(o));
        // retryable / unknown-outcome (safe here because of the key) / rate-limited: go again at once.
      }
    }
    await setFaults('none');
    for (const key of keys) expect(await storedWithKey(key)).toHaveLength(1);
    expect(seen.get('unknown-outcome') ?? 0).toBeGreaterThan(0);
    expect(seen.get('accepted')).toBe(keys.length);
  });
});

describe('concurrent retries with one key', () => {
  it('store the message once and answer every request with the same id', async () => {
    const key = crypto.randomUUID();
    const data = validMessage('Reintentos simultáneos');
    // A few MB each so the uploads overlap on the server and race past the key lookup together.
    const big = Buffer.concat([pdfBytes('simultaneo'), Buffer.alloc(3 * 1024 * 1024, 0x20)]);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => t.client.sendMessage(data, [{ name: 'a.pdf', bytes: big }], { idempotencyKey: key })),
    );
    const ids = new Set(outcomes.map((o) => (o.kind === 'accepted' ? o.value.message_data_id : o.kind)));
    expect([...ids]).toHaveLength(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{24}$/);
    expect(outcomes.filter((o) => o.kind === 'accepted' && !o.replayed)).toHaveLength(1);
    expect(await storedWithKey(key)).toHaveLength(1);
  });
});
