/**
 * Warns before a stamp is drawn over an existing signature's widget: the signature stays valid, but the page shows
 * two stamps on top of each other, which a reader takes for tampering. Checks the stamp on its page and, for a
 * V°B° on every page, the initials on every other page. Used by the CLI (Firmar checks the same geometry,
 * `api/stamp-geometry`, with the widgets `sign.inspectPdf` reports).
 */
import path from 'node:path';
import { defaultRect, initialsOverlappedWidgets, overlappedWidgets, type PageRect } from '../../api/stamp-geometry';
import { inspectPdfForSigning } from './inspect-pdf';

/**
 * `signed`: the widget holds a signature (else it is an empty signature field); `initials`: the V°B° initials cover
 * it (on `page`, not the stamp's page), else the stamp itself; `message` is the core's Spanish.
 */
export type StampOverlapWarning = {
  code: 'SIGN_STAMP_OVERLAP';
  file: string;
  page: number;
  field: string;
  signed: boolean;
  initials: boolean;
  message: string;
};

export type OverlapStamp = {
  invisible: boolean;
  page: number | 'last';
  rect?: PageRect | undefined;
  fromTop?: boolean | undefined;
  everyPage?: boolean | undefined;
  /** Firma Perú style (1–4): the size of a stamp placed by default. */
  style?: number | undefined;
};

/** Who signs: the signer draws initials on the other pages only for a V°B° that does not go into an existing field. */
export type OverlapSigning = { role: string; field?: string | undefined };

export function findStampOverlaps(
  files: readonly string[],
  stamp: OverlapStamp,
  signing: OverlapSigning = { role: 'firma' },
): StampOverlapWarning[] {
  const initials = signing.role === 'visto-bueno' && Boolean(stamp.everyPage) && !signing.field;
  // Signing into an existing field draws in that field's own widget (the signer ignores a place given with it, and
  // draws no initials): nothing new to check.
  if (stamp.invisible || signing.field) return [];
  const out: StampOverlapWarning[] = [];
  for (const file of files) {
    let info;
    try {
      info = inspectPdfForSigning(file, stamp.page);
    } catch {
      continue; // an unreadable file is refused by the signer itself, with its own error
    }
    const what = (signed: boolean, field: string) => `${signed ? 'la firma' : 'el campo de firma'} «${field}»`;
    // Where the signer puts the stamp: the given place, or the default one it chooses clear of the widgets
    // already on the page (so a default place is warned about only when the page has no free place left).
    const onPage = info.signatureWidgets.filter((w) => w.page === info.page.number).map((w) => w.rect);
    const existing = info.signatureFields.filter((f) => f.signed).length;
    const size: [number, number] = [info.page.width, info.page.height];
    const rect: PageRect = stamp.rect
      ? placedRect(stamp.rect, stamp.fromTop, info.page.height)
      : defaultRect(size, signing.role, existing, stamp.style, onPage);
    for (const widget of overlappedWidgets(info.signatureWidgets, info.page.number, rect)) {
      out.push({
        code: 'SIGN_STAMP_OVERLAP',
        file,
        page: info.page.number,
        field: widget.field,
        signed: widget.signed,
        initials: false,
        message: `el sello en la página ${info.page.number} de ${path.basename(file)} se superpone a ${what(widget.signed, widget.field)}.`,
      });
    }
    if (!initials) continue;
    for (const widget of initialsOverlappedWidgets(info.signatureWidgets, info.page.number)) {
      out.push({
        code: 'SIGN_STAMP_OVERLAP',
        file,
        page: widget.page,
        field: widget.field,
        signed: widget.signed,
        initials: true,
        message: `las iniciales del V°B° en la página ${widget.page} de ${path.basename(file)} se superponen a ${what(widget.signed, widget.field)}.`,
      });
    }
  }
  return out;
}

/** A place given by the user on a page `pageHeight` points high, from the lower-left corner. */
function placedRect([x, y, w, h]: PageRect, fromTop: boolean | undefined, pageHeight: number): PageRect {
  return fromTop ? [x, pageHeight - y - h, w, h] : [x, y, w, h];
}
