/**
 * Issue 13, the sandbox's trainer API: /sandbox/* needs the trainer token printed at start, and every route
 * answers only its own Host (DNS rebinding) and its own Origin (CSRF from other local pages). The platform
 * routes keep Basic auth per institution.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainerHeaders } from '../../src-main/sandbox';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('sandbox trainer API access', () => {
  let t: TestSandbox;
  let port: number;
  beforeAll(async () => {
    t = await startTestSandbox({ receiptSigner: null, attachmentVerifier: null });
    port = Number(new URL(t.sandbox.baseUrl).port);
  });
  afterAll(() => t.cleanup());

  it('refuses /sandbox/institutions without the token or with a wrong one (401), and returns no secret', async () => {
    const none = await raw(port, { path: '/sandbox/institutions', headers: { Host: `127.0.0.1:${port}` } });
    expect(none.status).toBe(401);
    expect(none.body).not.toContain(t.sandbox.institution.clientSecret);
    expect(none.body).not.toContain(t.sandbox.institution.webhookSecret);
    const wrong = await raw(port, {
      path: '/sandbox/institutions',
      headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${'A'.repeat(t.sandbox.trainerToken.length)}` },
    });
    expect(wrong.status).toBe(401);
    for (const p of ['/sandbox/faults', '/sandbox/messages', '/sandbox/webhooks']) {
      expect((await raw(port, { path: p, headers: { Host: `127.0.0.1:${port}` } })).status, p).toBe(401);
    }
  });

  it('answers with the token printed at start', async () => {
    const ok = await raw(port, { path: '/sandbox/institutions', headers: { Host: `127.0.0.1:${port}`, ...trainerHeaders(t.sandbox) } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain(t.sandbox.institution.clientSecret);
  });

  it('refuses a foreign Host with 421, even with the token (DNS rebinding)', async () => {
    const r = await raw(port, { path: '/sandbox/institutions', headers: { Host: `evil.example:${port}`, ...trainerHeaders(t.sandbox) } });
    expect(r.status).toBe(421);
    const platform = await raw(port, { path: '/notificador/getProcedure', headers: { Host: `evil.example:${port}` } });
    expect(platform.status).toBe(421);
  });

  it('refuses a cross-site POST (foreign Origin) that would create an institution or change faults', async () => {
    const before = (await t.admin<{ institutions: unknown[] }>('GET', '/sandbox/institutions')).body.institutions.length;
    for (const p of ['/sandbox/institutions', '/sandbox/faults']) {
      const r = await raw(port, {
        method: 'POST',
        path: p,
        headers: { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example', 'Content-Type': 'text/plain', ...trainerHeaders(t.sandbox) },
        body: p.endsWith('faults') ? 'reset=1' : '{"name":"csrf"}',
      });
      expect(r.status, p).toBe(403);
    }
    expect((await t.admin<{ institutions: unknown[] }>('GET', '/sandbox/institutions')).body.institutions.length).toBe(before);
    expect((await t.admin<{ spec: string }>('GET', '/sandbox/faults')).body.spec).not.toContain('reset');
  });

  it('keeps Basic auth for the platform routes', async () => {
    const procedures = await t.client.getProcedure({ timeoutMs: 5000 });
    expect(procedures.kind).toBe('accepted');
    const anonymous = await raw(port, {
      path: '/notificador/getProcedure',
      headers: { Host: `127.0.0.1:${port}`, ...trainerHeaders(t.sandbox) },
    });
    expect(anonymous.status).toBe(401);
  });
});
