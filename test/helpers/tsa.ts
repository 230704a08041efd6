/**
 * Test-only: puts an RFC 3161 token into a CMS signature as the unsigned attribute
 * id-aa-signatureTimeStampToken, the way a PAdES B-T signer does after signing.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export function withSignatureTimestamp(cmsDer: Uint8Array, tokenDer: Uint8Array): Buffer {
  const ci = new pkijs.ContentInfo({ schema: asn1js.fromBER(cmsDer).result });
  const sd = new pkijs.SignedData({ schema: ci.content });
  const si = sd.signerInfos[0]!;
  const token = asn1js.fromBER(tokenDer).result;
  si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 1,
    attributes: [new pkijs.Attribute({ type: '1.2.840.113549.1.9.16.2.14', values: [token] })],
  });
  const out = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) });
  return Buffer.from(out.toSchema().toBER(false));
}
