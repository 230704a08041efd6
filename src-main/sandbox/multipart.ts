/**
 * Reads a sendMessage multipart body with busboy, bounded: the `data` field up to 2 MB, at most 51 files
 * (one over the limit, so ERR032 can be told), each kept in memory up to 20 MB + 1 byte. Past the bounds the
 * file's real size is still counted but its bytes are dropped (the rules only need its head and its size).
 * A request body over MAX_REQUEST_BYTES is refused with 413 before it fills memory.
 */
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { LIMITS } from '../core/casilla/rules';

export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
const MAX_DATA_BYTES = 2 * 1024 * 1024;
// Bytes kept of a file past the size limit: enough for magic bytes and the first zip entries.
const HEAD_KEPT = 64 * 1024;

export type ReceivedFile = { name: string; size: number; bytes: Buffer; complete: boolean };
export type ReceivedForm = { data: string | undefined; files: ReceivedFile[]; dataTooLarge: boolean };

export class MultipartError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function readSendMessageForm(req: IncomingMessage): Promise<ReceivedForm> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          fields: 10,
          fieldSize: MAX_DATA_BYTES,
          files: LIMITS.maxAttachments + 1,
          parts: LIMITS.maxAttachments + 12,
          headerPairs: 50,
        },
        defParamCharset: 'utf8',
      });
    } catch {
      reject(new MultipartError(400, 'Se esperaba multipart/form-data.'));
      return;
    }
    const form: ReceivedForm = { data: undefined, files: [], dataTooLarge: false };
    let received = 0;
    let keptTotal = 0;
    let failed = false;
    const fail = (err: MultipartError) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_REQUEST_BYTES) fail(new MultipartError(413, 'La solicitud excede el tamaño máximo aceptado.'));
    });
    bb.on('field', (name, value, info) => {
      if (name !== 'data') return;
      form.data = value;
      if (info.valueTruncated) form.dataTooLarge = true;
    });
    // Files past the limit (51) are skipped unread: the 51 kept are already enough for ERR032.
    bb.on('file', (name, stream, info) => {
      if (name !== 'attachments') {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let kept = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Keep everything while within the per-file and total limits (+1 byte to detect "over"); only a head after.
        const room =
          size <= LIMITS.maxAttachmentBytes + 1 && keptTotal + chunk.length <= LIMITS.maxTotalAttachmentBytes + 1
            ? chunk.length
            : Math.max(0, HEAD_KEPT - kept);
        if (room > 0) {
          const part = room >= chunk.length ? chunk : chunk.subarray(0, room);
          chunks.push(part);
          kept += part.length;
          keptTotal += part.length;
        }
      });
      stream.on('end', () => {
        form.files.push({ name: info.filename ?? '', size, bytes: Buffer.concat(chunks), complete: kept === size });
      });
    });
    bb.on('error', () => fail(new MultipartError(400, 'El cuerpo multipart está mal formado.')));
    bb.on('close', () => {
      if (!failed) resolve(form);
    });
    req.pipe(bb);
  });
}
