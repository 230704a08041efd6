import { z } from 'zod';

import { OUTBOX_STATES } from './outbox';

/**
 * Every action the core writes to the audit log (the UI words them as `settings.auditActions.<action with _>`;
 * `test/unit/i18n.test.ts` checks that every `action:` the core writes is listed here and has both texts).
 */
export const AUDIT_ACTIONS = [
  'app.start',
  'session.lock',
  'session.unlock',
  'session.lock-warning',
  'session.unlock.failed',
  'session.password.set',
  'session.password.change',
  'sign',
  'sign.failed',
  'sign.refused',
  'sign.certificate.add',
  'sign.certificate.remove',
  'sign.firmagob.configure',
  'sign.tsa.save',
  'sign.tsa.remove',
  'sign.profile.save',
  'sign.profile.remove',
  'sign.profile.import',
  'verify.report.settings',
  'verify',
  'verify.report',
  'verify.trust.add',
  'verify.trust.remove',
  'trust.add',
  'trust.remove',
  'trust.refresh',
  'trust.refresh.failed',
  'settings.update',
  'settings.profile.save',
  'settings.profile.remove',
  'settings.profile.activate',
  'compose.template.save',
  'compose.template.remove',
  'compose.draft.save',
  'compose.draft.remove',
  'compose.queue.refused',
  'outbox.export',
  'outbox.receipt',
  'outbox.constancia',
  ...OUTBOX_STATES.map((s) => `outbox.${s}` as const),
  'file.refused',
  'deny',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
};

/**
 * What `verify` found. The SHA-256 chain catches an edited, inserted or deleted middle row; the HMAC seal (key and
 * last sealed id/MAC in the OS keychain) catches a deleted tail and a chain recomputed after an edit.
 * `seal`: 'checked' (HMAC verified up to the head kept in the keychain), 'unavailable' (no keychain answers and
 * nothing was ever sealed), 'off' (a log opened without a keychain, tests only).
 */
export type AuditVerification =
  | { ok: true; entries: number; head: string | null; sealed?: number; seal?: 'checked' | 'unavailable' | 'off' }
  | { ok: false; entries: number; brokenAt: number; reason: AuditBreak };

export type AuditBreak =
  | 'hash-mismatch'
  | 'prev-mismatch'
  | 'gap'
  /** The row's HMAC does not match (edited, and the SHA-256 chain recomputed). */
  | 'mac-mismatch'
  /** A row before the sealed head has no HMAC (seal removed). */
  | 'mac-missing'
  /** The last sealed entry recorded in the keychain is missing or different (tail deleted or replaced). */
  | 'head-mismatch'
  /** Rows are sealed but the keychain holds no key or head for this data folder. */
  | 'key-missing'
  /** Rows are sealed but the keychain does not answer: the seal cannot be checked. */
  | 'keychain-unavailable';

export const auditMethods = {
  'audit.list': {
    input: z
      .object({
        limit: z.number().int().min(1).max(1000).default(100),
        beforeId: z.number().int().positive().optional(),
        action: z.string().max(64).optional(),
      })
      .strict(),
    progress: false,
  },
  'audit.verify': { input: z.object({}).strict(), progress: false },
} as const;

export interface AuditOutputs {
  'audit.list': AuditEntry[];
  'audit.verify': AuditVerification;
}
