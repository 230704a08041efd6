import crypto from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { assertNever } from '../../api/result';
import { backoffDelay } from '../casilla/classify';
import type { CoreEvents } from '../context';
import type { AttachmentStore } from './attachment-store';
import type { EventDetail, OutboxRepository, OutboxRow } from './outbox-repository';
import { isErrorRecipientStatus } from '../../api/delivery';
import type { MessageStatus } from '../casilla/client';
import type { OutboxTransport, TransportFactory } from './transport';
import { decidePoll, decideUnknown, elapsedSinceUncertain, isFinalRecipientStatus, MAX_BAD_POLLS, type FinderVerdict } from './decide';
import { findOnPlatform } from './reconciler';
import type { OutboxReason } from '../../api/outbox';
import { errorReason, reasonSpanish } from './reason-words';

export { isFinalRecipientStatus } from './decide';

export type SenderOptions = {
  /** How long a claimed message belongs to this sender before another may treat it as abandoned. */
  leaseMs: number;
  /**
   * The part of the platform's 5-minute duplicate window a resend after an unknown outcome may use: inside it,
   * a message the platform did store is answered with ERR031 instead of stored twice. Measured with our
   * monotonic clock and the platform's own `Date`, never with the wall clock alone (decide.ts).
   */
  unknownWindowMs: number;
  retry: { baseMs: number; capMs: number };
  poll: { baseMs: number; capMs: number };
  /** Delay before looking for a message after an unknown outcome (and between looks). */
  unknownRetryMs: { baseMs: number; capMs: number };
  /** Looks on the platform that could not be made (network, 5xx) before the user is asked. */
  maxReconcilePasses: number;
  /** Unusable status answers in a row before the user is told. */
  maxBadPolls: number;
};

export const DEFAULT_SENDER_OPTIONS: SenderOptions = {
  leaseMs: 2 * 60_000,
  unknownWindowMs: 4 * 60_000,
  retry: { baseMs: 2_000, capMs: 5 * 60_000 },
  poll: { baseMs: 3_000, capMs: 5 * 60_000 },
  unknownRetryMs: { baseMs: 500, capMs: 30_000 },
  maxReconcilePasses: 20,
  maxBadPolls: MAX_BAD_POLLS,
};

export type SyncCounts = { sent: number; polled: number; failed: number; reconcile: number; reconciled: number };

/** No connection to the backend could be prepared (credentials missing, keychain locked): nothing left the machine. */
type NoTransport = { noTransport: true; message: string; reason: OutboxReason };

type Step = 'finished' | 'retry' | 'rate-limited' | 'offline' | 'stopped';

/** Tolerance on the platform's second-resolution dates when matching a found message to an attempt. */
const PLATFORM_TOLERANCE_MS = 2_000;
/** When the platform's time at the attempt is not known, the wall clock is all there is: be generous. */
const WALL_TOLERANCE_MS = 15 * 60_000;

/**
 * Delivers queued messages exactly once and follows them until every recipient is final.
 *
 * Protocol (crash-safe at any instant; README "The outbox: exactly once, never lost"):
 *  1. claim a due message under a lease (state `sending`, attempt counted), committed before any byte leaves;
 *  2. note the platform's time (its `Date`, carried on by our monotonic clock) in the row, committed;
 *  3. upload with `Idempotency-Key: <local id>` (honoured by the sandbox, maybe ignored by the platform);
 *  4. record the classified outcome. ANY failure after the upload began (timeout, reset, 5xx, 429, garbage) is an
 *     unknown outcome: the row goes back to `queued` with `unknown_since` set, and is never resent blindly;
 *  5. a row with `unknown_since` is reconciled, not resent: the platform is searched (reconciler.ts) and a match
 *     is adopted; a resend happens only when the platform's list shows it is not there, or, when the platform
 *     cannot be searched, inside the duplicate window (ERR031 then proves it is there); otherwise the user decides
 *     (`needs_reconciliation`, with the evidence). Cancel and retry are refused while `unknown_since` is set;
 *  6. a sender killed at any instant leaves its row in `sending`; the next sender sees the lease owner is dead (or
 *     the lease expired) and treats the attempt as an unknown outcome (step 5).
 */
