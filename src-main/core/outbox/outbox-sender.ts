import crypto from 'node:crypto';
import os from 'node:os';
import { assertNever } from '../../api/result';
import { backoffDelay } from '../casilla/classify';
import type { CoreEvents } from '../context';
import type { AttachmentStore } from './attachment-store';
import type { OutboxRepository, OutboxRow } from './outbox-repository';
import type { MessageStatus } from '../casilla/client';
import type { OutboxTransport, TransportFactory } from './transport';

export type SenderOptions = {
  /** How long a claimed message belongs to this sender before another may treat it as abandoned. */
  leaseMs: number;
  /**
   * How long after an attempt with unknown outcome a retry is still safe: within it, a message the platform
   * did store is answered with ERR031 (or replayed under its Idempotency-Key) instead of stored twice. The
   * platform's duplicate window is 5 minutes; we stay well inside it.
   */
  unknownWindowMs: number;
  retry: { baseMs: number; capMs: number };
  poll: { baseMs: number; capMs: number };
  /** Retries after an unknown outcome come quickly, so they land inside the window. */
  unknownRetryMs: { baseMs: number; capMs: number };
};

export const DEFAULT_SENDER_OPTIONS: SenderOptions = {
  leaseMs: 2 * 60_000,
  unknownWindowMs: 4 * 60_000,
  retry: { baseMs: 2_000, capMs: 5 * 60_000 },
  poll: { baseMs: 3_000, capMs: 5 * 60_000 },
  unknownRetryMs: { baseMs: 500, capMs: 15_000 },
};

/** A recipient's state is final once it is no longer pending. */
export function isFinalRecipientStatus(status: string | null | undefined): boolean {
  return typeof status === 'string' && status !== '' && status !== 'pending';
}

export type SyncCounts = { sent: number; polled: number; failed: number; reconcile: number };

type Step = 'finished' | 'retry' | 'rate-limited' | 'offline';

/**
 * Delivers queued messages exactly once and follows them until every recipient is final.
 *
 * Protocol (crash-safe at any instant): claim a due message under a lease (state `sending`, attempt counted,
 * committed before any byte leaves) → upload with `Idempotency-Key: <local id>` → record the classified outcome.
 * A sender killed between the upload and the record leaves the row in `sending`; when its lease runs out the
 * outcome is treated as unknown: retried with the same key only inside the duplicate window (the platform then
 * answers ERR031 or replays the first answer), otherwise handed to the user as `needs_reconciliation`.
 */
