import { z } from 'zod';

export const OUTBOX_STATES = [
  'draft',
  'queued',
  'sending',
  'accepted',
  'tracking',
  'done',
  'failed',
  'needs_reconciliation',
  'cancelled',
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export type OutboxRecipient = {
  rolUnico: number;
  label: string;
  dduType: string | null;
  status: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  updatedAt: string | null;
};

export type OutboxSummary = {
  id: string;
  envioId: string;
  createdAt: string;
  updatedAt: string;
  state: OutboxState;
  messageType: 'NT' | 'CP' | 'CI';
  procedureCode: string | null;
  subject: string;
  recipientCount: number;
  /** Recipients the platform reported delivered / failed (for the delivery state shown in the list). */
  recipientsDelivered: number;
  recipientsFailed: number;
  /** The recipient group this message carries when its envío has several ("Grupo 2"), else null. */
  groupLabel: string | null;
  messageDataId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  dueAt: string | null;
};

/**
 * What a timeline entry says, as a code the UI words in the user's language (`outbox.events.<code>`) with its
 * parameters; the entry's `detail` keeps the core's Spanish sentence (with the nested reason) for logs and the CLI.
 */
export const OUTBOX_EVENT_CODES = [
  'attempt',
  'accepted',
  'retry_later',
  'offline',
  'rate_limited',
  'transport_unavailable',
  'unknown_outcome',
  'duplicate_confirmed',
  'reconciled_auto',
  'look_again',
  'needs_human',
  'refused',
  'attachment_corrupt',
  'delivery_progress',
  'status_unreadable',
  'cancelled_by_user',
  'retry_by_user',
  'reconciled_accepted',
  'reconciled_resend',
  'reconciled_discarded',
] as const;
export type OutboxEventCode = (typeof OUTBOX_EVENT_CODES)[number];
/**
 * Codes whose Spanish `detail` adds a reason the code's text does not carry. Entries written before reasons were
 * codes (no `reason`) show that `detail` beside the code's text in Spanish.
 */
export const OUTBOX_EVENTS_WITH_REASON: readonly OutboxEventCode[] = [
  'retry_later',
  'transport_unavailable',
  'unknown_outcome',
  'look_again',
  'needs_human',
  'attachment_corrupt',
  'status_unreadable',
];
/**
 * Why an upload, a status poll or the search for an uncertain upload went the way it did, as a code the UI and the
 * CLI word in the user's language (`outbox.reasons.<code>`) with its parameters. A reason that quotes another
 * (the search failed *because* the connection was cut) carries it as `cause`, worded into its text's `{cause}`.
 * Written by core/casilla/classify.ts (a call), core/outbox/reconciler.ts (the search), core/outbox/decide.ts
 * (the decision after an unknown outcome) and the sender.
 */
export const OUTBOX_REASON_CODES = [
  // A call to the platform (classify.ts).
  'offline',
  'timeout',
  'connection_interrupted',
  'answer_unreadable',
  'rate_limited_after_upload',
  'server_error_after_upload',
  'server_error',
  'rate_limited',
  'refused',
  // The sender.
  'process_interrupted',
  'attachment_unreadable',
  'error',
  // The search on the platform (reconciler.ts).
  'no_recipients',
  'list_too_short',
  'citizen_pending_failed',
  'citizen_inbox_failed',
  'not_listed',
  // The decision after an unknown outcome (decide.ts).
  'found',
  'several_found',
  'duplicate_not_listed_yet',
  'duplicate_not_found',
  'absent_resend',
  'search_failed',
  'duplicate_without_id',
  'resend_inside_window',
  'search_failed_too_late',
  'search_failed_time_unknown',
] as const;
export type OutboxReasonCode = (typeof OUTBOX_REASON_CODES)[number];
export type OutboxReason = { code: OutboxReasonCode; params?: Record<string, string | number>; cause?: OutboxReason };
/** How deep a stored reason may nest (a reason read back from the database deeper than this is cut). */
export const OUTBOX_REASON_DEPTH = 4;

export function isOutboxReasonCode(code: unknown): code is OutboxReasonCode {
  return typeof code === 'string' && (OUTBOX_REASON_CODES as readonly string[]).includes(code);
}

/** A reason read back from storage (JSON): kept only when every level has a known code; params only strings and numbers. */
export function parseOutboxReason(value: unknown, depth = 0): OutboxReason | undefined {
  if (depth >= OUTBOX_REASON_DEPTH || !value || typeof value !== 'object') return undefined;
  const v = value as { code?: unknown; params?: unknown; cause?: unknown };
  if (!isOutboxReasonCode(v.code)) return undefined;
  const out: OutboxReason = { code: v.code };
  if (v.params && typeof v.params === 'object') {
    const params: Record<string, string | number> = {};
    for (const [k, x] of Object.entries(v.params)) if (typeof x === 'string' || typeof x === 'number') params[k] = x;
    if (Object.keys(params).length) out.params = params;
  }
  const cause = v.cause === undefined ? undefined : parseOutboxReason(v.cause, depth + 1);
  if (cause) out.cause = cause;
  return out;
}

export type OutboxEvent = {
  at: string;
  state: string;
  /** Spanish, for logs (and how an entry written before codes existed is shown). */
  detail: string | null;
  code?: OutboxEventCode;
  params?: Record<string, string | number>;
  /** Why, as codes (entries written before reasons were codes have it only inside `detail`). */
  reason?: OutboxReason;
};

export type OutboxDetail = OutboxSummary & {
  profileId: string;
  backendUrl: string;
  procedureStage: number | null;
  content: string;
  sentAt: string | null;
  doneAt: string | null;
  recipients: OutboxRecipient[];
  attachments: { name: string; sha256: string; size: number }[];
  events: OutboxEvent[];
};

export const outboxFilterSchema = z
  .object({
    states: z.array(z.enum(OUTBOX_STATES)).max(OUTBOX_STATES.length).optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    messageType: z.enum(['NT', 'CP', 'CI']).optional(),
    procedureCode: z.string().max(64).optional(),
    recipient: z.number().int().min(1).max(99_999_999).optional(),
    text: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** Keyset cursor: the last row of the previous page. */
    before: z.object({ createdAt: z.string(), id: z.string() }).strict().optional(),
  })
  .strict();
export type OutboxFilter = z.input<typeof outboxFilterSchema>;

export type OutboxStats = {
  perDay: { day: string; count: number }[];
  byState: Partial<Record<OutboxState, number>>;
  byDduType: Record<string, number>;
  total: number;
};

export const outboxMethods = {
  'outbox.list': { input: outboxFilterSchema, progress: false },
  'outbox.get': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  'outbox.cancel': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  'outbox.retry': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  'outbox.reconcile': {
    input: z
      .object({
        id: z.string().min(1).max(64),
        resolution: z.enum(['accepted', 'resend', 'failed']),
        messageDataId: z
          .string()
          .regex(/^[0-9a-f]{24}$/i)
          .optional(),
        note: z.string().max(500).optional(),
      })
      .strict(),
    progress: false,
  },
  'outbox.stats': { input: z.object({ days: z.number().int().min(1).max(366).default(30) }).strict(), progress: false },
  'outbox.sync': { input: z.object({}).strict(), progress: true },
  'outbox.exportCsv': { input: z.object({}).strict(), progress: false },
  /** The platform's delivery receipt (comprobante) of one recipient, saved under the data folder. */
  'outbox.receipt': {
    input: z.object({ id: z.string().min(1).max(64), rolUnico: z.number().int().min(1).max(99_999_999) }).strict(),
    progress: false,
  },
} as const;

export interface OutboxOutputs {
  'outbox.list': OutboxSummary[];
  'outbox.get': OutboxDetail;
  'outbox.cancel': OutboxSummary;
  'outbox.retry': OutboxSummary;
  'outbox.reconcile': OutboxSummary;
  'outbox.stats': OutboxStats;
  'outbox.sync': { sent: number; polled: number; failed: number; reconcile: number };
  'outbox.exportCsv': { csv: string; rows: number };
  'outbox.receipt': { path: string; bytes: number };
}
