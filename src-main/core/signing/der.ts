/**
 * Small typed accessors over asn1js nodes. Each throws a plain Error on a shape mismatch; callers turn that into
 * their own domain error (a PKCS#12 file that does not have the expected shape is "not a PKCS#12 file").
 */
import * as asn1js from 'asn1js';

export type Node = asn1js.AsnType;

export function parseDer(bytes: Uint8Array): Node {
  const res = asn1js.fromBER(bytes);
  if (res.offset === -1) throw new Error('DER inválido: ' + res.result.error);
  return res.result;
}

export function children(node: Node | undefined): Node[] {
  if (node instanceof asn1js.Sequence || node instanceof asn1js.Set || node instanceof asn1js.Constructed) {
    return node.valueBlock.value;
  }
  throw new Error('se esperaba SEQUENCE/SET');
}

export function child(node: Node | undefined, i: number): Node {
  const c = children(node)[i];
  if (!c) throw new Error(`falta el elemento ${i}`);
  return c;
}

export function oid(node: Node | undefined): string {
  if (node instanceof asn1js.ObjectIdentifier) return node.valueBlock.toString();
  throw new Error('se esperaba OBJECT IDENTIFIER');
}

export function octets(node: Node | undefined): Buffer {
  if (node instanceof asn1js.OctetString) return Buffer.from(node.getValue());
  // An IMPLICIT [n] OCTET STRING comes back as a primitive or constructed context block.
  if (node instanceof asn1js.Constructed) return Buffer.concat(node.valueBlock.value.map((c) => octets(c)));
  if (node instanceof asn1js.Primitive) return Buffer.from(node.valueBlock.valueHexView);
  throw new Error('se esperaba OCTET STRING');
}

export function integer(node: Node | undefined): number {
  if (node instanceof asn1js.Integer) return node.valueBlock.valueDec;
  throw new Error('se esperaba INTEGER');
}

/** The content of an EXPLICIT [tag] wrapper. */
export function explicit(node: Node | undefined, tag: number): Node {
  if (node instanceof asn1js.Constructed && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag) {
    const c = node.valueBlock.value[0];
    if (c) return c;
  }
  throw new Error(`se esperaba [${tag}]`);
}

export function isContextTag(node: Node | undefined, tag: number): boolean {
  return node !== undefined && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag;
}

export function der(node: Node): Buffer {
  return Buffer.from(node.toBER(false));
}
