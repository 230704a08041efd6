/**
 * ONE function that turns whatever happened to a call into what the sender must do next:
 *
 *   accepted         2xx with a body we understand
 *   retryable        nothing was stored for sure (connection refused before sending; for reads: 5xx, timeout)
 *   rate-limited     429 to a read: wait `retryAfterMs` (from Retry-After, seconds or HTTP-date)
 *   permanent        the platform refused (ERR0xx with its Spanish text, auth, 404, 413, 422): do not retry
 *   unknown-outcome  an upload (sendMessage) that failed in any other way after it began — timeout, reset, any
 *                    5xx, 408/425, a 429 (a gateway may answer it after the platform stored the body), a 2xx we
 *                    cannot read — so the message MAY be stored: never retry blindly, reconcile (casilla-api.md
 *                    "The one trap"). `retryAfterMs` rides along when the answer had one.
 *
 * Retry delays are exponential backoff with full jitter: random(0, min(cap, base·2^attempt)).
 *
 * `reason` is the Spanish sentence for logs; `why` is the same as a code with parameters (api/outbox.ts), which
 * is what the outbox records and the UI and the CLI word in the user's language.
 */
import type { OutboxReason } from '../../api/outbox';
import { casillaErrorText, isCasillaErrorCode } from './errors';

export type Outcome<T> =
  | { kind: 'accepted'; value: T; status: number; replayed: boolean }
  | { kind: 'retryable'; delayMs: number; reason: string; why: OutboxReason; status?: number }
  | { kind: 'rate-limited'; retryAfterMs: number; status: number }
  | { kind: 'permanent'; code: string; message: string; status: number }
  | { kind: 'unknown-outcome'; reason: string; why: OutboxReason; status?: number; retryAfterMs?: number };

/** What happened, as observed by the client. */
export type CallObservation =
  | { type: 'response'; status: number; retryAfter: string | null; replayed: boolean; body: unknown; bodyValid: boolean }
  | { type: 'failure'; error: unknown; timedOut: boolean };

export type ClassifyContext = {
  /** True for sendMessage: the request changes server state, so a lost answer is an unknown outcome. */
  unsafe: boolean;
  /** 0 for the first attempt; drives the backoff. */
  attempt: number;
  backoff?: { baseMs: number; capMs: number };
  random?: () => number;
  now?: () => number;
};

export const DEFAULT_BACKOFF: { baseMs: number; capMs: number } = { baseMs: 1000, capMs: 5 * 60 * 1000 };
const DEFAULT_RETRY_AFTER_MS = 1000;

// Errors that prove the request never reached a server: safe to retry even for an upload.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function backoffDelay(attempt: number, backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP-date; null or garbage → the default. */
export function parseRetryAfter(value: string | null, now: () => number = Date.now): number {
  if (value === null) return DEFAULT_RETRY_AFTER_MS;
  const v = value.trim();
  if (/^\d{1,7}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (!Number.isNaN(at)) return Math.max(0, at - now());
  return DEFAULT_RETRY_AFTER_MS;
}

/** The network error code, looking through fetch's `TypeError('fetch failed', {cause})` chain. */
export function networkErrorCode(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

export function classifyOutcome<T>(obs: CallObservation, ctx: ClassifyContext): Outcome<T> {
  const retry = (reason: string, why: OutboxReason, status?: number, retryAfter?: string | null): Outcome<T> => ({
    kind: 'retryable',
    delayMs: retryAfter ? parseRetryAfter(retryAfter, ctx.now) : backoffDelay(ctx.attempt, ctx.backoff, ctx.random),
    reason,
    why,
    ...(status !== undefined ? { status } : {}),
  });

  if (obs.type === 'failure') {
    const code = networkErrorCode(obs.error);
    if (code !== null && NOT_SENT_CODES.has(code)) return retry(`sin conexión (${code})`, { code: 'offline', params: { net: code } });
    const what = obs.timedOut ? 'tiempo de espera agotado' : `conexión interrumpida (${code ?? errorText(obs.error)})`;
    const why: OutboxReason = obs.timedOut
      ? { code: 'timeout' }
      : { code: 'connection_interrupted', params: { net: code ?? errorText(obs.error).slice(0, 80) } };
    if (ctx.unsafe) return { kind: 'unknown-outcome', reason: what, why };
    return retry(what, why);
  }

  const { status } = obs;
  if (status >= 200 && status < 300) {
    if (obs.bodyValid) return { kind: 'accepted', value: obs.body as T, status, replayed: obs.replayed };
    // A 2xx we cannot read: for an upload the platform probably stored it, we just do not know its id.
    const why: OutboxReason = { code: 'answer_unreadable', params: { status } };
    if (ctx.unsafe) return { kind: 'unknown-outcome', reason: `respuesta ${status} ilegible`, why };
    return retry(`respuesta ${status} ilegible`, why, status);
  }
  // One rule for uploads: once the body may have reached the platform, only an answer the platform itself gave
  // about THIS request (2xx we can read, or a refusal with its reason) is an outcome; anything else is unknown.
  if (ctx.unsafe && (status === 429 || status === 408 || status === 425 || status >= 500))
    return {
      kind: 'unknown-outcome',
      reason:
        status === 429
          ? 'límite de solicitudes (429) después de enviar el mensaje'
          : `el servidor respondió ${status} después de recibir el mensaje`,
      why: status === 429 ? { code: 'rate_limited_after_upload' } : { code: 'server_error_after_upload', params: { status } },
      status,
      ...(obs.retryAfter !== null ? { retryAfterMs: parseRetryAfter(obs.retryAfter, ctx.now) } : {}),
    };
  if (status === 429) return { kind: 'rate-limited', retryAfterMs: parseRetryAfter(obs.retryAfter, ctx.now), status };
  if (status === 408 || status === 425 || status >= 500)
    return retry(`el servidor respondió ${status}`, { code: 'server_error', params: { status } }, status, obs.retryAfter);

  const err = errorBody(obs.body);
  if (err && isCasillaErrorCode(err.code)) return { kind: 'permanent', code: err.code, message: casillaErrorText(err.code), status };
  if (status === 401 || status === 403)
    return {
      kind: 'permanent',
      code: 'UNAUTHORIZED',
      message: 'La casilla rechazó las credenciales de la institución (client_id / client_secret).',
      status,
    };
  if (status === 422)
    return { kind: 'permanent', code: 'IDEMPOTENCY_KEY_REUSED', message: 'La clave de idempotencia ya se usó con otro contenido.', status };
  if (status === 404)
    return { kind: 'permanent', code: err?.code ?? 'NOT_FOUND', message: 'La casilla no reconoce esta ruta o recurso.', status };
  return {
    kind: 'permanent',
    code: err?.code ?? `HTTP_${status}`,
    message: err?.message ?? `La casilla rechazó la solicitud (HTTP ${status}).`,
    status,
  };
}

function errorBody(body: unknown): { code: string; message: string } | null {
  if (!body || typeof body !== 'object') return null;
  const e = (body as { error?: unknown }).error;
  if (!e || typeof e !== 'object') return null;
  const code = (e as { code?: unknown }).code;
  const message = (e as { message?: unknown }).message;
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : code } : null;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
