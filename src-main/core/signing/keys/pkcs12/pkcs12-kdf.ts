/**
 * The PKCS#12 key derivation (RFC 7292 appendix B.2) and the legacy password-based encryption built on it.
 * node:crypto has no PKCS#12 support, and OpenSSL's legacy provider (RC2) is not loaded by Node, so the KDF is
 * written here; 3DES itself comes from node:crypto.
 */
import crypto from 'node:crypto';
import { rc2CbcDecrypt } from './rc2';

export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

/** The password as PKCS#12 wants it: UTF-16 big endian with a two-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

const HASH_INFO: Record<string, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

function repeatTo(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  if (src.length === 0) return out;
  for (let i = 0; i < len; i++) out[i] = src[i % src.length] ?? 0;
  return out;
}

export function pkcs12Kdf(hash: string, password: Buffer, salt: Buffer, iterations: number, purpose: number, length: number): Buffer {
  const info = HASH_INFO[hash];
  if (!info) throw new Error(`hash no soportado en PKCS#12: ${hash}`);
  const { u, v } = info;
  const D = Buffer.alloc(v, purpose);
  const S = repeatTo(salt, v * Math.ceil(salt.length / v));
  const P = repeatTo(password, v * Math.ceil(password.length / v));
  const I = Buffer.concat([S, P]);
  const out: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let A = crypto.createHash(hash).update(D).update(I).digest();
    // The one-shot hash (no Hash object per round): the 2048 rounds of a MAC key cost a third as much.
    for (let r = 1; r < iterations; r++) A = crypto.hash(hash, A, 'buffer');
    out.push(A);
    produced += u;
    if (produced >= length) break;
    const B = repeatTo(A, v);
    // I_j = (I_j + B + 1) mod 2^(8v), big-endian addition per v-byte block.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] ?? 0) + (B[k] ?? 0) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

/** Legacy PBE algorithms of PKCS#12 (OID 1.2.840.113549.1.12.1.x): 3DES runs in node:crypto, RC2 in rc2.ts. */
export const LEGACY_PBE: Record<string, { cipher: string; keyLen: number; ivLen: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLen: 24, ivLen: 8 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLen: 16, ivLen: 8 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2-128', keyLen: 16, ivLen: 8 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2-40', keyLen: 5, ivLen: 8 },
};

export function legacyDecrypt(oid: string, password: string, salt: Buffer, iterations: number, data: Buffer): Buffer {
  const alg = LEGACY_PBE[oid];
  if (!alg) throw new Error(`algoritmo PBE no soportado: ${oid}`);
  const pw = bmpPassword(password);
  const key = pkcs12Kdf('sha1', pw, salt, iterations, KDF_PURPOSE.key, alg.keyLen);
  const iv = pkcs12Kdf('sha1', pw, salt, iterations, KDF_PURPOSE.iv, alg.ivLen);
  if (alg.cipher.startsWith('rc2-')) return rc2CbcDecrypt(key, alg.keyLen * 8, iv, data);
  const d = crypto.createDecipheriv(alg.cipher, key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}
