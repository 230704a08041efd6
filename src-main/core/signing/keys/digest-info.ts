/**
 * For keys that sign a digest elsewhere (a token, a remote service): the DigestInfo an RSA PKCS#1 v1.5
 * signature wraps around the digest, and the conversion of a raw ECDSA (r‖s) value to the DER CMS wants.
 */
import crypto from 'node:crypto';
import { derNull, integer, octetString, oid, seq } from '../der-writer';
import { DIGEST_OID, type DigestName } from '../signature-algorithms';

export function digestOf(data: Buffer, digest: DigestName): Buffer {
  return crypto.createHash(digest).update(data).digest();
}

/** DER DigestInfo ::= SEQUENCE { AlgorithmIdentifier (with NULL params, RFC 8017), OCTET STRING digest }. */
export function digestInfo(digest: DigestName, hash: Buffer): Buffer {
  return seq(seq(oid(DIGEST_OID[digest]), derNull()), octetString(hash));
}

/** PKCS#11 CKM_ECDSA returns r‖s, each the size of the curve order; CMS wants ECDSA-Sig-Value DER. */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error('firma ECDSA de longitud inválida');
  const half = raw.length / 2;
  // `integer` drops redundant leading zeros and adds one where the high bit is set.
  return seq(integer(raw.subarray(0, half)), integer(raw.subarray(half)));
}
