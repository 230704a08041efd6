/** A rectangle in canvas pixels. */
export type Region = { x: number; y: number; w: number; h: number };

/**
 * The regions where two renderings of a page differ: both images are cut into `block`-pixel squares, a square
 * differs when enough of its pixels differ by more than `tolerance` in some channel (antialiasing noise stays
 * below), and touching differing squares are joined into one region (its bounding box). Images of different
 * sizes are compared over their common area, and the rest counts as different.
 */
export function diffRegions(
  a: { data: Uint8ClampedArray; width: number; height: number },
  b: { data: Uint8ClampedArray; width: number; height: number },
  { block = 16, tolerance = 48, minPixels = 3 }: { block?: number; tolerance?: number; minPixels?: number } = {},
): Region[] {
  const width = Math.max(a.width, b.width);
  const height = Math.max(a.height, b.height);
  const cols = Math.ceil(width / block);
  const rows = Math.ceil(height / block);
  const counts = new Uint32Array(cols * rows);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let differs: boolean;
      if (x >= a.width || y >= a.height || x >= b.width || y >= b.height) differs = true;
      else {
        const i = (y * a.width + x) * 4;
        const j = (y * b.width + x) * 4;
        differs =
          Math.abs(a.data[i]! - b.data[j]!) > tolerance ||
          Math.abs(a.data[i + 1]! - b.data[j + 1]!) > tolerance ||
          Math.abs(a.data[i + 2]! - b.data[j + 2]!) > tolerance ||
          Math.abs(a.data[i + 3]! - b.data[j + 3]!) > tolerance;
      }
      if (differs) counts[Math.floor(y / block) * cols + Math.floor(x / block)]!++;
    }
  }
  const hot = (c: number, r: number) => c >= 0 && r >= 0 && c < cols && r < rows && counts[r * cols + c]! >= minPixels;
  const seen = new Uint8Array(cols * rows);
  const regions: Region[] = [];
  for (let r0 = 0; r0 < rows; r0++) {
    for (let c0 = 0; c0 < cols; c0++) {
      if (seen[r0 * cols + c0] || !hot(c0, r0)) continue;
      let minC = c0;
      let maxC = c0;
      let minR = r0;
      let maxR = r0;
      const stack = [[c0, r0] as const];
      seen[r0 * cols + c0] = 1;
      while (stack.length) {
        const [c, r] = stack.pop()!;
        minC = Math.min(minC, c);
        maxC = Math.max(maxC, c);
        minR = Math.min(minR, r);
        maxR = Math.max(maxR, r);
        for (const [dc, dr] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ] as const) {
          const nc = c + dc;
          const nr = r + dr;
          if (hot(nc, nr) && !seen[nr * cols + nc]) {
            seen[nr * cols + nc] = 1;
            stack.push([nc, nr]);
          }
        }
      }
      const x = minC * block;
      const y = minR * block;
      regions.push({ x, y, w: Math.min(width, (maxC + 1) * block) - x, h: Math.min(height, (maxR + 1) * block) - y });
    }
  }
  return regions;
}
