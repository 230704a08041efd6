/**
 * Whether a certificate can name where its revocation is published: an Authority Information Access extension
 * (OCSP, or caIssuers to find the issuer an OCSP request needs) or CRL Distribution Points. Told from the DER
 * bytes alone, before any ASN.1 parsing: an extension is present only if its OID's encoding is, so "no" is
 * exact and a stray match only means the full check runs. Signing skips the revocation check (and loading the
 * verifier) for certificates that publish nothing to check, such as self-issued test and demo certificates.
 */
const AIA_OID = Buffer.from([0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01]); // 1.3.6.1.5.5.7.1.1
const CDP_OID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x1f]); // 2.5.29.31

export function mayPublishRevocation(certificateDer: Buffer): boolean {
  return certificateDer.includes(AIA_OID) || certificateDer.includes(CDP_OID);
}
