/**
 * The institution's name and logo for the PDF report (Configuración → Informe de verificación, and
 * `casilla verify --report`). The logo is checked here (PNG or JPEG, at most 2 MB, 4096 px a side, 16 megapixels,
 * decodable), copied into `<data>/report/` with mode 0600, and turned into PDF image objects when a report is
 * written: JPEG as it is (DCTDecode), PNG decoded (filters undone, bounded) into colour data and an alpha mask.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { AppError } from '../../api/result';
import type { ReportSettingsInfo } from '../../api/verify';

export const LOGO_LIMITS = { bytes: 2 * 1024 * 1024, side: 4096, pixels: 16_000_000, institution: 120 };

const KEY = 'verify.report';
const DIR = 'report';

type Stored = {
  institution: string;
  logo: { file: string; name: string; type: 'png' | 'jpeg'; width: number; height: number; bytes: number } | null;
};

interface SettingsLike {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

function bad(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('REPORT_LOGO_INVALID', message, details);
}

/** What PDF needs to draw the image: the colour data (with its filter), and a soft mask for PNG alpha. */
export type PdfImage = {
  width: number;
  height: number;
  colorSpace: string;
  bitsPerComponent: number;
  filter: 'DCTDecode' | 'FlateDecode';
  data: Buffer;
  decode?: number[];
  alpha?: Buffer; // 8-bit gray, FlateDecode
  palette?: Buffer; // Indexed: base DeviceRGB
};

