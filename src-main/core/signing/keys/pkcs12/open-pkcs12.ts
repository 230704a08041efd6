/**
 * Opens a PKCS#12 (.p12/.pfx) file: checks the integrity MAC (which is how a wrong password is told apart from
 * a damaged file), decrypts the bags (PBES2 with PBKDF2 + AES as OpenSSL 3 writes by default, or the legacy
 * PKCS#12 PBE with 3DES or RC2), and returns the private key as a node:crypto KeyObject with its certificate and the
 * rest of the chain. The key never leaves this process.
 *
 * Failures are AppErrors: CERT_NOT_PKCS12 (not the expected structure), CERT_BAD_PASSWORD (MAC or decryption
 * fails), CERT_UNSUPPORTED (an algorithm we do not implement, e.g. RC2), CERT_NO_KEY (no key matching a cert).
 */
import crypto from 'node:crypto';
import { AppError } from '../../../../api/result';
import { child, children, explicit, integer, octets, oid, parseDer, type Node } from '../../der';
import { SignErrorCodes } from '../../sign-errors';
import { traceMark } from '../../../trace';
import { bmpPassword, KDF_PURPOSE, legacyDecrypt, LEGACY_PBE, pkcs12Kdf } from './pkcs12-kdf';

/** A real PKCS#12 holding a certificate and its key is a few KB; anything huge is not one. */
const MAX_FILE_BYTES = 512 * 1024;
/** Bounds the work a hostile file can ask for (OpenSSL writes 2048). */
const MAX_ITERATIONS = 2_000_000;

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

const DIGEST_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const HMAC_BY_OID: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const CIPHER_BY_OID: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
  '1.2.840.113549.3.7': 'des-ede3-cbc',
};

export type OpenedPkcs12 = {
  privateKey: crypto.KeyObject;
  /** DER of the signer's certificate (the one whose public key matches the private key). */
  certificate: Buffer;
  /** DER of the other certificates, issuer order when it can be worked out. */
  chain: Buffer[];
};

class BadPassword extends Error {}
class Unsupported extends Error {}

export function openPkcs12(bytes: Buffer, password: string): OpenedPkcs12 {
  if (bytes.length > MAX_FILE_BYTES) throw notPkcs12();
  let pfx: Node;
  let authSafeContent: Buffer;
  try {
    pfx = parseDer(bytes);
    if (integer(child(pfx, 0)) !== 3) throw new Error('versión');
    const authSafe = child(pfx, 1);
    if (oid(child(authSafe, 0)) !== OID.data) throw new Error('authSafe no es data');
    authSafeContent = octets(explicit(child(authSafe, 1), 0));
  } catch (err) {
    throw notPkcs12(err);
  }
  try {
    const macData = children(pfx)[2];
    traceMark('p12 parsed');
    if (macData) verifyMac(macData, authSafeContent, password);
    traceMark('p12 mac');
    const keys: crypto.KeyObject[] = [];
    const certs: Buffer[] = [];
    for (const info of children(parseDer(authSafeContent))) {
      const type = oid(child(info, 0));
      let safeContents: Buffer;
      if (type === OID.data) safeContents = octets(explicit(child(info, 1), 0));
      else if (type === OID.encryptedData) {
        const encInfo = child(explicit(child(info, 1), 0), 1);
        safeContents = decrypt(child(encInfo, 1), octets(child(encInfo, 2)), password);
      } else throw new Unsupported(`contenido ${type}`);
      readBags(parseDer(safeContents), password, keys, certs);
    }
    traceMark('p12 bags');
    const r = pairUp(keys, certs);
    traceMark('p12 paired');
    return r;
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof BadPassword) {
      throw new AppError(SignErrorCodes.badPassword, 'La contraseña del certificado no es correcta.');
    }
    if (err instanceof Unsupported) {
      throw new AppError(
        SignErrorCodes.unsupportedPkcs12,
        `El archivo PKCS#12 usa un cifrado no soportado (${err.message}). Vuelva a exportarlo con cifrado AES.`,
      );
    }
    throw notPkcs12(err);
  }
}

function notPkcs12(cause?: unknown): AppError {
  return new AppError(SignErrorCodes.notPkcs12, 'El archivo no es un certificado PKCS#12 (.p12/.pfx) válido.', undefined, { cause });
}

function verifyMac(macData: Node, content: Buffer, password: string): void {
  const digestInfo = child(macData, 0);
  const hash = DIGEST_BY_OID[oid(child(child(digestInfo, 0), 0))];
  if (!hash) throw new Unsupported('MAC');
  const expected = octets(child(digestInfo, 1));
  const salt = octets(child(macData, 1));
  const iterNode = children(macData)[2];
  const iterations = iterNode ? integer(iterNode) : 1;
  checkIterations(iterations);
  const size = crypto.createHash(hash).digest().length;
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, iterations, KDF_PURPOSE.mac, size);
  const actual = crypto.createHmac(hash, key).update(content).digest();
  if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) throw new BadPassword();
}

