/**
 * Removes what a killed process leaves in the data folder: attachment snapshots being copied
 * (`attachments/.tmp-<pid>-<uuid>`), signed outputs being written (`.<name>.<pid>.<hex>.part`) and reports being
 * written (`.<name>.<pid>.tmp`), in the data folder, `uploads/<id>/` and `receipts/`. Only files whose writer
 * (the pid in the name) is no longer running are removed; a live writer's file is never touched.
 */
import fs from 'node:fs';
import path from 'node:path';

const PATTERNS: RegExp[] = [/^\.tmp-(\d+)-[0-9a-f-]{36}$/, /^\..+\.(\d+)\.[0-9a-f]+\.part$/, /^\..+\.(\d+)\.tmp$/];
/** Bound on the entries looked at per folder: a sweep at start must stay quick whatever the folder holds. */
const MAX_ENTRIES = 5_000;

export type SweepResult = { removed: number; bytes: number };

export function sweepLeftovers(home: string, isAlive: (pid: number) => boolean = pidAlive): SweepResult {
  const result: SweepResult = { removed: 0, bytes: 0 };
  const dirs = [home, path.join(home, 'attachments'), path.join(home, 'receipts')];
  for (const upload of list(path.join(home, 'uploads'))) dirs.push(path.join(home, 'uploads', upload));
  for (const dir of dirs) {
    for (const name of list(dir)) {
      const pid = PATTERNS.map((p) => p.exec(name)?.[1]).find((x) => x !== undefined);
      if (pid === undefined) continue;
      const n = Number(pid);
      if (n === process.pid || isAlive(n)) continue;
      const file = path.join(dir, name);
      try {
        const st = fs.lstatSync(file);
        if (!st.isFile()) continue;
        fs.rmSync(file, { force: true });
        result.removed++;
        result.bytes += st.size;
      } catch {
        // gone already, or not ours to remove: leave it
      }
    }
  }
  return result;
}

function list(dir: string): string[] {
  try {
    const d = fs.opendirSync(dir);
    const names: string[] = [];
    try {
      for (let e = d.readSync(); e && names.length < MAX_ENTRIES; e = d.readSync()) names.push(e.name);
    } finally {
      d.closeSync();
    }
    return names;
  } catch {
    return [];
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
