/**
 * Signature algorithms beyond RSA/ECDSA with SHA-2, on keys and signatures made by openssl (`genpkey`,
 * `pkeyutl -rawin`, `dgst -sigopt`): Ed25519, Ed448, ECDSA and RSA-PSS with SHA-3 (OpenSSL 3.0's `cms` cannot
 * sign with these; the corpus run covers whole CMS files). Plain ECDSA (BSI TR-03111) cannot be produced by
 * openssl, so its check runs on a node:crypto signature in the r||s encoding. An algorithm we do not know is "not supported" (INDETERMINADO), never invalid.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src-main/core/verify/algorithms';
import { digestOf } from '../../src-main/core/verify/cms';
import { deriveSignatureVerdict, type SignatureFacts } from '../../src-main/core/verify/report';
import { tempDir } from '../helpers/temp-home';

let tmp: { dir: string; cleanup: () => void };
let content: Buffer;
const file = (n: string) => path.join(tmp.dir, n);

beforeAll(() => {
  tmp = tempDir('verify-alg-');
  content = crypto.randomBytes(20_000);
  fs.writeFileSync(file('content.bin'), content);
});
afterAll(() => tmp.cleanup());

/** A key made by `openssl genpkey` and a signature over the content made by openssl; returns the public key and signature. */
function opensslSignature(name: string, genpkey: string[], sign: string[]): { key: crypto.KeyObject; sig: Buffer } {
  execFileSync('openssl', ['genpkey', ...genpkey, '-out', file(`${name}.key`)], { stdio: 'pipe' });
  const key = file(`${name}.key`);
  const out = file(`${name}.sig`);
  const args =
    sign[0] === 'dgst'
      ? [...sign, '-sign', key, '-out', out, file('content.bin')]
      : [...sign, '-inkey', key, '-in', file('content.bin'), '-out', out];
  execFileSync('openssl', args, { stdio: 'pipe' });
  return { key: crypto.createPublicKey(fs.readFileSync(file(`${name}.key`))), sig: fs.readFileSync(file(`${name}.sig`)) };
}

const oid = (algorithmId: string, algorithmParams?: unknown) =>
  new pkijs.AlgorithmIdentifier(algorithmParams === undefined ? { algorithmId } : { algorithmId, algorithmParams });

function pssParams(hashOid: string, mgfHashOid: string, saltLength: number): pkijs.AlgorithmIdentifier {
  const params = new pkijs.RSASSAPSSParams({
    hashAlgorithm: oid(hashOid),
    maskGenAlgorithm: oid('1.2.840.113549.1.1.8', oid(mgfHashOid).toSchema()),
    saltLength,
  });
  return oid('1.2.840.113549.1.1.10', params.toSchema());
}

const SHA3_256 = '2.16.840.1.101.3.4.2.8';

describe('algorithms verified with node:crypto on openssl signatures', () => {
  it('Ed25519 (openssl pkeyutl -rawin)', () => {
    const { key, sig } = opensslSignature('ed25519', ['-algorithm', 'ed25519'], ['pkeyutl', '-sign', '-rawin']);
    expect(verifySignature(oid('1.3.101.112'), null, content, sig, key)).toMatchObject({ ok: true, algorithm: 'Ed25519' });
    expect(verifySignature(oid('1.3.101.112'), null, Buffer.concat([content, Buffer.from('x')]), sig, key).ok).toBe(false);
  });

  it('Ed448 (openssl pkeyutl -rawin), and SHAKE256 as its CMS digest', () => {
    const { key, sig } = opensslSignature('ed448', ['-algorithm', 'ed448'], ['pkeyutl', '-sign', '-rawin']);
    expect(verifySignature(oid('1.3.101.113'), null, content, sig, key)).toMatchObject({ ok: true, algorithm: 'Ed448' });
    expect(digestOf('shake256', content)).toHaveLength(64);
  });

  it('ECDSA with SHA3-256 (openssl dgst -sha3-256)', () => {
    const { key, sig } = opensslSignature('ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['dgst', '-sha3-256']);
    expect(verifySignature(oid('2.16.840.1.101.3.4.3.10'), null, content, sig, key)).toMatchObject({
      ok: true,
      algorithm: 'ECDSA SHA3-256',
    });
    // The same signature under the bare EC key OID takes the hash from the CMS digest algorithm.
    expect(verifySignature(oid('1.2.840.10045.2.1'), 'sha3-256', content, sig, key).ok).toBe(true);
    expect(verifySignature(oid('1.2.840.10045.2.1'), 'sha256', content, sig, key).ok).toBe(false);
  });

  it('RSA-PSS with SHA3-256, MGF1 SHA3-256 and a 32-byte salt (openssl dgst -sigopt)', () => {
    const { key, sig } = opensslSignature(
      'pss',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ['dgst', '-sha3-256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-sigopt', 'rsa_mgf1_md:sha3-256'],
    );
    expect(verifySignature(pssParams(SHA3_256, SHA3_256, 32), null, content, sig, key)).toMatchObject({
      ok: true,
      algorithm: 'RSA-PSS SHA3-256',
    });
    // A wrong salt length in the parameters fails the check; an MGF1 hash node:crypto cannot use is "unsupported".
    expect(verifySignature(pssParams(SHA3_256, SHA3_256, 20), null, content, sig, key).ok).toBe(false);
    expect(verifySignature(pssParams(SHA3_256, '2.16.840.1.101.3.4.2.1', 32), null, content, sig, key)).toMatchObject({
      ok: false,
      unsupported: true,
    });
  });

  it('plain ECDSA (r||s, BSI TR-03111) with SHA-256', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('atributos firmados');
    const sig = crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const alg = new pkijs.AlgorithmIdentifier({ algorithmId: '0.4.0.127.0.7.1.1.4.1.3' });
    expect(verifySignature(alg, null, data, sig, publicKey)).toMatchObject({ ok: true, algorithm: 'ECDSA (plain) SHA256' });
    expect(verifySignature(alg, null, Buffer.from('otros'), sig, publicKey).ok).toBe(false);
  });

  it('an unknown signature algorithm is unsupported, and the verdict is INDETERMINADO, not NO VÁLIDO', () => {
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const alg = new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.643.7.1.1.3.2' }); // GOST R 34.10-2012
    expect(verifySignature(alg, 'sha256', Buffer.from('x'), Buffer.from('y'), publicKey)).toMatchObject({ ok: false, unsupported: true });
    const facts: SignatureFacts = {
      cmsParsed: true,
      digestMatches: true,
      signatureVerifies: false,
      signatureUnchecked: true,
      essMatches: null,
      weakAlgorithm: false,
      coverage: 'entire-file',
      modificationsAfter: 'none',
      trusted: true,
      chainBroken: false,
      validAtSigningTime: true,
      usageAllowed: true,
      timeSource: 'timestamp',
      timestampValid: true,
      revocation: { status: 'good', source: 'embedded-ocsp' },
      caRevokedBeforeSigning: false,
      signerIsAnchor: false,
      signingTime: new Date().toISOString(),
    };
    const v = deriveSignatureVerdict(facts);
    expect(v.verdict).toBe('indeterminate');
    expect(v.reasons.map((x) => x.code)).toEqual(['ALGORITHM_UNSUPPORTED']);
    // The same facts with a checkable algorithm that failed are tampering.
    expect(deriveSignatureVerdict({ ...facts, signatureUnchecked: false }).verdict).toBe('invalid');
  });
});
