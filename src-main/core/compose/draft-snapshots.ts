/**
 * Collects attachment snapshots nothing refers to any more. Drafts and the outbox share one content-addressed
 * store (`<home>/attachments/`), so a snapshot is removed only when no saved draft (compose_drafts) and no
 * outbox message (outbox_attachments) names its hash. Called when a draft is deleted or replaced (with that
 * draft's hashes) and at start (every snapshot, for what a crash or an older version left behind).
 *
 * Another writer may be between copying a file in and writing the row that names it (the composer queuing, a
 * draft being saved, in this or another process): `AttachmentStore.put` refreshes the modification time of a
 * snapshot it reuses, and a snapshot younger than the grace period is never removed. Bounded: at most
 * MAX_SCANNED files are looked at per call.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database';
import type { AttachmentStore } from '../outbox/attachment-store';

/** A snapshot written or reused this recently may be about to be named by a row; it is kept. */
export const SNAPSHOT_GRACE_MS = 60 * 60_000;
const MAX_SCANNED = 100_000;
const HASH = /^[0-9a-f]{64}$/;

export type SnapshotCollection = { removed: number; bytes: number; kept: number };

/** Every hash a draft or an outbox message refers to. */
export function referencedSnapshots(db: Db): Set<string> {
  const rows = db
    .prepare(
      `SELECT sha256 FROM outbox_attachments
       UNION SELECT json_extract(j.value, '$.sha256') FROM compose_drafts, json_each(compose_drafts.attachments_json) AS j
       WHERE json_valid(compose_drafts.attachments_json)`,
    )
    .all() as { sha256: unknown }[];
  return new Set(rows.map((r) => r.sha256).filter((s): s is string => typeof s === 'string'));
}

/**
 * Removes the snapshots among `candidates` (or, without them, every snapshot in the store) that nothing refers
 * to and that are older than `graceMs`. Never throws: a file that cannot be removed is counted as kept and left
 * for the next start.
 */
export function collectSnapshots(
  db: Db,
  store: AttachmentStore,
  options: { candidates?: Iterable<string>; graceMs?: number; now?: number } = {},
): SnapshotCollection {
  const result: SnapshotCollection = { removed: 0, bytes: 0, kept: 0 };
  const grace = options.graceMs ?? SNAPSHOT_GRACE_MS;
  const now = options.now ?? Date.now();
  const hashes = options.candidates ? [...new Set(options.candidates)].filter((h) => HASH.test(h)) : listStore(store.root);
  if (hashes.length === 0) return result;
  const used = referencedSnapshots(db);
  for (const sha of hashes) {
    if (used.has(sha)) continue;
    const file = store.pathOf(sha);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || now - st.mtimeMs < grace) {
        result.kept++;
        continue;
      }
      fs.rmSync(file);
      result.removed++;
      result.bytes += st.size;
    } catch (err: unknown) {
      // Already gone (another process collected it) is fine; anything else stays for the next start.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') result.kept++;
    }
  }
  return result;
}

/** The hashes of the snapshots in the store (`<root>/<2 hex>/<sha256>`), bounded. */
function listStore(root: string): string[] {
  const out: string[] = [];
  for (const dir of names(root)) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    for (const name of names(path.join(root, dir))) {
      if (out.length >= MAX_SCANNED) return out;
      if (HASH.test(name) && name.startsWith(dir)) out.push(name);
    }
  }
  return out;
}

function names(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
