import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../api/result';

export type StoredAttachment = { sha256: string; size: number; path: string };

/**
 * Snapshots of attachments, stored by their SHA-256 under `<home>/attachments/`. Queuing copies the file here,
 * so later edits to the original change nothing; sending checks the hash again before the upload. A file is
 * written to a temp name, fsynced, then renamed: a crash leaves no half file under a hash name.
 */
export class AttachmentStore {
  readonly root: string;
  constructor(home: string) {
    this.root = path.join(home, 'attachments');
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('BAD_INPUT', 'Hash de adjunto no válido.');
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Copies a file in while hashing it; at most `maxBytes` are read (a bigger file is refused, nothing kept). */
  async put(source: string, maxBytes: number): Promise<StoredAttachment> {
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
    const tmp = path.join(this.root, `.tmp-${process.pid}-${crypto.randomUUID()}`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    try {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(source);
      } catch (err) {
        throw new AppError(
          'ATTACHMENT_UNREADABLE',
          `No se pudo leer el archivo adjunto: ${path.basename(source)}`,
          { file: source },
          { cause: err },
        );
      }
      if (!stat.isFile()) throw new AppError('ATTACHMENT_UNREADABLE', `No es un archivo: ${path.basename(source)}`, { file: source });
      if (stat.size > maxBytes) {
        throw new AppError('ERR019', `El archivo ${path.basename(source)} excede el tamaño permitido.`, { file: source, size: stat.size });
      }
      const out = fs.createWriteStream(tmp, { mode: 0o600 });
      await pipeline(
        fs.createReadStream(source),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > maxBytes)
              throw new AppError('ERR019', `El archivo ${path.basename(source)} excede el tamaño permitido.`, { file: source });
            hash.update(chunk);
            yield chunk;
          }
        },
        out,
      );
      const fd = fs.openSync(tmp, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      const sha256 = hash.digest('hex');
      const target = this.pathOf(sha256);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      if (fs.existsSync(target)) {
        fs.rmSync(tmp);
        // Reused: a fresh modification time keeps the snapshot collector (core/compose/draft-snapshots.ts)
        // from removing it before the caller writes the row that names it.
        const now = new Date();
        fs.utimesSync(target, now, now);
      } else fs.renameSync(tmp, target);
      syncDir(path.dirname(target));
      return { sha256, size, path: target };
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** Reads a snapshot and checks its hash; a changed or missing file is an error, never sent. */
  read(sha256: string): Buffer {
    const p = this.pathOf(sha256);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(p);
    } catch (err) {
      throw new AppError('ATTACHMENT_MISSING', 'Falta la copia guardada de un adjunto.', { sha256 }, { cause: err });
    }
    const actual = crypto.createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw new AppError('ATTACHMENT_CORRUPT', 'La copia guardada de un adjunto fue modificada.', { sha256, actual });
    return bytes;
  }
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Directory fsync is not supported on every platform (Windows); the file itself is already synced.
  }
}
