/** Opens a test PKI signer the way the app does (PKCS#12 → key, certificate, summary). */
import type crypto from 'node:crypto';
import fs from 'node:fs';
import { summarizeCertificate } from '../../src-main/core/signing/certificate-summary';
import type { Signer } from '../../src-main/core/signing/pades-signer';
import { openPkcs12 } from '../../src-main/core/signing/keys/pkcs12/open-pkcs12';
import { P12_PASSWORD, testPki, type SignerName } from './pki';

export function pdfTestSigner(name: SignerName = 'rsa', legacy = false): Signer & { privateKey: crypto.KeyObject } {
  const pki = testPki();
  const opened = openPkcs12(fs.readFileSync(legacy ? pki.p12Legacy[name] : pki.p12[name]), P12_PASSWORD);
  return { ...opened, summary: summarizeCertificate(opened.certificate) };
}
