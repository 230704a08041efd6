/**
 * Warns before a stamp is drawn over an existing signature's widget: the signature stays valid, but the page shows
 * two stamps on top of each other, which a reader takes for tampering. Used by the CLI (Firmar checks the same
 * geometry, `api/stamp-geometry`, with the widgets `sign.inspectPdf` reports).
 */
import path from 'node:path';
import { overlappedWidgets, type PageRect } from '../../api/stamp-geometry';
import { inspectPdfForSigning } from './inspect-pdf';

/** `signed`: the widget holds a signature (else it is an empty signature field); `message` is the core's Spanish. */
export type StampOverlapWarning = {
  code: 'SIGN_STAMP_OVERLAP';
  file: string;
  page: number;
  field: string;
  signed: boolean;
  message: string;
};

export function findStampOverlaps(
  files: readonly string[],
  stamp: { invisible: boolean; page: number | 'last'; rect?: PageRect | undefined; fromTop?: boolean | undefined },
): StampOverlapWarning[] {
  if (stamp.invisible || !stamp.rect) return [];
  const out: StampOverlapWarning[] = [];
  for (const file of files) {
    let info;
    try {
      info = inspectPdfForSigning(file, stamp.page);
    } catch {
      continue; // an unreadable file is refused by the signer itself, with its own error
    }
    const [x, y, w, h] = stamp.rect;
    const rect: PageRect = stamp.fromTop ? [x, info.page.height - y - h, w, h] : [x, y, w, h];
    for (const widget of overlappedWidgets(info.signatureWidgets, info.page.number, rect)) {
      out.push({
        code: 'SIGN_STAMP_OVERLAP',
        file,
        page: info.page.number,
        field: widget.field,
        signed: widget.signed,
        message: `el sello en la página ${info.page.number} de ${path.basename(file)} se superpone a ${widget.signed ? 'la firma' : 'el campo de firma'} «${widget.field}».`,
      });
    }
  }
  return out;
}
