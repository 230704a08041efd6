import type { Migration } from '../../core/db/migrations/types';

/** The sandbox's own schema: institutions and what they configured, accepted messages and their recipients. */
export const m0010Sandbox: Migration = {
  version: 10,
  name: 'sandbox',
  up(db) {
    db.exec(`
      CREATE TABLE institutions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        client_id TEXT NOT NULL UNIQUE,
        client_secret TEXT NOT NULL,
        webhook_secret TEXT NOT NULL,
        logo_configured INTEGER NOT NULL,
        message_types TEXT NOT NULL,
        is_demo INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE procedures (
        institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        stage INTEGER NOT NULL CHECK (stage IN (1, 2, 3)),
        PRIMARY KEY (institution_id, code, stage)
      ) STRICT;
      CREATE TABLE signatures (
        uid TEXT PRIMARY KEY,
        institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        institution_id INTEGER NOT NULL REFERENCES institutions (id),
        received_at INTEGER NOT NULL,
        subject TEXT NOT NULL,
        data TEXT NOT NULL,
        webhook_url TEXT,
        idempotency_key TEXT,
        content_hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX messages_duplicates ON messages (institution_id, content_hash, received_at);
      CREATE TABLE recipients (
        message_id TEXT NOT NULL REFERENCES messages (id),
        rol_unico INTEGER NOT NULL,
        ddu_type TEXT NOT NULL,
        message_status TEXT NOT NULL,
        final_status TEXT NOT NULL,
        due_at INTEGER,
        delivered_at INTEGER,
        read_at INTEGER,
        PRIMARY KEY (message_id, rol_unico)
      ) STRICT;
      CREATE INDEX recipients_due ON recipients (due_at) WHERE due_at IS NOT NULL;
      CREATE INDEX recipients_run ON recipients (rol_unico);
      CREATE TABLE attachments (
        message_id TEXT NOT NULL REFERENCES messages (id),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        kind TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        PRIMARY KEY (message_id, position)
      ) STRICT;
      CREATE TABLE idempotency_keys (
        institution_id INTEGER NOT NULL REFERENCES institutions (id),
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (institution_id, key)
      ) STRICT;
    `);
  },
};
