/**
 * Writes a result next to its final path as a temp file and only renames it into place after fsync, so a crash
 * leaves either no output or a complete one. The input is only ever opened read-only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type TempOutput = { fd: number; tempPath: string; finalPath: string };

export function createTempOutput(finalPath: string): TempOutput {
  const dir = path.dirname(finalPath);
  removeStaleTemps(dir, path.basename(finalPath));
  const tempPath = path.join(dir, `.${path.basename(finalPath)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`);
  const fd = fs.openSync(tempPath, 'wx', 0o644);
  return { fd, tempPath, finalPath };
}

export function commitTempOutput(out: TempOutput): void {
  fs.fsyncSync(out.fd);
  fs.closeSync(out.fd);
  fs.renameSync(out.tempPath, out.finalPath);
  // The rename is durable only once the directory entry is on disk.
  try {
    const dfd = fs.openSync(path.dirname(out.finalPath), 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the file itself is already synced.
  }
}

export function abandonTempOutput(out: TempOutput): void {
  try {
    fs.closeSync(out.fd);
  } catch {
    // already closed
  }
  fs.rmSync(out.tempPath, { force: true });
}

/** Removes temp files of this output left by a process that died (killed or crashed) mid-write. */
function removeStaleTemps(dir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // the open below reports a missing directory clearly
  }
  const prefix = `.${base}.`;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.part')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
