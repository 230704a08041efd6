import crypto from 'node:crypto';
import type { AuditEntry, AuditVerification } from '../../api/audit';
import type { Db } from '../db/database';
import type { SecretStore } from '../secrets/secret-store';
import { traceMark } from '../trace';
import { AuditSeal, sealAccounts, type SealRow } from './audit-seal';

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

type Row = {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: string;
  prev_hash: string;
  hash: string;
  mac?: string | null;
};

/** The hashed form of an entry: fixed field order, so the same entry always hashes the same. */
function entryHash(e: {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: string;
  prevHash: string;
}): string {
  const canonical = JSON.stringify([e.id, e.at, e.actor, e.action, e.subject, e.details, e.prevHash]);
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Removes anything that looks like a secret before it reaches the log. */
function scrub(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    if (/pass|secret|token|pin|key$/i.test(k)) continue;
    out[k] = v;
  }
  return out;
}

export type AuditRecord = { actor?: string; action: string; subject?: string | null; details?: Record<string, unknown> };

/**
 * The append-only, hash-chained log of user actions. Each entry stores the hash of the previous one and its
 * own hash over (id, time, actor, action, subject, details, previous hash), so editing or deleting a row
 * breaks the chain at that row. Appends run in an immediate transaction so two processes sharing the
 * database never fork the chain. With a keychain attached (`attachKeychain`), every entry is also sealed with a
 * chained HMAC whose key and head live in the OS keychain (audit-seal.ts); `verifySealed` checks both.
 */
export class AuditLog {
  private readonly insert;
  private readonly last;
  private seal: AuditSeal | null = null;
  constructor(
    private readonly db: Db,
    private readonly defaultActor: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash)
       VALUES (@id, @at, @actor, @action, @subject, @details, @prevHash, @hash)`,
    );
    this.last = db.prepare(`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`);
  }

  append(record: AuditRecord): AuditEntry {
    const run = this.db.transaction((): AuditEntry => {
      const prev = this.last.get() as { id: number; hash: string } | undefined;
      const seq = this.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'`).get() as { seq: number } | undefined;
      const id = Math.max(prev?.id ?? 0, seq?.seq ?? 0) + 1;
      const details = scrub(record.details ?? {});
      const e = {
        id,
        at: this.now().toISOString(),
        actor: record.actor ?? this.defaultActor,
        action: record.action,
        subject: record.subject ?? null,
        details: JSON.stringify(details),
        prevHash: prev?.hash ?? GENESIS_HASH,
      };
      const hash = entryHash(e);
      this.insert.run({ ...e, hash });
      return { ...e, details, hash };
    });
    const entry = run.immediate();
    traceMark(`audit entry written (${record.action})`);
    void this.seal?.schedule();
    return entry;
  }

  /** Seals entries with an HMAC whose key and head live in this keychain (scoped to the data folder). */
  attachKeychain(secrets: SecretStore, home: string): void {
    this.seal = new AuditSeal(this.db, secrets, sealAccounts(home), (row, prev) => {
      if (row.id !== (prev?.id ?? 0) + 1) return false;
      if (row.prev_hash !== (prev?.hash ?? GENESIS_HASH)) return false;
      return entryHash({ ...row, prevHash: row.prev_hash }) === row.hash;
    });
    void this.seal.schedule();
  }

  /** Reads the seal's key ahead of an append that is coming (audit-seal.ts `warm`). */
  warmSeal(): void {
    this.seal?.warm();
  }

  /** Waits for pending seals (before closing the database). */
  flush(): Promise<void> {
    return this.seal?.flush() ?? Promise.resolve();
  }

  /** The SHA-256 chain (`verify`), then the HMAC seal and the head kept in the keychain. */
  async verifySealed(): Promise<AuditVerification> {
    await this.flush();
    const chain = this.verify();
    if (!chain.ok || !this.seal) return chain.ok ? { ...chain, seal: 'off' } : chain;
    const rows = this.db.prepare(`SELECT * FROM audit_log ORDER BY id`).all() as SealRow[];
    const sealed = await this.seal.check(rows);
    if (!sealed.ok) return { ok: false, entries: chain.entries, brokenAt: sealed.brokenAt, reason: sealed.reason };
    return { ...chain, sealed: sealed.sealed, seal: sealed.seal };
  }

  list(options: { limit?: number; beforeId?: number; action?: string } = {}): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log
         WHERE (@beforeId IS NULL OR id < @beforeId) AND (@action IS NULL OR action = @action)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ beforeId: options.beforeId ?? null, action: options.action ?? null, limit: options.limit ?? 100 }) as Row[];
    return rows.map(toEntry);
  }

  /**
   * Walks the whole chain in id order and reports the first entry whose stored hash does not match its
   * content, whose link does not match the previous entry, or that follows a deleted one (an id gap).
   */
  verify(): AuditVerification {
    let prevHash = GENESIS_HASH;
    let prevId = 0;
    let count = 0;
    for (const row of this.db.prepare(`SELECT * FROM audit_log ORDER BY id`).iterate() as IterableIterator<Row>) {
      count++;
      if (row.id !== prevId + 1) return { ok: false, entries: count, brokenAt: row.id, reason: 'gap' };
      if (row.prev_hash !== prevHash) return { ok: false, entries: count, brokenAt: row.id, reason: 'prev-mismatch' };
      const expected = entryHash({
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        details: row.details,
        prevHash: row.prev_hash,
      });
      if (expected !== row.hash) return { ok: false, entries: count, brokenAt: row.id, reason: 'hash-mismatch' };
      prevHash = row.hash;
      prevId = row.id;
    }
    return { ok: true, entries: count, head: count ? prevHash : null };
  }
}

function toEntry(r: Row): AuditEntry {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    // An edited row may hold invalid JSON; show it raw rather than hide it.
    details = { raw: r.details };
  }
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, subject: r.subject, details, prevHash: r.prev_hash, hash: r.hash };
}
