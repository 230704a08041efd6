import type { Migration } from './types';

/**
 * Saved drafts of Redactar, several per user: the fields as typed (JSON, sanitized again when opened) and their
 * attachments as references to content-addressed snapshots in the attachment store (`<home>/attachments/`).
 */
export const m0061ComposeDrafts: Migration = {
  version: 61,
  name: 'compose-drafts',
  up(db) {
    db.exec(`
      CREATE TABLE compose_drafts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        subject TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        fields_json TEXT NOT NULL,
        attachments_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX compose_drafts_updated ON compose_drafts (updated_at);
    `);
  },
};
