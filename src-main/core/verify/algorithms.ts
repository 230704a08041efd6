/**
 * Signature and digest algorithms by OID, and one function that verifies a signature with node:crypto
 * (RSA PKCS#1 v1.5, RSA-PSS, ECDSA). Used for CMS signer infos, certificates, CRLs, OCSP and timestamps.
 */
import crypto, { type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const digestOids: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const hashOid: Record<HashName, string> = Object.fromEntries(Object.entries(digestOids).map(([oid, name]) => [name, oid])) as Record<
  HashName,
  string
>;

type Scheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/** Signature OIDs that carry their hash; the bare key OIDs take the hash from the digest algorithm. */
const signatureOids: Record<string, { scheme: Scheme; hash: HashName | null }> = {
  '1.2.840.113549.1.1.1': { scheme: 'rsa-pkcs1', hash: null },
  '1.2.840.113549.1.1.5': { scheme: 'rsa-pkcs1', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { scheme: 'rsa-pkcs1', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { scheme: 'rsa-pkcs1', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { scheme: 'rsa-pkcs1', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { scheme: 'rsa-pkcs1', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { scheme: 'rsa-pss', hash: null },
  '1.2.840.10045.2.1': { scheme: 'ecdsa', hash: null },
  '1.2.840.10045.4.1': { scheme: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { scheme: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { scheme: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { scheme: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { scheme: 'ecdsa', hash: 'sha512' },
};

export function hashNameOf(oid: string): HashName | null {
  return digestOids[oid] ?? null;
}

export function isWeakHash(h: HashName | null): boolean {
  return h === 'sha1';
}

export type SignatureCheck = {
  ok: boolean;
  /** Human name, e.g. `RSA-PSS SHA-256`, for notes; `desconocido (oid)` when unsupported. */
  algorithm: string;
  hash: HashName | null;
  /** Why verification could not even be attempted (unsupported algorithm, bad parameters). */
  problem?: string;
};

/**
 * Verifies `signature` over `data`. `fallbackHash` is the CMS digest algorithm, used when the signature OID
 * names only the key type. Never throws: a malformed key or parameter is a failed check with a problem.
 */
export function verifySignature(
  alg: pkijs.AlgorithmIdentifier,
  fallbackHash: HashName | null,
  data: Uint8Array,
  signature: Uint8Array,
  key: KeyObject,
): SignatureCheck {
  const spec = signatureOids[alg.algorithmId];
  if (!spec) return { ok: false, algorithm: `desconocido (${alg.algorithmId})`, hash: null, problem: 'algoritmo de firma no soportado' };
  try {
    if (spec.scheme === 'rsa-pss') {
      const params = alg.algorithmParams ? new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams }) : new pkijs.RSASSAPSSParams();
      const hash = hashNameOf(params.hashAlgorithm.algorithmId);
      if (!hash) return { ok: false, algorithm: 'RSA-PSS', hash: null, problem: 'hash de RSA-PSS no soportado' };
      const ok = crypto.verify(
        hash,
        data,
        { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength },
        signature,
      );
      return { ok, algorithm: `RSA-PSS ${hash.toUpperCase()}`, hash };
    }
    const hash = spec.hash ?? fallbackHash;
    if (!hash) return { ok: false, algorithm: spec.scheme, hash: null, problem: 'no se indica el algoritmo de resumen' };
    if (spec.scheme === 'ecdsa') {
      const ok = crypto.verify(hash, data, { key, dsaEncoding: 'der' }, signature);
      return { ok, algorithm: `ECDSA ${hash.toUpperCase()}`, hash };
    }
    const ok = crypto.verify(hash, data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
    return { ok, algorithm: `RSA ${hash.toUpperCase()}`, hash };
  } catch (err: unknown) {
    // A key of the wrong type or a garbled signature makes OpenSSL throw; for the report it is simply a bad signature.
    return {
      ok: false,
      algorithm: spec.scheme,
      hash: spec.hash ?? fallbackHash,
      problem: err instanceof Error ? err.message : String(err),
    };
  }
}
