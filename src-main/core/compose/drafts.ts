import crypto from 'node:crypto';
import { AppError } from '../../api/result';
import { LIMITS } from '../casilla/rules';
import type { Db } from '../db/database';
import { withBusyRetry } from '../db/storage-errors';
import type { AttachmentStore } from '../outbox/attachment-store';
import { collectSnapshots, type SnapshotCollection } from './draft-snapshots';
import { sanitizeHtml } from './sanitize-html';

/** An attachment of a saved draft: which group it belongs to, its platform name, and its snapshot. */
export type DraftAttachment = { group: number; name: string; sha256: string; size: number };
export type DraftSummary = { id: string; name: string; subject: string; updatedAt: string; attachments: number };
export type OpenedDraft = {
  id: string;
  name: string;
  updatedAt: string;
  fields: Record<string, unknown>;
  /** Each with the path of its snapshot, which Redactar sends again as the attachment's file. */
  attachments: (DraftAttachment & { path: string })[];
  /** Attachments whose snapshot is missing or altered: named, never silently dropped. */
  lost: string[];
};

export const MAX_DRAFTS = 200;
/** Bounds of what a draft keeps and of what opening one accepts back. */
const MAX_FIELDS_JSON = 3_000_000;
const MAX_GROUPS = 100;
const MAX_ATTACHMENTS = MAX_GROUPS * 50;

/**
 * Several named drafts of Redactar in the core's database. Saving snapshots every attachment into the
 * content-addressed store (the same one the outbox uses), so a draft keeps the exact files even when the
 * originals change or disappear; opening one sanitizes its body and checks every snapshot's hash. Deleting a
 * draft, or saving it again without some attachment, collects the snapshots nothing else refers to
 * (draft-snapshots.ts; a snapshot written or reused within the grace period stays until a later start).
 */
export class DraftStore {
  constructor(
    private readonly db: Db,
    private readonly store: AttachmentStore,
    private readonly now: () => Date = () => new Date(),
    private readonly snapshotGraceMs?: number,
  ) {}

  /** What the last delete or replacement collected (for tests and the audit log). */
  lastCollection: SnapshotCollection | null = null;

