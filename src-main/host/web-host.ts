import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AppEvent } from '../api/contract';
import type { CoreContext } from '../core/context';
import { realPathOf } from '../core/files/file-access';
import { dispatch, type HandlerTable } from '../services';
import { removeUnreferencedUploads, UPLOADS_DIR } from './uploads';

/** Largest JSON call body accepted. Files never travel in calls (see /api/upload). */
export const MAX_CALL_BYTES = 1024 * 1024;
/** Largest file accepted by /api/upload (the biggest PDFs officials sign are far smaller). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/**
 * Open sockets kept at most. Above it the oldest socket with no request in progress is closed, so idle
 * connections from another local process cannot lock the app out or exhaust its file descriptors.
 */
export const MAX_CONNECTIONS = 256;
/** Longest file name kept for an upload, in UTF-8 bytes (file systems allow 255). */
export const MAX_NAME_BYTES = 180;

export type WebHostOptions = {
  core: CoreContext;
  table: HandlerTable;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token for tests; by default 32 random bytes, new every run. */
  token?: string;
};

/** How long a one-time code (the link the browser opens) can be exchanged for the session token. */
export const CODE_TTL_MS = 5 * 60_000;

export type WebHost = {
  /** A one-time link (`#code=`), good for one exchange within CODE_TTL_MS; never the token itself. */
  url: string;
  origin: string;
  port: number;
  /** The session token (for in-process callers and `serve --json`); never put in a URL, argv or a file. */
  token: string;
  /** A new one-time link. */
  oneTimeUrl(): string;
  /**
   * Writes a launcher page (mode 0600, in `dir`, made 0700) that forwards the browser to a one-time link, so the
   * browser's command line names only a private file; the file is deleted when its code is used or expires.
   */
  writeLauncher(dir: string): string;
  close(): Promise<void>;
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * The local web host: the renderer and the same handler table over HTTP, for the browser mode and the
 * end-to-end tests. It binds 127.0.0.1 only and answers only requests whose Host is its own address
 * (defeats DNS rebinding), whose Origin, when sent, is its own (defeats other local pages), and that carry
 * the per-run token (Authorization: Bearer). The token never travels in a URL: the browser opens a link with a
 * one-time code, which the page exchanges once (POST /api/session) for the token and keeps in memory and
 * sessionStorage (Chromium keeps sessionStorage off disk).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? crypto.randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const running = new Map<string, AbortController>();
  const streams = new Set<http.ServerResponse>();
  const uploadsDir = path.join(options.core.home, UPLOADS_DIR);
  // Uploads of earlier runs that nothing refers to any more go now; this run's, once a day old.
  removeUnreferencedUploads(options.core.home, options.core.db);
  const sweepTimer = setInterval(() => removeUnreferencedUploads(options.core.home, options.core.db, 24 * 3600_000), 3600_000);
  sweepTimer.unref();
  const sockets = new Map<net.Socket, { busy: number }>();
  const codes = new Map<string, { expires: number; file?: string }>();
  let port = 0;
  const dropCode = (code: string) => {
    const entry = codes.get(code);
    codes.delete(code);
    if (entry?.file) fs.rmSync(entry.file, { force: true });
  };
  const mintCode = (file?: string): string => {
    const now = Date.now();
    for (const [c, e] of codes) if (e.expires <= now) dropCode(c);
    const code = crypto.randomBytes(32).toString('base64url');
    codes.set(code, { expires: now + CODE_TTL_MS, ...(file ? { file } : {}) });
    return code;
  };
  const codeTimer = setInterval(() => {
    const now = Date.now();
    for (const [c, e] of codes) if (e.expires <= now) dropCode(c);
  }, 30_000);
  codeTimer.unref();
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenOk = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false;
    const buf = Buffer.from(candidate);
    return buf.length === tokenBuf.length && crypto.timingSafeEqual(buf, tokenBuf);
  };

  const unsubscribe = options.core.events.subscribe((event: AppEvent) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(line);
  });

  const server = http.createServer(
    {
      // A client gets 10 s to send its headers and 5 min for a whole request (a 512 MiB upload on loopback
      // takes seconds); timeouts are checked every second.
      headersTimeout: 10_000,
      requestTimeout: 300_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      const state = sockets.get(req.socket);
      if (state) {
        state.busy++;
        res.once('close', () => state.busy--);
      }
      void handle(req, res).catch((err: unknown) => {
        console.error('web host:', err);
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Error interno.' } });
        else res.end();
      });
    },
  );
  server.on('connection', (socket: net.Socket) => {
    sockets.set(socket, { busy: 0 });
    socket.once('close', () => sockets.delete(socket));
    if (sockets.size <= MAX_CONNECTIONS) return;
    // Map order is age order: close the oldest socket that is not serving a request.
    for (const [s, st] of sockets) {
      if (st.busy === 0 && s !== socket) {
        s.destroy();
        return;
      }
    }
    socket.destroy();
  });
  server.on('clientError', (_err, socket) => {
    // Malformed or timed-out requests: answer 400/408 when possible, never crash.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return sendJson(res, 421, { ok: false, error: { code: 'BAD_HOST', message: 'Host no permitido.' } });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return sendJson(res, 403, { ok: false, error: { code: 'BAD_ORIGIN', message: 'Origen no permitido.' } });
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!url.pathname.startsWith('/api/')) return serveStatic(url.pathname, req, res);

    if (url.pathname === '/api/session' && req.method === 'POST') {
      // The one-time code from the link the browser opened, exchanged once for the session token.
      const body = await readBody(req, 4096);
      let code = '';
      try {
        code = String((JSON.parse(body?.toString('utf8') ?? '{}') as { code?: unknown }).code ?? '');
      } catch {
        code = '';
      }
      const entry = codes.get(code);
      if (!entry || entry.expires <= Date.now()) {
        return sendJson(res, 401, {
          ok: false,
          error: { code: 'CODE_USED', message: 'Este enlace ya se usó o venció. Abra uno nuevo desde la terminal.' },
        });
      }
      dropCode(code);
      res.setHeader('Cache-Control', 'no-store');
      return sendJson(res, 200, { ok: true, value: { token } });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!tokenOk(bearer))
      return sendJson(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Falta el token de sesión o no es válido.' } });
    res.setHeader('Cache-Control', 'no-store');

    if (url.pathname === '/api/events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.write(': ok\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname === '/api/download' && req.method === 'GET') {
      // Browser mode gets results (signed PDFs, reports) back from the data folder only.
      const requested = realPathOf(url.searchParams.get('path') ?? '');
      const home = realPathOf(options.core.home);
      if (!requested.startsWith(home + path.sep) || !fs.existsSync(requested) || !fs.statSync(requested).isFile()) {
        return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'No existe.' } });
      }
      const name = path.basename(requested).replace(/["\\\r\n]/g, '_');
      res.writeHead(200, {
        'Content-Type': requested.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${name}"`,
        'Content-Length': fs.statSync(requested).size,
      });
      fs.createReadStream(requested).pipe(res);
      return;
    }
    if (url.pathname === '/api/session/link' && req.method === 'POST') {
      return sendJson(res, 200, { ok: true, value: { url: `http://127.0.0.1:${port}/#code=${mintCode()}` } });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'METHOD', message: 'Método no permitido.' } });

    if (url.pathname === '/api/call') {
      const body = await readBody(req, MAX_CALL_BYTES);
      if (body === null)
        return sendJson(res, 413, { ok: false, error: { code: 'TOO_LARGE', message: 'La solicitud es demasiado grande.' } });
      let call: { method?: unknown; input?: unknown; opId?: unknown };
      try {
        call = JSON.parse(body.toString('utf8')) as typeof call;
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'BAD_INPUT', message: 'JSON no válido.' } });
      }
      if (typeof call.method !== 'string')
        return sendJson(res, 400, { ok: false, error: { code: 'BAD_INPUT', message: 'Falta el método.' } });
      const opId = typeof call.opId === 'string' ? call.opId.slice(0, 64) : crypto.randomUUID();
      const controller = new AbortController();
      running.set(opId, controller);
      try {
        const result = await dispatch(options.table, options.core, call.method, call.input, {
          opId,
          signal: controller.signal,
          fromRenderer: true,
          onProgress: (progress) => options.core.events.emit({ type: 'progress', progress }),
        });
        return sendJson(res, 200, result);
      } finally {
        running.delete(opId);
      }
    }
    if (url.pathname === '/api/cancel') {
      const body = await readBody(req, 4096);
      const opId = body ? (JSON.parse(body.toString('utf8') || '{}') as { opId?: string }).opId : undefined;
      const c = opId ? running.get(opId) : undefined;
      c?.abort();
      return sendJson(res, 200, { ok: true, value: { cancelled: Boolean(c) } });
    }
    if (url.pathname === '/api/upload') {
      // Browser mode cannot hand file paths to the core: the file is copied into the data folder first.
      const name = sanitizeFileName(url.searchParams.get('name') ?? 'archivo');
      const dir = path.join(uploadsDir, crypto.randomUUID());
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const target = path.join(dir, name);
      const outcome = await pipeLimited(req, target, MAX_UPLOAD_BYTES);
      if (outcome !== 'ok') {
        // Nothing partial stays behind: not the file, not its folder.
        fs.rmSync(dir, { recursive: true, force: true });
        if (outcome === 'too-large')
          return sendJson(res, 413, { ok: false, error: { code: 'TOO_LARGE', message: 'El archivo es demasiado grande.' } });
        if (outcome === 'aborted') return void res.destroy();
        return sendJson(res, 400, { ok: false, error: { code: 'UPLOAD_FAILED', message: 'No se pudo guardar el archivo subido.' } });
      }
      return sendJson(res, 200, { ok: true, value: { path: target, name } });
    }
    return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'No existe.' } });
  }

  function serveStatic(pathname: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { ok: false, error: { code: 'METHOD', message: 'Método no permitido.' } });
    const root = path.resolve(options.staticDir);
    let rel = decodeURIComponent(pathname);
    if (rel === '/' || !path.extname(rel)) rel = '/index.html';
    const file = path.resolve(root, '.' + rel);
    if (file !== root && !file.startsWith(root + path.sep))
      return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'No existe.' } });
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(rel === '/index.html' ? 'La interfaz no está compilada: ejecute npm run build' : 'No existe');
        return;
      }
      res.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const oneTimeUrl = () => `${origin}/#code=${mintCode()}`;
  return {
    origin,
    port,
    token,
    url: oneTimeUrl(),
    oneTimeUrl,
    writeLauncher(dir) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
      const file = path.join(dir, `abrir-${crypto.randomBytes(8).toString('hex')}.html`);
      const link = `${origin}/#code=${mintCode(file)}`;
      const html =
        '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
        `<meta http-equiv="refresh" content="0;url=${link}"><title>Casilla Desktop</title>` +
        `<p>Abriendo Casilla Desktop… <a href="${link}">continuar</a></p>\n`;
      fs.writeFileSync(file, html, { mode: 0o600, flag: 'wx' });
      return file;
    },
    async close() {
      clearInterval(codeTimer);
      clearInterval(sweepTimer);
      for (const c of [...codes.keys()]) dropCode(c);
      unsubscribe();
      for (const c of running.values()) c.abort();
      for (const s of streams) s.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function setSecurityHeaders(res: http.ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length });
  res.end(data);
}

