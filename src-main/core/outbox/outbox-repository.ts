import {
  OUTBOX_EVENT_CODES,
  parseOutboxReason,
  type OutboxDetail,
  type OutboxEvent,
  type OutboxEventCode,
  type OutboxFilter,
  type OutboxReason,
  type OutboxRecipient,
  type OutboxState,
  type OutboxStats,
  type OutboxSummary,
} from '../../api/outbox';
import { isErrorRecipientStatus, type RecipientCounts } from '../../api/delivery';
import { AppError } from '../../api/result';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { withBusyRetry } from '../db/storage-errors';

type MessageRow = {
  id: string;
  envio_id: string;
  created_at: string;
  updated_at: string;
  state: OutboxState;
  profile_id: string;
  backend_url: string;
  client_id: string;
  message_type: 'NT' | 'CP' | 'CI';
  procedure_code: string | null;
  procedure_stage: number | null;
  subject: string;
  data_json: string;
  payload_sha256: string;
  recipient_count: number;
  message_data_id: string | null;
  sent_at: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  due_at: string | null;
  last_attempt_at: string | null;
  unknown_since: string | null;
  lease_until: string | null;
  lease_owner: string | null;
  polls: number;
  done_at: string | null;
  attempt_platform_at: number | null;
  unknown_platform_at: number | null;
  reconcile_passes: number;
  bad_polls: number;
  group_label: string | null;
};
export type OutboxRow = MessageRow;

export type NewOutboxMessage = {
  id: string;
  envioId: string;
  profileId: string;
  backendUrl: string;
  clientId: string;
  messageType: 'NT' | 'CP' | 'CI';
  procedureCode: string | null;
  procedureStage: number | null;
  subject: string;
  /** The exact `data` part that will be sent. */
  dataJson: string;
  payloadSha256: string;
  recipients: { rolUnico: number; label: string }[];
  attachments: { name: string; sha256: string; size: number }[];
  state: 'draft' | 'queued';
  /** The recipient group's name when the envío has several messages; null otherwise. */
  groupLabel?: string | null;
};

/** The earliest possible due time: "send as soon as a sender is free", independent of any clock. */
export const DUE_NOW = new Date(0).toISOString();

/** States a message is in while the sender owns it or may still change it without the user. */
export const LIVE_STATES: readonly OutboxState[] = ['queued', 'sending', 'accepted', 'tracking'];

/**
 * The outbox tables. Every transition goes through `transition`, which updates the row, appends to the
 * message's timeline and to the audit log in one transaction, and refuses a transition from an unexpected
 * state (so two processes never both act on the same message).
 */
