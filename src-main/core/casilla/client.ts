/**
 * The typed client of the casilla platform (casilla-api.md), on global fetch (undici). Every call waits on a
 * client-side token bucket (6/s by default), has its own timeout and honours the caller's AbortSignal, and
 * returns a classified `Outcome` (classify.ts) instead of throwing: the outbox switches on `kind`.
 * Only a caller's own abort is thrown (as the signal's reason), except for an upload already under way,
 * which is reported as `unknown-outcome` because the message may have been stored.
 */
import { z } from 'zod';
import { classifyOutcome, type CallObservation, type ClassifyContext, type Outcome } from './classify';
import { TokenBucket } from './rate-limiter';
import type { SendMessageData } from './rules';

export type CasillaClientOptions = {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** [ours] Basic by default; `none` for a node that authenticates by network. */
  authScheme?: 'basic' | 'none';
  /** Per call, unless the call says otherwise (default 30 s; uploads get `uploadTimeoutMs`, default 120 s). */
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  ratePerSecond?: number;
  /** Bound on any JSON answer; a larger one is treated as unreadable. */
  maxResponseBytes?: number;
};

export type CallOptions = { signal?: AbortSignal; timeoutMs?: number; attempt?: number };

export type OutgoingAttachment = { name: string; bytes: Uint8Array; contentType?: string };

const sendAccepted = z.object({ message_data_id: z.string().regex(/^[0-9a-f]{24}$/), sent_at: z.string(), status: z.string() });
export type SendAccepted = z.infer<typeof sendAccepted>;

const recipientStatus = z.object({
  ddu_type: z.string(),
  message_status: z.string(),
  method: z.string().optional(),
  delivered_at: z.string().nullable().optional(),
  read_at: z.string().nullable().optional(),
});

const messageStatusWire = z
  .object({
    entity_id: z.union([z.string(), z.number()]).optional(),
    message_data_id: z.string(),
    received_at: z.string().optional(),
    status: z.string(),
    subject: z.string().optional(),
    recipents_counts: z.number().optional(),
    recipents_count: z.number().optional(),
    recipients_count: z.number().optional(),
    recipients: z.record(z.string(), recipientStatus),
  })
  .transform((w) => ({
    entityId: w.entity_id === undefined ? null : String(w.entity_id),
    messageDataId: w.message_data_id,
    receivedAt: w.received_at ?? null,
    status: w.status,
    subject: w.subject ?? null,
    // The official example spells it `recipents_counts`; other documents differ. Read all, trust the map last.
    recipientsCount: w.recipents_counts ?? w.recipents_count ?? w.recipients_count ?? Object.keys(w.recipients).length,
    recipients: Object.fromEntries(
      Object.entries(w.recipients).map(([run, r]) => [
        run,
        {
          dduType: r.ddu_type,
          messageStatus: r.message_status,
          method: r.method ?? null,
          deliveredAt: r.delivered_at ?? null,
          readAt: r.read_at ?? null,
        },
      ]),
    ),
  }));
export type MessageStatus = z.infer<typeof messageStatusWire>;

const citizenPending = z.object({
  access_url: z.string(),
  current_ddu_type: z.string(),
  result_message: z.string(),
  status: z.boolean(),
  total_pending: z.number(),
});
export type CitizenPending = z.infer<typeof citizenPending>;

const procedures = z.object({
  procedures: z.array(z.object({ code: z.string(), name: z.string(), stage: z.union([z.number(), z.string()]), stage_name: z.string() })),
});
export type Procedures = z.infer<typeof procedures>;

const signatures = z.object({
  signatures: z.array(z.object({ body: z.string(), name: z.string(), uid: z.string(), updated_at: z.string() })),
});
export type Signatures = z.infer<typeof signatures>;

const inbox = z.object({
  messages: z
    .array(
      z.object({
        message_data_id: z.string().regex(/^[0-9a-f]{24}$/),
        subject: z.string(),
        received_at: z.string(),
        recipients: z.array(z.number()).optional(),
      }),
    )
    .max(5000),
});
/** [ours] What the citizen's `access_url` lists when asked with the institution's credentials (the sandbox). */
export type CitizenInbox = z.infer<typeof inbox>;

/** The platform's own clock: its `Date` header, tied to our monotonic clock when it arrived. */
export type PlatformClockSample = { platformMs: number; monoMs: number };

const receipt = z.object({ url: z.string().url() });
export type ReceiptLink = z.infer<typeof receipt>;

const DEFAULTS = { timeoutMs: 30_000, uploadTimeoutMs: 120_000, ratePerSecond: 6, maxResponseBytes: 5 * 1024 * 1024 } as const;
const MAX_RECEIPT_BYTES = 20 * 1024 * 1024;

export class CasillaClient {
  readonly limiter: TokenBucket;
  private readonly base: string;
  private clock: PlatformClockSample | null = null;

