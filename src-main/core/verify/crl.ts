/** CRLs (RFC 5280): signature by the certificate's issuer, and whether the certificate is listed (with its date). */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { verifySignature } from './algorithms';
import { sameName, type Cert } from './certificate';
import type { CertStatusAnswer } from './ocsp';

/** Reads a DER CRL about `cert`. Never throws: a CRL that cannot be trusted gives `unknown` with a problem. */
export function readCrl(der: Uint8Array, cert: Cert, issuer: Cert): CertStatusAnswer {
  try {
    const asn = asn1js.fromBER(der, { maxNodes: 2_000_000 }); // a large CRL has more than the 10 000 nodes asn1js allows by default
    if (asn.offset === -1) throw new Error('ASN.1 ilegible');
    const crl = new pkijs.CertificateRevocationList({ schema: asn.result });
    if (!sameName(crl.issuer, issuer.parsed.subject)) return { status: 'unknown', problems: ['La CRL es de otro emisor.'] };
    const sig = verifySignature(
      crl.signatureAlgorithm,
      null,
      crl.tbsView,
      crl.signatureValue.valueBlock.valueHexView,
      issuer.x509.publicKey,
    );
    if (!sig.ok) return { status: 'unknown', problems: ['La firma de la CRL no es válida.'] };
    const entry = (crl.revokedCertificates ?? []).find((r) => r.userCertificate.isEqual(cert.parsed.serialNumber));
    const thisUpdate = crl.thisUpdate.value;
    if (entry) return { status: 'revoked', revokedAt: entry.revocationDate.value, thisUpdate, problems: [] };
    return { status: 'good', thisUpdate, problems: [] };
  } catch (err: unknown) {
    return { status: 'unknown', problems: [`CRL ilegible: ${err instanceof Error ? err.message : String(err)}`] };
  }
}
