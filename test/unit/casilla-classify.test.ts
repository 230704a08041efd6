import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyOutcome, parseRetryAfter, type CallObservation } from '../../src-main/core/casilla/classify';
import { TokenBucket } from '../../src-main/core/casilla/rate-limiter';

const response = (status: number, body: unknown, extra: Partial<Extract<CallObservation, { type: 'response' }>> = {}): CallObservation => ({
  type: 'response',
  status,
  retryAfter: null,
  replayed: false,
  body,
  bodyValid: status < 300,
  ...extra,
});
const failure = (code: string | null, timedOut = false): CallObservation => ({
  type: 'failure',
  error: new TypeError('fetch failed', { cause: code ? Object.assign(new Error(code), { code }) : new Error('x') }),
  timedOut,
});
const upload = { unsafe: true, attempt: 0, random: () => 0.5 };
const read = { unsafe: false, attempt: 0, random: () => 0.5 };

describe('classifyOutcome', () => {
  it('accepted, with replay flag', () => {
    expect(classifyOutcome(response(200, { id: 1 }, { replayed: true }), upload)).toEqual({
      kind: 'accepted',
      value: { id: 1 },
      status: 200,
      replayed: true,
    });
  });

  it('permanent ERR codes carry the official Spanish text, not the server message', () => {
    const o = classifyOutcome(response(400, { error: { code: 'ERR026', message: 'whatever' } }), upload);
    expect(o).toEqual({ kind: 'permanent', code: 'ERR026', message: 'Asunto excede 150 caracteres', status: 400 });
    expect(classifyOutcome(response(401, { error: { code: 'UNAUTHORIZED', message: 'x' } }), read)).toMatchObject({
      kind: 'permanent',
      code: 'UNAUTHORIZED',
    });
    expect(classifyOutcome(response(422, null), upload)).toMatchObject({ kind: 'permanent', code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('rate-limited honours Retry-After seconds and HTTP-dates', () => {
    expect(classifyOutcome(response(429, null, { retryAfter: '3' }), read)).toEqual({
      kind: 'rate-limited',
      retryAfterMs: 3000,
      status: 429,
    });
    const now = Date.parse('Mon, 14 Jun 2023 15:09:03 GMT');
    expect(parseRetryAfter('Mon, 14 Jun 2023 15:09:08 GMT', () => now)).toBe(5000);
    expect(parseRetryAfter('nonsense')).toBe(1000);
  });

  it('5xx to a read is retryable with backoff or Retry-After', () => {
    expect(classifyOutcome(response(503, null), { ...read, attempt: 3 })).toEqual({
      kind: 'retryable',
      delayMs: 4000,
      reason: 'el servidor respondió 503',
      why: { code: 'server_error', params: { status: 503 } },
      status: 503,
    });
    expect(classifyOutcome(response(503, null, { retryAfter: '7' }), read)).toMatchObject({ kind: 'retryable', delayMs: 7000 });
    expect(classifyOutcome(response(504, null), read).kind).toBe('retryable');
  });

  // One rule for uploads: after the body may have reached the platform, only its own answer about this request
  // is an outcome. A gateway's 5xx or 429 can come after the platform stored the message.
  it.each([
    [500, null],
    [502, null],
    [503, '7'],
    [504, null],
    [408, null],
    [425, null],
    [429, '2'],
  ])('an upload answered %i is an unknown outcome, never a retry', (status, retryAfter) => {
    const o = classifyOutcome(response(status, null, { retryAfter }), upload);
    expect(o.kind).toBe('unknown-outcome');
    expect(o).toMatchObject({ status, ...(retryAfter ? { retryAfterMs: Number(retryAfter) * 1000 } : {}) });
  });

  it('an upload refused by the platform with its reason is permanent, not unknown', () => {
    expect(classifyOutcome(response(400, { error: { code: 'ERR031', message: 'x' } }), upload)).toMatchObject({
      kind: 'permanent',
      code: 'ERR031',
    });
    expect(classifyOutcome(response(401, null), upload)).toMatchObject({ kind: 'permanent', code: 'UNAUTHORIZED' });
    expect(classifyOutcome(response(413, null), upload)).toMatchObject({ kind: 'permanent', code: 'HTTP_413' });
  });

  it('a lost answer is unknown for an upload, retryable for a read; a refused connection is retryable for both', () => {
    expect(classifyOutcome(failure('ECONNRESET'), upload).kind).toBe('unknown-outcome');
    expect(classifyOutcome(failure('UND_ERR_SOCKET'), upload).kind).toBe('unknown-outcome');
    expect(classifyOutcome(failure(null, true), upload)).toEqual({
      kind: 'unknown-outcome',
      reason: 'tiempo de espera agotado',
      why: { code: 'timeout' },
    });
    // The reason as a code too (what the outbox records and the UI words): the network code rides as a parameter.
    expect(classifyOutcome(failure('ECONNRESET'), upload)).toMatchObject({
      why: { code: 'connection_interrupted', params: { net: 'ECONNRESET' } },
    });
    expect(classifyOutcome(failure('ECONNREFUSED'), upload)).toMatchObject({ why: { code: 'offline', params: { net: 'ECONNREFUSED' } } });
    expect(classifyOutcome(response(502, null), upload)).toMatchObject({
      why: { code: 'server_error_after_upload', params: { status: 502 } },
    });
    expect(classifyOutcome(response(429, null), upload)).toMatchObject({ why: { code: 'rate_limited_after_upload' } });
    expect(classifyOutcome(failure('ECONNRESET'), read).kind).toBe('retryable');
    expect(classifyOutcome(failure('ECONNREFUSED'), upload).kind).toBe('retryable');
  });

  it('a garbled 2xx is unknown for an upload', () => {
    expect(classifyOutcome(response(200, null, { bodyValid: false }), upload).kind).toBe('unknown-outcome');
    expect(classifyOutcome(response(200, null, { bodyValid: false }), read).kind).toBe('retryable');
  });

  it('backoff is full jitter under a capped exponential ceiling', () => {
    expect(backoffDelay(0, { baseMs: 1000, capMs: 10_000 }, () => 0.999)).toBe(999);
    expect(backoffDelay(2, { baseMs: 1000, capMs: 10_000 }, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, { baseMs: 1000, capMs: 10_000 }, () => 0.5)).toBe(5000);
    expect(backoffDelay(5, { baseMs: 1000, capMs: 10_000 }, () => 0)).toBe(0);
  });
});

describe('TokenBucket', () => {
  it('allows a burst of `rate`, then refills continuously', () => {
    let t = 0;
    const b = new TokenBucket(6, { now: () => t });
    for (let i = 0; i < 6; i++) expect(b.tryTake().ok).toBe(true);
    const denied = b.tryTake();
    expect(denied).toEqual({ ok: false, retryAfterMs: 167 });
    t += 167;
    expect(b.tryTake().ok).toBe(true);
    expect(b.tryTake().ok).toBe(false);
  });

  it('pause pushes the next token into the future', () => {
    let t = 0;
    const b = new TokenBucket(2, { now: () => t });
    b.pause(3000);
    b.pause(3000); // a second 429 of the same burst does not double the wait
    expect(b.tryTake()).toEqual({ ok: false, retryAfterMs: 3000 });
    t += 3000;
    expect(b.tryTake().ok).toBe(true);
    expect(b.tryTake().ok).toBe(false);
  });
});
