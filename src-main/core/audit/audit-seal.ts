/**
 * The audit log's seal: an HMAC-SHA-256 chain over the entries, keyed by a random secret kept in the OS keychain,
 * and the head (last sealed id and MAC) kept in the keychain too, outside the database. Whoever can write the
 * database but not read the user's keychain can neither recompute the chain after an edit nor delete the last
 * entries unnoticed.
 *
 * Appends stay synchronous (SQLite); sealing follows asynchronously (the keychain is async) and in order. An
 * entry is unsealed only between its append and the next seal (milliseconds), or while no keychain answers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditBreak } from '../../api/audit';
import type { Db } from '../db/database';
import type { SecretStore } from '../secrets/secret-store';
import { traceMark } from '../trace';

export type SealRow = {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
};

type Head = { id: number; mac: string };

/** Keychain accounts of one data folder (the keychain is per user; data folders can be several). */
export function sealAccounts(home: string): { key: string; head: string } {
  let real = path.resolve(home);
  try {
    real = fs.realpathSync.native(home);
  } catch {
    // Not created yet: the resolved path names it.
  }
  const scope = crypto.createHash('sha256').update(real).digest('hex').slice(0, 24);
  return { key: `audit-key:${scope}`, head: `audit-head:${scope}` };
}

export function entryMac(key: Buffer, r: SealRow, prevMac: string): string {
  const canonical = JSON.stringify([r.id, r.at, r.actor, r.action, r.subject, r.details, r.prev_hash, r.hash, prevMac]);
  return crypto.createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}

const GENESIS_MAC = '0'.repeat(64);
/** Entries read and sealed per step. */
const SEAL_BATCH = 5000;

