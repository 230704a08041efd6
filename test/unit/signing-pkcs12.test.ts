import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { assertUsableForSigning, nationalIdFrom, summarizeCertificate } from '../../src-main/core/signing/certificate-summary';
import { openPkcs12 } from '../../src-main/core/signing/keys/pkcs12/open-pkcs12';
import { rc2CbcDecrypt } from '../../src-main/core/signing/keys/pkcs12/rc2';
import { P12_PASSWORD, testPki, type SignerName } from '../helpers/pki';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'NO_ERROR';
}

describe('PKCS#12 files built by openssl', () => {
  const pki = testPki();
  const cases: Array<[string, Record<SignerName, string>]> = [
    ['AES-256/PBKDF2 (OpenSSL 3 default)', pki.p12],
    ['legacy PBE-SHA1-3DES', pki.p12Legacy],
  ];
  for (const [label, files] of cases) {
    it(`opens RSA and EC keys that match their certificate (${label})`, () => {
      for (const name of ['rsa', 'ec'] as const) {
        const opened = openPkcs12(fs.readFileSync(files[name]), P12_PASSWORD);
        expect(opened.privateKey.asymmetricKeyType).toBe(name);
        // The key really is the certificate's: a signature made with it verifies with the certificate.
        const sig = crypto.sign('sha256', Buffer.from('hola'), opened.privateKey);
        expect(crypto.verify('sha256', Buffer.from('hola'), new crypto.X509Certificate(opened.certificate).publicKey, sig)).toBe(true);
        // Chain in issuer order: intermediate then root.
        expect(opened.chain.map((d) => new crypto.X509Certificate(d).subject)).toEqual([
          expect.stringContaining('Intermedia'),
          expect.stringContaining('Raiz'),
        ]);
      }
    });
    it(`says the password is wrong (${label})`, () => {
      expect(codeOf(() => openPkcs12(fs.readFileSync(files.rsa), 'otra-clave'))).toBe('CERT_BAD_PASSWORD');
      expect(codeOf(() => openPkcs12(fs.readFileSync(files.ec), ''))).toBe('CERT_BAD_PASSWORD');
    });
  }

  it('opens `openssl pkcs12 -legacy` files (certificates under RC2-40, key under 3DES)', () => {
    // openssl itself says the certificates are under RC2-40 (so this test really exercises RC2).
    const info = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-legacy', '-in', pki.p12Rc2.rsa, '-passin', `pass:${P12_PASSWORD}`], {
      encoding: 'utf8',
    });
    expect(info.stdout + info.stderr).toContain('pbeWithSHA1And40BitRC2-CBC');
    for (const name of ['rsa', 'ec'] as const) {
      const opened = openPkcs12(fs.readFileSync(pki.p12Rc2[name]), P12_PASSWORD);
      expect(opened.certificate.equals(new crypto.X509Certificate(fs.readFileSync(pki.certPem[name])).raw)).toBe(true);
      expect(opened.chain).toHaveLength(2);
    }
    expect(codeOf(() => openPkcs12(fs.readFileSync(pki.p12Rc2.ec), 'x'))).toBe('CERT_BAD_PASSWORD');
  });

  it('rejects files that are not PKCS#12', () => {
    expect(codeOf(() => openPkcs12(fs.readFileSync(pki.rootPem), P12_PASSWORD))).toBe('CERT_NOT_PKCS12');
    expect(codeOf(() => openPkcs12(Buffer.from('%PDF-1.7\n'), P12_PASSWORD))).toBe('CERT_NOT_PKCS12');
    const truncated = fs.readFileSync(pki.p12.rsa).subarray(0, 300);
    expect(codeOf(() => openPkcs12(truncated, P12_PASSWORD))).toBe('CERT_NOT_PKCS12');
  });

  it('summarizes the holder and refuses expired or non-signing certificates', () => {
    const rsa = summarizeCertificate(openPkcs12(fs.readFileSync(pki.p12.rsa), P12_PASSWORD).certificate);
    expect(rsa.name).toBe('JUAN PÉREZ QUISPE');
    expect(rsa.nationalId).toEqual({ kind: 'DNI', number: '45678912' });
    expect(rsa.issuer).toBe('Casilla Intermedia de Prueba');
    expect(rsa.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(() => assertUsableForSigning(rsa)).not.toThrow();
    const expired = summarizeCertificate(openPkcs12(fs.readFileSync(pki.p12.expired), P12_PASSWORD).certificate);
    expect(codeOf(() => assertUsableForSigning(expired))).toBe('CERT_EXPIRED');
    expect(codeOf(() => assertUsableForSigning(rsa, new Date('2000-01-01')))).toBe('CERT_NOT_YET_VALID');
    const nousage = summarizeCertificate(openPkcs12(fs.readFileSync(pki.p12.nousage), P12_PASSWORD).certificate);
    expect(codeOf(() => assertUsableForSigning(nousage))).toBe('CERT_KEY_USAGE');
  });

  it('finds DNI, RUC and RUN in subject serial numbers', () => {
    expect(nationalIdFrom(['IDCPE-45678912'])).toEqual({ kind: 'DNI', number: '45678912' });
    expect(nationalIdFrom(['TINPE-20123456789'])).toEqual({ kind: 'RUC', number: '20123456789' });
    expect(nationalIdFrom(['RUT: 12.345.678-K'])).toEqual({ kind: 'RUN', number: '12.345.678-K' });
    expect(nationalIdFrom(['abc'])).toBeNull();
  });
});

describe('RC2-CBC (RFC 2268) against openssl enc with the legacy provider', () => {
  it('decrypts what openssl encrypts, for 40, 64 and 128 effective bits', () => {
    for (const [cipher, keyLen] of [
      ['rc2-40-cbc', 5],
      ['rc2-64-cbc', 8],
      ['rc2-cbc', 16],
    ] as const) {
      const key = crypto.randomBytes(keyLen);
      const iv = crypto.randomBytes(8);
      const data = crypto.randomBytes(61);
      const enc = spawnSync(
        'openssl',
        ['enc', `-${cipher}`, '-provider', 'legacy', '-provider', 'default', '-K', key.toString('hex'), '-iv', iv.toString('hex')],
        { input: data },
      );
      expect(enc.status).toBe(0);
      expect(rc2CbcDecrypt(key, keyLen * 8, iv, enc.stdout).equals(data)).toBe(true);
      // Another key never yields the plaintext (it usually fails the padding check; rarely it passes with garbage).
      let other: Buffer | null;
      try {
        other = rc2CbcDecrypt(crypto.randomBytes(keyLen), keyLen * 8, iv, enc.stdout);
      } catch {
        other = null;
      }
      expect(other?.equals(data) ?? false).toBe(false);
    }
  });
});
