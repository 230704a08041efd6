/**
 * Writes a result next to its final path as a temp file and only renames it into place after fsync, so a crash
 * leaves either no output or a complete one. The input is only ever opened read-only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type TempOutput = {
  tempPath: string;
  finalPath: string;
  /** Open for writing once `openForWrite` was called (after a whole-file copy into the temp path, if any). */
  fd: number | null;
};

/**
 * Reserves a unique hidden temp path next to the output (created empty and closed, so a whole-file copy
 * can target it on every platform: Windows cannot copy onto a file that is held open).
 */
export function createTempOutput(finalPath: string): TempOutput {
  const dir = path.dirname(finalPath);
  removeStaleTemps(dir, path.basename(finalPath));
  const tempPath = path.join(dir, `.${path.basename(finalPath)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`);
  fs.closeSync(fs.openSync(tempPath, 'wx', 0o644));
  return { tempPath, finalPath, fd: null };
}

export function openForWrite(out: TempOutput): number {
  out.fd ??= fs.openSync(out.tempPath, 'r+');
  return out.fd;
}

export function commitTempOutput(out: TempOutput): void {
  const fd = openForWrite(out);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  out.fd = null;
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
  if (out.fd !== null) {
    try {
      fs.closeSync(out.fd);
    } catch {
      // already closed
    }
    out.fd = null;
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