export class AuditSeal {
  private pending: Promise<void> = Promise.resolve();
  /** Why the last seal did not happen (keychain unavailable, chain broken), for `doctor` and logs. */
  lastError: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
    private readonly accounts: { key: string; head: string },
    /** The plain SHA-256 check of one row against its predecessor; sealing stops at the first broken row. */
    private readonly chainOk: (row: SealRow, prev: SealRow | undefined) => boolean,
  ) {}

  /** A seal step is queued and has not started: appends until it starts are sealed by it. */
  private queued = false;

  /**
   * Seals every unsealed entry, in order; serialized within the process. Never throws. Appends made while a
   * step waits share that step: one step per append would, without a keychain, retry it once per entry (10,000
   * queued messages kept `close()` busy for many minutes in bench:outbox).
   */
  schedule(): Promise<void> {
    if (this.queued) return this.pending;
    this.queued = true;
    this.pending = this.pending.then(async () => {
      this.queued = false;
      try {
        while ((await this.sealNow()) === SEAL_BATCH) {
          // A full batch: more entries may be waiting.
        }
        this.lastError = null;
      } catch (err: unknown) {
        // The log itself is written; only the seal waits for a keychain (verify says so).
        this.lastError = err instanceof Error ? err.message : String(err);
      }
    });
    return this.pending;
  }

  flush(): Promise<void> {
    return this.pending;
  }

  /**
   * The key, read from the keychain once per process: it never changes once created (only the head moves), so a
   * second read would only cost another keychain round trip. The head is read fresh every time it is compared.
   */
  private keyCache: Promise<Buffer | null> | null = null;

  private async key(create: boolean): Promise<Buffer | null> {
    this.keyCache ??= this.secrets.get(this.accounts.key).then((s) => (s ? Buffer.from(s, 'base64') : null));
    let stored: Buffer | null;
    try {
      stored = await this.keyCache;
    } catch (err) {
      this.keyCache = null; // a keychain that did not answer is asked again next time
      throw err;
    }
    if (stored) return stored;
    this.keyCache = null;
    if (!create) return null;
    const fresh = crypto.randomBytes(32);
    await this.secrets.set(this.accounts.key, fresh.toString('base64'));
    this.keyCache = Promise.resolve(fresh);
    return fresh;
  }

  /**
   * Reads the key ahead, when the caller knows it is about to append (signing): loading the keychain library and
   * the round trip then happen while the process waits for other work (the PDF worker) instead of after the
   * output is written. Deferred to the event loop's next turn; a failure is left for the seal to report.
   */
  warm(): void {
    setImmediate(() => {
      this.key(false).catch(() => undefined);
    });
  }

  private async head(): Promise<Head | null> {
    const text = await this.secrets.get(this.accounts.head);
    if (!text) return null;
    try {
      const h = JSON.parse(text) as Head;
      return typeof h.id === 'number' && typeof h.mac === 'string' ? h : null;
    } catch {
      return null;
    }
  }

  /** Seals up to SEAL_BATCH entries; returns how many it sealed. */
  private async sealNow(): Promise<number> {
    if (!this.db.open) return 0;
    const unsealed = this.db.prepare(`SELECT * FROM audit_log WHERE mac IS NULL ORDER BY id LIMIT ${SEAL_BATCH}`).all() as SealRow[];
    if (unsealed.length === 0) return 0;
    const key = await this.key(true);
    const head = await this.head();
    if (!key) return 0;
    const lastSealed = this.db.prepare(`SELECT * FROM audit_log WHERE mac IS NOT NULL ORDER BY id DESC LIMIT 1`).get() as
      SealRow | undefined;
    // Never extend a seal that no longer matches the keychain's head: that is what verify must report.
    if (head && (!lastSealed || lastSealed.id !== head.id || lastSealed.mac !== head.mac)) throw new Error('audit head mismatch');
    if (!head && lastSealed) throw new Error('audit head missing');
    let prev = lastSealed;
    let prevMac = lastSealed?.mac ?? GENESIS_MAC;
    const updates: Array<{ id: number; mac: string }> = [];
    for (const row of unsealed) {
      if (row.id < (prev?.id ?? 0) || !this.chainOk(row, prev)) break;
      prevMac = entryMac(key, row, prevMac);
      updates.push({ id: row.id, mac: prevMac });
      prev = row;
    }
    if (!this.db.open || updates.length === 0) return 0;
    const set = this.db.prepare(`UPDATE audit_log SET mac = @mac WHERE id = @id AND mac IS NULL`);
    this.db
      .transaction(() => {
        for (const u of updates) set.run(u);
      })
      .immediate();
    const last = updates[updates.length - 1]!;
    const now = await this.head();
    if (!now || now.id < last.id) await this.secrets.set(this.accounts.head, JSON.stringify(last));
    traceMark(`audit sealed (${updates.length})`);
    return updates.length;
  }

  /**
   * Checks the HMAC chain and the head (the SHA-256 chain is checked before by the caller). `rows` in id order.
   */
  async check(
    rows: SealRow[],
  ): Promise<{ ok: true; sealed: number; seal: 'checked' | 'unavailable' } | { ok: false; brokenAt: number; reason: AuditBreak }> {
    await this.flush();
    const anySealed = rows.some((r) => r.mac !== null);
    let key: Buffer | null;
    let head: Head | null;
    try {
      // A check asks the keychain itself: a key deleted since this process read it must be reported.
      this.keyCache = null;
      key = await this.key(false);
      head = await this.head();
    } catch {
      if (anySealed) return { ok: false, brokenAt: rows.find((r) => r.mac !== null)!.id, reason: 'keychain-unavailable' };
      return { ok: true, sealed: 0, seal: 'unavailable' };
    }
    if (!key || !head) {
      if (anySealed || head) return { ok: false, brokenAt: head?.id ?? rows.find((r) => r.mac !== null)!.id, reason: 'key-missing' };
      return { ok: true, sealed: 0, seal: 'checked' };
    }
    let prevMac = GENESIS_MAC;
    let sealed = 0;
    let firstUnsealed: number | null = null;
    for (const row of rows) {
      if (row.mac === null) {
        // Only entries appended after the last seal (within ms of their append) may be unsealed.
        if (row.id <= head.id) return { ok: false, brokenAt: row.id, reason: 'mac-missing' };
        firstUnsealed ??= row.id;
        continue;
      }
      if (firstUnsealed !== null) return { ok: false, brokenAt: firstUnsealed, reason: 'mac-missing' };
      if (entryMac(key, row, prevMac) !== row.mac) return { ok: false, brokenAt: row.id, reason: 'mac-mismatch' };
      prevMac = row.mac;
      sealed++;
    }
    const headRow = rows.find((r) => r.id === head.id);
    if (!headRow || headRow.mac !== head.mac) return { ok: false, brokenAt: head.id, reason: 'head-mismatch' };
    return { ok: true, sealed, seal: 'checked' };
  }
}
