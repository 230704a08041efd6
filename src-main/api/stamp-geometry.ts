/**
 * Stamp geometry shared by the core (the CLI's overlap warning) and the Firmar screen: rectangles are
 * [x, y, width, height] in PDF points from the lower-left corner of the page as displayed.
 */
export type PageRect = [number, number, number, number];

/**
 * An existing signature's widget on a page, as `sign.inspectPdf` reports it; `pageWidth`: the displayed width of
 * its page, where the V°B° initials would go (`initialsRect`).
 */
export type SignatureWidget = { field: string; page: number; rect: PageRect; signed: boolean; pageWidth: number };

/** Two rectangles share some area (touching edges do not count). */
export function rectsIntersect(a: PageRect, b: PageRect): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

/** The widgets on `page` that the stamp rectangle would cover, in part or whole. */
export function overlappedWidgets(widgets: readonly SignatureWidget[], page: number, rect: PageRect): SignatureWidget[] {
  return widgets.filter((w) => w.page === page && rectsIntersect(w.rect, rect));
}

/** The V°B° initials ("V°B° AB") a visto bueno with `everyPage` puts on every page but the stamp's: size and margin in points. */
export const INITIALS_WIDTH = 60;
export const INITIALS_HEIGHT = 16;
export const INITIALS_MARGIN = 18;

/** Where the signer draws the initials: the lower-right corner of a page `pageWidth` points wide as displayed. */
export function initialsRect(pageWidth: number): PageRect {
  return [pageWidth - INITIALS_WIDTH - INITIALS_MARGIN, INITIALS_MARGIN, INITIALS_WIDTH, INITIALS_HEIGHT];
}

/** The widgets the initials would cover, on every page but `stampPage` (which gets the full stamp instead). */
export function initialsOverlappedWidgets(widgets: readonly SignatureWidget[], stampPage: number): SignatureWidget[] {
  return widgets.filter((w) => w.page !== stampPage && rectsIntersect(w.rect, initialsRect(w.pageWidth)));
}
