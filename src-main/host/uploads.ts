/**
 * Browser-mode uploads (`<data>/uploads/<uuid>/<name>`): copies of files the user picked, kept only while
 * something refers to them. A folder is referenced when a setting names it (a saved draft's attachments, a
 * signing batch to resume); the rest is removed when the web host starts, and during a run once older than
 * a day.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../core/db/database';

export const UPLOADS_DIR = 'uploads';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Upload folder names that some stored setting still names. */
function referencedUploads(db: Db): Set<string> {
  const refs = new Set<string>();
  for (const row of db.prepare(`SELECT value FROM settings WHERE value LIKE '%${UPLOADS_DIR}%'`).iterate() as IterableIterator<{
    value: string;
  }>) {
    for (const m of row.value.matchAll(UUID)) refs.add(m[0]);
  }
  return refs;
}

/** Removes upload folders nothing refers to (older than `minAgeMs`); returns how many went. */
export function removeUnreferencedUploads(home: string, db: Db, minAgeMs = 0, now = Date.now()): number {
  const dir = path.join(home, UPLOADS_DIR);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // no uploads yet
  }
  const refs = referencedUploads(db);
  let removed = 0;
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (refs.has(e.name)) continue;
    try {
      if (minAgeMs > 0 && now - fs.lstatSync(p).mtimeMs < minAgeMs) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed++;
    } catch {
      // Removed meanwhile or not ours to remove: the next sweep tries again.
    }
  }
  return removed;
}
