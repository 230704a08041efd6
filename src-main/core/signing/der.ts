/**
 * A small, bounded BER/DER reader and typed accessors over its nodes, for what signing reads itself (PKCS#12
 * files, a certificate's issuer and serial, a TSA's answer). It replaces asn1js on this path: parsing a .p12 with
 * asn1js cost tens of milliseconds per signature (a class per node, schema checks), this walks the bytes once.
 * Definite and indefinite lengths (PKCS#12 files from some tools are BER), nesting at most 64 deep, every length
 * checked against the input. Each accessor throws a plain Error on a shape mismatch; callers turn that into their
 * own domain error (a PKCS#12 file that does not have the expected shape is "not a PKCS#12 file").
 *
 * Node keeps the names asn1js used for what callers read (`idBlock`, `valueBeforeDecodeView`, `toBER`), so the
 * verifier's asn1js-based code and this reader describe a node the same way.
 */

const MAX_DEPTH = 64;

/** asn1js's numbering: 1 universal, 2 application, 3 context-specific, 4 private. */
export type TagClass = 1 | 2 | 3 | 4;

export class Node {
  readonly idBlock: { tagClass: TagClass; tagNumber: number; isConstructed: boolean };
  constructor(
    tagClass: TagClass,
    tagNumber: number,
    isConstructed: boolean,
    /** The whole element as it appears in the input (identifier, length, contents; end-of-contents if any). */
    readonly valueBeforeDecodeView: Uint8Array,
    /** The contents octets (primitive nodes). */
    readonly content: Uint8Array,
    /** The elements inside (constructed nodes). */
    readonly items: Node[],
  ) {
    this.idBlock = { tagClass, tagNumber, isConstructed };
  }
  /** The element's bytes as read (the input is expected in DER where it matters, as asn1js would re-encode it). */
  toBER(_sizeOnly = false): ArrayBuffer {
    const v = this.valueBeforeDecodeView;
    return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
  }
}

export function parseDer(bytes: Uint8Array): Node {
  const [node] = readElement(bytes, 0, bytes.length, 0);
  return node;
}

/** Reads one element at `pos` (not past `end`); returns it and the offset after it. */
function readElement(buf: Uint8Array, start: number, end: number, depth: number): [Node, number] {
  if (depth > MAX_DEPTH) throw new Error('DER inválido: anidamiento excesivo');
  let pos = start;
  const first = byteAt(buf, pos++, end);
  const tagClass = ((first >> 6) + 1) as TagClass;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (i === 4) throw new Error('DER inválido: etiqueta demasiado larga');
      const b = byteAt(buf, pos++, end);
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  const lenByte = byteAt(buf, pos++, end);
  if (lenByte === 0x80) {
    // Indefinite length (BER): constructed only, elements until an end-of-contents (00 00).
    if (!constructed) throw new Error('DER inválido: longitud indefinida en un primitivo');
    const items: Node[] = [];
    for (;;) {
      if (byteAt(buf, pos, end) === 0 && byteAt(buf, pos + 1, end) === 0) {
        pos += 2;
        break;
      }
      const [item, next] = readElement(buf, pos, end, depth + 1);
      items.push(item);
      pos = next;
    }
    return [new Node(tagClass, tagNumber, true, buf.subarray(start, pos), buf.subarray(pos, pos), items), pos];
  }
  let length = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n > 4) throw new Error('DER inválido: longitud demasiado grande');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + byteAt(buf, pos++, end);
  }
  const contentEnd = pos + length;
  if (contentEnd > end) throw new Error('DER inválido: la longitud excede los datos');
  const content = buf.subarray(pos, contentEnd);
  const items: Node[] = [];
  if (constructed) {
    for (let p = pos; p < contentEnd;) {
      const [item, next] = readElement(buf, p, contentEnd, depth + 1);
      items.push(item);
      p = next;
    }
  }
  return [new Node(tagClass, tagNumber, constructed, buf.subarray(start, contentEnd), content, items), contentEnd];
}

function byteAt(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) throw new Error('DER inválido: datos truncados');
  return buf[pos] ?? 0;
}

function isUniversal(node: Node, tag: number): boolean {
  return node.idBlock.tagClass === 1 && node.idBlock.tagNumber === tag;
}

export function children(node: Node | undefined): Node[] {
  if (node?.idBlock.isConstructed) return node.items;
  throw new Error('se esperaba SEQUENCE/SET');
}

export function child(node: Node | undefined, i: number): Node {
  const c = children(node)[i];
  if (!c) throw new Error(`falta el elemento ${i}`);
  return c;
}

export function oid(node: Node | undefined): string {
  if (!node || !isUniversal(node, 6) || node.idBlock.isConstructed || node.content.length === 0)
    throw new Error('se esperaba OBJECT IDENTIFIER');
  const arcs: string[] = [];
  let value = 0n;
  for (let i = 0; i < node.content.length; i++) {
    const b = node.content[i] ?? 0;
    value = (value << 7n) | BigInt(b & 0x7f);
    if (b & 0x80) {
      if (i === node.content.length - 1) throw new Error('se esperaba OBJECT IDENTIFIER');
      continue;
    }
    if (arcs.length === 0) {
      const top = value < 40n ? 0n : value < 80n ? 1n : 2n;
      arcs.push(String(top), String(value - top * 40n));
    } else arcs.push(String(value));
    value = 0n;
  }
  return arcs.join('.');
}

export function octets(node: Node | undefined): Buffer {
  if (!node) throw new Error('se esperaba OCTET STRING');
  // A constructed OCTET STRING (BER) or IMPLICIT [n] OCTET STRING is the concatenation of its parts.
  if (node.idBlock.isConstructed) return Buffer.concat(node.items.map((c) => octets(c)));
  // An IMPLICIT [n] OCTET STRING comes as a primitive context (or application/private) element.
  if (isUniversal(node, 4) || node.idBlock.tagClass !== 1) return Buffer.from(node.content);
  throw new Error('se esperaba OCTET STRING');
}

export function integer(node: Node | undefined): number {
  if (!node || !isUniversal(node, 2) || node.idBlock.isConstructed || node.content.length === 0) throw new Error('se esperaba INTEGER');
  let v = 0n;
  for (const b of node.content) v = (v << 8n) | BigInt(b);
  if ((node.content[0] ?? 0) & 0x80) v -= 1n << BigInt(node.content.length * 8);
  return Number(v);
}

/** The content of an EXPLICIT [tag] wrapper. */
export function explicit(node: Node | undefined, tag: number): Node {
  if (node && node.idBlock.isConstructed && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag) {
    const c = node.items[0];
    if (c) return c;
  }
  throw new Error(`se esperaba [${tag}]`);
}

export function isContextTag(node: Node | undefined, tag: number): boolean {
  return node !== undefined && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag;
}

export function der(node: Node): Buffer {
  return Buffer.from(node.valueBeforeDecodeView);
}
