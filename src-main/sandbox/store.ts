/**
 * The sandbox's own SQLite database (`<dataDir>/sandbox.sqlite`) and every query on it. Separate from the
 * app's database so resetting a training sandbox never touches the user's outbox.
 */
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runMigrations, type Db } from '../core/db/database';
import type { InstitutionProfile } from '../core/casilla/rules';
import { planDelivery, type DduType } from './delivery';
import { sandboxMigrations } from './migrations';

export const SANDBOX_DB_FILE = 'sandbox.sqlite';

export type Institution = {
  id: number;
  name: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  logoConfigured: boolean;
  messageTypes: string[];
  isDemo: boolean;
};

export type Procedure = { code: string; name: string; stage: number };
export type Signature = { uid: string; name: string; body: string; updatedAt: number };

export type RecipientRow = {
  rol_unico: number;
  ddu_type: DduType;
  message_status: string;
  final_status: string;
  due_at: number | null;
  delivered_at: number | null;
  read_at: number | null;
};

export type MessageRow = {
  id: string;
  institution_id: number;
  received_at: number;
  subject: string;
  data: string;
  webhook_url: string | null;
  idempotency_key: string | null;
  content_hash: string;
};

export type AttachmentRow = { name: string; size: number; kind: string; sha256: string };

export type NewMessage = {
  id: string;
  institutionId: number;
  receivedAt: number;
  subject: string;
  data: string;
  webhookUrl: string | null;
  idempotencyKey: string | null;
  contentHash: string;
  recipients: number[];
  attachments: AttachmentRow[];
  emailDelayMs: number;
  /** Stored with the message in one transaction so a replay after "accept then drop" finds the answer. */
  idempotency: { requestHash: string; status: number; body: string } | null;
};

const STANDARD_STAGES = [
  [1, 'Inicio'],
  [2, 'Instrucción'],
  [3, 'Finalización'],
] as const;