export class OutboxRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private iso(): string {
    return this.now().toISOString();
  }

  insert(messages: NewOutboxMessage[]): void {
    const at = this.iso();
    const insertMsg = this.db.prepare(
      `INSERT INTO outbox_messages (id, envio_id, created_at, updated_at, state, profile_id, backend_url, client_id, message_type,
         procedure_code, procedure_stage, subject, data_json, payload_sha256, recipient_count, due_at, group_label)
       VALUES (@id, @envioId, @at, @at, @state, @profileId, @backendUrl, @clientId, @messageType, @procedureCode, @procedureStage,
         @subject, @dataJson, @payloadSha256, @recipientCount, @dueAt, @groupLabel)`,
    );
    const insertRecipient = this.db.prepare(`INSERT INTO outbox_recipients (message_id, rol_unico, label) VALUES (?, ?, ?)`);
    const insertAttachment = this.db.prepare(
      `INSERT INTO outbox_attachments (message_id, position, name, sha256, size) VALUES (?, ?, ?, ?, ?)`,
    );
    const insertEvent = this.db.prepare(`INSERT INTO outbox_events (message_id, at, state, detail) VALUES (?, ?, ?, ?)`);
    // All or nothing, and patient: twelve sends into one folder wait their turn instead of failing "locked".
    const write = this.db.transaction(() => {
      for (const m of messages) {
        insertMsg.run({
          id: m.id,
          envioId: m.envioId,
          at,
          state: m.state,
          profileId: m.profileId,
          backendUrl: m.backendUrl,
          clientId: m.clientId,
          messageType: m.messageType,
          procedureCode: m.procedureCode,
          procedureStage: m.procedureStage,
          subject: m.subject,
          dataJson: m.dataJson,
          payloadSha256: m.payloadSha256,
          recipientCount: m.recipients.length,
          // Due at once, whatever the clock said: a clock ahead at queueing (corrected later) must not delay it.
          dueAt: m.state === 'queued' ? DUE_NOW : null,
          groupLabel: m.groupLabel ?? null,
        });
        for (const r of m.recipients) insertRecipient.run(m.id, r.rolUnico, r.label);
        m.attachments.forEach((a, i) => insertAttachment.run(m.id, i, a.name, a.sha256, a.size));
        insertEvent.run(m.id, at, m.state, null);
        this.audit.append({
          action: `outbox.${m.state}`,
          subject: m.id,
          details: { envio: m.envioId, type: m.messageType, recipients: m.recipients.length, attachments: m.attachments.length },
        });
      }
    });
    withBusyRetry(() => write.immediate());
  }

  row(id: string): OutboxRow {
    const row = this.db.prepare(`SELECT * FROM outbox_messages WHERE id = ?`).get(id) as MessageRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No existe el mensaje ${id} en la bandeja de salida.`, { id });
    return row;
  }

  /**
   * Moves a message from one of `from` to `to`, with the extra column values given. Returns false (and
   * changes nothing) when the message is no longer in one of `from`.
   */
  transition(
    id: string,
    from: readonly OutboxState[],
    to: OutboxState,
    set: Partial<Record<keyof MessageRow, string | number | null>>,
    /** A coded entry; a bare sentence (no code) is still accepted and shown as written. */
    detail: EventDetail | string | null,
    auditDetails: Record<string, unknown> = {},
    guard: { outcomeKnown?: boolean } = {},
  ): boolean {
    const at = this.iso();
    const write = this.db.transaction((): boolean => {
      if (!this.updateIfIn(id, from, { ...set, state: to }, at, guard.outcomeKnown ? ' AND unknown_since IS NULL' : '')) return false;
      this.db
        .prepare(`INSERT INTO outbox_events (message_id, at, state, detail) VALUES (?, ?, ?, ?)`)
        .run(id, at, to, storedDetail(detail));
      this.audit.append({
        action: `outbox.${to}`,
        subject: id,
        details: {
          ...auditDetails,
          ...(typeof detail === 'string' ? { detail } : detail ? { detail: detail.message, event: detail.code } : {}),
        },
      });
      return true;
    });
    return withBusyRetry(() => write.immediate());
  }

  /** Updates scheduling columns without a transition (a status poll rescheduled): no timeline or audit entry. */
  reschedule(id: string, states: readonly OutboxState[], set: Partial<Record<keyof MessageRow, string | number | null>>): boolean {
    return this.updateIfIn(id, states, set, this.iso());
  }

  /** Sets columns (and updated_at) of a message only while it is in one of `states`; true when it changed. */
  private updateIfIn(
    id: string,
    states: readonly OutboxState[],
    set: Partial<Record<keyof MessageRow, string | number | null>>,
    at: string,
    extraWhere = '',
  ): boolean {
    const params: Record<string, string | number | null> = { ...set, id, at };
    const assignments = ['updated_at = @at', ...Object.keys(set).map((c) => `${c} = @${c}`)].join(', ');
    const sql = `UPDATE outbox_messages SET ${assignments} WHERE id = @id AND state IN (${inList('from', states, params)})${extraWhere}`;
    return this.db.prepare(sql).run(params).changes > 0;
  }

  /**
   * Takes the next message due now for sending or polling (new deliveries before status polls, so a long queue
   * gets the whole request budget), under a lease, so that two senders (the app and
   * `casilla outbox sync`) never work on the same message. Sending rows become `sending`; tracking rows keep
   * their state and only get the lease.
   */
  claimDue(owner: string, leaseMs: number): OutboxRow | null {
    const now = this.now();
    const at = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const claim = this.db.transaction((): OutboxRow | null => {
      const row = this.db
        .prepare(
          `SELECT * FROM outbox_messages
             WHERE state IN ('queued', 'accepted', 'tracking') AND due_at <= @at AND (lease_until IS NULL OR lease_until < @at)
             ORDER BY state = 'queued' DESC, due_at, created_at LIMIT 1`,
        )
        .get({ at }) as MessageRow | undefined;
      if (!row) return null;
      if (row.state === 'queued') {
        this.db
          .prepare(
            `UPDATE outbox_messages SET state = 'sending', updated_at = @at, attempts = attempts + 1, last_attempt_at = @at,
                 lease_until = @leaseUntil, lease_owner = @owner WHERE id = @id`,
          )
          .run({ at, leaseUntil, owner, id: row.id });
        this.db
          .prepare(`INSERT INTO outbox_events (message_id, at, state, detail) VALUES (?, ?, 'sending', ?)`)
          .run(
            row.id,
            at,
            storedDetail({ code: 'attempt', params: { attempt: row.attempts + 1 }, message: `intento ${row.attempts + 1}` }),
          );
        this.audit.append({ action: 'outbox.sending', subject: row.id, details: { attempt: row.attempts + 1 } });
      } else {
        this.db
          .prepare(`UPDATE outbox_messages SET lease_until = @leaseUntil, lease_owner = @owner WHERE id = @id`)
          .run({ leaseUntil, owner, id: row.id });
      }
      return this.row(row.id);
    });
    return withBusyRetry(() => claim.immediate());
  }

  /** True when `messageDataId` is already the platform id of another local message (never adopt it twice). */
  isAdopted(messageDataId: string, exceptId: string): boolean {
    return Boolean(
      this.db.prepare(`SELECT 1 FROM outbox_messages WHERE message_data_id = ? AND id != ? LIMIT 1`).get(messageDataId, exceptId),
    );
  }

  releaseLease(id: string): void {
    this.db.prepare(`UPDATE outbox_messages SET lease_until = NULL, lease_owner = NULL WHERE id = ?`).run(id);
  }

  /**
   * Ends the leases of senders known to be dead (a process of this machine that no longer exists), so a crash
   * is recovered at the next start instead of when the lease runs out.
   */
  releaseDeadLeases(isDead: (owner: string) => boolean): number {
    const leased = this.db.prepare(`SELECT id, lease_owner FROM outbox_messages WHERE lease_owner IS NOT NULL`).all() as {
      id: string;
      lease_owner: string;
    }[];
    const release = this.db.prepare(`UPDATE outbox_messages SET lease_until = NULL, lease_owner = NULL WHERE id = ? AND lease_owner = ?`);
    let n = 0;
    for (const r of leased) if (isDead(r.lease_owner)) n += release.run(r.id, r.lease_owner).changes;
    return n;
  }

  /** Messages left in `sending` by a sender that died (its lease ran out): their outcome is unknown. */
  expiredSending(): OutboxRow[] {
    return this.db
      .prepare(`SELECT * FROM outbox_messages WHERE state = 'sending' AND (lease_until IS NULL OR lease_until < ?)`)
      .all(this.iso()) as MessageRow[];
  }

  /** The earliest due time of any live message, for the sender's timer. */
  nextDueAt(): string | null {
    const r = this.db.prepare(`SELECT min(due_at) AS d FROM outbox_messages WHERE state IN ('queued', 'accepted', 'tracking')`).get() as {
      d: string | null;
    };
    return r.d;
  }

  recipients(id: string): OutboxRecipient[] {
    const rows = this.db.prepare(`SELECT * FROM outbox_recipients WHERE message_id = ? ORDER BY rol_unico`).all(id) as Array<{
      rol_unico: number;
      label: string;
      ddu_type: string | null;
      message_status: string | null;
      delivered_at: string | null;
      read_at: string | null;
      updated_at: string | null;
    }>;
    return rows.map((r) => ({
      rolUnico: r.rol_unico,
      label: r.label,
      dduType: r.ddu_type,
      status: r.message_status,
      deliveredAt: r.delivered_at,
      readAt: r.read_at,
      updatedAt: r.updated_at,
    }));
  }

  /** Stores what messageStatus said of each recipient; returns whether any recipient changed. */
  updateRecipients(
    id: string,
    statuses: Map<number, { dduType: string | null; status: string | null; deliveredAt: string | null; readAt: string | null }>,
  ): boolean {
    const at = this.iso();
    const stmt = this.db.prepare(
      `UPDATE outbox_recipients SET ddu_type = @dduType, message_status = @status, delivered_at = @deliveredAt, read_at = @readAt, updated_at = @at
       WHERE message_id = @id AND rol_unico = @rol AND (ddu_type IS NOT @dduType OR message_status IS NOT @status OR delivered_at IS NOT @deliveredAt OR read_at IS NOT @readAt)`,
    );
    let changed = 0;
    this.db.transaction(() => {
      for (const [rol, s] of statuses) changed += stmt.run({ ...s, at, id, rol }).changes;
    })();
    return changed > 0;
  }

  attachments(id: string): { name: string; sha256: string; size: number }[] {
    return this.db.prepare(`SELECT name, sha256, size FROM outbox_attachments WHERE message_id = ? ORDER BY position`).all(id) as {
      name: string;
      sha256: string;
      size: number;
    }[];
  }

  /** One message as the list shows it (after cancel, retry or reconcile). */
  summary(id: string): OutboxSummary {
    const recipients = this.recipients(id);
    return toSummary(this.row(id), countRecipients(recipients));
  }

  detail(id: string): OutboxDetail {
    const row = this.row(id);
    const data = JSON.parse(row.data_json) as { content?: string };
    const events = (
      this.db.prepare(`SELECT at, state, detail FROM outbox_events WHERE message_id = ? ORDER BY id`).all(id) as {
        at: string;
        state: string;
        detail: string | null;
      }[]
    ).map(readEvent);
    const recipients = this.recipients(id);
    return {
      ...toSummary(row, countRecipients(recipients)),
      profileId: row.profile_id,
      backendUrl: row.backend_url,
      procedureStage: row.procedure_stage,
      content: data.content ?? '',
      sentAt: row.sent_at,
      doneAt: row.done_at,
      recipients,
      attachments: this.attachments(id),
      events,
    };
  }

  /** Newest first, keyset-paginated on (created_at, id); every filter is served by an index or FTS. */
  list(filter: OutboxFilter): OutboxSummary[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit ?? 100 };
    if (filter.states?.length) {
      where.push(`state IN (${inList('s', filter.states, params)})`);
    }
    if (filter.from) {
      where.push('created_at >= @from');
      params.from = filter.from;
    }
    if (filter.to) {
      where.push('created_at < @to');
      params.to = filter.to;
    }
    if (filter.messageType) {
      where.push('message_type = @type');
      params.type = filter.messageType;
    }
    if (filter.procedureCode) {
      where.push('procedure_code = @proc');
      params.proc = filter.procedureCode;
    }
    if (filter.recipient) {
      where.push('id IN (SELECT message_id FROM outbox_recipients WHERE rol_unico = @rol)');
      params.rol = filter.recipient;
    }
    const fts = filter.text ? toFtsQuery(filter.text) : null;
    if (fts) {
      where.push('rowid IN (SELECT rowid FROM outbox_subject_fts WHERE outbox_subject_fts MATCH @fts)');
      params.fts = fts;
    }
    if (filter.before) {
      where.push('(created_at < @bc OR (created_at = @bc AND id < @bi))');
      params.bc = filter.before.createdAt;
      params.bi = filter.before.id;
    }
    // Each page row also counts its delivered and failed recipients (two lookups on the recipients' primary key),
    // so the list reads "Entregado con errores" like the detail.
    // The page is chosen first (by index, as before) and only its rows are counted: a sorter would otherwise
    // evaluate the counts for every matching row before keeping 100.
    const sql = `SELECT m.*,
        (SELECT count(*) FROM outbox_recipients r WHERE r.message_id = m.id AND r.message_status = 'delivered') AS delivered_count,
        (SELECT count(*) FROM outbox_recipients r WHERE r.message_id = m.id
           AND (r.message_status = 'error' OR r.message_status GLOB 'error_*')) AS failed_count
      FROM (SELECT * FROM outbox_messages ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT @limit) m
      ORDER BY m.created_at DESC, m.id DESC`;
    return (this.db.prepare(sql).all(params) as (MessageRow & { delivered_count: number; failed_count: number })[]).map((r) =>
      toSummary(r, { delivered: r.delivered_count, failed: r.failed_count }),
    );
  }

  stats(days: number): OutboxStats {
    const since = new Date(this.now().getTime() - days * 86_400_000).toISOString();
    const perDay = this.db
      .prepare(
        `SELECT substr(created_at, 1, 10) AS day, count(*) AS count FROM outbox_messages WHERE created_at >= ? GROUP BY day ORDER BY day`,
      )
      .all(since) as { day: string; count: number }[];
    const byState: OutboxStats['byState'] = {};
    for (const r of this.db.prepare(`SELECT state, count(*) AS c FROM outbox_messages GROUP BY state`).all() as {
      state: OutboxState;
      c: number;
    }[])
      byState[r.state] = r.c;
    const byDduType: Record<string, number> = {};
    for (const r of this.db
      .prepare(`SELECT coalesce(ddu_type, 'sin_dato') AS t, count(*) AS c FROM outbox_recipients GROUP BY t`)
      .all() as { t: string; c: number }[])
      byDduType[r.t] = r.c;
    const total = (this.db.prepare(`SELECT count(*) AS c FROM outbox_messages`).get() as { c: number }).c;
    return { perDay, byState, byDduType, total };
  }
}

function countRecipients(recipients: readonly { status: string | null }[]): RecipientCounts {
  return {
    delivered: recipients.filter((r) => r.status === 'delivered').length,
    failed: recipients.filter((r) => isErrorRecipientStatus(r.status)).length,
  };
}

/** A message row as the list shows it, with its delivered and failed recipients counted by the caller. */
export function toSummary(row: MessageRow, counts: RecipientCounts): OutboxSummary {
  return {
    id: row.id,
    envioId: row.envio_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    state: row.state,
    messageType: row.message_type,
    procedureCode: row.procedure_code,
    subject: row.subject,
    recipientCount: row.recipient_count,
    recipientsDelivered: counts.delivered,
    recipientsFailed: counts.failed,
    groupLabel: row.group_label ?? null,
    messageDataId: row.message_data_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    attempts: row.attempts,
    dueAt: row.due_at,
  };
}

/** Named placeholders `@p0, @p1…` for an IN list, with their values put into `params`. */
function inList(prefix: string, values: readonly (string | number)[], params: Record<string, string | number | null>): string {
  return values.map((v, i) => ((params[`${prefix}${i}`] = v), `@${prefix}${i}`)).join(', ');
}

/** Words of the search box as an FTS5 prefix query; FTS syntax characters are dropped, never interpreted. */
export function toFtsQuery(text: string): string | null {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : null;
}

/** A timeline entry's text: the core's Spanish sentence (logs, CLI) and its code with parameters (the UI). */
export type EventDetail = { code: OutboxEventCode; params?: Record<string, string | number>; message: string; reason?: OutboxReason };

/**
 * How a coded entry is kept in `outbox_events.detail` without a schema change: the Spanish sentence first (so
 * `LIKE 'conciliado automáticamente%'` and older readers keep working), then an ASCII record separator and the
 * code with its parameters as JSON. Entries written before codes existed have the sentence only.
 */
const CODE_SEPARATOR = '\u001e';

export function storedDetail(d: EventDetail | string | null): string | null {
  if (d === null || typeof d === 'string') return d;
  const coded = { code: d.code, ...(d.params ? { params: d.params } : {}), ...(d.reason ? { reason: d.reason } : {}) };
  return `${d.message}${CODE_SEPARATOR}${JSON.stringify(coded)}`;
}

/** A stored entry read back: the sentence as `detail`, and the code with its parameters when it has one. */
export function readEvent(e: { at: string; state: string; detail: string | null }): OutboxEvent {
  const cut = e.detail?.indexOf(CODE_SEPARATOR) ?? -1;
  if (!e.detail || cut < 0) return e;
  const message = e.detail.slice(0, cut);
  try {
    const coded = JSON.parse(e.detail.slice(cut + 1)) as { code?: unknown; params?: unknown; reason?: unknown };
    if (typeof coded.code === 'string' && (OUTBOX_EVENT_CODES as readonly string[]).includes(coded.code)) {
      const params = coded.params && typeof coded.params === 'object' ? (coded.params as Record<string, string | number>) : undefined;
      // A reason whose codes this version does not know is left out: the sentence in `detail` still says it.
      const reason = parseOutboxReason(coded.reason);
      return {
        at: e.at,
        state: e.state,
        detail: message,
        code: coded.code as OutboxEventCode,
        ...(params ? { params } : {}),
        ...(reason ? { reason } : {}),
      };
    }
  } catch {
    // A damaged suffix: the sentence alone is still right.
  }
  return { at: e.at, state: e.state, detail: message };
}
