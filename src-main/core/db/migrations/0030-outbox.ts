import type { Migration } from './types';

/**
 * The outbox: one row per message to send, its recipients, its attachment snapshots (content-addressed files
 * under the data folder) and a timeline of its transitions. The message row is also its job row (attempts,
 * due time, lease), written in the same transaction as the domain data.
 */
export const m0030Outbox: Migration = {
  version: 30,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox_messages (
        id TEXT PRIMARY KEY,
        envio_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft','queued','sending','accepted','tracking','done','failed','needs_reconciliation','cancelled')),
        profile_id TEXT NOT NULL,
        backend_url TEXT NOT NULL,
        client_id TEXT NOT NULL,
        message_type TEXT NOT NULL CHECK (message_type IN ('NT','CP','CI')),
        procedure_code TEXT,
        procedure_stage INTEGER,
        subject TEXT NOT NULL,
        data_json TEXT NOT NULL,
        payload_sha256 TEXT NOT NULL,
        recipient_count INTEGER NOT NULL,
        message_data_id TEXT,
        sent_at TEXT,
        error_code TEXT,
        error_message TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at TEXT,
        last_attempt_at TEXT,
        unknown_since TEXT,
        lease_until TEXT,
        lease_owner TEXT,
        polls INTEGER NOT NULL DEFAULT 0,
        done_at TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox_messages (state, due_at);
      CREATE INDEX outbox_created ON outbox_messages (created_at);
      CREATE INDEX outbox_state_created ON outbox_messages (state, created_at);
      CREATE INDEX outbox_type_created ON outbox_messages (message_type, created_at);
      CREATE INDEX outbox_procedure ON outbox_messages (procedure_code, created_at);
      CREATE INDEX outbox_envio ON outbox_messages (envio_id);

      CREATE TABLE outbox_recipients (
        message_id TEXT NOT NULL REFERENCES outbox_messages (id) ON DELETE CASCADE,
        rol_unico INTEGER NOT NULL,
        label TEXT NOT NULL,
        ddu_type TEXT,
        message_status TEXT,
        delivered_at TEXT,
        read_at TEXT,
        updated_at TEXT,
        PRIMARY KEY (message_id, rol_unico)
      ) STRICT;
      CREATE INDEX outbox_recipients_rol ON outbox_recipients (rol_unico);

      CREATE TABLE outbox_attachments (
        message_id TEXT NOT NULL REFERENCES outbox_messages (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (message_id, position)
      ) STRICT;

      CREATE TABLE outbox_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL REFERENCES outbox_messages (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        state TEXT NOT NULL,
        detail TEXT
      ) STRICT;
      CREATE INDEX outbox_events_message ON outbox_events (message_id, id);

      CREATE VIRTUAL TABLE outbox_subject_fts USING fts5 (subject, content = 'outbox_messages', content_rowid = 'rowid');
      CREATE TRIGGER outbox_fts_insert AFTER INSERT ON outbox_messages BEGIN
        INSERT INTO outbox_subject_fts (rowid, subject) VALUES (new.rowid, new.subject);
      END;
      CREATE TRIGGER outbox_fts_delete AFTER DELETE ON outbox_messages BEGIN
        INSERT INTO outbox_subject_fts (outbox_subject_fts, rowid, subject) VALUES ('delete', old.rowid, old.subject);
      END;
      CREATE TRIGGER outbox_fts_update AFTER UPDATE OF subject ON outbox_messages BEGIN
        INSERT INTO outbox_subject_fts (outbox_subject_fts, rowid, subject) VALUES ('delete', old.rowid, old.subject);
        INSERT INTO outbox_subject_fts (rowid, subject) VALUES (new.rowid, new.subject);
      END;
    `);
  },
};
