// Draws the app icon (a seal-red rounded square with a white envelope and a check mark) as PNG, without any
// image library, so it can be regenerated anywhere: node scripts/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

function crc32(buf) {
  let c,
    crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel(x / size, y / size), 1 + x * 4);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const RED = [138, 21, 56, 255],
  WHITE = [255, 255, 255, 255],
  CLEAR = [0, 0, 0, 0],
  GREEN = [31, 122, 58, 255];
function distToSegment(px, py, ax, ay, bx, by) {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}
function pixel(u, v) {
  const r = 0.18,
    m = 0.04;
  const cx = Math.min(Math.max(u, m + r), 1 - m - r),
    cy = Math.min(Math.max(v, m + r), 1 - m - r);
  if (Math.hypot(u - cx, v - cy) > r) return CLEAR;
  // check mark badge
  if (Math.hypot(u - 0.7, v - 0.68) < 0.15) {
    if (distToSegment(u, v, 0.63, 0.68, 0.68, 0.74) < 0.022 || distToSegment(u, v, 0.68, 0.74, 0.78, 0.61) < 0.022) return WHITE;
    return GREEN;
  }
  // envelope
  const inEnv = u > 0.2 && u < 0.8 && v > 0.3 && v < 0.7;
  if (inEnv) {
    const edge = u < 0.23 || u > 0.77 || v < 0.33 || v > 0.67;
    const flap = distToSegment(u, v, 0.2, 0.3, 0.5, 0.52) < 0.018 || distToSegment(u, v, 0.8, 0.3, 0.5, 0.52) < 0.018;
    return edge || flap ? WHITE : RED;
  }
  return RED;
}
const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'resources', 'icons');
fs.mkdirSync(dir, { recursive: true });
for (const size of [1024, 512, 256, 64, 32])
  fs.writeFileSync(path.join(dir, size === 1024 ? 'icon.png' : `${size}x${size}.png`), png(size, pixel));
console.log('icons written to', dir);
