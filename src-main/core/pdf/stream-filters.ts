/**
 * Decodes the stream filters the reader needs for its own structures (cross-reference streams and object
 * streams): FlateDecode with PNG/TIFF predictors. Output size is capped, so a zip bomb is an error, not an OOM.
 */
import zlib from 'node:zlib';
import { PdfArray, PdfDict, PdfName, type PdfValue } from './pdf-objects';
import { pdfInvalid, pdfLimit, pdfUnsupported } from './pdf-error';

export function decodeStream(dict: PdfDict, raw: Buffer, maxOutput: number): Buffer {
  const filter = dict.get('Filter');
  const filters = filter instanceof PdfArray ? filter.items : filter === undefined || filter === null ? [] : [filter];
  const parmsValue = dict.get('DecodeParms');
  const parms = parmsValue instanceof PdfArray ? parmsValue.items : [parmsValue];
  let data = raw;
  filters.forEach((f, i) => {
    if (!(f instanceof PdfName)) throw pdfInvalid('filtro inválido');
    if (f.name !== 'FlateDecode') throw pdfUnsupported(`filtro ${f.name} en una estructura interna`);
    try {
      data = zlib.inflateSync(data, { maxOutputLength: maxOutput });
    } catch (err) {
      if (err instanceof RangeError || (err instanceof Error && /Cannot create a Buffer larger|maxOutputLength/i.test(err.message))) {
        throw pdfLimit('flujo descomprimido demasiado grande');
      }
      // Truncated deflate data still yields what was decodable; some writers leave a bad checksum.
      try {
        data = zlib.inflateSync(data, { maxOutputLength: maxOutput, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch (inner) {
        throw pdfInvalid('flujo comprimido dañado', inner);
      }
    }
    const p = parms[i];
    if (p instanceof PdfDict) data = unpredict(data, p);
  });
  return data;
}

function num(v: PdfValue | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

function unpredict(data: Buffer, parms: PdfDict): Buffer {
  const predictor = num(parms.get('Predictor'), 1);
  if (predictor === 1) return data;
  const colors = num(parms.get('Colors'), 1);
  const bpc = num(parms.get('BitsPerComponent'), 8);
  const columns = num(parms.get('Columns'), 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) {
    if (bpc !== 8) throw pdfUnsupported('predictor TIFF con bits distintos de 8');
    const out = Buffer.from(data);
    for (let r = 0; r + rowLen <= out.length; r += rowLen) {
      for (let i = bpp; i < rowLen; i++) out[r + i] = ((out[r + i] ?? 0) + (out[r + i - bpp] ?? 0)) & 0xff;
    }
    return out;
  }
  // PNG predictors: each row starts with its filter type byte.
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = Buffer.alloc(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)] ?? 0;
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = data[src + i] ?? 0;
      const a = i >= bpp ? (out[dst + i - bpp] ?? 0) : 0;
      const b = r > 0 ? (out[dst - rowLen + i] ?? 0) : 0;
      const c = r > 0 && i >= bpp ? (out[dst - rowLen + i - bpp] ?? 0) : 0;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >> 1);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw pdfInvalid(`predictor PNG desconocido ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}
