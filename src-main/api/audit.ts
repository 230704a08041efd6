import { z } from 'zod';

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

export type AuditVerification =
  | { ok: true; entries: number; head: string | null }
  | { ok: false; entries: number; brokenAt: number; reason: 'hash-mismatch' | 'prev-mismatch' | 'gap' };

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
