/**
 * What the Firmar screen needs to know about a PDF before signing: page count and the displayed size of a
 * page (to map a click on the preview to stamp coordinates), whether it can be signed at all (encrypted,
 * certified without changes), and its signature fields (empty ones can be chosen with `field`).
 */
import type { PageRect, SignatureWidget } from '../../api/stamp-geometry';
import { openPdf, type PdfDocument } from '../pdf/pdf-document';
import { certificationLevel, listFormFields, type FormField } from '../pdf/form-fields';
import { PdfArray, PdfRef } from '../pdf/pdf-objects';
import { normalizeRotation, visualSize, type Box } from '../pdf/page-rotation';

export type PdfSigningInfo = {
  pages: number;
  /** The requested page as displayed: size in points and its /Rotate. */
  page: { number: number; width: number; height: number; rotate: number };
  encrypted: boolean;
  /** DocMDP level of a certified document (1 forbids any further signature), or null. */
  certificationLevel: number | null;
  signatureFields: Array<{ name: string; signed: boolean; page: number | null }>;
  /**
   * Every visible widget of a signature field (signed or empty), with its rectangle on the page as displayed
   * (after /Rotate), so a new stamp placed over one can be warned about. Zero-size (invisible) widgets are left out.
   */
  signatureWidgets: SignatureWidget[];
};

/** The inverse of `visualRectToUser`: a user-space rectangle → the same area on the page as displayed. */
export function userRectToVisual(rect: PageRect, box: Box, rotate: number): PageRect {
  const [ux, uy, uw, uh] = rect;
  const [x0, y0, x1, y1] = box;
  const W = x1 - x0;
  const H = y1 - y0;
  switch (normalizeRotation(rotate)) {
    case 0:
      return [ux - x0, uy - y0, uw, uh];
    case 90:
      return [uy - y0, x0 + W - ux - uw, uh, uw];
    case 180:
      return [x0 + W - ux - uw, y0 + H - uy - uh, uw, uh];
    case 270:
      return [y0 + H - uy - uh, ux - x0, uh, uw];
  }
}

/** A widget's /Rect ([llx lly urx ury], corners in any order) as [x, y, w, h], or null when unusable or empty. */
function widgetRect(items: unknown[] | null): PageRect | null {
  if (!items || items.length !== 4) return null;
  const n = items.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : NaN));
  if (n.some((x) => Number.isNaN(x))) return null;
  const [a = 0, b = 0, c = 0, d = 0] = n;
  const w = Math.abs(c - a);
  const h = Math.abs(d - b);
  return w > 0 && h > 0 ? [Math.min(a, c), Math.min(b, d), w, h] : null;
}

const MAX_PAGE_SCAN = 2000;

/** Annotation object number → the page (1-based) whose /Annots lists it, for the pages given. */
export function annotationPages(doc: PdfDocument, pageNumbers: readonly number[]): Map<number, number> {
  const pageOfAnnot = new Map<number, number>();
  for (const n of pageNumbers) {
    const annots = doc.resolve(doc.page(n - 1).dict.get('Annots'));
    if (annots instanceof PdfArray) for (const a of annots.items) if (a instanceof PdfRef) pageOfAnnot.set(a.num, n);
  }
  return pageOfAnnot;
}

/**
 * The visible widgets of these signature fields that sit on a page of `pageOfAnnot`, each with its rectangle on
 * the page as displayed (the signer avoids them when it places a stamp itself; Firmar and the CLI warn about them).
 */
export function signatureWidgetsOf(doc: PdfDocument, sigFields: readonly FormField[], pageOfAnnot: Map<number, number>): SignatureWidget[] {
  const out: SignatureWidget[] = [];
  for (const f of sigFields) {
    for (const w of f.widgets) {
      const pageNo = w.ref ? pageOfAnnot.get(w.ref.num) : undefined;
      const arr = doc.resolveArray(w.dict.get('Rect'));
      const rect = widgetRect(arr ? arr.items.map((i) => doc.resolve(i)) : null);
      if (pageNo === undefined || !rect) continue;
      const p = doc.page(pageNo - 1);
      out.push({
        field: f.fullName,
        page: pageNo,
        rect: userRectToVisual(rect, p.mediaBox, p.rotate),
        signed: f.value !== undefined && f.value !== null,
        pageWidth: visualSize(p.mediaBox, p.rotate)[0],
      });
    }
  }
  return out;
}

export function inspectPdfForSigning(file: string, pageNumber: number | 'last' = 1): PdfSigningInfo {
  const doc = openPdf(file);
  try {
    const encrypted = doc.isEncrypted();
    const pages = doc.pageCount();
    const n = pageNumber === 'last' ? pages : Math.min(Math.max(1, pageNumber), pages);
    const page = doc.page(n - 1);
    const [width, height] = visualSize(page.mediaBox, page.rotate);
    if (encrypted) {
      return {
        pages,
        page: { number: n, width, height, rotate: page.rotate },
        encrypted,
        certificationLevel: null,
        signatureFields: [],
        signatureWidgets: [],
      };
    }
    // Page numbers of widgets, from each page's /Annots (bounded for very long documents).
    const pageOfAnnot = annotationPages(
      doc,
      Array.from({ length: Math.min(pages, MAX_PAGE_SCAN) }, (_, i) => i + 1),
    );
    const sigFields = listFormFields(doc).filter((f) => f.type === 'Sig');
    const signatureFields = sigFields.map((f) => {
      const w = f.widgets[0]?.ref;
      return { name: f.fullName, signed: f.value !== undefined && f.value !== null, page: w ? (pageOfAnnot.get(w.num) ?? null) : null };
    });
    const signatureWidgets = signatureWidgetsOf(doc, sigFields, pageOfAnnot);
    return {
      pages,
      page: { number: n, width, height, rotate: page.rotate },
      encrypted,
      certificationLevel: certificationLevel(doc),
      signatureFields,
      signatureWidgets,
    };
  } finally {
    doc.close();
  }
}
