/**
 * The sandbox's own signing certificate for delivery receipts: a self-signed RSA certificate made on first
 * start with pkijs and WebCrypto, kept in `<dataDir>/receipt-signer/` (key mode 0600) so every receipt of a
 * sandbox is signed by the same identity across restarts. Trainers can add `certificate.pem` to their trust
 * store to see receipts verify as VÁLIDO.
 */
import * as asn1js from 'asn1js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as pkijs from 'pkijs';

export type ReceiptCertificate = { privateKey: crypto.KeyObject; certificate: Buffer; certificatePem: string };

const SUBJECT_CN = 'Sandbox de la casilla - Casilla Desktop';
const VALID_YEARS = 10;

export async function loadOrCreateReceiptCertificate(dataDir: string): Promise<ReceiptCertificate> {
  const dir = path.join(dataDir, 'receipt-signer');
  const keyFile = path.join(dir, 'private-key.pem');
  const certFile = path.join(dir, 'certificate.pem');
  if (fs.existsSync(keyFile) && fs.existsSync(certFile)) {
    const pem = fs.readFileSync(certFile, 'utf8');
    return {
      privateKey: crypto.createPrivateKey(fs.readFileSync(keyFile)),
      certificate: Buffer.from(new crypto.X509Certificate(pem).raw),
      certificatePem: pem,
    };
  }
  const made = await createSelfSigned();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Key first, certificate last: a half-written pair is detected (no certificate) and made again.
  fs.writeFileSync(keyFile, made.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(certFile, made.certificatePem);
  return made;
}

async function createSelfSigned(): Promise<ReceiptCertificate> {
  const { webcrypto } = crypto;
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto });

  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = crypto.randomBytes(16);
  // Positive (top bit clear) and minimal (first byte never 0): a leading 0x00 before a byte < 0x80 is not valid
  // DER, and OpenSSL then refuses the certificate (it happened once in 256 starts).
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  // Only a CN: pkijs encodes every attribute of a name into one multi-valued RDN, which some readers mangle.
  for (const target of [cert.subject, cert.issuer]) {
    target.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: SUBJECT_CN }) }));
  }
  const now = Date.now();
  cert.notBefore.value = new Date(now - 24 * 3600 * 1000);
  cert.notAfter.value = new Date(now + VALID_YEARS * 365 * 24 * 3600 * 1000);
  // digitalSignature + nonRepudiation (what a PDF signer's certificate is checked for) and keyCertSign with
  // cA: a self-signed certificate is only accepted as a trust anchor by NSS (pdfsig) when it may issue.
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0xc4]).buffer, unusedBits: 2 });
  const basic = new pkijs.BasicConstraints({ cA: true, pathLenConstraint: 0 });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic }),
    new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: keyUsage.toBER(false), parsedValue: keyUsage }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  await cert.sign(keys.privateKey, 'SHA-256', engine);
  const der = Buffer.from(cert.toSchema(true).toBER(false));
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return {
    privateKey: crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    certificate: der,
    certificatePem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
  };
}