export class OutboxSender {
  private readonly owner = leaseOwner();
  private readonly options: SenderOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SyncCounts> | null = null;
  private stopped = true;
  private paused = false;
  private keepAlive = false;
  private pausedUntil = 0;
  private abort: AbortController | null = null;
  private idleWaiters: Array<() => void> = [];
  /** Monotonic start of the first uncertain attempt of each message this process made. */
  private readonly uncertainMono = new Map<string, number>();

  constructor(
    private readonly repo: OutboxRepository,
    private readonly store: AttachmentStore,
    private readonly transportFor: TransportFactory,
    private readonly events: CoreEvents | null,
    options: Partial<SenderOptions> = {},
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
    private readonly mono: () => number = () => performance.now(),
  ) {
    this.options = { ...DEFAULT_SENDER_OPTIONS, ...options };
  }

  /** Works until nothing is due right now (or the sender is paused by the network or a rate limit). */
  async runOnce(signal?: AbortSignal): Promise<SyncCounts> {
    if (this.running) return this.running;
    this.running = this.drain(signal).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(signal?: AbortSignal): Promise<SyncCounts> {
    const counts: SyncCounts = { sent: 0, polled: 0, failed: 0, reconcile: 0, reconciled: 0 };
    this.repo.releaseDeadLeases((owner) => owner !== this.owner && isDeadLocalOwner(owner));
    this.recoverAbandoned();
    while (!signal?.aborted && this.now() >= this.pausedUntil) {
      const row = this.repo.claimDue(this.owner, this.options.leaseMs);
      if (!row) break;
      let step: Step;
      try {
        if (row.state !== 'sending') step = await this.poll(row, counts, signal);
        else if (row.unknown_since) step = await this.reconcile(row, counts, signal);
        else step = await this.send(row, counts, signal);
      } finally {
        this.repo.releaseLease(row.id);
      }
      this.changed();
      switch (step) {
        case 'finished':
        case 'retry':
          break;
        case 'rate-limited':
        case 'offline':
        case 'stopped':
          // Everything else would meet the same limit or the same missing network: wait as a whole.
          return counts;
        default:
          assertNever(step, 'step');
      }
    }
    return counts;
  }

  /** Rows left in `sending` by a dead sender: their outcome is unknown, to be reconciled. */
  private recoverAbandoned(): void {
    for (const row of this.repo.expiredSending()) this.markUnknown(row, { code: 'process_interrupted' }, 0, true);
  }

  /** Records an unknown outcome: back to `queued`, to be looked for (never resent blindly). */
  private markUnknown(row: OutboxRow, reason: OutboxReason, delayMs: number, now = false): void {
    const words = reasonSpanish(reason);
    const first = !row.unknown_since;
    const since = row.unknown_since ?? row.last_attempt_at ?? new Date(this.now()).toISOString();
    // Looked for at once after a crash (the answer is long lost); a moment later after a live failure.
    const look = now ? 0 : Math.max(delayMs, backoffDelay(Math.min(row.reconcile_passes, 10), this.options.unknownRetryMs, this.random));
    this.repo.transition(
      row.id,
      ['sending'],
      'queued',
      {
        unknown_since: since,
        unknown_platform_at: first ? row.attempt_platform_at : (row.unknown_platform_at ?? row.attempt_platform_at),
        due_at: this.iso(look),
        lease_until: null,
        error_code: 'UNKNOWN_OUTCOME',
        error_message: `Resultado desconocido (${words}): se buscará en la casilla antes de cualquier reenvío.`,
      },
      { code: 'unknown_outcome', message: `resultado desconocido (${words}); se buscará en la casilla`, reason },
    );
  }

  private async transport(row: OutboxRow): Promise<OutboxTransport | NoTransport> {
    try {
      return await this.transportFor({ profileId: row.profile_id, backendUrl: row.backend_url, clientId: row.client_id });
    } catch (err) {
      return { noTransport: true, message: err instanceof Error ? err.message : String(err), reason: errorReason(err) };
    }
  }

  /** Gives a claimed row back without counting the attempt (nothing left the machine). */
  private unclaim(row: OutboxRow, delayMs: number, detail: EventDetail | null): void {
    const message = detail?.message ?? null;
    this.repo.transition(
      row.id,
      ['sending'],
      'queued',
      { due_at: this.iso(delayMs), attempts: Math.max(0, row.attempts - 1), ...(message ? { error_message: message } : {}) },
      detail,
    );
  }

  /** Step 5: an earlier attempt may be on the platform. Look, then adopt, resend or ask, as decide.ts says. */
  private async reconcile(row: OutboxRow, counts: SyncCounts, signal?: AbortSignal): Promise<Step> {
    const transport = await this.transport(row);
    if ('noTransport' in transport) {
      this.unclaim(row, backoffDelay(row.attempts, this.options.retry, this.random) + 1000, {
        code: 'transport_unavailable',
        message: transport.message,
        reason: transport.reason,
      });
      return 'retry';
    }
    let verdict: FinderVerdict;
    let platformNow: number | null;
    try {
      platformNow = await transport.platformTime(signal ? { signal } : {});
      const sincePlatform = row.unknown_platform_at;
      verdict = await findOnPlatform(
        transport,
        {
          subject: row.subject,
          recipients: this.repo.recipients(row.id).map((r) => r.rolUnico),
          sincePlatformMs: sincePlatform ?? Date.parse(row.unknown_since!),
          toleranceMs: sincePlatform !== null ? PLATFORM_TOLERANCE_MS : WALL_TOLERANCE_MS,
          adopted: (id) => this.repo.isAdopted(id, row.id),
        },
        signal,
      );
    } catch (err) {
      if (signal?.aborted) {
        this.unclaim(row, 0, null);
        return 'stopped';
      }
      verdict = { kind: 'unavailable', reason: errorReason(err) };
      platformNow = null;
    }
    const monoStart = this.uncertainMono.get(row.id);
    const elapsedMs = elapsedSinceUncertain({
      monoMs: monoStart === undefined ? null : this.mono() - monoStart,
      platformMs: platformNow !== null && row.unknown_platform_at !== null ? platformNow - row.unknown_platform_at : null,
      wallMs: this.now() - Date.parse(row.unknown_since!),
    });
    const decision = decideUnknown({
      verdict,
      elapsedMs,
      windowMs: this.options.unknownWindowMs,
      passes: row.reconcile_passes,
      maxPasses: this.options.maxReconcilePasses,
      duplicateConfirmed: row.error_code === 'ERR031',
    });
    switch (decision.do) {
      case 'adopt':
        this.repo.transition(
          row.id,
          ['sending'],
          'accepted',
          {
            message_data_id: decision.messageDataId,
            sent_at: decision.receivedAt,
            due_at: this.iso(this.options.poll.baseMs),
            unknown_since: null,
            unknown_platform_at: null,
            reconcile_passes: 0,
            error_code: null,
            error_message: null,
          },
          {
            code: 'reconciled_auto',
            params: { messageDataId: decision.messageDataId },
            message: `conciliado automáticamente: ${reasonSpanish(decision.why)} (mismo asunto y destinatarios, recibido después del intento)`,
          },
          { messageDataId: decision.messageDataId, reconciled: true },
        );
        this.uncertainMono.delete(row.id);
        counts.reconciled++;
        return 'finished';
      case 'resend':
        if (decision.fresh) {
          // Nothing of it is on the platform: the uncertainty is over, this is a first attempt again.
          this.repo.reschedule(row.id, ['sending'], {
            unknown_since: null,
            unknown_platform_at: null,
            reconcile_passes: 0,
            error_code: null,
            error_message: null,
          });
          this.uncertainMono.delete(row.id);
        }
        return this.send(this.repo.row(row.id), counts, signal, decision.why);
      case 'look-again': {
        const wait = Math.max(
          verdict.kind === 'unavailable' ? (verdict.retryAfterMs ?? 0) : 0,
          backoffDelay(Math.min(row.reconcile_passes + 1, 10), this.options.unknownRetryMs, this.random) +
            this.options.unknownRetryMs.baseMs,
        );
        this.repo.transition(
          row.id,
          ['sending'],
          'queued',
          { due_at: this.iso(wait), reconcile_passes: row.reconcile_passes + 1, attempts: Math.max(0, row.attempts - 1) },
          { code: 'look_again', message: reasonSpanish(decision.why), reason: decision.why },
        );
        if (verdict.kind === 'unavailable' && verdict.retryAfterMs) {
          this.pausedUntil = this.now() + verdict.retryAfterMs;
          return 'rate-limited';
        }
        return 'retry';
      }
      case 'human':
        this.repo.transition(
          row.id,
          ['sending'],
          'needs_reconciliation',
          {
            due_at: null,
            error_code: row.error_code === 'ERR031' ? 'ERR031' : 'UNKNOWN_OUTCOME',
            error_message: `No se sabe si la casilla recibió el mensaje: ${reasonSpanish(decision.why)}. Revíselo en la casilla antes de reenviar.`,
          },
          { code: 'needs_human', message: reasonSpanish(decision.why), reason: decision.why },
        );
        counts.reconcile++;
        return 'finished';
      default:
        return assertNever(decision, 'decision');
    }
  }

  private async send(row: OutboxRow, counts: SyncCounts, signal?: AbortSignal, why?: OutboxReason): Promise<Step> {
    let attachments: { name: string; bytes: Buffer }[];
    try {
      attachments = this.repo.attachments(row.id).map((a) => ({ name: a.name, bytes: this.store.read(a.sha256) }));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (row.unknown_since) {
        this.markUnknown(row, { code: 'attachment_unreadable', cause: errorReason(err) }, this.options.retry.capMs);
        return 'finished';
      }
      this.repo.transition(
        row.id,
        ['sending'],
        'failed',
        { error_code: 'ATTACHMENT_CORRUPT', error_message: message, due_at: null },
        { code: 'attachment_corrupt', message, reason: errorReason(err) },
      );
      counts.failed++;
      return 'finished';
    }
    const transport = await this.transport(row);
    if ('noTransport' in transport) {
      // Nothing left the machine: the attempt did not happen, so it is simply retried later.
      this.unclaim(row, backoffDelay(row.attempts, this.options.retry, this.random) + 1000, {
        code: 'transport_unavailable',
        message: transport.message,
        reason: transport.reason,
      });
      return 'retry';
    }
    let platformAt: number | null;
    try {
      platformAt = await transport.platformTime(signal ? { signal } : {});
    } catch {
      if (signal?.aborted) {
        this.unclaim(row, 0, null);
        return 'stopped';
      }
      platformAt = null;
    }
    if (signal?.aborted) {
      this.unclaim(row, 0, null);
      return 'stopped';
    }
    // Committed before any byte of the upload leaves: a kill from here on is an unknown outcome.
    this.repo.reschedule(row.id, ['sending'], { attempt_platform_at: platformAt === null ? null : Math.round(platformAt) });
    if (!row.unknown_since) this.uncertainMono.set(row.id, this.mono());
    const current = this.repo.row(row.id);
    const data = JSON.parse(row.data_json) as Record<string, unknown>;
    const outcome = await transport.sendMessage(data, attachments, {
      idempotencyKey: row.id,
      attempt: row.attempts - 1,
      ...(signal ? { signal } : {}),
    });
    switch (outcome.kind) {
      case 'accepted': {
        const id = outcome.value.message_data_id;
        this.repo.transition(
          row.id,
          ['sending'],
          'accepted',
          {
            message_data_id: id,
            sent_at: toIso(outcome.value.sent_at) ?? new Date(this.now()).toISOString(),
            due_at: this.iso(this.options.poll.baseMs),
            unknown_since: null,
            unknown_platform_at: null,
            reconcile_passes: 0,
            error_code: null,
            error_message: null,
          },
          {
            code: 'accepted',
            params: { messageDataId: id },
            message: `aceptado como ${id}${outcome.replayed ? ' (respuesta repetida por la clave de idempotencia)' : ''}${why ? ` (${reasonSpanish(why)})` : ''}`,
            ...(why ? { reason: why } : {}),
          },
          { messageDataId: id },
        );
        this.uncertainMono.delete(row.id);
        counts.sent++;
        this.pausedUntil = 0;
        return 'finished';
      }
      case 'retryable': {
        // For an upload only "the connection was refused": nothing reached the platform.
        const offline = outcome.why.code === 'offline';
        if (!row.unknown_since) this.uncertainMono.delete(row.id);
        this.repo.transition(
          row.id,
          ['sending'],
          'queued',
          { due_at: this.iso(outcome.delayMs), error_message: outcome.reason },
          { code: offline ? 'offline' : 'retry_later', message: outcome.reason, reason: outcome.why },
        );
        if (offline) {
          this.pausedUntil = this.now() + outcome.delayMs;
          this.events?.emit({ type: 'changed', topic: 'network-offline' });
          return 'offline';
        }
        return 'retry';
      }
      case 'rate-limited': {
        this.unclaim(current, outcome.retryAfterMs, {
          code: 'rate_limited',
          params: { seconds: Math.ceil(outcome.retryAfterMs / 1000) },
          message: `límite de solicitudes: esperar ${Math.ceil(outcome.retryAfterMs / 1000)} s`,
        });
        this.pausedUntil = this.now() + outcome.retryAfterMs;
        return 'rate-limited';
      }
      case 'permanent': {
        if (outcome.code === 'ERR031' && row.unknown_since) {
          // "Envío duplicado" right after an attempt we lost: the platform says it has it. Find its id.
          this.repo.transition(
            row.id,
            ['sending'],
            'queued',
            {
              due_at: this.iso(this.options.unknownRetryMs.baseMs),
              error_code: 'ERR031',
              error_message: 'La casilla indica envío duplicado: el intento anterior fue recibido; se busca su número.',
            },
            {
              code: 'duplicate_confirmed',
              message: 'ERR031 después de un intento con resultado desconocido: se busca el mensaje en la casilla',
            },
          );
          return 'finished';
        }
        this.uncertainMono.delete(row.id);
        this.repo.transition(
          row.id,
          ['sending'],
          'failed',
          { due_at: null, error_code: outcome.code, error_message: outcome.message },
          { code: 'refused', params: { error: outcome.code }, message: `${outcome.code}: ${outcome.message}` },
          { code: outcome.code },
        );
        counts.failed++;
        this.events?.emit({ type: 'changed', topic: 'outbox-failed' });
        return 'finished';
      }
      case 'unknown-outcome': {
        this.markUnknown(current, outcome.why, outcome.retryAfterMs ?? 0);
        if (outcome.retryAfterMs) {
          this.pausedUntil = this.now() + outcome.retryAfterMs;
          return 'rate-limited';
        }
        return signal?.aborted ? 'stopped' : 'retry';
      }
      default:
        return assertNever(outcome, 'outcome');
    }
  }

  private async poll(row: OutboxRow, counts: SyncCounts, signal?: AbortSignal): Promise<Step> {
    if (!row.message_data_id) return 'finished';
    const transport = await this.transport(row);
    if ('noTransport' in transport) {
      this.repo.reschedule(row.id, ['accepted', 'tracking'], {
        due_at: this.iso(this.options.poll.capMs),
        error_message: transport.message,
      });
      return 'retry';
    }
    let outcome;
    try {
      outcome = await transport.messageStatus(row.message_data_id, { attempt: row.polls, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (signal?.aborted) return 'stopped';
      throw err;
    }
    const nextPoll = () => this.iso(Math.min(this.options.poll.capMs, this.options.poll.baseMs * 2 ** Math.min(row.polls, 20)));
    counts.polled++;
    switch (outcome.kind) {
      case 'accepted': {
        const statuses = recipientStatuses(outcome.value);
        this.repo.updateRecipients(row.id, statuses);
        const recipients = this.repo.recipients(row.id);
        const allFinal = recipients.length > 0 && recipients.every((r) => isFinalRecipientStatus(r.status));
        const summary = summarize(recipients.map((r) => r.status));
        const decision = decidePoll({
          outcome: 'answer',
          recipientsFinal: allFinal,
          badPolls: row.bad_polls,
          maxBadPolls: this.options.maxBadPolls,
        });
        if (decision.do === 'done') {
          this.repo.transition(
            row.id,
            ['accepted', 'tracking'],
            'done',
            {
              due_at: null,
              done_at: new Date(this.now()).toISOString(),
              polls: row.polls + 1,
              bad_polls: 0,
              error_code: null,
              error_message: null,
            },
            { code: 'delivery_progress', params: summary.counts, message: summary.text },
          );
        } else if (row.state === 'accepted') {
          // The first answer is a transition (accepted → tracking); later polls only reschedule.
          this.repo.transition(
            row.id,
            ['accepted'],
            'tracking',
            { due_at: nextPoll(), polls: row.polls + 1, bad_polls: 0, error_code: null, error_message: null },
            { code: 'delivery_progress', params: summary.counts, message: summary.text },
          );
        } else
          this.repo.reschedule(row.id, ['tracking'], {
            due_at: nextPoll(),
            polls: row.polls + 1,
            bad_polls: 0,
            error_code: null,
            error_message: null,
          });
        return 'finished';
      }
      case 'rate-limited':
        this.repo.reschedule(row.id, ['accepted', 'tracking'], { due_at: this.iso(outcome.retryAfterMs) });
        this.pausedUntil = this.now() + outcome.retryAfterMs;
        return 'rate-limited';
      case 'retryable':
      case 'unknown-outcome':
      case 'permanent': {
        const reason = outcome.kind === 'permanent' ? `${outcome.code}: ${outcome.message}` : outcome.reason;
        const why: OutboxReason = outcome.kind === 'permanent' ? { code: 'refused', params: { error: outcome.code } } : outcome.why;
        if (outcome.kind === 'retryable' && outcome.why.code === 'offline') {
          // No answer at all is not an unusable answer: wait for the network, count nothing.
          this.repo.reschedule(row.id, ['accepted', 'tracking'], { due_at: nextPoll(), error_message: reason });
          this.pausedUntil = this.now() + outcome.delayMs;
          return 'offline';
        }
        const decision = decidePoll({
          outcome: 'unusable',
          recipientsFinal: false,
          badPolls: row.bad_polls,
          maxBadPolls: this.options.maxBadPolls,
        });
        if (decision.do === 'human') {
          this.repo.transition(
            row.id,
            ['accepted', 'tracking'],
            'needs_reconciliation',
            {
              due_at: null,
              bad_polls: row.bad_polls + 1,
              error_code: 'STATUS_UNREADABLE',
              error_message: `La casilla aceptó el mensaje (${row.message_data_id}) pero ${row.bad_polls + 1} consultas de estado seguidas no se pudieron leer (última: ${reason}). Revise el número en la casilla.`,
            },
            {
              code: 'status_unreadable',
              params: { polls: row.bad_polls + 1 },
              message: `estado ilegible ${row.bad_polls + 1} veces: ${reason}`,
              reason: why,
            },
          );
          counts.reconcile++;
          return 'finished';
        }
        this.repo.reschedule(row.id, ['accepted', 'tracking'], {
          due_at: nextPoll(),
          polls: row.polls + 1,
          bad_polls: row.bad_polls + 1,
          error_message: `Consulta de estado no utilizable (${row.bad_polls + 1}/${this.options.maxBadPolls}): ${reason}`,
        });
        return 'retry';
      }
      default:
        return assertNever(outcome, 'outcome');
    }
  }

  private iso(delayMs: number): string {
    return new Date(this.now() + delayMs).toISOString();
  }

  private changed(): void {
    this.events?.emit({ type: 'changed', topic: 'outbox' });
  }

  /**
   * Starts delivering in the background: wakes at the next due time, or at once on `notify()`. With
   * `keepAlive` (the CLI's `outbox sync`), the timer keeps Node running until `stop()`; inside the app it does
   * not hold the process open.
   */
  start(options: { keepAlive?: boolean } = {}): void {
    this.keepAlive = Boolean(options.keepAlive);
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop: an upload in flight is aborted (and recorded as an unknown outcome), then resolves. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort(new DOMException('El envío se detuvo', 'AbortError'));
    const settled = this.running ? this.running.then(() => undefined) : Promise.resolve();
    return settled.finally(() => {
      for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** Holds the loop after the current message (the network or the user asked); `resume()` goes on. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.notify();
  }

  /** Something was queued or retried: look now instead of at the next timer. */
  notify(): void {
    if (!this.stopped && !this.paused) this.schedule(0);
  }

  /** Resolves when the background loop has nothing due right now (tests wait on this, never on sleeps). */
  waitForIdle(): Promise<void> {
    if (this.stopped || (!this.running && !this.dueNow())) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private dueNow(): boolean {
    const next = this.repo.nextDueAt();
    return next !== null && Date.parse(next) <= this.now() && this.now() >= this.pausedUntil;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, delayMs));
    if (!this.keepAlive) this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.paused) return;
    this.abort = new AbortController();
    try {
      await this.runOnce(this.abort.signal);
    } catch (err) {
      // The loop must survive anything: a bad row is logged and the timer goes on.
      console.error('outbox sender:', err);
    } finally {
      this.abort = null;
    }
    if (!this.dueNow()) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
    if (this.stopped || this.paused) return;
    const next = this.repo.nextDueAt();
    const untilDue = next ? Date.parse(next) - this.now() : 30_000;
    const untilUnpaused = this.pausedUntil - this.now();
    this.schedule(Math.min(30_000, Math.max(untilDue, untilUnpaused, 50)));
  }
}

function recipientStatuses(
  answer: MessageStatus,
): Map<number, { dduType: string | null; status: string | null; deliveredAt: string | null; readAt: string | null }> {
  const out = new Map<number, { dduType: string | null; status: string | null; deliveredAt: string | null; readAt: string | null }>();
  for (const [rol, r] of Object.entries(answer.recipients)) {
    const n = Number(rol);
    if (!Number.isInteger(n)) continue;
    out.set(n, {
      dduType: r.dduType,
      status: r.messageStatus,
      deliveredAt: toIso(r.deliveredAt) ?? r.deliveredAt,
      readAt: toIso(r.readAt) ?? r.readAt,
    });
  }
  return out;
}

/** The recipients' statuses as the log's line ("pending: 1, delivered: 2") and as counts for the UI's words. */
function summarize(statuses: (string | null)[]): { text: string; counts: Record<string, number> } {
  const by = new Map<string, number>();
  for (const s of statuses) by.set(s ?? 'sin_dato', (by.get(s ?? 'sin_dato') ?? 0) + 1);
  const counts = { delivered: 0, pending: 0, failed: 0 };
  for (const s of statuses)
    if (s === 'delivered') counts.delivered++;
    else if (isErrorRecipientStatus(s)) counts.failed++;
    else counts.pending++;
  return { text: [...by].map(([k, v]) => `${k}: ${v}`).join(', '), counts };
}

/** The platform's HTTP-dates as ISO strings, for sorting and display; null when absent or unreadable. */
function toIso(date: string | null | undefined): string | null {
  if (!date) return null;
  const t = Date.parse(date);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** `host:pid:random`: lets a restarted sender see that a lease belongs to a process that no longer exists. */
function leaseOwner(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
}

export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // ESRCH: no such process. EPERM means it exists but belongs to someone else: alive.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
