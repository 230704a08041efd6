import type { Migration } from './types';

/**
 * The recipient group a message carries, named ("Grupo 2", or the name the official gave it), so two groups of
 * one envío are not two identical rows. Null for an envío of a single message.
 */
export const m0060OutboxGroups: Migration = {
  version: 60,
  name: 'outbox-groups',
  up(db) {
    db.exec(`ALTER TABLE outbox_messages ADD COLUMN group_label TEXT;`);
  },
};
