/**
 * What the Firmar screen needs to know about a PDF before signing: page count and the displayed size of a
 * page (to map a click on the preview to stamp coordinates), whether it can be signed at all (encrypted,
 * certified without changes), and its signature fields (empty ones can be chosen with `field`).
 */
import { openPdf } from '../pdf/pdf-document';
import { certificationLevel, listFormFields } from '../pdf/form-fields';
import { PdfArray, PdfRef } from '../pdf/pdf-objects';
import { visualSize } from '../pdf/page-rotation';

export type PdfSigningInfo = {
  pages: number;
  /** The requested page as displayed: size in points and its /Rotate. */
  page: { number: number; width: number; height: number; rotate: number };
  encrypted: boolean;
  /** DocMDP level of a certified document (1 forbids any further signature), or null. */
  certificationLevel: number | null;
  signatureFields: Array<{ name: string; signed: boolean; page: number | null }>;
};

const MAX_PAGE_SCAN = 2000;

export function inspectPdfForSigning(file: string, pageNumber: number | 'last' = 1): PdfSigningInfo {
  const doc = openPdf(file);
  try {
    const encrypted = doc.isEncrypted();
    const pages = doc.pageCount();
    const n = pageNumber === 'last' ? pages : Math.min(Math.max(1, pageNumber), pages);
    const page = doc.page(n - 1);
    const [width, height] = visualSize(page.mediaBox, page.rotate);
    if (encrypted) {
      return { pages, page: { number: n, width, height, rotate: page.rotate }, encrypted, certificationLevel: null, signatureFields: [] };
    }
    // Page numbers of widgets, from each page's /Annots (bounded for very long documents).
    const pageOfAnnot = new Map<number, number>();
    for (let i = 0; i < Math.min(pages, MAX_PAGE_SCAN); i++) {
      const annots = doc.resolve(doc.page(i).dict.get('Annots'));
      if (annots instanceof PdfArray) for (const a of annots.items) if (a instanceof PdfRef) pageOfAnnot.set(a.num, i + 1);
    }
    const signatureFields = listFormFields(doc)
      .filter((f) => f.type === 'Sig')
      .map((f) => {
        const w = f.widgets[0]?.ref;
        return { name: f.fullName, signed: f.value !== undefined && f.value !== null, page: w ? (pageOfAnnot.get(w.num) ?? null) : null };
      });
    return {
      pages,
      page: { number: n, width, height, rotate: page.rotate },
      encrypted,
      certificationLevel: certificationLevel(doc),
      signatureFields,
    };
  } finally {
    doc.close();
  }
}
