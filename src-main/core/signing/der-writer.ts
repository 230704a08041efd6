/**
 * A minimal DER encoder for the CMS structures we emit. Writing the bytes directly keeps the signed attributes
 * exactly as signed (DER SET OF sorted), which is what verifiers hash.
 */

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
/** SET OF in DER order (elements sorted by their encoding). */
export const setOf = (...parts: Buffer[]): Buffer => tlv(0x31, ...[...parts].sort(Buffer.compare));
export const octetString = (b: Buffer): Buffer => tlv(0x04, b);
export const derNull = (): Buffer => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
/** Context-specific tag: constructed for EXPLICIT and constructed IMPLICIT types, primitive otherwise. */
export const ctx = (n: number, constructed: boolean, ...content: Buffer[]): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, ...content);

export function integer(v: number | bigint | Buffer): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(v)) bytes = v;
  else {
    let hex = BigInt(v).toString(16);
    if (hex.length % 2) hex = '0' + hex;
    bytes = Buffer.from(hex, 'hex');
  }
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && ((bytes[i + 1] ?? 0) & 0x80) === 0) i++;
  bytes = bytes.subarray(i);
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => BigInt(p));
  const [a = 0n, b = 0n, ...rest] = parts;
  const out: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const groups: number[] = [];
    let v = arc;
    do {
      groups.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    groups.forEach((g, i) => out.push(i < groups.length - 1 ? g | 0x80 : g));
  }
  return tlv(0x06, Buffer.from(out));
}

export function generalizedTime(d: Date): Buffer {
  const s = d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return tlv(0x18, Buffer.from(s, 'latin1'));
}