  list(): DraftSummary[] {
    const rows = this.db
      .prepare(`SELECT id, name, subject, updated_at, attachments_json FROM compose_drafts ORDER BY updated_at DESC, id LIMIT ?`)
      .all(MAX_DRAFTS) as { id: string; name: string; subject: string; updated_at: string; attachments_json: string }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      subject: r.subject,
      updatedAt: r.updated_at,
      attachments: parseAttachments(r.attachments_json).length,
    }));
  }

  async save(input: {
    id?: string | undefined;
    name?: string | undefined;
    fields: Record<string, unknown>;
    attachments: { group: number; path: string; name: string }[];
  }): Promise<DraftSummary> {
    const fieldsJson = JSON.stringify(input.fields);
    if (fieldsJson.length > MAX_FIELDS_JSON) throw new AppError('DRAFT_TOO_LARGE', 'El borrador es demasiado grande para guardarlo.');
    if (input.attachments.length > MAX_ATTACHMENTS) throw new AppError('DRAFT_TOO_LARGE', 'El borrador tiene demasiados adjuntos.');
    const subject = typeof input.fields.subject === 'string' ? input.fields.subject.slice(0, 1000) : '';
    const name = (input.name?.trim() || subject.trim() || 'Borrador sin asunto').slice(0, 120);
    const exists = input.id ? Boolean(this.db.prepare(`SELECT 1 FROM compose_drafts WHERE id = ?`).get(input.id)) : false;
    if (input.id && !exists) throw new AppError('NOT_FOUND', 'Ese borrador ya no existe.', { id: input.id });
    if (!exists && (this.db.prepare(`SELECT count(*) AS c FROM compose_drafts`).get() as { c: number }).c >= MAX_DRAFTS)
      throw new AppError('DRAFT_LIMIT', `Se admiten hasta ${MAX_DRAFTS} borradores; elimine alguno.`, { max: MAX_DRAFTS });
    // Snapshots first: a file that cannot be copied fails the save, naming it, and the old draft stays as it was.
    const attachments: DraftAttachment[] = [];
    for (const a of input.attachments) {
      const s = await this.store.put(a.path, LIMITS.maxAttachmentBytes);
      attachments.push({ group: a.group, name: a.name, sha256: s.sha256, size: s.size });
    }
    const id = input.id ?? crypto.randomUUID();
    const previous = exists ? this.attachmentsOf(id) : [];
    const updatedAt = this.now().toISOString();
    withBusyRetry(() =>
      this.db
        .prepare(
          `INSERT INTO compose_drafts (id, name, subject, updated_at, fields_json, attachments_json) VALUES (@id, @name, @subject, @updatedAt, @f, @a)
           ON CONFLICT (id) DO UPDATE SET name = @name, subject = @subject, updated_at = @updatedAt, fields_json = @f, attachments_json = @a`,
        )
        .run({ id, name, subject, updatedAt, f: fieldsJson, a: JSON.stringify(attachments) }),
    );
    const kept = new Set(attachments.map((a) => a.sha256));
    this.collect(previous.map((a) => a.sha256).filter((h) => !kept.has(h)));
    return { id, name, subject, updatedAt, attachments: attachments.length };
  }

  open(id: string): OpenedDraft {
    const row = this.db.prepare(`SELECT * FROM compose_drafts WHERE id = ?`).get(id) as
      { id: string; name: string; updated_at: string; fields_json: string; attachments_json: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', 'Ese borrador ya no existe.', { id });
    const attachments: OpenedDraft['attachments'] = [];
    const lost: string[] = [];
    for (const a of parseAttachments(row.attachments_json)) {
      try {
        this.store.read(a.sha256);
        attachments.push({ ...a, path: this.store.pathOf(a.sha256) });
      } catch {
        lost.push(a.name);
      }
    }
    return { id: row.id, name: row.name, updatedAt: row.updated_at, fields: sanitizeFields(row.fields_json), attachments, lost };
  }

  remove(id: string): boolean {
    const previous = this.attachmentsOf(id);
    const removed = withBusyRetry(() => this.db.prepare(`DELETE FROM compose_drafts WHERE id = ?`).run(id).changes > 0);
    if (removed) this.collect(previous.map((a) => a.sha256));
    return removed;
  }

  private attachmentsOf(id: string): DraftAttachment[] {
    const row = this.db.prepare(`SELECT attachments_json FROM compose_drafts WHERE id = ?`).get(id) as
      { attachments_json: string } | undefined;
    return row ? parseAttachments(row.attachments_json) : [];
  }

  /** The row is already written: a snapshot that cannot be collected now is left for the next start. */
  private collect(candidates: string[]): void {
    this.lastCollection =
      candidates.length === 0
        ? { removed: 0, bytes: 0, kept: 0 }
        : collectSnapshots(this.db, this.store, {
            candidates,
            ...(this.snapshotGraceMs !== undefined ? { graceMs: this.snapshotGraceMs } : {}),
          });
  }
}

/**
 * A stored draft read back as input: only known fields of the expected types and sizes survive, and the body
 * reaches the editor only after the sanitizer.
 */
export function sanitizeFields(json: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    raw = {};
  }
  const o = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
  const type = o.type === 'NT' || o.type === 'CI' ? o.type : 'CP';
  const groups = Array.isArray(o.groups)
    ? o.groups
        .filter((g): g is string => typeof g === 'string')
        .slice(0, MAX_GROUPS)
        .map((g) => g.slice(0, 2_000_000))
    : [];
  return {
    type,
    procedure: str(o.procedure, 64),
    stage: ['1', '2', '3'].includes(str(o.stage, 1)) ? str(o.stage, 1) : '1',
    subject: str(o.subject, 1000),
    body: sanitizeHtml(str(o.body, 200_000)),
    signatureUid: str(o.signatureUid, 64),
    groups: groups.length ? groups : [''],
  };
}

function parseAttachments(json: string): DraftAttachment[] {
  try {
    const v = JSON.parse(json) as unknown;
    if (!Array.isArray(v)) return [];
    return v
      .filter(
        (a): a is DraftAttachment =>
          !!a &&
          typeof a === 'object' &&
          Number.isInteger((a as DraftAttachment).group) &&
          (a as DraftAttachment).group >= 0 &&
          (a as DraftAttachment).group < MAX_GROUPS &&
          typeof (a as DraftAttachment).name === 'string' &&
          /^[0-9a-f]{64}$/.test(String((a as DraftAttachment).sha256)) &&
          Number.isInteger((a as DraftAttachment).size),
      )
      .slice(0, MAX_ATTACHMENTS);
  } catch {
    return [];
  }
}
