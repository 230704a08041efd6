/** Writes PDF values as bytes (latin1). Strings are written as hex so no escaping can go wrong. */
import { PdfArray, PdfDict, PdfName, PdfRaw, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-objects';

function isRegularNameByte(c: number): boolean {
  return c > 0x20 && c < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(c));
}

export function nameToken(name: string): string {
  let out = '/';
  for (const c of Buffer.from(name, 'latin1')) out += isRegularNameByte(c) ? String.fromCharCode(c) : '#' + c.toString(16).padStart(2, '0');
  return out;
}

export function numberToken(n: number): string {
  if (!Number.isFinite(n)) return '0';
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(5).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberToken(v);
  if (v instanceof PdfName) return nameToken(v.name);
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (v instanceof PdfString) return '<' + v.bytes.toString('hex') + '>';
  if (v instanceof PdfArray) return '[' + v.items.map(serialize).join(' ') + ']';
  if (v instanceof PdfDict) {
    let s = '<<';
    for (const [k, val] of v.entries) s += nameToken(k) + ' ' + serialize(val) + ' ';
    return s + '>>';
  }
  if (v instanceof PdfRaw) return v.bytes.toString('latin1');
  if (v instanceof PdfStream) throw new Error('un flujo no se puede escribir como valor directo');
  throw new Error('valor PDF desconocido');
}

/** Helpers to build values tersely. */
export const pdf = {
  name: (n: string) => new PdfName(n),
  ref: (num: number, gen = 0) => new PdfRef(num, gen),
  /** A text string: PDFDocEncoding-safe ASCII stays as is; anything else becomes UTF-16BE with a BOM. */
  text(s: string): PdfString {
    if (/^[\x20-\x7e]*$/.test(s)) return new PdfString(Buffer.from(s, 'latin1'));
    const le = Buffer.from(s, 'utf16le');
    le.swap16();
    return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), le]));
  },
  array: (...items: PdfValue[]) => new PdfArray(items),
  dict: (entries: Record<string, PdfValue>) => new PdfDict(Object.entries(entries)),
};