export function openSandboxDatabase(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(dataDir, SANDBOX_DB_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db, sandboxMigrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export class SandboxStore {
  constructor(readonly db: Db) {}

  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('optimize');
    } finally {
      this.db.close();
    }
  }

  /** The demo institution, created on first start with every message type, two procedures and a signature. */
  ensureDemoInstitution(): Institution {
    const row = this.db.prepare('SELECT id FROM institutions WHERE is_demo = 1').get() as { id: number } | undefined;
    if (row) return this.institutionById(row.id)!;
    return this.createInstitution({
      name: 'Institución de demostración',
      isDemo: true,
      logoConfigured: true,
      messageTypes: ['NT', 'CP', 'CI'],
      procedures: [
        { code: 'PA-0001', name: 'Procedimiento sancionatorio' },
        { code: 'PA-0002', name: 'Solicitud de información' },
      ],
      signatures: [{ name: 'Firma institucional', body: '<p>Oficina de Partes<br>Institución de demostración</p>' }],
    });
  }

  createInstitution(input: {
    name: string;
    isDemo?: boolean;
    logoConfigured: boolean;
    messageTypes: string[];
    procedures: { code: string; name: string }[];
    signatures: { name: string; body: string }[];
  }): Institution {
    const now = Date.now();
    const id = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO institutions (name, client_id, client_secret, webhook_secret, logo_configured, message_types, is_demo, created_at)
           VALUES (@name, @clientId, @clientSecret, @webhookSecret, @logo, @types, @demo, @now)`,
        )
        .run({
          name: input.name,
          clientId: 'sbx-' + crypto.randomBytes(8).toString('hex'),
          clientSecret: crypto.randomBytes(24).toString('base64url'),
          webhookSecret: 'whsec_' + crypto.randomBytes(24).toString('base64'),
          logo: input.logoConfigured ? 1 : 0,
          types: JSON.stringify(input.messageTypes),
          demo: input.isDemo ? 1 : 0,
          now,
        });
      const instId = Number(info.lastInsertRowid);
      const addProc = this.db.prepare('INSERT INTO procedures (institution_id, code, name, stage) VALUES (?, ?, ?, ?)');
      for (const p of input.procedures) for (const [stage] of STANDARD_STAGES) addProc.run(instId, p.code, p.name, stage);
      const addSig = this.db.prepare('INSERT INTO signatures (uid, institution_id, name, body, updated_at) VALUES (?, ?, ?, ?, ?)');
      for (const s of input.signatures) addSig.run(crypto.randomUUID(), instId, s.name, s.body, now);
      return instId;
    })();
    return this.institutionById(id)!;
  }

  updateInstitution(clientId: string, patch: { logoConfigured?: boolean; messageTypes?: string[] }): Institution | null {
    const inst = this.institutionByClientId(clientId);
    if (!inst) return null;
    if (patch.logoConfigured !== undefined)
      this.db.prepare('UPDATE institutions SET logo_configured = ? WHERE id = ?').run(patch.logoConfigured ? 1 : 0, inst.id);
    if (patch.messageTypes !== undefined)
      this.db.prepare('UPDATE institutions SET message_types = ? WHERE id = ?').run(JSON.stringify(patch.messageTypes), inst.id);
    return this.institutionById(inst.id);
  }

  listInstitutions(): Institution[] {
    const rows = this.db.prepare('SELECT id FROM institutions ORDER BY id').all() as { id: number }[];
    return rows.map((r) => this.institutionById(r.id)!);
  }

  institutionByClientId(clientId: string): Institution | null {
    const row = this.db.prepare('SELECT id FROM institutions WHERE client_id = ?').get(clientId) as { id: number } | undefined;
    return row ? this.institutionById(row.id) : null;
  }

  institutionById(id: number): Institution | null {
    const r = this.db.prepare('SELECT * FROM institutions WHERE id = ?').get(id) as
      | {
          id: number;
          name: string;
          client_id: string;
          client_secret: string;
          webhook_secret: string;
          logo_configured: number;
          message_types: string;
          is_demo: number;
        }
      | undefined;
    if (!r) return null;
    return {
      id: r.id,
      name: r.name,
      clientId: r.client_id,
      clientSecret: r.client_secret,
      webhookSecret: r.webhook_secret,
      logoConfigured: r.logo_configured === 1,
      messageTypes: JSON.parse(r.message_types) as string[],
      isDemo: r.is_demo === 1,
    };
  }

  procedures(institutionId: number): Procedure[] {
    return this.db
      .prepare('SELECT code, name, stage FROM procedures WHERE institution_id = ? ORDER BY code, stage')
      .all(institutionId) as Procedure[];
  }

  signatures(institutionId: number): Signature[] {
    return this.db
      .prepare('SELECT uid, name, body, updated_at AS updatedAt FROM signatures WHERE institution_id = ? ORDER BY name')
      .all(institutionId) as Signature[];
  }

  profile(inst: Institution): InstitutionProfile {
    return {
      logoConfigured: inst.logoConfigured,
      enabledMessageTypes: inst.messageTypes,
      procedures: this.procedures(inst.id).map((p) => ({ code: p.code, stage: p.stage })),
      signatureUids: this.signatures(inst.id).map((s) => s.uid),
    };
  }

  hasDuplicate(institutionId: number, contentHash: string, since: number): boolean {
    return Boolean(
      this.db
        .prepare('SELECT 1 FROM messages WHERE institution_id = ? AND content_hash = ? AND received_at >= ? LIMIT 1')
        .get(institutionId, contentHash, since),
    );
  }

  idempotencyRecord(institutionId: number, key: string): { request_hash: string; status: number; body: string } | null {
    return (
      (this.db
        .prepare('SELECT request_hash, status, body FROM idempotency_keys WHERE institution_id = ? AND key = ?')
        .get(institutionId, key) as { request_hash: string; status: number; body: string } | undefined) ?? null
    );
  }

  insertMessage(m: NewMessage): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO messages (id, institution_id, received_at, subject, data, webhook_url, idempotency_key, content_hash)
           VALUES (@id, @institutionId, @receivedAt, @subject, @data, @webhookUrl, @idempotencyKey, @contentHash)`,
        )
        .run({
          id: m.id,
          institutionId: m.institutionId,
          receivedAt: m.receivedAt,
          subject: m.subject,
          data: m.data,
          webhookUrl: m.webhookUrl,
          idempotencyKey: m.idempotencyKey,
          contentHash: m.contentHash,
        });
      const addRecipient = this.db.prepare(
        `INSERT INTO recipients (message_id, rol_unico, ddu_type, message_status, final_status, due_at, delivered_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const run of m.recipients) {
        const plan = planDelivery(run);
        const pending = plan.initial === 'pending';
        addRecipient.run(
          m.id,
          run,
          plan.ddu,
          plan.initial,
          plan.final,
          pending ? m.receivedAt + m.emailDelayMs : null,
          pending ? null : m.receivedAt,
        );
      }
      const addAttachment = this.db.prepare(
        'INSERT INTO attachments (message_id, position, name, size, kind, sha256) VALUES (?, ?, ?, ?, ?, ?)',
      );
      m.attachments.forEach((a, i) => addAttachment.run(m.id, i, a.name, a.size, a.kind, a.sha256));
      if (m.idempotencyKey && m.idempotency) {
        this.db
          .prepare('INSERT INTO idempotency_keys (institution_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(m.institutionId, m.idempotencyKey, m.idempotency.requestHash, m.idempotency.status, m.idempotency.body, m.receivedAt);
      }
    })();
  }

  message(id: string): MessageRow | null {
    return (this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined) ?? null;
  }

  recipients(messageId: string): RecipientRow[] {
    return this.db
      .prepare(
        'SELECT rol_unico, ddu_type, message_status, final_status, due_at, delivered_at, read_at FROM recipients WHERE message_id = ? ORDER BY rowid',
      )
      .all(messageId) as RecipientRow[];
  }

  attachments(messageId: string): AttachmentRow[] {
    return this.db
      .prepare('SELECT name, size, kind, sha256 FROM attachments WHERE message_id = ? ORDER BY position')
      .all(messageId) as AttachmentRow[];
  }

  listMessages(limit: number): MessageRow[] {
    return this.db.prepare('SELECT * FROM messages ORDER BY received_at DESC, rowid DESC LIMIT ?').all(limit) as MessageRow[];
  }

  /** Turns every pending email recipient whose time has come into its final status; returns the messages touched. */
  settleDue(now: number): string[] {
    return this.db.transaction(() => {
      const due = this.db.prepare('SELECT DISTINCT message_id FROM recipients WHERE due_at IS NOT NULL AND due_at <= ?').all(now) as {
        message_id: string;
      }[];
      if (due.length === 0) return [];
      this.db
        .prepare(
          `UPDATE recipients SET message_status = final_status,
             delivered_at = CASE WHEN final_status = 'delivered' THEN due_at ELSE NULL END,
             due_at = NULL
           WHERE due_at IS NOT NULL AND due_at <= ?`,
        )
        .run(now);
      return due.map((d) => d.message_id);
    })();
  }

  nextDueAt(): number | null {
    const r = this.db.prepare('SELECT MIN(due_at) AS at FROM recipients WHERE due_at IS NOT NULL').get() as { at: number | null };
    return r.at;
  }

  markRead(messageId: string, rolUnico: number, now: number): 'ok' | 'not-found' | 'not-casilla' {
    const r = this.db.prepare('SELECT ddu_type FROM recipients WHERE message_id = ? AND rol_unico = ?').get(messageId, rolUnico) as
      { ddu_type: string } | undefined;
    if (!r) return 'not-found';
    if (r.ddu_type !== 'casilla') return 'not-casilla';
    this.db
      .prepare('UPDATE recipients SET read_at = COALESCE(read_at, ?) WHERE message_id = ? AND rol_unico = ?')
      .run(now, messageId, rolUnico);
    return 'ok';
  }

  /** One citizen's messages from one institution, newest first (what the citizen's `access_url` lists). */
  inboxFor(institutionId: number, rolUnico: number, limit: number): MessageRow[] {
    return this.db
      .prepare(
        `SELECT m.* FROM messages m JOIN recipients r ON r.message_id = m.id
         WHERE r.rol_unico = ? AND m.institution_id = ? ORDER BY m.received_at DESC, m.rowid DESC LIMIT ?`,
      )
      .all(rolUnico, institutionId, limit) as MessageRow[];
  }

  /** Unread casilla messages of one citizen, from every institution (what the citizen's inbox shows as pending). */
  pendingFor(rolUnico: number): number {
    const r = this.db
      .prepare("SELECT COUNT(*) AS n FROM recipients WHERE rol_unico = ? AND ddu_type = 'casilla' AND read_at IS NULL")
      .get(rolUnico) as { n: number };
    return r.n;
  }
}
