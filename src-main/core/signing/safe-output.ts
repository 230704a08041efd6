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
