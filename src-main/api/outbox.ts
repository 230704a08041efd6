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

export type OutboxDetail = OutboxSummary & {
  profileId: string;
  backendUrl: string;
  procedureStage: number | null;
  content: string;
  sentAt: string | null;
  doneAt: string | null;
  recipients: OutboxRecipient[];
  attachments: { name: string; sha256: string; size: number }[];
  events: { at: string; state: string; detail: string | null }[];
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
