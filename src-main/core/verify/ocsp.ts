/**
 * OCSP (RFC 6960): builds a request for one certificate and reads a response: status, responder signature,
 * and whether the responder may answer for that issuer (the issuer itself, or a certificate it issued with
 * the OCSPSigning extended key usage).
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { hashNameOf, verifySignature } from './algorithms';
import { certFromDer, extKeyUsage, sameName, type Cert } from './certificate';

export type CertStatusAnswer = { status: 'good' | 'revoked' | 'unknown'; revokedAt?: Date; thisUpdate?: Date; problems: string[] };

const SHA1 = '1.3.14.3.2.26';

function issuerKeyBytes(issuer: Cert): Uint8Array {
  return issuer.parsed.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
}

function issuerNameBytes(cert: Cert): Buffer {
  // The child's issuer field as encoded, which is what the issuer's subject is by construction.
  return Buffer.from(cert.parsed.issuer.toSchema().toBER(false));
}

export function certId(cert: Cert, issuer: Cert): pkijs.CertID {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: crypto.createHash('sha1').update(issuerNameBytes(cert)).digest() }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: crypto.createHash('sha1').update(issuerKeyBytes(issuer)).digest() }),
    serialNumber: cert.parsed.serialNumber,
  });
}

/** DER of an unsigned OCSP request for `cert`. */
export function ocspRequest(cert: Cert, issuer: Cert): Buffer {
  const req = new pkijs.OCSPRequest({
    tbsRequest: new pkijs.TBSRequest({ requestList: [new pkijs.Request({ reqCert: certId(cert, issuer) })] }),
  });
  return Buffer.from(req.toSchema(true).toBER(false));
}

function matches(id: pkijs.CertID, cert: Cert, issuer: Cert): boolean {
  const h = hashNameOf(id.hashAlgorithm.algorithmId);
  if (!h) return false;
  const nameHash = crypto.createHash(h).update(issuerNameBytes(cert)).digest();
  const keyHash = crypto.createHash(h).update(issuerKeyBytes(issuer)).digest();
  return (
    id.serialNumber.isEqual(cert.parsed.serialNumber) &&
    nameHash.equals(Buffer.from(id.issuerNameHash.valueBlock.valueHexView)) &&
    keyHash.equals(Buffer.from(id.issuerKeyHash.valueBlock.valueHexView))
  );
}

/** Reads an OCSPResponse (DER) about `cert`. Never throws: unusable answers are `unknown` with a problem. */
export function readOcspResponse(der: Uint8Array, cert: Cert, issuer: Cert): CertStatusAnswer {
  const problems: string[] = [];
  try {
    const asn = asn1js.fromBER(der);
    if (asn.offset === -1) throw new Error('ASN.1 ilegible');
    const resp = new pkijs.OCSPResponse({ schema: asn.result });
    if (resp.responseStatus.valueBlock.valueDec !== 0 || !resp.responseBytes) {
      return { status: 'unknown', problems: [`El servidor OCSP respondió con estado ${resp.responseStatus.valueBlock.valueDec}.`] };
    }
    const basic = new pkijs.BasicOCSPResponse({ schema: asn1js.fromBER(resp.responseBytes.response.valueBlock.valueHexView).result });
    const responder = findResponder(basic, issuer);
    if (!responder)
      return { status: 'unknown', problems: ['La respuesta OCSP no está firmada por el emisor ni por un respondedor autorizado por él.'] };
    const sig = verifySignature(
      basic.signatureAlgorithm,
      null,
      basic.tbsResponseData.tbsView,
      basic.signature.valueBlock.valueHexView,
      responder.x509.publicKey,
    );
    if (!sig.ok) return { status: 'unknown', problems: ['La firma de la respuesta OCSP no es válida.'] };
    const single = basic.tbsResponseData.responses.find((r) => matches(r.certID, cert, issuer));
    if (!single) return { status: 'unknown', problems: ['La respuesta OCSP no trata sobre este certificado.'] };
    const cs = single.certStatus as asn1js.BaseBlock;
    const tag = cs.idBlock.tagNumber;
    if (cs.idBlock.tagClass === 3 && tag === 0) return { status: 'good', thisUpdate: single.thisUpdate, problems };
    if (cs.idBlock.tagClass === 3 && tag === 1) {
      const inner = (cs as asn1js.Constructed).valueBlock.value[0];
      const revokedAt = inner instanceof asn1js.GeneralizedTime ? inner.toDate() : undefined;
      return { status: 'revoked', ...(revokedAt ? { revokedAt } : {}), thisUpdate: single.thisUpdate, problems };
    }
    return { status: 'unknown', problems: ['El servidor OCSP no conoce el certificado.'] };
  } catch (err: unknown) {
    return { status: 'unknown', problems: [`Respuesta OCSP ilegible: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

function findResponder(basic: pkijs.BasicOCSPResponse, issuer: Cert): Cert | null {
  const rid = basic.tbsResponseData.responderID as unknown;
  const carried: Cert[] = [];
  for (const c of basic.certs ?? []) {
    try {
      carried.push(certFromDer(new Uint8Array(c.toSchema(false).toBER(false))));
    } catch {
      // An unreadable extra certificate cannot be the responder; the others are still tried.
    }
  }
  const isNamed = (c: Cert): boolean => {
    if (rid instanceof pkijs.RelativeDistinguishedNames) return sameName(rid, c.parsed.subject);
    if (rid instanceof asn1js.OctetString) {
      const keyHash = crypto.createHash('sha1').update(issuerKeyBytes(c)).digest();
      return keyHash.equals(Buffer.from(rid.valueBlock.valueHexView));
    }
    return false;
  };
  if (isNamed(issuer)) return issuer;
  for (const c of carried) {
    if (!isNamed(c)) continue;
    // A delegated responder: issued by the same CA, for OCSP signing.
    if (!sameName(c.parsed.issuer, issuer.parsed.subject)) continue;
    if (!(extKeyUsage(c) ?? []).includes('1.3.6.1.5.5.7.3.9')) continue;
    try {
      if (c.x509.verify(issuer.x509.publicKey)) return c;
    } catch {
      // A key of another type cannot have signed it.
    }
  }
  return null;
}
