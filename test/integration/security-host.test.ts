/**
 * Issue 13, web host limits: idle connections from another process cannot lock the app out, a long non-ASCII
 * upload name does not crash it, an aborted upload leaves nothing behind, unreferenced uploads are removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NAME_BYTES, startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createHandlers } from '../../src-main/services';
import { tempCore, tempDir } from '../helpers/temp-home';

const root = path.resolve(__dirname, '..', '..');

function post(port: number, token: string, urlPath: string, body: Buffer | string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: urlPath, headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('web host limits (in process)', () => {
  let env: ReturnType<typeof tempCore>;
  let host: WebHost;
  let statics: ReturnType<typeof tempDir>;
  const stale = crypto.randomUUID();
  const kept = crypto.randomUUID();

  beforeAll(async () => {
    env = tempCore({ shell: 'browser' });
    statics = tempDir();
    // Two uploads of an earlier run: one a saved draft still names, one nothing names.
    for (const id of [stale, kept]) {
      fs.mkdirSync(path.join(env.home, 'uploads', id), { recursive: true });
      fs.writeFileSync(path.join(env.home, 'uploads', id, 'a.pdf'), 'x');
    }
    env.core.settings.set('compose.draft', { draft: { attachments: [path.join(env.home, 'uploads', kept, 'a.pdf')] } });
    host = await startWebHost({ core: env.core, table: createHandlers(), staticDir: statics.dir });
  });
  afterAll(async () => {
    await host.close();
    await env.cleanup();
    statics.cleanup();
  });

  it('removed the unreferenced uploads of an earlier run at start, and kept the referenced one', () => {
    expect(fs.existsSync(path.join(env.home, 'uploads', stale))).toBe(false);
    expect(fs.existsSync(path.join(env.home, 'uploads', kept, 'a.pdf'))).toBe(true);
  });

  it('accepts a 300-byte non-ASCII upload name, cut to the byte limit, and keeps answering', async () => {
    const name = 'ñandú-resolución-'.repeat(16) + '.pdf';
    expect(Buffer.byteLength(name)).toBeGreaterThanOrEqual(300);
    const r = await post(host.port, host.token, `/api/upload?name=${encodeURIComponent(name)}`, Buffer.from('%PDF-1.7\n'));
    expect(r.status).toBe(200);
    const value = (JSON.parse(r.body) as { value: { path: string; name: string } }).value;
    expect(Buffer.byteLength(value.name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(value.name.endsWith('.pdf')).toBe(true);
    expect(value.name.startsWith('ñandú-resolución-')).toBe(true);
    expect(fs.readFileSync(value.path, 'utf8')).toBe('%PDF-1.7\n');
    expect((await post(host.port, host.token, '/api/call', JSON.stringify({ method: 'app.ping', input: {} }))).status).toBe(200);
  });

  it('an aborted upload leaves no partial file (nor its folder) behind', async () => {
    const before = fs.readdirSync(path.join(env.home, 'uploads')).sort();
    await new Promise<void>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: host.port,
        method: 'POST',
        path: '/api/upload?name=grande.pdf',
        headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Length': String(8 * 1024 * 1024) },
      });
      req.on('error', () => resolve()); // we destroy it ourselves
      req.write(Buffer.alloc(256 * 1024, 1), () => {
        // Wait until the server has started writing the file, then go away mid-body.
        const poll = setInterval(() => {
          if (listFiles(path.join(env.home, 'uploads')).includes('grande.pdf')) {
            clearInterval(poll);
            req.destroy();
            resolve();
          }
        }, 20);
        setTimeout(() => {
          clearInterval(poll);
          reject(new Error('the upload never started on the server'));
        }, 15_000);
      });
    });
    await expect.poll(() => listFiles(path.join(env.home, 'uploads')).includes('grande.pdf'), { timeout: 15_000 }).toBe(false);
    expect(fs.readdirSync(path.join(env.home, 'uploads')).sort()).toEqual(before);
    expect((await post(host.port, host.token, '/api/call', JSON.stringify({ method: 'app.ping', input: {} }))).status).toBe(200);
  });
});

describe('web host under 2,000 idle connections from another process', () => {
  let serve: ChildProcess | null = null;
  let holder: ChildProcess | null = null;
  const home = tempDir();
  afterAll(async () => {
    for (const c of [holder, serve]) {
      if (c && c.exitCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await gone;
      }
    }
    home.cleanup();
  });

  it('keeps answering (and alive) with a desktop-like limit of 1,024 open files', async () => {
    // The app as users run it, with the usual soft limit of open files.
    serve = spawn('bash', ['-c', `ulimit -n 1024 && exec "${process.execPath}" bin/casilla.cjs --home "${home.dir}" --json serve`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const info = await new Promise<{ port?: number; origin: string; token: string }>((resolve, reject) => {
      serve!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        try {
          resolve(JSON.parse(out) as { origin: string; token: string });
        } catch {
          // not complete yet
        }
      });
      serve!.once('exit', (code) => reject(new Error(`serve salió con ${code}`)));
    });
    const port = Number(new URL(info.origin).port);
    // Another process opens 2,000 connections and sends nothing.
    const script = `
      const net = require('node:net');
      let open = 0, done = 0;
      for (let i = 0; i < 2000; i++) {
        const s = net.connect(${port}, '127.0.0.1');
        s.on('connect', () => { open++; if (++done === 2000) console.log('ready ' + open); });
        s.on('error', () => { if (++done === 2000) console.log('ready ' + open); });
        s.on('close', () => {});
      }
      setInterval(() => {}, 1000);
    `;
    holder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const opened = await new Promise<number>((resolve) => {
      let text = '';
      holder!.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        const m = /ready (\d+)/.exec(text);
        if (m) resolve(Number(m[1]));
      });
    });
    expect(opened).toBeGreaterThan(1024);
    // While those are held open, the app still answers its own page's calls.
    for (let i = 0; i < 3; i++) {
      const r = await post(port, info.token, '/api/call', JSON.stringify({ method: 'app.ping', input: { echo: `hola ${i}` } }));
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { pong: `hola ${i}` } });
    }
    expect(serve.exitCode).toBeNull();
    // The static page too.
    const page = await new Promise<number>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
      let text = '';
      s.on('data', (c: Buffer) => (text += c.toString()));
      s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0)));
      s.on('error', reject);
    });
    expect([200, 404]).toContain(page);
  }, 90_000);
});