function checkIterations(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ITERATIONS) throw new Error('número de iteraciones fuera de rango');
}

/** Decrypts an EncryptedContentInfo or EncryptedPrivateKeyInfo body given its AlgorithmIdentifier. */
function decrypt(algId: Node, data: Buffer, password: string): Buffer {
  const algOid = oid(child(algId, 0));
  const params = child(algId, 1);
  try {
    if (LEGACY_PBE[algOid]) {
      const iterations = integer(child(params, 1));
      checkIterations(iterations);
      return legacyDecrypt(algOid, password, octets(child(params, 0)), iterations, data);
    }
    if (algOid === OID.pbes2) {
      const kdf = child(params, 0);
      const enc = child(params, 1);
      if (oid(child(kdf, 0)) !== OID.pbkdf2) throw new Unsupported('KDF');
      const kdfParams = children(child(kdf, 1));
      const salt = octets(kdfParams[0]);
      const iterations = integer(kdfParams[1]);
      checkIterations(iterations);
      let prf = 'sha1';
      for (const p of kdfParams.slice(2)) {
        // keyLength (INTEGER) is optional; the PRF is an AlgorithmIdentifier SEQUENCE.
        try {
          const h = HMAC_BY_OID[oid(child(p, 0))];
          if (!h) throw new Unsupported('PRF');
          prf = h;
        } catch (e) {
          if (e instanceof Unsupported) throw e;
        }
      }
      const cipher = CIPHER_BY_OID[oid(child(enc, 0))];
      if (!cipher) throw new Unsupported(oid(child(enc, 0)));
      const iv = octets(child(enc, 1));
      const keyLen = cipher === 'des-ede3-cbc' ? 24 : Number(/aes-(\d+)/.exec(cipher)?.[1] ?? 256) / 8;
      const key = crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyLen, prf);
      const d = crypto.createDecipheriv(cipher, key, iv);
      return Buffer.concat([d.update(data), d.final()]);
    }
  } catch (err) {
    if (err instanceof Unsupported) throw err;
    // A padding failure after a MAC that passed (or no MAC at all) means the password is wrong for this bag.
    if (err instanceof Error && /bad decrypt|wrong final block/i.test(err.message)) throw new BadPassword();
    throw err;
  }
  throw new Unsupported(algOid);
}

function readBags(safeContents: Node, password: string, keys: crypto.KeyObject[], certs: Buffer[]): void {
  for (const bag of children(safeContents)) {
    const bagId = oid(child(bag, 0));
    const value = explicit(child(bag, 1), 0);
    if (bagId === OID.keyBag) {
      keys.push(crypto.createPrivateKey({ key: Buffer.from(value.toBER(false)), format: 'der', type: 'pkcs8' }));
    } else if (bagId === OID.shroudedKeyBag) {
      const plain = decrypt(child(value, 0), octets(child(value, 1)), password);
      keys.push(crypto.createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' }));
    } else if (bagId === OID.certBag) {
      if (oid(child(value, 0)) === OID.x509Certificate) certs.push(octets(explicit(child(value, 1), 0)));
    }
    // Other bags (CRLs, secrets) are not needed for signing and are ignored on purpose.
  }
}

function spki(key: crypto.KeyObject): Buffer {
  const pub = key.type === 'public' ? key : crypto.createPublicKey(key);
  return pub.export({ type: 'spki', format: 'der' });
}

function pairUp(keys: crypto.KeyObject[], certs: Buffer[]): OpenedPkcs12 {
  const parsed = certs.map((der) => ({ der, x509: new crypto.X509Certificate(der) }));
  for (const key of keys) {
    const pub = spki(key);
    const leaf = parsed.find((c) => spki(c.x509.publicKey).equals(pub));
    if (!leaf) continue;
    const rest = parsed.filter((c) => c !== leaf);
    // Order the chain from the leaf's issuer upwards; anything left over goes last.
    const chain: Buffer[] = [];
    let cur = leaf.x509;
    for (let guard = 0; guard < rest.length; guard++) {
      const issuer = rest.find((c) => !chain.includes(c.der) && cur.checkIssued(c.x509) && c.x509 !== cur);
      if (!issuer || issuer.x509.subject === cur.subject) break;
      chain.push(issuer.der);
      cur = issuer.x509;
    }
    for (const c of rest) if (!chain.includes(c.der)) chain.push(c.der);
    return { privateKey: key, certificate: leaf.der, chain };
  }
  throw new AppError(SignErrorCodes.noKey, 'El archivo PKCS#12 no contiene una clave privada con su certificado.');
}
