/**
 * "Ver la versión firmada": writes revision N of a PDF on its own, i.e. the file's bytes up to the end of
 * that revision, which is exactly what a signature covering that revision signed. Streamed in 1 MiB chunks,
 * written to a temp file and renamed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import { openPdf } from '../pdf/pdf-document';
import { RevisionReader } from './revision-objects';

export function extractRevision(file: string, revision: number, output: string): { output: string; bytes: number } {
  if (path.resolve(file) === path.resolve(output))
    throw new AppError('VERIFY_OUTPUT_SAME_AS_INPUT', 'El archivo de salida no puede ser el mismo que el de entrada.');
  const doc = openPdf(file);
  let end: number;
  try {
    const reader = new RevisionReader(doc);
    const view = reader.revisions[revision - 1];
    if (!view)
      throw new AppError(
        'VERIFY_NO_SUCH_REVISION',
        `El PDF tiene ${reader.revisions.length} revisiones; no existe la revisión ${revision}.`,
        { revisions: reader.revisions.length },
      );
    if (view.endOffset === null) throw new AppError('VERIFY_NO_SUCH_REVISION', `No se encontró el final de la revisión ${revision}.`);
    end = view.endOffset;
  } finally {
    doc.close();
  }
  const tmp = path.join(path.dirname(path.resolve(output)), `.${path.basename(output)}.${process.pid}.tmp`);
  const src = fs.openSync(file, 'r');
  try {
    const dst = fs.openSync(tmp, 'w');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let pos = 0; pos < end;) {
        const n = fs.readSync(src, buf, 0, Math.min(buf.length, end - pos), pos);
        if (n <= 0) throw new AppError('VERIFY_FILE_UNREADABLE', 'El archivo cambió mientras se leía.');
        fs.writeSync(dst, buf, 0, n);
        pos += n;
      }
      fs.fsyncSync(dst);
    } finally {
      fs.closeSync(dst);
    }
    fs.renameSync(tmp, output);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  } finally {
    fs.closeSync(src);
  }
  return { output, bytes: end };
}