/** The whole body, or null when it exceeds `limit` (the rest is drained, not buffered). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

type UploadOutcome = 'ok' | 'too-large' | 'aborted' | 'failed';

/**
 * Streams the request body to `target` (0600). Every way it can end is handled: the limit, a client that goes
 * away, a write error (ENOSPC, ENAMETOOLONG...). The write stream is always closed; the caller removes partial files.
 */
function pipeLimited(req: http.IncomingMessage, target: string, limit: number): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let size = 0;
    const out = fs.createWriteStream(target, { mode: 0o600 });
    const finish = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (outcome === 'ok') return resolve('ok');
      out.destroy();
      req.resume(); // drain what is left, so the answer can still be sent
      out.once('close', () => resolve(outcome));
      if (out.closed) resolve(outcome);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) return finish('too-large');
      if (!out.write(c)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    };
    out.on('error', () => finish('failed'));
    req.on('data', onData);
    req.on('error', () => finish('aborted'));
    req.on('close', () => {
      if (!req.complete) finish('aborted');
    });
    req.on('end', () => {
      if (settled) return;
      out.end(() => {
        if (!settled) {
          settled = true;
          resolve('ok');
        }
      });
    });
  });
}

/** Keeps a file name's last path part, without control characters, at most MAX_NAME_BYTES of UTF-8; never empty. */
export function sanitizeFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_');
  if (!clean || clean === '.' || clean === '..') return 'archivo';
  if (Buffer.byteLength(clean) <= MAX_NAME_BYTES) return clean;
  // Too long: keep the extension and cut the stem on a character boundary.
  const ext = path.extname(clean);
  const keepExt = Buffer.byteLength(ext) <= 16 ? ext : '';
  let stem = '';
  for (const ch of clean.slice(0, clean.length - keepExt.length)) {
    if (Buffer.byteLength(stem + ch) + Buffer.byteLength(keepExt) > MAX_NAME_BYTES) break;
    stem += ch;
  }
  return (stem || 'archivo') + keepExt;
}
