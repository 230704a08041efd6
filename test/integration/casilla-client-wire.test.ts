/**
 * The client against answers the sandbox never gives but a real platform (or a proxy in front of it) may:
 * the other spellings of the recipient count, a 200 with a body we cannot read, a gateway timeout, a
 * Retry-After as an HTTP-date, an oversized body. A small node:http server on 127.0.0.1 plays that server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CasillaClient } from '../../src-main/core/casilla/client';
import { validMessage } from '../helpers/sandbox';

type Reply = { status: number; body: string; headers?: Record<string, string> };
let next: Reply = { status: 200, body: '{}' };
let lastAuth: string | undefined;
let lastKey: string | undefined;
let server: http.Server;
let client: CasillaClient;
let baseUrl = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    lastAuth = req.headers.authorization;
    lastKey = req.headers['idempotency-key'] as string | undefined;
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(next.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  client = new CasillaClient({ baseUrl, clientId: 'institucion', clientSecret: 'sécreto:con:dos-puntos', ratePerSecond: 1000 });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const status = (countKey: string | null, count = 2) =>
  JSON.stringify({
    message_data_id: '0123456789abcdef01234567',
    status: 'processed',
    ...(countKey ? { [countKey]: count } : {}),
    recipients: {
      '33333333': {
        ddu_type: 'casilla',
        message_status: 'delivered',
        method: 'API',
        delivered_at: 'Mon, 14 Jun 2023 15:09:03 GMT',
        read_at: null,
      },
      '12345674': { ddu_type: 'email', message_status: 'pending', delivered_at: null, read_at: null },
    },
  });

describe('client wire handling', () => {
  it.each(['recipents_counts', 'recipents_count', 'recipients_count'])('reads the recipient count spelled %s', async (key) => {
    next = { status: 200, body: status(key, 7) };
    const o = await client.messageStatus('0123456789abcdef01234567');
    expect(o).toMatchObject({
      kind: 'accepted',
      value: { recipientsCount: 7, recipients: { '33333333': { dduType: 'casilla', messageStatus: 'delivered' } } },
    });
  });

  it('falls back to the size of the recipients map when no count is given', async () => {
    next = { status: 200, body: status(null) };
    expect(await client.messageStatus('0123456789abcdef01234567')).toMatchObject({ kind: 'accepted', value: { recipientsCount: 2 } });
  });

  it('sends Basic credentials (UTF-8, colons in the secret) and the Idempotency-Key as an sf-string', async () => {
    next = {
      status: 200,
      body: JSON.stringify({ message_data_id: '0123456789abcdef01234567', sent_at: 'Mon, 14 Jun 2023 15:09:03 GMT', status: 'pending' }),
    };
    expect(await client.sendMessage(validMessage('x'), [], { idempotencyKey: 'clave-1' })).toMatchObject({ kind: 'accepted' });
    expect(Buffer.from(lastAuth!.replace(/^Basic /, ''), 'base64').toString('utf8')).toBe('institucion:sécreto:con:dos-puntos');
    expect(lastKey).toBe('"clave-1"');
  });

  it('a 200 it cannot read is an unknown outcome for an upload and retryable for a read', async () => {
    next = { status: 200, body: '<html>proxy</html>' };
    expect((await client.sendMessage(validMessage('x'), [])).kind).toBe('unknown-outcome');
    expect((await client.getProcedure()).kind).toBe('retryable');
    next = { status: 200, body: JSON.stringify({ message_data_id: 'corto', sent_at: 'x', status: 'pending' }) };
    expect((await client.sendMessage(validMessage('x'), [])).kind).toBe('unknown-outcome');
  });

  it('504 from a gateway is unknown for an upload; Retry-After as an HTTP-date is honoured', async () => {
    next = { status: 504, body: '' };
    expect((await client.sendMessage(validMessage('x'), [])).kind).toBe('unknown-outcome');
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    next = { status: 503, body: '', headers: { 'retry-after': inTenSeconds } };
    const o = await client.getSignature();
    expect(o.kind).toBe('retryable');
    if (o.kind === 'retryable') {
      expect(o.delayMs).toBeGreaterThan(5_000);
      expect(o.delayMs).toBeLessThanOrEqual(10_000);
    }
  });

  it('an answer larger than the bound is not buffered whole and counts as unreadable', async () => {
    const small = new CasillaClient({ baseUrl, clientId: 'a', clientSecret: 'b', maxResponseBytes: 1024, ratePerSecond: 1000 });
    next = {
      status: 200,
      body: JSON.stringify({
        procedures: Array.from({ length: 500 }, (_, i) => ({ code: `P${i}`, name: 'n', stage: 1, stage_name: 'Inicio' })),
      }),
    };
    expect((await small.getProcedure()).kind).toBe('retryable');
    expect((await client.getProcedure()).kind).toBe('accepted');
  });
});
