/**
 * The sandbox HTTP server: the platform's endpoints under /notificador/ (Basic auth per institution, rate
 * limit, injected faults) and the trainer's endpoints under /sandbox/ (faults, messages, read, institutions,
 * webhooks, receipt files). Binds 127.0.0.1 only and answers only its own Host (DNS rebinding) and, when an
 * Origin is sent, its own Origin (other local pages). [ours] /sandbox/ needs the trainer token printed at start
 * (`Authorization: Bearer <token>`), except the receipt files, which carry their own HMAC token.
 */
import crypto from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { casillaErrorBody, type CasillaErrorCode } from '../core/casilla/errors';
import { formatRun, isValidRunBody } from '../core/casilla/identifiers';
import { sleep, TokenBucket } from '../core/casilla/rate-limiter';
import { planDelivery } from './delivery';
import { FaultInjector, FaultSpecError, formatFaultSpec, parseFaultSpec, type FaultDecision } from './faults';
import { basicCredentials, readSmallBody, sendError, sendJson } from './http-util';
import { httpDate, isMessageId } from './ids';
import { MultipartError } from './multipart';
import type { AttachmentVerifier, ReceiptSigner } from './ports';
import { buildReceiptPdf } from './receipt-pdf';
import { handleSendMessage } from './send-message';
import type { Institution, SandboxStore } from './store';
import { messageListView, messageStatusView, webhookView } from './views';
import type { WebhookDispatcher } from './webhooks';

export type SandboxServerDeps = {
  store: SandboxStore;
  faults: FaultInjector;
  ratePerSecond: number;
  emailDelayMs: number;
  webhooks: WebhookDispatcher;
  receiptSigner: ReceiptSigner | null;
  attachmentVerifier: AttachmentVerifier | null;
  /** Bearer token the trainer endpoints (/sandbox/*) require. */
  trainerToken: string;
};

const PLATFORM_PREFIX = '/notificador/';
/** The citizen's inbox, the `access_url` citizenPending answers. */
const INBOX_PREFIX = '/casilla/';

function assertNeverFault(x: never): never {
  throw new Error(`fallo desconocido: ${String(x)}`);
}

export class SandboxServer {
  private readonly server: http.Server;
  private readonly buckets = new Map<number, TokenBucket>();
  private settleTimer: NodeJS.Timeout | null = null;
  private baseUrlValue = '';

