/**
 * Signature and digest algorithms by OID, and one function that verifies a signature with node:crypto
 * (RSA PKCS#1 v1.5, RSA-PSS with its parameters, ECDSA in DER and plain (BSI TR-03111) encodings, DSA,
 * Ed25519, Ed448; SHA-1, SHA-2 and SHA-3 digests, SHAKE256 for Ed448). Used for CMS signer infos,
 * certificates, CRLs, OCSP and timestamps. An algorithm outside these is reported as unsupported, which the
 * verdict turns into INDETERMINADO, never into an invalid signature.
 */
import crypto, { type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha3-224' | 'sha3-256' | 'sha3-384' | 'sha3-512' | 'shake256';

const digestOids: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.7': 'sha3-224',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
  // RFC 8419: SHAKE256 with a 512-bit output, the digest that goes with Ed448.
  '2.16.840.1.101.3.4.2.12': 'shake256',
};

/** A hash object for a digest name (SHAKE256 with the 64-byte output RFC 8419 fixes). */
export function createDigest(hash: HashName): crypto.Hash {
  return hash === 'shake256' ? crypto.createHash('shake256', { outputLength: 64 }) : crypto.createHash(hash);
}

export const hashOid: Record<HashName, string> = Object.fromEntries(Object.entries(digestOids).map(([oid, name]) => [name, oid])) as Record<
  HashName,
  string
>;

type Scheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ecdsa-plain' | 'dsa' | 'eddsa';

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
  '2.16.840.1.101.3.4.3.9': { scheme: 'ecdsa', hash: 'sha3-224' },
  '2.16.840.1.101.3.4.3.10': { scheme: 'ecdsa', hash: 'sha3-256' },
  '2.16.840.1.101.3.4.3.11': { scheme: 'ecdsa', hash: 'sha3-384' },
  '2.16.840.1.101.3.4.3.12': { scheme: 'ecdsa', hash: 'sha3-512' },
  '2.16.840.1.101.3.4.3.13': { scheme: 'rsa-pkcs1', hash: 'sha3-224' },
  '2.16.840.1.101.3.4.3.14': { scheme: 'rsa-pkcs1', hash: 'sha3-256' },
  '2.16.840.1.101.3.4.3.15': { scheme: 'rsa-pkcs1', hash: 'sha3-384' },
  '2.16.840.1.101.3.4.3.16': { scheme: 'rsa-pkcs1', hash: 'sha3-512' },
  // BSI TR-03111 plain ECDSA: r || s instead of a DER sequence.
  '0.4.0.127.0.7.1.1.4.1.1': { scheme: 'ecdsa-plain', hash: 'sha1' },
  '0.4.0.127.0.7.1.1.4.1.2': { scheme: 'ecdsa-plain', hash: 'sha224' },
  '0.4.0.127.0.7.1.1.4.1.3': { scheme: 'ecdsa-plain', hash: 'sha256' },
  '0.4.0.127.0.7.1.1.4.1.4': { scheme: 'ecdsa-plain', hash: 'sha384' },
  '0.4.0.127.0.7.1.1.4.1.5': { scheme: 'ecdsa-plain', hash: 'sha512' },
  '0.4.0.127.0.7.1.1.4.1.8': { scheme: 'ecdsa-plain', hash: 'sha3-224' },
  '0.4.0.127.0.7.1.1.4.1.9': { scheme: 'ecdsa-plain', hash: 'sha3-256' },
  '0.4.0.127.0.7.1.1.4.1.10': { scheme: 'ecdsa-plain', hash: 'sha3-384' },
  '0.4.0.127.0.7.1.1.4.1.11': { scheme: 'ecdsa-plain', hash: 'sha3-512' },
  '1.2.840.10040.4.3': { scheme: 'dsa', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { scheme: 'dsa', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { scheme: 'dsa', hash: 'sha256' },
  // RFC 8419: the signature is over the data itself, no separate hash.
  '1.3.101.112': { scheme: 'eddsa', hash: null },
  '1.3.101.113': { scheme: 'eddsa', hash: null },
};

const MGF1 = '1.2.840.113549.1.1.8';

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
  /** The algorithm (or its parameters) is one we cannot check: the answer is unknown, not "invalid". */
  unsupported?: boolean;
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
  if (!spec)
    return { ok: false, algorithm: `desconocido (${alg.algorithmId})`, hash: null, problem: 'algoritmo no soportado', unsupported: true };
  try {
    if (spec.scheme === 'eddsa') {
      const name = alg.algorithmId === '1.3.101.112' ? 'Ed25519' : 'Ed448';
      if (key.asymmetricKeyType !== name.toLowerCase())
        return { ok: false, algorithm: name, hash: null, problem: `la clave no es ${name}` };
      return { ok: crypto.verify(null, data, key, signature), algorithm: name, hash: null };
    }
    if (spec.scheme === 'rsa-pss') {
      const params = alg.algorithmParams ? new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams }) : new pkijs.RSASSAPSSParams();
      const hash = hashNameOf(params.hashAlgorithm.algorithmId);
      if (!hash || hash === 'shake256')
        return { ok: false, algorithm: 'RSA-PSS', hash: null, problem: 'algoritmo no soportado (hash de RSA-PSS)', unsupported: true };
      // node:crypto uses the signature hash for MGF1 too: another MGF or MGF1 hash cannot be checked here.
      const mgf = params.maskGenAlgorithm;
      const mgfHash = mgf.algorithmParams ? hashNameOf(new pkijs.AlgorithmIdentifier({ schema: mgf.algorithmParams }).algorithmId) : 'sha1';
      if (mgf.algorithmId !== MGF1 || mgfHash !== hash)
        return {
          ok: false,
          algorithm: `RSA-PSS ${hash.toUpperCase()}`,
          hash,
          problem: 'algoritmo no soportado (MGF de RSA-PSS)',
          unsupported: true,
        };
      if (params.trailerField !== 1) return { ok: false, algorithm: 'RSA-PSS', hash, problem: 'campo final de RSA-PSS inválido' };
      const ok = crypto.verify(
        hash,
        data,
        { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength },
        signature,
      );
      return { ok, algorithm: `RSA-PSS ${hash.toUpperCase()}`, hash };
    }
    const hash = spec.hash ?? fallbackHash;
    if (!hash)
      return {
        ok: false,
        algorithm: spec.scheme,
        hash: null,
        problem: 'algoritmo no soportado (sin algoritmo de resumen)',
        unsupported: true,
      };
    if (hash === 'shake256')
      return { ok: false, algorithm: spec.scheme, hash, problem: 'algoritmo no soportado (SHAKE256)', unsupported: true };
    if (spec.scheme === 'ecdsa' || spec.scheme === 'ecdsa-plain') {
      const ok = crypto.verify(hash, data, { key, dsaEncoding: spec.scheme === 'ecdsa' ? 'der' : 'ieee-p1363' }, signature);
      return { ok, algorithm: `ECDSA${spec.scheme === 'ecdsa-plain' ? ' (plain)' : ''} ${hash.toUpperCase()}`, hash };
    }
    if (spec.scheme === 'dsa') return { ok: crypto.verify(hash, data, key, signature), algorithm: `DSA ${hash.toUpperCase()}`, hash };
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

/** The hash a signature algorithm names itself (null for key-only OIDs, EdDSA and RSA-PSS, whose hash is in parameters). */
export function signatureHashOf(oid: string): HashName | null {
  return signatureOids[oid]?.hash ?? null;
}
