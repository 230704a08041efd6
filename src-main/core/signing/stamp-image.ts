/**
 * Turns a PNG or JPEG (a seal, a handwritten signature) into a PDF image XObject. JPEG passes through
 * (DCTDecode); PNG is decoded, its alpha split into a soft mask, and large images are scaled down so the
 * stamp stays small.
 */
import zlib from 'node:zlib';
import { AppError } from '../../api/result';
import { PdfDict, PdfName } from '../pdf/pdf-objects';
import { pdf } from '../pdf/pdf-serializer';
import { SignErrorCodes } from './sign-errors';

export type StampImage = { width: number; height: number; dict: PdfDict; data: Buffer; smask?: { dict: PdfDict; data: Buffer } };

const MAX_INPUT = 8 * 1024 * 1024;
const MAX_PIXELS = 25_000_000;
/** Longest side after scaling: plenty for a stamp a few centimetres wide. */
const MAX_SIDE = 300;

function bad(detail: string): AppError {
  return new AppError(SignErrorCodes.badImage, `La imagen del sello no es un PNG o JPEG válido (${detail}).`, { detail });
}

export function loadStampImage(bytes: Buffer): StampImage {
  if (bytes.length > MAX_INPUT) throw bad('más de 8 MB');
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpeg(bytes);
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return png(bytes);
  throw bad('formato desconocido');
}

function jpeg(bytes: Buffer): StampImage {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw bad('marcador JPEG');
    const marker = bytes[i + 1] ?? 0;
    const len = bytes.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = bytes.readUInt16BE(i + 5);
      const width = bytes.readUInt16BE(i + 7);
      const comps = bytes[i + 9] ?? 3;
      const cs = comps === 1 ? 'DeviceGray' : comps === 4 ? 'DeviceCMYK' : 'DeviceRGB';
      const dict = pdf.dict({
        Type: pdf.name('XObject'),
        Subtype: pdf.name('Image'),
        Width: width,
        Height: height,
        ColorSpace: pdf.name(cs),
        BitsPerComponent: 8,
        Filter: pdf.name('DCTDecode'),
      });
      if (comps === 4) dict.set('Decode', pdf.array(1, 0, 1, 0, 1, 0, 1, 0));
      return { width, height, dict, data: bytes };
    }
    i += 2 + len;
  }
  throw bad('JPEG sin dimensiones');
}

function png(bytes: Buffer): StampImage {
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let interlace = 0;
  let palette: Buffer | null = null;
  let trns: Buffer | null = null;
  const idat: Buffer[] = [];
  while (pos + 8 <= bytes.length) {
    const len = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8] ?? 0;
      colorType = data[9] ?? 0;
      interlace = data[12] ?? 0;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!width || !height || width * height > MAX_PIXELS) throw bad('dimensiones');
  if (depth !== 8 || interlace !== 0) throw bad('solo PNG de 8 bits sin entrelazado');
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  if (!channels) throw bad('tipo de color');
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: (width * channels + 1) * height + 1024 });
  } catch {
    throw bad('datos comprimidos');
  }
  const pixels = unfilter(raw, width, height, channels);
  // Expand to color + alpha planes.
  const colorCh = colorType === 0 || colorType === 4 ? 1 : 3;
  const color = Buffer.alloc(width * height * colorCh);
  let alpha: Buffer | null = colorType === 4 || colorType === 6 || (colorType === 3 && trns) ? Buffer.alloc(width * height, 255) : null;
  for (let p = 0; p < width * height; p++) {
    if (colorType === 3) {
      const idx = pixels[p] ?? 0;
      for (let c = 0; c < 3; c++) color[p * 3 + c] = palette?.[idx * 3 + c] ?? 0;
      if (alpha && trns) alpha[p] = idx < trns.length ? (trns[idx] ?? 255) : 255;
    } else {
      for (let c = 0; c < colorCh; c++) color[p * colorCh + c] = pixels[p * channels + c] ?? 0;
      if (alpha) alpha[p] = pixels[p * channels + channels - 1] ?? 255;
    }
  }
  let w = width;
  let h = height;
  let colorPlane: Buffer = color;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale < 1) {
    w = Math.max(1, Math.round(width * scale));
    h = Math.max(1, Math.round(height * scale));
    colorPlane = downscale(color, width, height, colorCh, w, h);
    if (alpha) alpha = downscale(alpha, width, height, 1, w, h);
  }
  const dict = pdf.dict({
    Type: pdf.name('XObject'),
    Subtype: pdf.name('Image'),
    Width: w,
    Height: h,
    ColorSpace: pdf.name(colorCh === 1 ? 'DeviceGray' : 'DeviceRGB'),
    BitsPerComponent: 8,
    Filter: pdf.name('FlateDecode'),
  });
  const img: StampImage = { width: w, height: h, dict, data: zlib.deflateSync(colorPlane, { level: 9 }) };
  if (alpha && alpha.some((a) => a !== 255)) {
    img.smask = {
      dict: pdf.dict({
        Type: pdf.name('XObject'),
        Subtype: pdf.name('Image'),
        Width: w,
        Height: h,
        ColorSpace: new PdfName('DeviceGray'),
        BitsPerComponent: 8,
        Filter: pdf.name('FlateDecode'),
      }),
      data: zlib.deflateSync(alpha, { level: 9 }),
    };
  }
  return img;
}

function unfilter(raw: Buffer, width: number, height: number, bpp: number): Buffer {
  const rowLen = width * bpp;
  const out = Buffer.alloc(rowLen * height);
  for (let r = 0; r < height; r++) {
    const type = raw[r * (rowLen + 1)];
    if (type === undefined) throw bad('datos incompletos');
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = raw[src + i] ?? 0;
      const a = i >= bpp ? (out[dst + i - bpp] ?? 0) : 0;
      const b = r > 0 ? (out[dst - rowLen + i] ?? 0) : 0;
      const c = r > 0 && i >= bpp ? (out[dst - rowLen + i - bpp] ?? 0) : 0;
      let v = x;
      if (type === 1) v = x + a;
      else if (type === 2) v = x + b;
      else if (type === 3) v = x + ((a + b) >> 1);
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      } else if (type !== 0) throw bad('filtro PNG');
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

/** Box-filter downscale: averages the source pixels that fall in each target pixel. */
function downscale(src: Buffer, w: number, h: number, ch: number, tw: number, th: number): Buffer {
  const out = Buffer.alloc(tw * th * ch);
  for (let ty = 0; ty < th; ty++) {
    const y0 = Math.floor((ty * h) / th);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * h) / th));
    for (let tx = 0; tx < tw; tx++) {
      const x0 = Math.floor((tx * w) / tw);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * w) / tw));
      for (let c = 0; c < ch; c++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += src[(y * w + x) * ch + c] ?? 0;
        out[(ty * tw + tx) * ch + c] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return out;
}
