/** Digest and signature algorithms we sign with: their OIDs and how node:crypto runs them. */
import crypto from 'node:crypto';
import { ctx, derNull, integer, oid, seq } from './der-writer';

export type DigestName = 'sha256' | 'sha384' | 'sha512';
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

export const DIGEST_OID: Record<DigestName, string> = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
const DIGEST_LEN: Record<DigestName, number> = { sha256: 32, sha384: 48, sha512: 64 };
const ECDSA_OID: Record<DigestName, string> = {
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

/** AlgorithmIdentifier of a SHA-2 digest, parameters absent (RFC 5754). */
export function digestAlgorithmId(d: DigestName): Buffer {
  return seq(oid(DIGEST_OID[d]));
}

/** The scheme a key can sign with: EC keys → ECDSA; RSA keys → PKCS#1 v1.5 unless PSS is asked for. */
export function schemeFor(key: crypto.KeyObject | 'rsa' | 'rsa-pss' | 'ec', preferPss: boolean): SignatureScheme {
  const t = typeof key === 'string' ? key : key.asymmetricKeyType;
  if (t === 'ec') return 'ecdsa';
  if (t === 'rsa-pss') return 'rsa-pss';
  if (t === 'rsa') return preferPss ? 'rsa-pss' : 'rsa-pkcs1';
  throw new Error(`tipo de clave no soportado: ${t ?? 'desconocido'}`);
}

export function signatureAlgorithmId(scheme: SignatureScheme, d: DigestName): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1':
      return seq(oid('1.2.840.113549.1.1.1'), derNull());
    case 'ecdsa':
      return seq(oid(ECDSA_OID[d]));
    case 'rsa-pss': {
      const hashAlg = seq(oid(DIGEST_OID[d]));
      return seq(
        oid('1.2.840.113549.1.1.10'),
        seq(ctx(0, true, hashAlg), ctx(1, true, seq(oid('1.2.840.113549.1.1.8'), hashAlg)), ctx(2, true, integer(DIGEST_LEN[d]))),
      );
    }
  }
}

/** Signs `data` (the DER of the signed attributes) with the scheme's padding; ECDSA in DER form as CMS wants. */
export function signBytes(scheme: SignatureScheme, d: DigestName, key: crypto.KeyObject, data: Buffer): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1':
      return crypto.sign(d, data, { key, padding: crypto.constants.RSA_PKCS1_PADDING });
    case 'rsa-pss':
      return crypto.sign(d, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LEN[d] });
    case 'ecdsa':
      return crypto.sign(d, data, { key, dsaEncoding: 'der' });
  }
}
