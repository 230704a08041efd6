/**
 * Hashes the signed byte ranges of a file in place: reads them in 1 MiB chunks straight from the file
 * descriptor into node:crypto, so a 100 MB PDF is never held in memory.
 */
import fs from 'node:fs';
import { createDigest, type HashName } from './algorithms';

export type ByteRange = { start: number; length: number };

const CHUNK = 1 << 20;

/** The digest of the concatenated ranges. The caller checks the ranges fit the file before calling. */
export function hashRanges(fd: number, ranges: readonly ByteRange[], hash: HashName): Buffer {
  const h = createDigest(hash);
  const buf = Buffer.allocUnsafe(CHUNK);
  for (const r of ranges) {
    let pos = r.start;
    let left = r.length;
    while (left > 0) {
      const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, left), pos);
      if (n <= 0) throw new Error(`lectura corta en la posición ${pos}`);
      h.update(buf.subarray(0, n));
      pos += n;
      left -= n;
    }
  }
  return h.digest();
}

/** Same, for bytes already in memory (timestamp tokens, tests). */
export function hashBytes(data: Uint8Array, hash: HashName): Buffer {
  return createDigest(hash).update(data).digest();
}
