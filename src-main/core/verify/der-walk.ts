/**
 * A minimal DER walker: finds the tag, header and content bounds of elements without decoding their
 * contents. The CMS parser uses it to reach the fields of a SignedData without deep-parsing every
 * certificate inside it. Definite lengths only: for BER indefinite lengths it returns null and the caller
 * falls back to a full asn1js parse. Never reads outside `buf`.
 */

export type Tlv = {
  /** The identifier octet (0x30 SEQUENCE, 0xA0 [0] constructed...); multi-byte tags are not supported. */
  tag: number;
  start: number;
  contentStart: number;
  end: number;
};

export function readTlv(buf: Uint8Array, pos: number, limit = buf.length): Tlv | null {
  if (pos + 2 > limit) return null;
  const tag = buf[pos] ?? 0;
  if ((tag & 0x1f) === 0x1f) return null;
  const first = buf[pos + 1] ?? 0;
  let len: number;
  let header = 2;
  if (first < 0x80) len = first;
  else {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || pos + 2 + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos + 2 + i] ?? 0);
    header += n;
  }
  const end = pos + header + len;
  if (end > limit) return null;
  return { tag, start: pos, contentStart: pos + header, end };
}

/** The direct children of a constructed element; null when any of them is not definite-length DER. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] | null {
  const out: Tlv[] = [];
  for (let pos = parent.contentStart; pos < parent.end;) {
    const t = readTlv(buf, pos, parent.end);
    if (!t) return null;
    out.push(t);
    pos = t.end;
  }
  return out;
}
