/**
 * Stamp geometry shared by the core (the CLI's overlap warning) and the Firmar screen: rectangles are
 * [x, y, width, height] in PDF points from the lower-left corner of the page as displayed.
 */
export type PageRect = [number, number, number, number];

/** An existing signature's widget on a page, as `sign.inspectPdf` reports it. */
export type SignatureWidget = { field: string; page: number; rect: PageRect; signed: boolean };

/** Two rectangles share some area (touching edges do not count). */
export function rectsIntersect(a: PageRect, b: PageRect): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

/** The widgets on `page` that the stamp rectangle would cover, in part or whole. */
export function overlappedWidgets(widgets: readonly SignatureWidget[], page: number, rect: PageRect): SignatureWidget[] {
  return widgets.filter((w) => w.page === page && rectsIntersect(w.rect, rect));
}
