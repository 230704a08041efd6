/**
 * Attachments are judged when they are picked, with the platform's own rules (core/casilla/rules.ts) and the
 * file named in every refusal: type by content (a PDF must parse as one, with our own reader), size and total,
 * count, name (the normalized name the platform accepts is proposed and shown before queueing), duplicates, and
 * a signed PDF's signatures (verified offline; NO VÁLIDO is refused with the verifier's reasons). The composer
 * calls the same function again when queueing, so nothing that fails here can reach the outbox.
 */
import fs from 'node:fs';
import { AppError } from '../../api/result';
import type { Reason, Verdict } from '../../api/verify';
import { detectAttachmentKind, type AttachmentKind } from '../casilla/file-type';
import { ALLOWED_EXTENSIONS, LIMITS, platformFileName, splitFileName } from '../casilla/rules';
import type { CoreContext } from '../context';
import { openPdf } from '../pdf/pdf-document';
import { verifyFiles } from '../verify/verify-service';

export type AttachmentCheck = {
  /** The name it will be sent with (the platform's form of `originalName`). */
  name: string;
  originalName: string;
  renamed: boolean;
  size: number;
  kind: AttachmentKind;
  signed: boolean;
  verdict: Verdict | null;
  /** Spanish, for logs; `reasonCodes` are the verifier's reasons with their codes (the UI's words). */
  reasons: string[];
  reasonCodes: Reason[];
};

/** The other attachments of the same message, as already accepted (names are the platform's names). */
export type AttachmentSibling = { name: string; size: number };