  constructor(private readonly deps: SandboxServerDeps) {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => this.internalError(res, err));
    });
    // A slow or stuck client must not hold a socket forever.
    this.server.requestTimeout = 120_000;
    this.server.headersTimeout = 30_000;
  }

  get baseUrl(): string {
    return this.baseUrlValue;
  }

  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    this.baseUrlValue = `http://127.0.0.1:${addr.port}`;
    this.settle();
    return this.baseUrlValue;
  }

  async close(): Promise<void> {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Settles due email deliveries, sends their webhooks, and arms a timer for the next one. */
  settle(): void {
    const { store } = this.deps;
    if (!store.db.open) return;
    for (const id of store.settleDue(Date.now())) this.notify(id);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    const next = store.nextDueAt();
    if (next !== null) {
      this.settleTimer = setTimeout(() => this.settle(), Math.max(0, next - Date.now()) + 5);
      this.settleTimer.unref();
    }
  }

  private notify(messageId: string): void {
    const { store } = this.deps;
    const m = store.message(messageId);
    if (!m?.webhook_url) return;
    const inst = store.institutionById(m.institution_id);
    if (inst) this.deps.webhooks.dispatch(m.webhook_url, inst.webhookSecret, webhookView(store, m));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = this.refuseForeign(req);
    if (refusal) {
      req.resume();
      return sendError(res, refusal.status, refusal.code, refusal.message);
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path.startsWith(PLATFORM_PREFIX)) return this.platform(req, res, path.slice(PLATFORM_PREFIX.length).split('/'));
    if (path.startsWith('/sandbox/receipts/')) return this.trainer(req, res, url);
    if (path.startsWith('/sandbox/')) {
      if (!this.trainerAuthorized(req)) {
        req.resume();
        return sendError(res, 401, 'UNAUTHORIZED', 'Falta el token del sandbox (se muestra al iniciarlo) o no es válido.', {
          'www-authenticate': 'Bearer realm="casilla-sandbox"',
        });
      }
      return this.trainer(req, res, url);
    }
    if (path.startsWith(INBOX_PREFIX)) return this.citizenInbox(req, res, path.slice(INBOX_PREFIX.length));
    if (path === '/' || path === '/health') return sendJson(res, 200, { service: 'casilla-sandbox', ok: true });
    req.resume();
    sendError(res, 404, 'NOT_FOUND', 'Ruta no encontrada.');
  }

  /** Host must be our own address (defeats DNS rebinding); an Origin, when sent, must be ours (other pages). */
  private refuseForeign(req: IncomingMessage): { status: number; code: string; message: string } | null {
    const port = (this.server.address() as AddressInfo | null)?.port ?? 0;
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!hosts.includes(req.headers.host ?? '')) return { status: 421, code: 'BAD_HOST', message: 'Host no permitido.' };
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`))
      return { status: 403, code: 'BAD_ORIGIN', message: 'Origen no permitido.' };
    return null;
  }

  private trainerAuthorized(req: IncomingMessage): boolean {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const a = crypto.createHash('sha256').update(given).digest();
    const b = crypto.createHash('sha256').update(this.deps.trainerToken).digest();
    return given.length > 0 && crypto.timingSafeEqual(a, b);
  }

  private authenticate(req: IncomingMessage): Institution | null {
    const creds = basicCredentials(req.headers.authorization);
    if (!creds) return null;
    const inst = this.deps.store.institutionByClientId(creds.clientId);
    if (!inst) return null;
    // Compare digests so the comparison is constant-time whatever the lengths.
    const a = crypto.createHash('sha256').update(creds.clientSecret).digest();
    const b = crypto.createHash('sha256').update(inst.clientSecret).digest();
    return crypto.timingSafeEqual(a, b) ? inst : null;
  }

  private bucketFor(inst: Institution): TokenBucket {
    let b = this.buckets.get(inst.id);
    if (!b) {
      b = new TokenBucket(this.deps.ratePerSecond);
      this.buckets.set(inst.id, b);
    }
    return b;
  }

  private async platform(req: IncomingMessage, res: ServerResponse, segments: string[]): Promise<void> {
    const [name, ...params] = segments;
    const route = matchPlatformRoute(req.method ?? 'GET', name ?? '', params.length);
    if (!route) {
      req.resume();
      return sendError(res, 404, 'NOT_FOUND', 'Ruta no encontrada.');
    }
    const inst = this.authenticate(req);
    if (!inst) {
      req.resume();
      return sendError(res, 401, 'UNAUTHORIZED', 'Credenciales de la institución no válidas.', {
        'www-authenticate': 'Basic realm="casilla-sandbox"',
      });
    }
    const allowed = this.bucketFor(inst).tryTake();
    if (!allowed.ok) {
      req.resume();
      return sendError(res, 429, 'RATE_LIMITED', 'Demasiadas solicitudes por segundo; reintente más tarde.', {
        'retry-after': String(Math.max(1, Math.ceil(allowed.retryAfterMs / 1000))),
      });
    }
    const fault = this.deps.faults.decide();
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.before === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.before === 'hang' && route === 'sendMessage') return this.hang(req);
    if (fault.before && fault.before !== 'hang') {
      req.resume();
      if (fault.before === 'storm429')
        return sendError(res, 429, 'RATE_LIMITED', 'Demasiadas solicitudes por segundo; reintente más tarde.', { 'retry-after': '1' });
      const status = fault.before === 'status503' ? 503 : 500;
      return sendError(
        res,
        status,
        status === 503 ? 'UNAVAILABLE' : 'INTERNAL',
        status === 503 ? 'Servicio no disponible temporalmente.' : 'Error interno del servidor.',
      );
    }
    this.settle();
    switch (route) {
      case 'sendMessage':
        return this.sendMessage(req, res, inst, fault);
      case 'messageStatus':
        if (fault.statusGarbage) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<html><body>Mantenimiento programado</body></html>');
          return;
        }
        return this.messageStatus(res, inst, params[0]!);
      case 'citizenPending':
        return this.citizenPending(res, params[0]!);
      case 'getProcedure':
        return sendJson(res, 200, {
          procedures: this.deps.store
            .procedures(inst.id)
            .map((p) => ({ code: p.code, name: p.name, stage: p.stage, stage_name: STAGE_NAMES[p.stage] ?? String(p.stage) })),
        });
      case 'getSignature':
        return sendJson(res, 200, {
          signatures: this.deps.store
            .signatures(inst.id)
            .map((s) => ({ body: s.body, name: s.name, uid: s.uid, updated_at: httpDate(s.updatedAt) })),
        });
      case 'getReceipt':
        return this.getReceipt(res, inst, params[0]!, params[1]!);
    }
  }

  private async sendMessage(req: IncomingMessage, res: ServerResponse, inst: Institution, fault: FaultDecision): Promise<void> {
    let outcome;
    try {
      outcome = await handleSendMessage(req, inst, {
        store: this.deps.store,
        verifier: this.deps.attachmentVerifier,
        emailDelayMs: this.deps.emailDelayMs,
        now: Date.now,
        honourIdempotencyKey: !this.deps.faults.spec.ignoreIdempotencyKey,
      });
    } catch (err) {
      if (err instanceof MultipartError)
        return sendError(res, err.status, err.status === 413 ? 'TOO_LARGE' : 'BAD_REQUEST', err.message, { connection: 'close' });
      throw err;
    }
    if (outcome.storedId) {
      this.settle();
      if (outcome.webhook) this.notify(outcome.webhook.messageId);
      switch (fault.afterStore) {
        case null:
          break;
        case 'drop':
          // "Accept then drop": committed above, and the client never hears about it.
          res.socket?.destroy();
          return;
        case 'status502':
          return sendError(res, 502, 'BAD_GATEWAY', 'Puerta de enlace incorrecta.');
        case 'status503':
          return sendError(res, 503, 'UNAVAILABLE', 'Servicio no disponible temporalmente.');
        case 'status429':
          return sendError(res, 429, 'RATE_LIMITED', 'Demasiadas solicitudes por segundo; reintente más tarde.', { 'retry-after': '1' });
        case 'hang':
          return this.hang(req);
        case 'garbage':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<html><body>Gateway says hello</body></html>');
          return;
        default:
          return assertNeverFault(fault.afterStore);
      }
    }
    sendJson(res, outcome.status, outcome.body, outcome.headers);
  }

  /** Never answers: the socket stays open until the client gives up (or the server closes). */
  private hang(req: IncomingMessage): Promise<void> {
    req.resume();
    return new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
  }

  /**
   * [ours] The citizen's `access_url` (from citizenPending), asked with an institution's credentials: that
   * institution's messages to this citizen, newest first, as JSON (id, subject, received_at, recipients). The
   * outbox's reconciler uses it to find a message whose answer was lost. Rate limit and faults apply as to the
   * platform's endpoints.
   */
  private async citizenInbox(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    req.resume();
    if ((req.method ?? 'GET') !== 'GET') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Método no permitido.');
    const run = parseRunParam(rest);
    if (run === null) return this.platformError(res, 'ERR023');
    const inst = this.authenticate(req);
    if (!inst) return sendError(res, 401, 'UNAUTHORIZED', 'Credenciales de la institución no válidas.');
    const allowed = this.bucketFor(inst).tryTake();
    if (!allowed.ok)
      return sendError(res, 429, 'RATE_LIMITED', 'Demasiadas solicitudes por segundo; reintente más tarde.', {
        'retry-after': String(Math.max(1, Math.ceil(allowed.retryAfterMs / 1000))),
      });
    if (this.deps.faults.spec.noInbox) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Casilla</title><p>Ingrese con su ClaveÚnica para ver sus notificaciones.</p>');
      return;
    }
    const { store } = this.deps;
    sendJson(res, 200, {
      rol_unico: run,
      messages: store.inboxFor(inst.id, run, 500).map((m) => ({
        message_data_id: m.id,
        subject: m.subject,
        received_at: httpDate(m.received_at),
        recipients: store.recipients(m.id).map((r) => r.rol_unico),
      })),
    });
  }

  private messageStatus(res: ServerResponse, inst: Institution, id: string): void {
    const m = isMessageId(id) ? this.deps.store.message(id) : null;
    if (!m || m.institution_id !== inst.id) return this.platformError(res, 'ERR022');
    sendJson(res, 200, messageStatusView(this.deps.store, inst, m));
  }

  private citizenPending(res: ServerResponse, rol: string): void {
    const run = parseRunParam(rol);
    if (run === null) return this.platformError(res, 'ERR023');
    const pending = this.deps.store.pendingFor(run);
    const ddu = planDelivery(run).ddu;
    sendJson(res, 200, {
      access_url: `${this.baseUrl}${INBOX_PREFIX}${run}`,
      current_ddu_type: ddu,
      result_message: `Consulta realizada para el RUN ${formatRun(run)}`,
      status: true,
      total_pending: pending,
    });
  }

  private getReceipt(res: ServerResponse, inst: Institution, id: string, rol: string): void {
    const m = isMessageId(id) ? this.deps.store.message(id) : null;
    if (!m || m.institution_id !== inst.id) return this.platformError(res, 'ERR022');
    const run = parseRunParam(rol);
    if (run === null) return this.platformError(res, 'ERR023');
    const r = this.deps.store.recipients(m.id).find((x) => x.rol_unico === run);
    if (!r) return this.platformError(res, 'ERR024');
    if (r.message_status !== 'delivered') return this.platformError(res, 'ERR025');
    sendJson(res, 200, { url: `${this.baseUrl}/sandbox/receipts/${m.id}/${run}.pdf?token=${receiptToken(inst, m.id, run)}` });
  }

  private platformError(res: ServerResponse, code: CasillaErrorCode): void {
    sendJson(res, 400, casillaErrorBody(code));
  }

  private async trainer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.slice('/sandbox/'.length).split('/');
    const method = req.method ?? 'GET';
    const { store } = this.deps;
    this.settle();
    if (parts[0] === 'faults' && parts.length === 1) {
      if (method === 'PUT' || method === 'POST') {
        const text = await readBodyOr400(req, res);
        if (text === null) return;
        let specText = text;
        try {
          const parsed: unknown = JSON.parse(text);
          if (parsed && typeof parsed === 'object' && typeof (parsed as { spec?: unknown }).spec === 'string')
            specText = (parsed as { spec: string }).spec;
        } catch {
          // Not JSON: the body is the spec itself (e.g. curl --data 'reset=0.1').
        }
        try {
          this.deps.faults.set(parseFaultSpec(specText));
        } catch (err) {
          if (err instanceof FaultSpecError) return sendError(res, 400, 'FAULT_SPEC_INVALID', err.message);
          throw err;
        }
      } else if (method !== 'GET') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Método no permitido.');
      return sendJson(res, 200, { spec: formatFaultSpec(this.deps.faults.spec), faults: this.deps.faults.spec });
    }
    if (parts[0] === 'messages' && parts.length === 1 && method === 'GET') {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 200) || 200));
      return sendJson(res, 200, { messages: store.listMessages(limit).map((m) => messageListView(store, m)) });
    }
    if (parts[0] === 'read' && parts.length === 1 && method === 'POST') {
      const text = await readBodyOr400(req, res);
      if (text === null) return;
      const body = safeJson(text);
      const id = typeof body['message_data_id'] === 'string' ? body['message_data_id'] : '';
      const run = parseRunParam(String(body['rol_unico'] ?? ''));
      if (!isMessageId(id) || run === null) return sendError(res, 400, 'BAD_REQUEST', 'Se esperan message_data_id (24 hex) y rol_unico.');
      const r = store.markRead(id, run, Date.now());
      if (r === 'not-found') return sendError(res, 404, 'NOT_FOUND', 'Ese destinatario no tiene ese mensaje.');
      if (r === 'not-casilla')
        return sendError(res, 409, 'NOT_CASILLA', 'Solo los mensajes entregados en casilla se pueden marcar como leídos.');
      this.notify(id);
      return sendJson(res, 200, { ok: true });
    }
    if (parts[0] === 'institutions') return this.institutions(req, res, method, parts.slice(1));
    if (parts[0] === 'webhooks' && parts.length === 1 && method === 'GET')
      return sendJson(res, 200, { attempts: this.deps.webhooks.attempts() });
    if (parts[0] === 'receipts' && parts.length === 3 && method === 'GET')
      return this.receiptFile(res, parts[1]!, parts[2]!, url.searchParams.get('token') ?? '');
    req.resume();
    sendError(res, 404, 'NOT_FOUND', 'Ruta no encontrada.');
  }

  private async institutions(req: IncomingMessage, res: ServerResponse, method: string, rest: string[]): Promise<void> {
    const { store } = this.deps;
    const view = (i: Institution) => ({
      name: i.name,
      client_id: i.clientId,
      client_secret: i.clientSecret,
      webhook_secret: i.webhookSecret,
      logo_configured: i.logoConfigured,
      message_types: i.messageTypes,
      demo: i.isDemo,
      procedures: store.procedures(i.id),
      signatures: store.signatures(i.id).map((s) => ({ uid: s.uid, name: s.name })),
    });
    if (rest.length === 0 && method === 'GET') return sendJson(res, 200, { institutions: store.listInstitutions().map(view) });
    const text = await readBodyOr400(req, res);
    if (text === null) return;
    const body = safeJson(text);
    const types = Array.isArray(body['message_types'])
      ? body['message_types'].filter((t): t is string => typeof t === 'string')
      : undefined;
    if (rest.length === 0 && method === 'POST') {
      const name = typeof body['name'] === 'string' && body['name'].trim() ? body['name'].trim().slice(0, 200) : 'Institución de prueba';
      const procs = Array.isArray(body['procedures'])
        ? body['procedures'].flatMap((p: unknown) =>
            p && typeof p === 'object' && typeof (p as { code?: unknown }).code === 'string'
              ? [{ code: (p as { code: string }).code, name: String((p as { name?: unknown }).name ?? (p as { code: string }).code) }]
              : [],
          )
        : [{ code: 'PA-0001', name: 'Procedimiento sancionatorio' }];
      const inst = store.createInstitution({
        name,
        logoConfigured: body['logo_configured'] !== false,
        messageTypes: types ?? ['NT', 'CP', 'CI'],
        procedures: procs,
        signatures: [{ name: 'Firma institucional', body: `<p>${escapeHtml(name)}</p>` }],
      });
      return sendJson(res, 201, view(inst));
    }
    if (rest.length === 1 && method === 'PATCH') {
      const patch = {
        ...(typeof body['logo_configured'] === 'boolean' ? { logoConfigured: body['logo_configured'] } : {}),
        ...(types ? { messageTypes: types } : {}),
      };
      const inst = store.updateInstitution(rest[0]!, patch);
      if (!inst) return sendError(res, 404, 'NOT_FOUND', 'Institución desconocida.');
      return sendJson(res, 200, view(inst));
    }
    sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Método no permitido.');
  }

  private async receiptFile(res: ServerResponse, id: string, file: string, token: string): Promise<void> {
    const { store } = this.deps;
    const m = isMessageId(id) ? store.message(id) : null;
    const run = parseRunParam(file.replace(/\.pdf$/, ''));
    const inst = m ? store.institutionById(m.institution_id) : undefined;
    const expected = inst && run !== null ? receiptToken(inst, id, run) : '';
    if (
      !m ||
      !inst ||
      run === null ||
      token.length !== expected.length ||
      !crypto.timingSafeEqual(Buffer.from(token), Buffer.from(expected))
    ) {
      return sendError(res, 404, 'NOT_FOUND', 'Comprobante no encontrado.');
    }
    const r = store.recipients(m.id).find((x) => x.rol_unico === run);
    if (!r || r.message_status !== 'delivered') return sendError(res, 404, 'NOT_FOUND', 'Comprobante no disponible.');
    let pdf = buildReceiptPdf({
      institution: inst.name,
      messageId: m.id,
      run: formatRun(run),
      subject: m.subject,
      dduType: r.ddu_type,
      status: r.message_status,
      receivedAt: httpDate(m.received_at),
      deliveredAt: r.delivered_at === null ? null : httpDate(r.delivered_at),
      readAt: r.read_at === null ? null : httpDate(r.read_at),
      generatedAt: httpDate(Date.now()),
    });
    if (this.deps.receiptSigner) pdf = await this.deps.receiptSigner.signReceipt(pdf);
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': pdf.length,
      'content-disposition': `attachment; filename="comprobante-${m.id}-${run}.pdf"`,
    });
    res.end(pdf);
  }

  private internalError(res: ServerResponse, err: unknown): void {
    // The sandbox must answer, not crash: an unexpected failure becomes a 500 the client can classify.
    process.stderr.write(`sandbox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Error interno del servidor.');
    else res.destroy();
  }
}

