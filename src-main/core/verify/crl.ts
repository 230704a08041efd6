/**
 * CRLs (RFC 5280): signature by the certificate's issuer, and whether the certificate is listed (with its date).
 *
 * A national CRL can list tens of thousands of certificates; decoding it whole with asn1js and pkijs took about
 * 3 s of CPU per read (an 878 KB CRL in a DSS, read once per certificate of the chain). So the list is walked
 * with the DER walker: only the header fields (issuer, algorithm, dates) and the one matching entry are decoded.
 * A CRL the walker cannot follow (BER indefinite lengths, an unexpected shape) is decoded whole as before.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { verifySignature } from './algorithms';
import { sameName, type Cert } from './certificate';
import { children, readTlv, type Tlv } from './der-walk';
import type { CertStatusAnswer } from './ocsp';

/** What a CRL says about one serial number, and what its signature covers. */
type CrlView = {
  issuer: pkijs.RelativeDistinguishedNames;
  signatureAlgorithm: pkijs.AlgorithmIdentifier;
  tbs: Uint8Array;
  signature: Uint8Array;
  thisUpdate: Date;
  /** The revocation date of `serial` (DER INTEGER content octets), or null when the CRL does not list it. */
  revokedAt(serial: Uint8Array): Date | null;
};

/** Reads a DER CRL about `cert`. Never throws: a CRL that cannot be trusted gives `unknown` with a problem. */
export function readCrl(der: Uint8Array, cert: Cert, issuer: Cert): CertStatusAnswer {
  try {
    const crl = walkCrl(der) ?? decodeCrl(der);
    if (!sameName(crl.issuer, issuer.parsed.subject)) return { status: 'unknown', problems: ['La CRL es de otro emisor.'] };
    const sig = verifySignature(crl.signatureAlgorithm, null, crl.tbs, crl.signature, issuer.x509.publicKey);
    if (!sig.ok) return { status: 'unknown', problems: ['La firma de la CRL no es válida.'] };
    const revokedAt = crl.revokedAt(cert.parsed.serialNumber.valueBlock.valueHexView);
    if (revokedAt) return { status: 'revoked', revokedAt, thisUpdate: crl.thisUpdate, problems: [] };
    return { status: 'good', thisUpdate: crl.thisUpdate, problems: [] };
  } catch (err: unknown) {
    return { status: 'unknown', problems: [`CRL ilegible: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

const TIME_TAGS = new Set([0x17, 0x18]); // UTCTime, GeneralizedTime

function decodeSlice(der: Uint8Array, t: Tlv): asn1js.AsnType {
  const asn = asn1js.fromBER(der.subarray(t.start, t.end));
  if (asn.offset === -1) throw new Error('ASN.1 ilegible');
  return asn.result;
}

function timeOf(der: Uint8Array, t: Tlv): Date {
  return new pkijs.Time({ schema: decodeSlice(der, t) }).value;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** The CRL read with the DER walker; null when its shape is not plain definite-length DER (then it is decoded whole). */
function walkCrl(der: Uint8Array): CrlView | null {
  const top = readTlv(der, 0);
  if (!top || top.tag !== 0x30) return null;
  const parts = children(der, top);
  if (!parts || parts.length !== 3) return null;
  const [tbs, alg, sigBits] = parts as [Tlv, Tlv, Tlv];
  if (tbs.tag !== 0x30 || alg.tag !== 0x30 || sigBits.tag !== 0x03 || sigBits.end - sigBits.contentStart < 1) return null;
  if (der[sigBits.contentStart] !== 0) return null; // unused bits in a signature: let the full decoder judge it
  const fields = children(der, tbs);
  if (!fields) return null;
  let i = 0;
  if (fields[i]?.tag === 0x02) i++; // version
  const innerAlg = fields[i++];
  const issuerTlv = fields[i++];
  const thisUpdate = fields[i++];
  if (innerAlg?.tag !== 0x30 || issuerTlv?.tag !== 0x30 || !thisUpdate || !TIME_TAGS.has(thisUpdate.tag)) return null;
  const nextUpdate = fields[i];
  if (nextUpdate && TIME_TAGS.has(nextUpdate.tag)) i++;
  let revoked: Tlv | null = null;
  if (fields[i]?.tag === 0x30) revoked = fields[i++] ?? null;
  if (fields[i]?.tag === 0xa0) i++; // crlExtensions
  if (i !== fields.length) return null;
  const list = revoked;
  return {
    issuer: new pkijs.RelativeDistinguishedNames({ schema: decodeSlice(der, issuerTlv) }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ schema: decodeSlice(der, alg) }),
    tbs: der.subarray(tbs.start, tbs.end),
    signature: der.subarray(sigBits.contentStart + 1, sigBits.end),
    thisUpdate: timeOf(der, thisUpdate),
    revokedAt(serial) {
      if (!list) return null;
      for (let pos = list.contentStart; pos < list.end;) {
        const entry = readTlv(der, pos, list.end);
        if (!entry || entry.tag !== 0x30) throw new Error('entrada de la CRL ilegible');
        pos = entry.end;
        const serialTlv = readTlv(der, entry.contentStart, entry.end);
        const date = serialTlv && readTlv(der, serialTlv.end, entry.end);
        if (!serialTlv || serialTlv.tag !== 0x02 || !date || !TIME_TAGS.has(date.tag)) throw new Error('entrada de la CRL ilegible');
        if (sameBytes(der.subarray(serialTlv.contentStart, serialTlv.end), serial)) return timeOf(der, date);
      }
      return null;
    },
  };
}

/** The whole CRL decoded by asn1js and pkijs (BER, or a shape the walker does not follow). */
function decodeCrl(der: Uint8Array): CrlView {
  const asn = asn1js.fromBER(der, { maxNodes: 2_000_000 }); // a large CRL has more than the 10 000 nodes asn1js allows by default
  if (asn.offset === -1) throw new Error('ASN.1 ilegible');
  const crl = new pkijs.CertificateRevocationList({ schema: asn.result });
  return {
    issuer: crl.issuer,
    signatureAlgorithm: crl.signatureAlgorithm,
    tbs: crl.tbsView,
    signature: crl.signatureValue.valueBlock.valueHexView,
    thisUpdate: crl.thisUpdate.value,
    revokedAt(serial) {
      const entry = (crl.revokedCertificates ?? []).find((r) => sameBytes(r.userCertificate.valueBlock.valueHexView, serial));
      return entry ? entry.revocationDate.value : null;
    },
  };
}
