/**
 * Test-only: a detached CMS signature built with pkijs and signed with node:crypto, carrying the Adobe
 * adbe-revocationInfoArchival signed attribute (CRLs and OCSP responses embedded at signing time), which
 * openssl cms cannot add.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Pki, LeafName } from './verify-pki';

function certOf(file: string): pkijs.Certificate {
  const b64 = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? '';
  return pkijs.Certificate.fromBER(Buffer.from(b64, 'base64'));
}

export function cmsWithRevocationInfo(pki: Pki, leaf: LeafName, content: Buffer, archived: { crls?: Buffer[]; ocsps?: Buffer[] }): Buffer {
  const { cert, key } = pki.leaf(leaf);
  const signer = certOf(cert);
  const inter = certOf(pki.interPem);
  const archival: asn1js.AsnType[] = [];
  if (archived.crls?.length)
    archival.push(
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.Sequence({ value: archived.crls.map((d) => asn1js.fromBER(d).result) })],
      }),
    );
  if (archived.ocsps?.length)
    archival.push(
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [new asn1js.Sequence({ value: archived.ocsps.map((d) => asn1js.fromBER(d).result) })],
      }),
    );
  const attrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })] }),
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.4',
        values: [new asn1js.OctetString({ valueHex: crypto.createHash('sha256').update(content).digest() })],
      }),
      new pkijs.Attribute({ type: '1.2.840.113113.1.1.8', values: [new asn1js.Sequence({ value: archival })] }),
    ],
  });
  const attrsDer = Buffer.from(attrs.toSchema().toBER(false));
  attrsDer[0] = 0x31;
  const signature = crypto.sign('sha256', attrsDer, crypto.createPrivateKey(fs.readFileSync(key)));
  const si = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' }),
    signedAttrs: attrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  const sd = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    certificates: [signer, inter],
    signerInfos: [si],
  });
  return Buffer.from(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) }).toSchema().toBER(false));
}