function jpegImage(buf: Buffer): PdfImage {
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) throw bad('El JPEG está dañado (marcador esperado).');
    const marker = buf[i + 1] ?? 0;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    const len = buf.readUInt16BE(i + 2);
    if (len < 2 || i + 2 + len > buf.length) throw bad('El JPEG está dañado (segmento truncado).');
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && len >= 8) {
      const bpc = buf[i + 4] ?? 0;
      const height = buf.readUInt16BE(i + 5);
      const width = buf.readUInt16BE(i + 7);
      const comps = buf[i + 9] ?? 0;
      if (bpc !== 8) throw bad('El JPEG usa una profundidad de color no soportada (solo 8 bits).');
      const colorSpace = comps === 1 ? 'DeviceGray' : comps === 3 ? 'DeviceRGB' : comps === 4 ? 'DeviceCMYK' : '';
      if (!colorSpace) throw bad(`El JPEG tiene ${comps} componentes de color; se admiten 1, 3 o 4.`);
      // Adobe's CMYK JPEGs store inverted values.
      const adobe = buf.indexOf('Adobe', 0, 'latin1') >= 0;
      return {
        width,
        height,
        colorSpace,
        bitsPerComponent: 8,
        filter: 'DCTDecode',
        data: buf,
        ...(comps === 4 && adobe ? { decode: [1, 0, 1, 0, 1, 0, 1, 0] } : {}),
      };
    }
    i += 2 + len;
  }
  throw bad('El JPEG no declara su tamaño.');
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngImage(buf: Buffer): PdfImage {
  let i = 8;
  let ihdr: Buffer | null = null;
  let palette: Buffer | null = null;
  let trns: Buffer | null = null;
  const idat: Buffer[] = [];
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i);
    const type = buf.toString('latin1', i + 4, i + 8);
    if (i + 12 + len > buf.length) throw bad('El PNG está dañado (fragmento truncado).');
    const data = buf.subarray(i + 8, i + 8 + len);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    i += 12 + len;
  }
  if (!ihdr || ihdr.length < 13) throw bad('El PNG no tiene cabecera (IHDR).');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const depth = ihdr[8] ?? 0;
  const colorType = ihdr[9] ?? 0;
  if (ihdr[12] !== 0) throw bad('El PNG es entrelazado; guárdelo sin entrelazado (Adam7) y vuelva a intentarlo.');
  checkSize(width, height);
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType as 0 | 2 | 3 | 4 | 6];
  if (!channels) throw bad(`El PNG usa un tipo de color desconocido (${colorType}).`);
  const depthOk =
    colorType === 3 ? [1, 2, 4, 8].includes(depth) : colorType === 0 ? [1, 2, 4, 8, 16].includes(depth) : [8, 16].includes(depth);
  if (!depthOk) throw bad(`El PNG usa una profundidad de ${depth} bits no válida para su tipo de color.`);
  if (colorType === 3 && !palette) throw bad('El PNG indexado no tiene paleta.');
  const bpp = Math.max(1, (channels * depth) >> 3); // bytes per complete pixel, for the filters
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const expected = height * (rowBytes + 1);
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    throw bad('El PNG está dañado (datos comprimidos ilegibles o más grandes de lo que declara).');
  }
  if (raw.length < expected) throw bad('El PNG está dañado (faltan filas de la imagen).');
  // Undo the per-row filters (PNG spec, section 9).
  const out = Buffer.alloc(height * rowBytes);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (rowBytes + 1)] ?? 0;
    const src = y * (rowBytes + 1) + 1;
    const dst = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const v = raw[src + x] ?? 0;
      const a = x >= bpp ? (out[dst + x - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[dst - rowBytes + x] ?? 0) : 0;
      const c = x >= bpp && y > 0 ? (out[dst - rowBytes + x - bpp] ?? 0) : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (f !== 0) throw bad(`El PNG está dañado (filtro de fila ${f}).`);
      out[dst + x] = (v + pred) & 0xff;
    }
  }
  if (colorType === 3) {
    const img: PdfImage = {
      width,
      height,
      colorSpace: 'Indexed',
      bitsPerComponent: depth,
      filter: 'FlateDecode',
      data: zlib.deflateSync(out),
      palette: palette!,
    };
    if (trns && trns.length) {
      const alpha = Buffer.alloc(width * height);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const bit = x * depth;
          const byte = out[y * rowBytes + (bit >> 3)] ?? 0;
          const idx = (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
          alpha[y * width + x] = idx < trns.length ? (trns[idx] ?? 255) : 255;
        }
      img.alpha = zlib.deflateSync(alpha);
    }
    return img;
  }
  const colorChannels = colorType === 4 || colorType === 0 ? 1 : 3;
  const hasAlpha = colorType === 4 || colorType === 6;
  if (!hasAlpha && depth <= 8)
    return {
      width,
      height,
      colorSpace: colorChannels === 1 ? 'DeviceGray' : 'DeviceRGB',
      bitsPerComponent: depth,
      filter: 'FlateDecode',
      data: zlib.deflateSync(out),
    };
  // 16 bits become 8 (the high byte); alpha goes to its own soft mask.
  const step = depth / 8;
  const color = Buffer.alloc(width * height * colorChannels);
  const alpha = hasAlpha ? Buffer.alloc(width * height) : null;
  for (let p = 0, y = 0; y < height; y++)
    for (let x = 0; x < width; x++, p++) {
      const base = y * rowBytes + x * channels * step;
      for (let k = 0; k < colorChannels; k++) color[p * colorChannels + k] = out[base + k * step] ?? 0;
      if (alpha) alpha[p] = out[base + colorChannels * step] ?? 255;
    }
  return {
    width,
    height,
    colorSpace: colorChannels === 1 ? 'DeviceGray' : 'DeviceRGB',
    bitsPerComponent: 8,
    filter: 'FlateDecode',
    data: zlib.deflateSync(color),
    ...(alpha ? { alpha: zlib.deflateSync(alpha) } : {}),
  };
}

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1) throw bad('La imagen no tiene tamaño.');
  if (width > LOGO_LIMITS.side || height > LOGO_LIMITS.side || width * height > LOGO_LIMITS.pixels)
    throw new AppError(
      'REPORT_LOGO_TOO_LARGE',
      `El logo mide ${width}×${height} píxeles; se admiten hasta ${LOGO_LIMITS.side} px por lado (un logo de 600 px basta).`,
      { width, height },
    );
}