export class OutboxSender {
  private readonly owner = leaseOwner();
  private readonly options: SenderOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SyncCounts> | null = null;
  private stopped = true;
  private pausedUntil = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly repo: OutboxRepository,
    private readonly store: AttachmentStore,
    private readonly transportFor: TransportFactory,
    private readonly events: CoreEvents | null,
    options: Partial<SenderOptions> = {},
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
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
    const counts: SyncCounts = { sent: 0, polled: 0, failed: 0, reconcile: 0 };
    this.repo.releaseDeadLeases((owner) => owner !== this.owner && isDeadLocalOwner(owner));
    this.recoverAbandoned(counts);
    while (!signal?.aborted && this.now() >= this.pausedUntil) {
      const row = this.repo.claimDue(this.owner, this.options.leaseMs);
      if (!row) break;
      let step: Step;
      try {
        step = row.state === 'sending' ? await this.send(row, counts, signal) : await this.poll(row, counts, signal);
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
          // Everything else would meet the same limit or the same missing network: wait as a whole.
          return counts;
        default:
          assertNever(step, 'step');
      }
    }
    return counts;
  }

  /** Rows left in `sending` by a dead sender: unknown outcome. */
  private recoverAbandoned(counts: SyncCounts): void {
    for (const row of this.repo.expiredSending()) {
      if (this.unknownOutcome(row, 'el proceso se interrumpió durante el envío') === 'needs_reconciliation') counts.reconcile++;
    }
  }

  /** Decides what an attempt whose outcome is unknown leads to, and records it. */
  private unknownOutcome(row: OutboxRow, reason: string): 'queued' | 'needs_reconciliation' {
    const since = row.unknown_since ?? row.last_attempt_at ?? new Date(this.now()).toISOString();
    const elapsed = this.now() - Date.parse(since);
    const delay = backoffDelay(Math.max(0, row.attempts - 1), this.options.unknownRetryMs, this.random);
    if (elapsed + delay < this.options.unknownWindowMs) {
      this.repo.transition(
        row.id,
        ['sending'],
        'queued',
        { unknown_since: since, due_at: this.iso(delay), lease_until: null },
        `resultado desconocido (${reason}); se reintenta con la misma clave`,
      );
      return 'queued';
    }
    this.repo.transition(
      row.id,
      ['sending'],
      'needs_reconciliation',
      {
        unknown_since: since,
        due_at: null,
        lease_until: null,
        error_code: 'UNKNOWN_OUTCOME',
        error_message: `No se sabe si la casilla recibió el mensaje (${reason}). Revíselo antes de reenviar.`,
      },
      reason,
    );
    return 'needs_reconciliation';
  }

  private async send(row: OutboxRow, counts: SyncCounts, signal?: AbortSignal): Promise<Step> {
    let attachments: { name: string; bytes: Buffer }[];
    try {
      attachments = this.repo.attachments(row.id).map((a) => ({ name: a.name, bytes: this.store.read(a.sha256) }));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.repo.transition(
        row.id,
        ['sending'],
        'failed',
        { error_code: 'ATTACHMENT_CORRUPT', error_message: message, due_at: null },
        message,
      );
      counts.failed++;
      return 'finished';
    }
    let transport: OutboxTransport;
    try {
      transport = await this.transportFor({ profileId: row.profile_id, backendUrl: row.backend_url, clientId: row.client_id });
    } catch (err) {
      // Nothing left the machine: the attempt did not happen, so it is simply retried later.
      const message = err instanceof Error ? err.message : String(err);
      this.repo.transition(
        row.id,
        ['sending'],
        'queued',
        {
          due_at: this.iso(backoffDelay(row.attempts, this.options.retry, this.random) + 1000),
          attempts: row.attempts - 1,
          error_message: message,
        },
        message,
      );
      return 'retry';
    }
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
            error_code: null,
            error_message: null,
          },
          `aceptado como ${id}${outcome.replayed ? ' (respuesta repetida por la clave de idempotencia)' : ''}`,
          { messageDataId: id },
        );
        counts.sent++;
        this.pausedUntil = 0;
        return 'finished';
      }
      case 'retryable': {
        const offline = /sin conexión/.test(outcome.reason);
        if (row.unknown_since) {
          // An earlier attempt may have been stored: keep the window rule.
          this.unknownOutcome(row, outcome.reason);
        } else {
          this.repo.transition(
            row.id,
            ['sending'],
            'queued',
            { due_at: this.iso(outcome.delayMs), error_message: outcome.reason },
            outcome.reason,
          );
        }
        if (offline) {
          this.pausedUntil = this.now() + outcome.delayMs;
          this.events?.emit({ type: 'changed', topic: 'network-offline' });
          return 'offline';
        }
        return 'retry';
      }
      case 'rate-limited': {
        this.repo.transition(
          row.id,
          ['sending'],
          'queued',
          { due_at: this.iso(outcome.retryAfterMs) },
          `límite de solicitudes: esperar ${Math.ceil(outcome.retryAfterMs / 1000)} s`,
        );
        this.pausedUntil = this.now() + outcome.retryAfterMs;
        return 'rate-limited';
      }
      case 'permanent': {
        if (outcome.code === 'ERR031' && row.unknown_since) {
          // "Envío duplicado" right after an attempt we lost: the first one was most likely stored.
          this.repo.transition(
            row.id,
            ['sending'],
            'needs_reconciliation',
            {
              due_at: null,
              error_code: 'ERR031',
              error_message:
                'La casilla indica envío duplicado: probablemente el intento anterior fue aceptado, pero no se conoce su número.',
            },
            'ERR031 después de un intento con resultado desconocido',
          );
          counts.reconcile++;
          return 'finished';
        }
        this.repo.transition(
          row.id,
          ['sending'],
          'failed',
          { due_at: null, error_code: outcome.code, error_message: outcome.message },
          `${outcome.code}: ${outcome.message}`,
          { code: outcome.code },
        );
        counts.failed++;
        this.events?.emit({ type: 'changed', topic: 'outbox-failed' });
        return 'finished';
      }
      case 'unknown-outcome': {
        const next = this.unknownOutcome(this.repo.row(row.id), outcome.reason);
        if (next === 'needs_reconciliation') counts.reconcile++;
        return 'retry';
      }
      default:
        return assertNever(outcome, 'outcome');
    }
  }

  private async poll(row: OutboxRow, counts: SyncCounts, signal?: AbortSignal): Promise<Step> {
    if (!row.message_data_id) return 'finished';
    let transport: OutboxTransport;
    try {
      transport = await this.transportFor({ profileId: row.profile_id, backendUrl: row.backend_url, clientId: row.client_id });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.repo.reschedule(row.id, ['accepted', 'tracking'], { due_at: this.iso(this.options.poll.capMs), error_message: message });
      return 'retry';
    }
    const outcome = await transport.messageStatus(row.message_data_id, { attempt: row.polls, ...(signal ? { signal } : {}) });
    const nextPoll = () => this.iso(Math.min(this.options.poll.capMs, this.options.poll.baseMs * 2 ** Math.min(row.polls, 20)));
    counts.polled++;
    switch (outcome.kind) {
      case 'accepted': {
        const statuses = recipientStatuses(outcome.value);
        this.repo.updateRecipients(row.id, statuses);
        const recipients = this.repo.recipients(row.id);
        const allFinal = recipients.length > 0 && recipients.every((r) => isFinalRecipientStatus(r.status));
        const counts = summarize(recipients.map((r) => r.status));
        if (allFinal) {
          this.repo.transition(
            row.id,
            ['accepted', 'tracking'],
            'done',
            { due_at: null, done_at: new Date(this.now()).toISOString(), polls: row.polls + 1 },
            counts,
          );
        } else {
          // The first answer is a transition (accepted → tracking); later polls only reschedule.
          if (row.state === 'accepted')
            this.repo.transition(row.id, ['accepted'], 'tracking', { due_at: nextPoll(), polls: row.polls + 1 }, counts);
          else this.repo.reschedule(row.id, ['tracking'], { due_at: nextPoll(), polls: row.polls + 1 });
        }
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
        this.repo.reschedule(row.id, ['accepted', 'tracking'], { due_at: nextPoll(), polls: row.polls + 1, error_message: reason });
        if (outcome.kind === 'retryable' && /sin conexión/.test(outcome.reason)) {
          this.pausedUntil = this.now() + outcome.delayMs;
          return 'offline';
        }
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

  /** Starts delivering in the background: wakes at the next due time, or at once on `notify()`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.running ? this.running.then(() => undefined) : Promise.resolve();
  }

  /** Something was queued or retried: look now instead of at the next timer. */
  notify(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Resolves when the background loop has nothing due right now (tests wait on this, never on sleeps). */
  waitForIdle(): Promise<void> {
    if (!this.running && !this.dueNow()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private dueNow(): boolean {
    const next = this.repo.nextDueAt();
    return next !== null && Date.parse(next) <= this.now() && this.now() >= this.pausedUntil;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, delayMs));
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.runOnce();
    } catch (err) {
      // The loop must survive anything: a bad row is logged and the timer goes on.
      console.error('outbox sender:', err);
    }
    if (!this.dueNow()) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
    if (this.stopped) return;
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

function summarize(statuses: (string | null)[]): string {
  const by = new Map<string, number>();
  for (const s of statuses) by.set(s ?? 'sin_dato', (by.get(s ?? 'sin_dato') ?? 0) + 1);
  return [...by].map(([k, v]) => `${k}: ${v}`).join(', ');
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
