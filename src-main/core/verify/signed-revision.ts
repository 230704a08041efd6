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

/** Where revision N ends in the file (its bytes are [0, end)), and how many revisions the file has. */
function revisionEnd(file: string, revision: number): { end: number; revisions: number } {
  const doc = openPdf(file);
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
    return { end: view.endOffset, revisions: reader.revisions.length };
  } finally {
    doc.close();
  }
}

export function extractRevision(file: string, revision: number, output: string): { output: string; bytes: number } {
  if (path.resolve(file) === path.resolve(output))
    throw new AppError('VERIFY_OUTPUT_SAME_AS_INPUT', 'El archivo de salida no puede ser el mismo que el de entrada.');
  const { end } = revisionEnd(file, revision);
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

function wholeFile(file: string): { end: number; revisions: number } {
  const doc = openPdf(file);
  try {
    return { end: fs.statSync(file).size, revisions: new RevisionReader(doc).revisions.length };
  } finally {
    doc.close();
  }
}

/** Largest revision the Verificar screen loads to show the page as signed and as it is now. */
export const REVISION_DATA_MAX = 50 * 1024 * 1024;

/**
 * The bytes of revision N (base64) for the side-by-side comparison in Verificar: revision 0 means the whole
 * file as it is now (and `revisions` its number of revisions). Bounded by REVISION_DATA_MAX; a larger file is refused with a Spanish message.
 */
export function revisionData(file: string, revision: number): { data: string; bytes: number; revisions: number } {
  // Revision 0 (the file as it is now) is opened as a PDF too: this method hands bytes to the renderer, never of
  // a file that is not a readable PDF.
  const { end, revisions } = revision === 0 ? wholeFile(file) : revisionEnd(file, revision);
  if (end > REVISION_DATA_MAX)
    throw new AppError(
      'VERIFY_PREVIEW_TOO_LARGE',
      `El documento pesa ${Math.round(end / 1024 / 1024)} MB; solo se comparan páginas de documentos de hasta ${REVISION_DATA_MAX / 1024 / 1024} MB.`,
      { bytes: end },
    );
  const buf = Buffer.alloc(end);
  const fd = fs.openSync(file, 'r');
  try {
    for (let pos = 0; pos < end;) {
      const n = fs.readSync(fd, buf, pos, end - pos, pos);
      if (n <= 0) throw new AppError('VERIFY_FILE_UNREADABLE', 'El archivo cambió mientras se leía.');
      pos += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { data: buf.toString('base64'), bytes: end, revisions };
}
