/**
 * The app lock: after inactivity the UI locks and only the user's app password (set on first use, kept as a
 * scrypt hash, never in clear) opens it again. While locked the core refuses the renderer's calls except these
 * and a few harmless reads, and remembered certificate passwords need the user's consent (typing the
 * certificate password once) before they are used again.
 *
 * Error codes: LOCK_BAD_PASSWORD, LOCK_PASSWORD_EXISTS, LOCK_NO_PASSWORD, LOCKED.
 */
import { z } from 'zod';

const password = z.string().min(6, 'Al menos 6 caracteres').max(256);

export const lockMethods = {
  'lock.status': { input: z.object({}).strict(), progress: false },
  /** First use: sets the password. Changing it needs the current one. */
  'lock.setPassword': { input: z.object({ password, current: z.string().max(256).optional() }).strict(), progress: false },
  'lock.lock': { input: z.object({}).strict(), progress: false },
  'lock.unlock': { input: z.object({ password: z.string().max(256) }).strict(), progress: false },
} as const;

export type LockStatus = { hasPassword: boolean; locked: boolean };

export interface LockOutputs {
  'lock.status': LockStatus;
  'lock.setPassword': { set: true };
  'lock.lock': LockStatus;
  'lock.unlock': LockStatus;
}
