import type { Migration } from './types';

/**
 * What the sender needs to judge an unknown outcome without trusting the wall clock: the platform's own time
 * (from its `Date` header) at the start of the last attempt and of the first uncertain one, how many times the
 * reconciler looked, and how many status answers in a row could not be used.
 */
export const m0040OutboxUncertainty: Migration = {
  version: 40,
  name: 'outbox-uncertainty',
  up(db) {
    db.exec(`
      ALTER TABLE outbox_messages ADD COLUMN attempt_platform_at INTEGER;
      ALTER TABLE outbox_messages ADD COLUMN unknown_platform_at INTEGER;
      ALTER TABLE outbox_messages ADD COLUMN reconcile_passes INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE outbox_messages ADD COLUMN bad_polls INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX outbox_message_data_id ON outbox_messages (message_data_id) WHERE message_data_id IS NOT NULL;
    `);
  },
};