const HEAD_BYTES = 64 * 1024;
const KIND_NAMES: Record<AttachmentKind, string> = {
  pdf: 'PDF',
  jpg: 'imagen JPEG',
  png: 'imagen PNG',
  doc: 'documento Word (.doc)',
  docx: 'documento Word (.docx)',
  xls: 'planilla Excel (.xls)',
  xlsx: 'planilla Excel (.xlsx)',
};

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString('es', { maximumFractionDigits: 2 })} MB`;
}

function refuse(code: string, name: string, message: string, details: Record<string, unknown> = {}): never {
  throw new AppError(code, `«${name}»: ${message}`, { name, ...details });
}

/**
 * Checks one picked file against the platform's rules and the other attachments of its message. Returns what
 * will be sent (with the normalized name); throws an AppError whose message names the file otherwise. `ERR0xx`
 * codes are the platform's own; `ATTACHMENT_*` are ours (unreadable, not a parseable PDF, invalid signature).
 */
export async function checkAttachment(
  core: Pick<CoreContext, 'settings'>,
  file: string,
  originalName: string,
  siblings: readonly AttachmentSibling[] = [],
): Promise<AttachmentCheck> {
  const { ext } = splitFileName(originalName);
  const allowed = ALLOWED_EXTENSIONS.join(', ');
  const name = platformFileName(originalName);
  if (ext === null || name === null) {
    if (ext !== null && ['pdf', 'jpg', 'jpeg', 'png', 'doc', 'docx', 'xls', 'xlsx'].includes(ext))
      refuse('ERR033', originalName, 'el nombre no tiene letras ni números que la plataforma acepte; cámbielo antes de adjuntarlo.');
    refuse('ERR013', originalName, `formato no permitido${ext ? ` (.${ext})` : ' (sin extensión)'}; se aceptan ${allowed}.`);
  }
  let size: number;
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      size = fs.fstatSync(fd).size;
      head = Buffer.alloc(Math.min(size, HEAD_BYTES));
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw new AppError('ATTACHMENT_UNREADABLE', `No se pudo leer el adjunto «${originalName}».`, { name: originalName }, { cause: err });
  }
  if (size === 0) refuse('ERR017', originalName, 'el archivo está vacío.');
  if (size > LIMITS.maxAttachmentBytes)
    refuse(
      'ERR019',
      originalName,
      `pesa ${mb(size)} (${size} bytes) y el máximo por archivo es 20 MB (${LIMITS.maxAttachmentBytes} bytes).`,
      {
        size,
      },
    );
  const total = siblings.reduce((s, x) => s + x.size, 0) + size;
  if (total > LIMITS.maxTotalAttachmentBytes)
    refuse('ERR015', originalName, `con este archivo los adjuntos suman ${mb(total)} y el máximo del mensaje es 20 MB en total.`, {
      total,
    });
  if (siblings.length + 1 > LIMITS.maxAttachments)
    refuse('ERR032', originalName, `un mensaje admite como máximo ${LIMITS.maxAttachments} adjuntos.`);
  if (siblings.some((s) => s.name.toLowerCase() === name.toLowerCase()))
    refuse('ERR016', originalName, `ya hay un adjunto llamado «${name}» en este mensaje.`);

  const kind = detectAttachmentKind(head);
  const expected = splitFileName(name).ext as AttachmentKind;
  if (kind === null)
    refuse(
      'ERR017',
      originalName,
      `el contenido no es un archivo ${KIND_NAMES[expected]} (ni de otro tipo admitido), aunque su extensión lo diga.`,
    );
  if (kind !== expected)
    refuse(
      'ERR018',
      originalName,
      `la extensión dice ${KIND_NAMES[expected]} pero el contenido es ${KIND_NAMES[kind]}; corrija la extensión.`,
      {
        kind,
      },
    );

  let signed = false;
  let verdict: Verdict | null = null;
  let reasons: string[] = [];
  let reasonCodes: Reason[] = [];
  if (kind === 'pdf') {
    // A header is not a PDF: the whole structure must read (cross-references, catalog, at least one page).
    try {
      const doc = openPdf(file);
      try {
        doc.catalog();
        if (doc.pageCount() < 1) throw new Error('sin páginas');
      } finally {
        doc.close();
      }
    } catch (err) {
      throw new AppError(
        'ATTACHMENT_NOT_PDF',
        `«${originalName}»: empieza como un PDF pero no se puede leer como PDF (${err instanceof Error ? err.message : String(err)}).`,
        { name: originalName },
        { cause: err },
      );
    }
    const [outcome] = await verifyFiles(core, { files: [file], trust: [], offline: true });
    const report = outcome?.report;
    const signatures = report?.signatures.filter((s) => s.kind === 'signature') ?? [];
    if (report && signatures.length > 0) {
      signed = true;
      verdict = report.verdict;
      reasonCodes = [...new Map(signatures.flatMap((s) => s.reasons).map((r) => [r.code, r])).values()];
      reasons = [...new Set(signatures.flatMap((s) => s.reasons.map((r) => r.message)))];
      if (verdict === 'invalid')
        throw new AppError(
          'ATTACHMENT_SIGNATURE_INVALID',
          `El PDF «${originalName}» tiene una firma NO VÁLIDA: ${reasons.join(' ') || 'el documento fue alterado.'}`,
          { name: originalName, reasons, reasonCodes },
        );
    }
  }
  return { name, originalName, renamed: name !== originalName, size, kind, signed, verdict, reasons, reasonCodes };
}

/**
 * The checks of every attachment of one message, in order, each against those before it: the composer's gate
 * before anything is stored. Returns the checks (names normalized) or throws naming the first refused file.
 */
export async function checkAttachments(
  core: Pick<CoreContext, 'settings'>,
  files: readonly { path: string; name: string }[],
): Promise<AttachmentCheck[]> {
  const done: AttachmentCheck[] = [];
  for (const f of files) done.push(await checkAttachment(core, f.path, f.name, done));
  return done;
}

/** Kept for callers that only need the refusal (CLI `send`, queue): same checks as `checkAttachment`. */
export async function assertAttachmentAcceptable(
  core: Pick<CoreContext, 'settings'>,
  file: string,
  name: string,
): Promise<AttachmentCheck> {
  return checkAttachment(core, file, name);
}
