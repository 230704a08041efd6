/**
 * POST /notificador/sendMessage: reads the multipart body, replays or refuses a reused Idempotency-Key,
 * applies the shared rules (core/casilla/rules), ERR021 through the attachment verifier, ERR031 against the
 * last 5 minutes, then stores the message, its recipients and its idempotency record in one transaction.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { casillaErrorBody, firstByTableOrder, type CasillaErrorCode } from '../core/casilla/errors';
import { checkSendMessage, parseDataPart, type SendMessageData } from '../core/casilla/rules';
import { httpDate, newMessageId } from './ids';
import { readSendMessageForm } from './multipart';
import type { AttachmentVerifier } from './ports';
import type { Institution, SandboxStore } from './store';

export const DUPLICATE_WINDOW_MS = 5 * 60 * 1000;

/** The answer to give; `storedId` when a message was committed (so a drop-after-commit fault can follow). */
export type SendOutcome = {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  storedId?: string;
  webhook?: { url: string; messageId: string };
};

export type SendDeps = {
  store: SandboxStore;
  verifier: AttachmentVerifier | null;
  emailDelayMs: number;
  now: () => number;
  /** false = like the real platform: the key is recorded for the trainer's eyes but never replayed. */
  honourIdempotencyKey?: boolean;
};

/** The draft's Idempotency-Key is an sf-string ("...") ; we also accept it bare. At most 255 visible characters. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null | 'invalid' {
  if (header === undefined) return null;
  const raw = (Array.isArray(header) ? header[0]! : header).trim();
  const key = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) return 'invalid';
  return key;
}

function sha256(data: Uint8Array | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** What ERR031 compares: the message as the citizen would see it, and the attachments' bytes. */
function contentHash(data: SendMessageData, attachmentHashes: string[]): string {
  const canonical = JSON.stringify([
    data.recipients.map((r) => r.rol_unico).sort((a, b) => a - b),
    data.message_type,
    data.procedure_code ?? null,
    data.procedure_stage ?? null,
    data.signature_uid ?? null,
    data.subject,
    data.content,
    data.content_type,
    attachmentHashes,
  ]);
  return sha256(canonical);
}

export async function handleSendMessage(req: IncomingMessage, inst: Institution, deps: SendDeps): Promise<SendOutcome> {
  const received = parseIdempotencyKey(req.headers['idempotency-key']);
  const honour = deps.honourIdempotencyKey !== false;
  if (!honour) {
    const form = await readSendMessageForm(req);
    return handleForm(form, inst, deps, null, received === 'invalid' ? null : received);
  }
  const key = received;
  if (key === 'invalid') {
    req.resume();
    return {
      status: 400,
      body: {
        error: { code: 'IDEMPOTENCY_KEY_INVALID', message: 'La cabecera Idempotency-Key no es válida (1 a 255 caracteres visibles).' },
      },
    };
  }
  const form = await readSendMessageForm(req);
  return handleForm(form, inst, deps, key, key);
}

async function handleForm(
  form: Awaited<ReturnType<typeof readSendMessageForm>>,
  inst: Institution,
  deps: SendDeps,
  key: string | null,
  recordedKey: string | null,
): Promise<SendOutcome> {
  const attachmentHashes = form.files.map((f) => sha256(f.bytes) + (f.complete ? '' : `:${f.size}`));
  const requestHash = sha256(JSON.stringify([form.data ?? null, form.files.map((f, i) => [f.name, f.size, attachmentHashes[i]])]));

  if (key) {
    const replay = replayFor(deps.store, inst, key, requestHash);
    if (replay) return replay;
  }

  const raw = form.dataTooLarge ? {} : parseDataPart(form.data);
  const checked = checkSendMessage(
    raw,
    form.files.map((f) => ({ name: f.name, bytes: f.bytes, size: f.size })),
    deps.store.profile(inst),
  );
  const problems: CasillaErrorCode[] = checked.ok ? [] : [...checked.all];
  if (deps.verifier) {
    for (const f of form.files) {
      if (!f.complete || !/\.pdf$/i.test(f.name) || !f.bytes.subarray(0, 1024).includes('%PDF-')) continue;
      const verdict = await deps.verifier.verifyPdf(f.bytes);
      if (verdict === 'altered' || verdict === 'revoked') {
        problems.push('ERR021');
        break;
      }
    }
  }
  // From here to the insert nothing awaits: a concurrent request with the same key that finished while this
  // one was reading or verifying is seen now, and replayed instead of meeting ERR031.
  if (key) {
    const replay = replayFor(deps.store, inst, key, requestHash);
    if (replay) return replay;
  }
  const now = deps.now();
  if (
    checked.ok &&
    problems.length === 0 &&
    deps.store.hasDuplicate(inst.id, contentHash(checked.data, attachmentHashes), now - DUPLICATE_WINDOW_MS)
  )
    problems.push('ERR031');
  const first = firstByTableOrder(problems);
  if (first || !checked.ok) return { status: 400, body: casillaErrorBody(first!) };

  const id = newMessageId(now);
  const answer = { message_data_id: id, sent_at: httpDate(now), status: 'pending' };
  try {
    deps.store.insertMessage({
      id,
      institutionId: inst.id,
      receivedAt: now,
      subject: checked.data.subject,
      data: JSON.stringify(checked.data),
      webhookUrl: checked.data.webhook_url ?? null,
      idempotencyKey: recordedKey,
      contentHash: contentHash(checked.data, attachmentHashes),
      recipients: checked.data.recipients.map((r) => r.rol_unico),
      attachments: form.files.map((f, i) => ({
        name: f.name,
        size: f.size,
        kind: checked.kinds[i] ?? 'unknown',
        sha256: attachmentHashes[i]!,
      })),
      emailDelayMs: deps.emailDelayMs,
      idempotency: key ? { requestHash, status: 200, body: JSON.stringify(answer) } : null,
    });
  } catch (err) {
    // Two requests with the same key raced past the lookup: the loser's transaction rolled back whole, and
    // it answers as a later retry would.
    const replay = key && isConstraintError(err) ? replayFor(deps.store, inst, key, requestHash) : null;
    if (replay) return replay;
    throw err;
  }
  return {
    status: 200,
    body: answer,
    storedId: id,
    ...(checked.data.webhook_url ? { webhook: { url: checked.data.webhook_url, messageId: id } } : {}),
  };
}

/** The stored answer for a reused key: replayed when the payload is the same, 422 when it differs. */
function replayFor(store: SandboxStore, inst: Institution, key: string, requestHash: string): SendOutcome | null {
  const previous = store.idempotencyRecord(inst.id, key);
  if (!previous) return null;
  if (previous.request_hash !== requestHash) {
    return {
      status: 422,
      body: { error: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'La clave de idempotencia ya se usó con otro contenido.' } },
    };
  }
  return { status: previous.status, body: JSON.parse(previous.body) as unknown, headers: { 'idempotent-replayed': 'true' } };
}

function isConstraintError(err: unknown): boolean {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}
