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

/** Margin of the default stamp places from the page edges, and the gap between two stamps, in points. */
export const STAMP_MARGIN = 36;
export const STAMP_GAP = 6;
/** How many places `defaultRect` tries before it gives up and keeps the first one (then warned about). */
export const MAX_DEFAULT_SLOTS = 64;

/** Stamp size per Firma Perú style: horizontal, vertical, image only, text only (the default is horizontal). */
export function styleSize(style?: number): [number, number] {
  if (style === 2) return [120, 130];
  if (style === 3) return [90, 90];
  return [170, 60];
}

/**
 * The `slot`-th default place of a stamp on a page `pageW` points wide as displayed: a firma at the bottom right,
 * then upward in the same column; visas above it, left to right and then upward, the `existing`-th signature of the
 * file taking the `existing`-th place (so visas never overlap each other).
 */
function defaultSlot(pageW: number, role: string, existing: number, style: number | undefined, slot: number): PageRect {
  const [w, h] = styleSize(style);
  if (role === 'firma') return [pageW - w - STAMP_MARGIN, STAMP_MARGIN + slot * (h + STAMP_GAP), w, h];
  const index = existing + slot;
  const perRow = Math.max(1, Math.floor((pageW - 2 * STAMP_MARGIN) / (w + STAMP_GAP)));
  const col = index % perRow;
  const row = Math.floor(index / perRow);
  return [STAMP_MARGIN + col * (w + STAMP_GAP), STAMP_MARGIN + h + 8 + row * (h + STAMP_GAP), w, h];
}

/**
 * Where the signer puts a stamp the user did not place, on a page `[width, height]` points as displayed, given
 * the number of signatures already in the file and the signature widgets already on that page (`widgets`, their
 * rectangles as displayed). The first default place when nothing is in the way; else the next place that is free
 * and inside the page's margins; else, when none is within `MAX_DEFAULT_SLOTS`, the first one (covering a widget,
 * which the overlap warning then reports).
 */
export function defaultRect(
  [pageW, pageH]: [number, number],
  role: string,
  existing: number,
  style?: number,
  widgets: readonly PageRect[] = [],
): PageRect {
  const first = defaultSlot(pageW, role, existing, style, 0);
  for (let slot = 0; slot < MAX_DEFAULT_SLOTS; slot++) {
    const rect = slot === 0 ? first : defaultSlot(pageW, role, existing, style, slot);
    // Places go up the page: once one passes the top margin, so do all the following.
    if (slot > 0 && rect[1] + rect[3] > pageH - STAMP_MARGIN) break;
    if (!widgets.some((w) => rectsIntersect(w, rect))) return rect;
  }
  return first;
}