/** Reads and checks a logo: PNG or JPEG, bounded; the image as PDF needs it. */
export function logoImage(buf: Buffer): PdfImage & { type: 'png' | 'jpeg' } {
  if (buf.length > LOGO_LIMITS.bytes)
    throw new AppError(
      'REPORT_LOGO_TOO_LARGE',
      `El logo pesa ${Math.ceil(buf.length / 1024)} KB; se admiten hasta ${LOGO_LIMITS.bytes / 1048576} MB.`,
      {
        bytes: buf.length,
      },
    );
  if (buf.subarray(0, 8).equals(PNG_SIG)) return { ...pngImage(buf), type: 'png' };
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    const img = jpegImage(buf);
    checkSize(img.width, img.height);
    return { ...img, type: 'jpeg' };
  }
  throw bad('El logo debe ser una imagen PNG o JPEG.');
}

function readBounded(file: string): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new AppError('REPORT_LOGO_INVALID', `No se pudo leer el logo ${path.basename(file)}.`, undefined, { cause: err });
  }
  if (!st.isFile()) throw bad(`${path.basename(file)} no es un archivo.`);
  if (st.size > LOGO_LIMITS.bytes)
    throw new AppError(
      'REPORT_LOGO_TOO_LARGE',
      `El logo pesa ${Math.ceil(st.size / 1024)} KB; se admiten hasta ${LOGO_LIMITS.bytes / 1048576} MB.`,
      {
        bytes: st.size,
      },
    );
  return fs.readFileSync(file);
}

export function reportSettings(settings: SettingsLike): ReportSettingsInfo {
  const s = settings.get<Stored>(KEY);
  return {
    institution: s?.institution ?? '',
    logo: s?.logo ? { name: s.logo.name, type: s.logo.type, width: s.logo.width, height: s.logo.height, bytes: s.logo.bytes } : null,
  };
}

/**
 * Saves the institution's name and/or logo. `logoPath` copies a checked PNG/JPEG into `<home>/report/` (0600,
 * temp file and rename); `null` removes the logo. `logoName` is the name the user picked (an upload's original).
 */
export function updateReportSettings(
  home: string,
  settings: SettingsLike,
  patch: { institution?: string | undefined; logoPath?: string | null | undefined; logoName?: string | undefined },
): ReportSettingsInfo {
  const cur: Stored = settings.get<Stored>(KEY) ?? { institution: '', logo: null };
  const next: Stored = { ...cur };
  if (patch.institution !== undefined) next.institution = patch.institution.trim().slice(0, LOGO_LIMITS.institution);
  const dir = path.join(home, DIR);
  if (patch.logoPath === null) {
    if (cur.logo) fs.rmSync(path.join(home, cur.logo.file), { force: true });
    next.logo = null;
  } else if (patch.logoPath !== undefined) {
    const buf = readBounded(patch.logoPath);
    const img = logoImage(buf);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const file = path.join(DIR, img.type === 'png' ? 'logo.png' : 'logo.jpg');
    const target = path.join(home, file);
    const tmp = `${target}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, buf, { mode: 0o600 });
      fs.chmodSync(tmp, 0o600);
      fs.renameSync(tmp, target);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw new AppError('REPORT_LOGO_INVALID', 'No se pudo guardar el logo en la carpeta de datos.', undefined, { cause: err });
    }
    if (cur.logo && cur.logo.file !== file) fs.rmSync(path.join(home, cur.logo.file), { force: true });
    const name = (patch.logoName ?? path.basename(patch.logoPath)).slice(0, 200);
    next.logo = { file, name, type: img.type, width: img.width, height: img.height, bytes: buf.length };
  }
  settings.set(KEY, next);
  return reportSettings(settings);
}

/** The saved institution and logo as the report writer takes them (a logo that went missing is left out). */
export function savedReportBrand(home: string, settings: SettingsLike): { institution: string; logo: Buffer | null } {
  const s = settings.get<Stored>(KEY);
  let logo: Buffer | null = null;
  if (s?.logo) {
    try {
      logo = readBounded(path.join(home, s.logo.file));
    } catch {
      logo = null;
    }
  }
  return { institution: s?.institution ?? '', logo };
}

/** A logo file given on the command line (`--logo F`), read and checked like a saved one. */
export function logoFromFile(file: string): Buffer {
  const buf = readBounded(file);
  logoImage(buf);
  return buf;
}
