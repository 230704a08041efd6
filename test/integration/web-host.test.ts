import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createHandlers } from '../../src-main/services';
import { tempCore, tempDir } from '../helpers/temp-home';

/** A raw request, so Host and Origin can be set to anything (fetch would not let us). */
function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('the local web host', () => {
  let env: ReturnType<typeof tempCore>;
  let host: WebHost;
  let statics: ReturnType<typeof tempDir>;
  let auth: Record<string, string>;
  const call = (method: string, input: unknown, headers: Record<string, string> = {}) =>
    request(host.port, {
      method: 'POST',
      path: '/api/call',
      headers: { ...auth, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ method, input }),
    });

  beforeAll(async () => {
    env = tempCore({ shell: 'browser' });
    statics = tempDir();
    fs.writeFileSync(path.join(statics.dir, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(path.dirname(statics.dir), 'secret-outside.txt'), 'no');
    host = await startWebHost({ core: env.core, table: createHandlers(), staticDir: statics.dir });
    auth = { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}` };
  });
  afterAll(async () => {
    await host.close();
    await env.cleanup();
    statics.cleanup();
    fs.rmSync(path.join(path.dirname(statics.dir), 'secret-outside.txt'), { force: true });
  });

  it('listens on 127.0.0.1; its link carries a one-time code, never the token', async () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.token.length).toBeGreaterThanOrEqual(40);
    expect(host.url).toMatch(new RegExp(`^${host.origin}/#code=[A-Za-z0-9_-]{40,}$`));
    expect(host.url).not.toContain(host.token);
    const exchange = (code: string) =>
      request(host.port, {
        method: 'POST',
        path: '/api/session',
        headers: { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    const code = host.oneTimeUrl().split('#code=')[1]!;
    const first = await exchange(code);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ ok: true, value: { token: host.token } });
    const second = await exchange(code);
    expect(second.status).toBe(401);
    expect(second.body).not.toContain(host.token);
    expect((await exchange('')).status).toBe(401);
    // The token is not accepted in the query string either (it would end up in logs and history).
    const inQuery = await request(host.port, { path: `/api/events?token=${host.token}`, headers: { Host: `127.0.0.1:${host.port}` } });
    expect(inQuery.status).toBe(401);
  });

  it('writes the launcher page 0600 in a 0700 folder, and removes it when its code is used', async () => {
    const dir = path.join(env.home, 'run');
    const file = host.writeLauncher(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(host.token);
    const code = /#code=([A-Za-z0-9_-]+)/.exec(text)![1]!;
    const r = await request(host.port, {
      method: 'POST',
      path: '/api/session',
      headers: { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(r.status).toBe(200);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('answers a call with the token', async () => {
    const r = await call('app.ping', { echo: 'hola' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { pong: 'hola' } });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('refuses a call without the token or with a wrong one', async () => {
    const none = await request(host.port, {
      method: 'POST',
      path: '/api/call',
      headers: { Host: `127.0.0.1:${host.port}` },
      body: '{"method":"app.info"}',
    });
    expect(none.status).toBe(401);
    const wrong = await call('app.info', {}, { Authorization: `Bearer ${'x'.repeat(host.token.length)}` });
    expect(wrong.status).toBe(401);
  });

  it('refuses a foreign Origin even with the token (another local page)', async () => {
    const r = await call('app.info', {}, { Origin: 'http://127.0.0.1:1' });
    expect(r.status).toBe(403);
    const ok = await call('app.info', {}, { Origin: `http://localhost:${host.port}` });
    expect(ok.status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding), for pages too', async () => {
    const r = await call('app.info', {}, { Host: `evil.example:${host.port}` });
    expect(r.status).toBe(421);
    const page = await request(host.port, { path: '/', headers: { Host: 'attacker.test' } });
    expect(page.status).toBe(421);
  });

  it('limits the size of a call', async () => {
    const big = JSON.stringify({ method: 'app.ping', input: { echo: 'x'.repeat(2 * 1024 * 1024) } });
    const r = await request(host.port, {
      method: 'POST',
      path: '/api/call',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: big,
    });
    expect(r.status).toBe(413);
  });

  it('returns errors as data: bad input, unknown method', async () => {
    const bad = JSON.parse((await call('settings.update', { lockMinutes: 'doce' })).body) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const unknown = JSON.parse((await call('nope.nothing', {})).body) as { ok: boolean; error: { code: string } };
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('serves the renderer but nothing outside its folder', async () => {
    const index = await request(host.port, { path: '/', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(index.status).toBe(200);
    expect(index.headers['x-frame-options']).toBe('DENY');
    const escape = await request(host.port, { path: '/..%2fsecret-outside.txt', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(escape.body).not.toBe('no');
  });

  it('requires the token on the event stream', async () => {
    const r = await request(host.port, { path: '/api/events', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(r.status).toBe(401);
  });

  it('accepts an upload into the data folder, with a sanitized name', async () => {
    const r = await request(host.port, {
      method: 'POST',
      path: '/api/upload?name=..%2F..%2Fevil.pdf',
      headers: auth,
      body: Buffer.from('%PDF-1.7\n'),
    });
    expect(r.status).toBe(200);
    const { value } = JSON.parse(r.body) as { value: { path: string; name: string } };
    expect(value.name).toBe('evil.pdf');
    expect(value.path.startsWith(path.join(env.home, 'uploads') + path.sep)).toBe(true);
    expect(fs.readFileSync(value.path, 'utf8')).toBe('%PDF-1.7\n');
  });
});
