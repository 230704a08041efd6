import fs from 'node:fs';
import { AppError } from '../../api/result';
import type { Verdict } from '../../api/verify';
import type { CoreContext } from '../context';
import { verifyFiles } from '../verify/verify-service';

export type AttachmentCheck = { name: string; signed: boolean; verdict: Verdict | null; reasons: string[] };

function isPdf(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(5);
    fs.readSync(fd, head, 0, 5, 0);
    return head.toString('latin1') === '%PDF-';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Checks a PDF attachment's signatures before it is accepted, offline (composing must work without network):
 * a signed PDF that is NO VÁLIDO (altered, broken, revoked as far as the file itself shows) is refused with the
 * verifier's reasons. Unsigned files and other types pass; the casilla rules judge their format.
 */
export async function checkAttachment(core: Pick<CoreContext, 'settings'>, file: string, name: string): Promise<AttachmentCheck> {
  let pdf: boolean;
  try {
    pdf = isPdf(file);
  } catch (err) {
    throw new AppError('ATTACHMENT_UNREADABLE', `No se pudo leer el adjunto ${name}.`, { file }, { cause: err });
  }
  if (!pdf) return { name, signed: false, verdict: null, reasons: [] };
  const [outcome] = await verifyFiles(core, { files: [file], trust: [], offline: true });
  const report = outcome?.report;
  const signatures = report?.signatures.filter((s) => s.kind === 'signature') ?? [];
  if (!report || signatures.length === 0) return { name, signed: false, verdict: null, reasons: [] };
  const reasons = [...new Set(signatures.flatMap((s) => s.reasons.map((r) => r.message)))];
  return { name, signed: true, verdict: report.verdict, reasons };
}

/** Refuses a signed PDF whose verdict is NO VÁLIDO. */
export async function assertAttachmentAcceptable(
  core: Pick<CoreContext, 'settings'>,
  file: string,
  name: string,
): Promise<AttachmentCheck> {
  const check = await checkAttachment(core, file, name);
  if (check.verdict === 'invalid') {
    throw new AppError(
      'ATTACHMENT_SIGNATURE_INVALID',
      `El PDF «${name}» tiene una firma NO VÁLIDA: ${check.reasons.join(' ') || 'el documento fue alterado.'}`,
      {
        name,
        reasons: check.reasons,
      },
    );
  }
  return check;
}