  constructor(private readonly options: CasillaClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '') + '/notificador/';
    // No burst on our side: calls are spaced evenly, so network jitter can never bunch them past the
    // server's per-second window (which does allow a burst).
    this.limiter = new TokenBucket(options.ratePerSecond ?? rateFromEnvironment() ?? DEFAULTS.ratePerSecond, { burst: 1 });
  }

  /** POST sendMessage with the `data` JSON part and one `attachments` part per file. */
  sendMessage(
    data: SendMessageData | Record<string, unknown>,
    attachments: readonly OutgoingAttachment[],
    opts: CallOptions & { idempotencyKey?: string } = {},
  ): Promise<Outcome<SendAccepted>> {
    return this.call('sendMessage', sendAccepted, {
      method: 'POST',
      unsafe: true,
      opts,
      body: () => {
        const form = new FormData();
        form.append('data', JSON.stringify(data));
        for (const a of attachments)
          form.append('attachments', new Blob([a.bytes], { type: a.contentType ?? 'application/octet-stream' }), a.name);
        return form;
      },
      headers: opts.idempotencyKey ? { 'idempotency-key': `"${opts.idempotencyKey}"` } : {},
      timeoutMs: opts.timeoutMs ?? this.options.uploadTimeoutMs ?? DEFAULTS.uploadTimeoutMs,
    });
  }

  messageStatus(messageDataId: string, opts: CallOptions = {}): Promise<Outcome<MessageStatus>> {
    return this.get(`messageStatus/${encodeURIComponent(messageDataId)}`, messageStatusWire, opts);
  }

  citizenPending(rolUnico: number, opts: CallOptions = {}): Promise<Outcome<CitizenPending>> {
    return this.get(`citizenPending/${encodeURIComponent(String(rolUnico))}`, citizenPending, opts);
  }

  /**
   * The platform's time now, from the last `Date` header it sent plus our monotonic clock since then (never the
   * wall clock, which the user or faketime may move); null when no answer carried a usable Date in the last
   * `maxAgeMs`. HTTP-dates have a resolution of one second.
   */
  platformNow(maxAgeMs = 60_000): number | null {
    if (!this.clock) return null;
    const age = performance.now() - this.clock.monoMs;
    return age <= maxAgeMs ? this.clock.platformMs + age : null;
  }

  /** Asks the platform for its time (a cheap read) when no recent answer told it; null if it cannot say. */
  async platformTime(opts: CallOptions = {}): Promise<number | null> {
    const known = this.platformNow();
    if (known !== null) return known;
    await this.getProcedure(opts);
    return this.platformNow();
  }

  /**
   * [ours] Follows a citizen's `access_url` (from citizenPending) with the institution's credentials and reads the
   * JSON list of this institution's messages to that citizen. Only on the backend's own origin (credentials never
   * go elsewhere); an answer that is not that list (the real platform's web page) is `permanent` `NO_INBOX`.
   */
  async citizenInbox(accessUrl: string, opts: CallOptions = {}): Promise<Outcome<CitizenInbox>> {
    let url: URL;
    try {
      url = new URL(accessUrl);
    } catch {
      return { kind: 'permanent', code: 'NO_INBOX', message: 'La casilla no entregó una dirección de bandeja legible.', status: 0 };
    }
    if (url.origin !== new URL(this.base).origin)
      return { kind: 'permanent', code: 'NO_INBOX', message: 'La bandeja del ciudadano está en otro servidor.', status: 0 };
    const outcome = await this.call(url.toString(), inbox, {
      method: 'GET',
      unsafe: false,
      opts,
      headers: {},
      timeoutMs: opts.timeoutMs ?? this.options.timeoutMs ?? DEFAULTS.timeoutMs,
      absolute: true,
    });
    if (outcome.kind === 'retryable' && outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300)
      return {
        kind: 'permanent',
        code: 'NO_INBOX',
        message: 'La casilla no ofrece una lista de mensajes por ciudadano.',
        status: outcome.status,
      };
    return outcome;
  }

  getProcedure(opts: CallOptions = {}): Promise<Outcome<Procedures>> {
    return this.get('getProcedure', procedures, opts);
  }

  getSignature(opts: CallOptions = {}): Promise<Outcome<Signatures>> {
    return this.get('getSignature', signatures, opts);
  }

  getReceipt(messageDataId: string, rolUnico: number, opts: CallOptions = {}): Promise<Outcome<ReceiptLink>> {
    return this.get(`getReceipt/${encodeURIComponent(messageDataId)}/${encodeURIComponent(String(rolUnico))}`, receipt, opts);
  }

  /** Downloads the receipt PDF the platform linked to (no auth: the link itself is the capability). */
  async downloadReceipt(url: string, opts: CallOptions = {}): Promise<Outcome<Buffer>> {
    const ctx: ClassifyContext = { unsafe: false, attempt: opts.attempt ?? 0 };
    const { signal, cleanup, timedOut } = this.deadline(opts.signal, opts.timeoutMs ?? this.options.timeoutMs ?? DEFAULTS.timeoutMs);
    try {
      const res = await fetch(url, { signal });
      const bytes = await readBounded(res, MAX_RECEIPT_BYTES);
      const isPdf = bytes !== null && bytes.subarray(0, 5).toString('latin1') === '%PDF-';
      return classifyOutcome<Buffer>(
        {
          type: 'response',
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          replayed: false,
          body: res.ok && isPdf ? bytes : safeParse(bytes),
          bodyValid: res.ok && isPdf,
        },
        ctx,
      );
    } catch (error) {
      opts.signal?.throwIfAborted();
      return classifyOutcome<Buffer>({ type: 'failure', error, timedOut: timedOut() }, ctx);
    } finally {
      cleanup();
    }
  }

  private get<S extends z.ZodType>(path: string, schema: S, opts: CallOptions): Promise<Outcome<z.output<S>>> {
    return this.call(path, schema, {
      method: 'GET',
      unsafe: false,
      opts,
      headers: {},
      timeoutMs: opts.timeoutMs ?? this.options.timeoutMs ?? DEFAULTS.timeoutMs,
    });
  }

  private async call<S extends z.ZodType>(
    path: string,
    schema: S,
    req: {
      method: 'GET' | 'POST';
      unsafe: boolean;
      opts: CallOptions;
      body?: () => FormData;
      headers: Record<string, string>;
      timeoutMs: number;
      absolute?: boolean;
    },
  ): Promise<Outcome<z.output<S>>> {
    const ctx: ClassifyContext = { unsafe: req.unsafe, attempt: req.opts.attempt ?? 0 };
    await this.limiter.take(req.opts.signal);
    const { signal, cleanup, timedOut } = this.deadline(req.opts.signal, req.timeoutMs);
    let obs: CallObservation;
    try {
      const res = await fetch(req.absolute ? path : this.base + path, {
        method: req.method,
        headers: { accept: 'application/json', ...this.authHeader(), ...req.headers },
        ...(req.body ? { body: req.body() } : {}),
        signal,
        redirect: 'error',
      });
      this.observeDate(res.headers.get('date'));
      const bytes = await readBounded(res, this.options.maxResponseBytes ?? DEFAULTS.maxResponseBytes);
      const body = safeParse(bytes);
      const parsed = res.ok ? schema.safeParse(body) : null;
      obs = {
        type: 'response',
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        replayed: res.headers.get('idempotent-replayed') === 'true',
        body: parsed?.success ? parsed.data : body,
        bodyValid: Boolean(parsed?.success),
      };
    } catch (error) {
      // The caller's own cancel of a read is not an outcome; of an upload it is (the server may have it).
      if (req.opts.signal?.aborted && !req.unsafe) throw req.opts.signal.reason;
      obs = { type: 'failure', error, timedOut: timedOut() || Boolean(req.opts.signal?.aborted) };
    } finally {
      cleanup();
    }
    const outcome = classifyOutcome<z.output<S>>(obs, ctx);
    if (outcome.kind === 'rate-limited') this.limiter.pause(outcome.retryAfterMs);
    if (outcome.kind === 'unknown-outcome' && outcome.status === 429) this.limiter.pause(outcome.retryAfterMs ?? 1000);
    return outcome;
  }

  private observeDate(header: string | null): void {
    if (!header) return;
    const t = Date.parse(header);
    // Only plausible dates (2020..2100): a broken header must not move our idea of the platform's time.
    if (Number.isNaN(t) || t < 1_577_836_800_000 || t > 4_102_444_800_000) return;
    // The header is truncated to the second: the platform's true time is in [t, t+1000); take the middle.
    this.clock = { platformMs: t + 500, monoMs: performance.now() };
  }

  private authHeader(): Record<string, string> {
    if (this.options.authScheme === 'none') return {};
    return { authorization: 'Basic ' + Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`, 'utf8').toString('base64') };
  }

  /** Combines the caller's signal with a per-call timeout; tells afterwards whether the timeout fired. */
  private deadline(outer: AbortSignal | undefined, ms: number): { signal: AbortSignal; cleanup: () => void; timedOut: () => boolean } {
    const controller = new AbortController();
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
      controller.abort(new DOMException('La casilla no respondió a tiempo', 'TimeoutError'));
    }, ms);
    const onAbort = () => controller.abort(outer!.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', onAbort, { once: true });
    return {
      signal: controller.signal,
      cleanup: () => {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onAbort);
      },
      timedOut: () => fired,
    };
  }
}

/**
 * `CASILLA_CLIENT_RATE` (requests per second, 0.1–1000): for a node whose contracted limit is not the platform's
 * documented 6/s, and for soaks against a sandbox started with a higher `--rate`. Anything else is ignored.
 */
function rateFromEnvironment(): number | null {
  const raw = process.env.CASILLA_CLIENT_RATE;
  if (!raw || !/^\d+(\.\d+)?$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 0.1 && n <= 1000 ? n : null;
}

/** Reads a body up to `max` bytes; past it, stops reading and returns null (treated as unreadable). */
async function readBounded(res: Response, max: number): Promise<Buffer | null> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function safeParse(bytes: Buffer | null): unknown {
  if (bytes === null || bytes.length === 0) return null;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
