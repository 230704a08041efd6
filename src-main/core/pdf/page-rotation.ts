/**
 * Stamps are placed where the user sees them: on a page with /Rotate, a rectangle given in the displayed page
 * (origin lower-left, after rotation) is mapped to the page's own user space, and the appearance gets a
 * /Matrix that turns it back so its text reads upright on screen and on paper.
 */
export type Box = [number, number, number, number];
export type Rect = [number, number, number, number];

export function normalizeRotation(rotate: number): 0 | 90 | 180 | 270 {
  const r = (((Math.round(rotate / 90) * 90) % 360) + 360) % 360;
  return r as 0 | 90 | 180 | 270;
}

/** Width and height of the page as displayed. */
export function visualSize(box: Box, rotate: number): [number, number] {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  const r = normalizeRotation(rotate);
  return r === 90 || r === 270 ? [h, w] : [w, h];
}

/** A displayed-page rectangle [x, y, w, h] → the same area in user space [x, y, w, h]. */
export function visualRectToUser(rect: Rect, box: Box, rotate: number): Rect {
  const [vx, vy, vw, vh] = rect;
  const [x0, y0, x1, y1] = box;
  const W = x1 - x0;
  const H = y1 - y0;
  switch (normalizeRotation(rotate)) {
    case 0:
      return [x0 + vx, y0 + vy, vw, vh];
    case 90: // displayed clockwise: visual (vx, vy) = (y, W - x)
      return [x0 + W - vy - vh, y0 + vx, vh, vw];
    case 180:
      return [x0 + W - vx - vw, y0 + H - vy - vh, vw, vh];
    case 270: // visual (vx, vy) = (H - y, x)
      return [x0 + vy, y0 + H - vx - vw, vh, vw];
  }
}

/** The appearance /Matrix that undoes the page rotation (null when the page is not rotated). */
export function appearanceMatrix(rotate: number): [number, number, number, number, number, number] | null {
  switch (normalizeRotation(rotate)) {
    case 0:
      return null;
    case 90:
      return [0, 1, -1, 0, 0, 0];
    case 180:
      return [-1, 0, 0, -1, 0, 0];
    case 270:
      return [0, -1, 1, 0, 0, 0];
  }
}
