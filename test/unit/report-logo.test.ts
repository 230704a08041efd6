/**
 * The report logo reader: PNG (every colour type we accept, the five row filters, 16 bits, palettes with
 * transparency) and JPEG become the PDF image the report embeds; what it cannot draw is refused with a reason.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { logoImage } from '../../src-main/core/verify/report-logo';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-report-logo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** A PNG of `rows` (unfiltered bytes per row), each row written with filter `filters[y % n]` (0-4). */
function png(
  w: number,
  h: number,
  depth: number,
  colorType: number,
  rows: Buffer[],
  opts: { bpp: number; filters?: number[]; plte?: Buffer; trns?: Buffer; interlace?: number },
): Buffer {
  const filters = opts.filters ?? [0];
  const out: Buffer[] = [];
  rows.forEach((row, y) => {
    const f = filters[y % filters.length]!;
    const prev = y > 0 ? rows[y - 1]! : Buffer.alloc(row.length);
    const enc = Buffer.alloc(row.length + 1);
    enc[0] = f;
    for (let x = 0; x < row.length; x++) {
      const a = x >= opts.bpp ? row[x - opts.bpp]! : 0;
      const b = prev[x]!;
      const c = x >= opts.bpp ? prev[x - opts.bpp]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f]!;
      enc[x + 1] = (row[x]! - pred) & 0xff;
    }
    out.push(enc);
  });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([depth, colorType, 0, 0, opts.interlace ?? 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(opts.plte ? [chunk('PLTE', opts.plte)] : []),
    ...(opts.trns ? [chunk('tRNS', opts.trns)] : []),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(out))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pixel = (x: number, y: number, k: number) => (x * 37 + y * 91 + k * 53 + ((x * y) % 7) * 13) & 0xff;

describe('the report logo', () => {
  it('undoes all five PNG row filters and splits RGBA into colour and a soft mask', () => {
    const [w, h] = [23, 11];
    const rows = Array.from({ length: h }, (_, y) => Buffer.from(Array.from({ length: w * 4 }, (_, i) => pixel(i >> 2, y, i & 3))));
    const img = logoImage(png(w, h, 8, 6, rows, { bpp: 4, filters: [0, 1, 2, 3, 4] }));
    expect(img).toMatchObject({ type: 'png', width: w, height: h, colorSpace: 'DeviceRGB', bitsPerComponent: 8, filter: 'FlateDecode' });
    const color = zlib.inflateSync(img.data);
    const alpha = zlib.inflateSync(img.alpha!);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        expect([color[(y * w + x) * 3], color[(y * w + x) * 3 + 1], color[(y * w + x) * 3 + 2]]).toEqual([
          pixel(x, y, 0),
          pixel(x, y, 1),
          pixel(x, y, 2),
        ]);
        expect(alpha[y * w + x]).toBe(pixel(x, y, 3));
      }
  });

  it('reads 16-bit grey as 8 bits, and a 4-bit palette with transparency as an indexed image with a mask', () => {
    const grey = logoImage(
      png(
        5,
        3,
        16,
        0,
        Array.from({ length: 3 }, (_, y) => Buffer.from(Array.from({ length: 10 }, (_, i) => pixel(i, y, 0)))),
        {
          bpp: 2,
          filters: [4],
        },
      ),
    );
    expect(grey).toMatchObject({ colorSpace: 'DeviceGray', bitsPerComponent: 8 });
    expect([...zlib.inflateSync(grey.data).subarray(0, 5)]).toEqual([0, 2, 4, 6, 8].map((i) => pixel(i, 0, 0)));

    // 4 pixels a row at 4 bits: indexes 0,1,2,3 → two bytes 0x01 0x23; entry 1 is fully transparent.
    const pal = logoImage(
      png(4, 2, 4, 3, [Buffer.from([0x01, 0x23]), Buffer.from([0x32, 0x10])], {
        bpp: 1,
        plte: Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]),
        trns: Buffer.from([255, 0]),
      }),
    );
    expect(pal).toMatchObject({ colorSpace: 'Indexed', bitsPerComponent: 4 });
    expect(pal.palette!.length).toBe(12);
    expect([...zlib.inflateSync(pal.alpha!)]).toEqual([255, 0, 255, 255, 255, 255, 0, 255]);
  });

  it('takes a JPEG as it is (DCTDecode) with its size and colour space', () => {
    const pdf = path.join(dir, 'p.pdf');
    fs.writeFileSync(
      pdf,
      '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 144 72]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    );
    spawnSync('pdftoppm', ['-jpeg', '-r', '72', '-singlefile', pdf, path.join(dir, 'j')]);
    const img = logoImage(fs.readFileSync(path.join(dir, 'j.jpg')));
    expect(img).toMatchObject({ type: 'jpeg', width: 144, height: 72, colorSpace: 'DeviceRGB', filter: 'DCTDecode' });
  });

  it('refuses, with the reason, what it cannot draw or should not try', () => {
    const row = [Buffer.alloc(3)];
    expect(() => logoImage(png(1, 1, 8, 2, row, { bpp: 3, interlace: 1 }))).toThrow(/entrelazado/);
    expect(() => logoImage(png(5000, 1, 8, 2, row, { bpp: 3 }))).toThrow(expect.objectContaining({ code: 'REPORT_LOGO_TOO_LARGE' }));
    // IDAT claims fewer rows than the header: not half an image.
    expect(() => logoImage(png(2, 4, 8, 2, [Buffer.alloc(6)], { bpp: 3 }))).toThrow(/faltan filas/);
    // A deflate bomb in IDAT stops at the size the header allows.
    const bomb = Buffer.concat([
      png(2, 2, 8, 2, [Buffer.alloc(6), Buffer.alloc(6)], { bpp: 3 }).subarray(0, 33),
      chunk('IDAT', zlib.deflateSync(Buffer.alloc(50 << 20))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    expect(() => logoImage(bomb)).toThrow(expect.objectContaining({ code: 'REPORT_LOGO_INVALID' }));
    expect(() => logoImage(Buffer.from('GIF89a...'))).toThrow('El logo debe ser una imagen PNG o JPEG.');
  });
});
