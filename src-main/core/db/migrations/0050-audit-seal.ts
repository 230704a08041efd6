import type { Migration } from './types';

/**
 * The audit log's HMAC seal: one MAC per entry, chained, keyed by a secret kept in the OS keychain. Existing
 * entries start unsealed and are sealed (after their SHA-256 chain is checked) the first time a keychain answers.
 */
export const m0050AuditSeal: Migration = {
  version: 50,
  name: 'audit-seal',
  up(db) {
    db.exec(`ALTER TABLE audit_log ADD COLUMN mac TEXT;`);
  },
};