const STAGE_NAMES: Record<number, string> = { 1: 'Inicio', 2: 'Instrucción', 3: 'Finalización' };

type PlatformRoute = 'sendMessage' | 'messageStatus' | 'citizenPending' | 'getProcedure' | 'getSignature' | 'getReceipt';

function matchPlatformRoute(method: string, name: string, params: number): PlatformRoute | null {
  if (method === 'POST' && name === 'sendMessage' && params === 0) return 'sendMessage';
  if (method !== 'GET') return null;
  if (name === 'messageStatus' && params === 1) return 'messageStatus';
  if (name === 'citizenPending' && params === 1) return 'citizenPending';
  if (name === 'getProcedure' && params === 0) return 'getProcedure';
  if (name === 'getSignature' && params === 0) return 'getSignature';
  if (name === 'getReceipt' && params === 2) return 'getReceipt';
  return null;
}

/** A RUN body in a path: digits only, 1..99,999,999. */
function parseRunParam(text: string): number | null {
  if (!/^\d{1,8}$/.test(text)) return null;
  const n = Number(text);
  return isValidRunBody(n) ? n : null;
}

function receiptToken(inst: Institution, id: string, run: number): string {
  return crypto.createHmac('sha256', inst.clientSecret).update(`${id}/${run}`).digest('hex').slice(0, 32);
}

async function readBodyOr400(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
  try {
    return await readSmallBody(req);
  } catch {
    sendError(res, 413, 'TOO_LARGE', 'Cuerpo demasiado grande.');
    return null;
  }
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
