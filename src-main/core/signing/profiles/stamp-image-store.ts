/**
 * Stamp images picked for a signature or kept in a profile: checked as the signer will read them (PNG or JPEG,
 * ≤ 8 MB, ≤ 25 Mpx, `loadStampImage`) and, for a profile, copied into `<home>/stamp-images/<sha256>.<ext>` (0600
 * in a 0700 folder) so the profile does not depend on where the original was.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../api/result';
import { SignErrorCodes } from '../sign-errors';
import { loadStampImage } from '../stamp-image';

const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const MAX_PREVIEW_BYTES = 512 * 1024;

export type CheckedStampImage = { format: 'png' | 'jpeg'; width: number; height: number; bytes: Buffer };

/** Reads and checks an image; a missing, oversized or unreadable file is `SIGN_BAD_IMAGE`, in Spanish. */
export function readStampImage(file: string): CheckedStampImage {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new AppError(SignErrorCodes.badImage, `No se encuentra la imagen del sello: ${path.basename(file)}.`, { file });
  if (st.size > MAX_IMAGE_BYTES) throw new AppError(SignErrorCodes.badImage, 'La imagen del sello pesa más de 8 MB.', { file });
  const bytes = fs.readFileSync(file);
  const img = loadStampImage(bytes);
  return { format: bytes[0] === 0xff ? 'jpeg' : 'png', width: img.width, height: img.height, bytes };
}

/** Size and, for a small file, a `data:` URL to show it on the stamp in the preview. */
export function checkStampImage(file: string): { format: 'png' | 'jpeg'; width: number; height: number; preview: string | null } {
  const img = readStampImage(file);
  const mime = img.format === 'png' ? 'image/png' : 'image/jpeg';
  const preview = img.bytes.length <= MAX_PREVIEW_BYTES ? `data:${mime};base64,${img.bytes.toString('base64')}` : null;
  return { format: img.format, width: img.width, height: img.height, preview };
}

export function stampImageDir(home: string): string {
  return path.join(home, 'stamp-images');
}

/** Copies a checked image into the data folder (once per content) and returns where it is kept. */
export function keepStampImage(home: string, file: string): string {
  const dir = stampImageDir(home);
  if (path.dirname(path.resolve(file)) === dir) {
    readStampImage(file);
    return path.resolve(file);
  }
  const img = readStampImage(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, `${crypto.createHash('sha256').update(img.bytes).digest('hex')}.${img.format === 'png' ? 'png' : 'jpg'}`);
  if (!fs.existsSync(target)) {
    const tmp = `${target}.${process.pid}.part`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, img.bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  }
  return target;
}

/**
 * Removes kept images no profile names any more (a profile removed, or saved with another image). Images are kept
 * once per content, so two profiles may share one: only an image no remaining profile uses goes. A `.part` file
 * is a copy being written (by this or another process) and is left alone.
 */
export function collectStampImages(home: string, inUse: Iterable<string>): string[] {
  const dir = stampImageDir(home);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const keep = new Set([...inUse].map((f) => path.resolve(f)));
  const removed: string[] = [];
  for (const name of names) {
    if (name.endsWith('.part')) continue;
    const file = path.join(dir, name);
    if (keep.has(file)) continue;
    fs.rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}
