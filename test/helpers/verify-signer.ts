/** Test-only: a PAdES Signer for a leaf of the verifier's openssl PKI (key and chain straight from the PEM files). */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { summarizeCertificate } from '../../src-main/core/signing/certificate-summary';
import type { Signer } from '../../src-main/core/signing/pades-signer';
import type { LeafName, Pki } from './verify-pki';

function pemToDer(file: string): Buffer {
  const text = fs.readFileSync(file, 'utf8');
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  return Buffer.from(m?.[1] ?? '', 'base64');
}

/** `withChain: false` embeds only the signer's certificate, as some signing tools do. */
export function verifyPkiSigner(pki: Pki, leaf: LeafName, withChain = true): Signer {
  const { cert, key } = pki.leaf(leaf);
  const certificate = pemToDer(cert);
  return {
    privateKey: crypto.createPrivateKey(fs.readFileSync(key)),
    certificate,
    chain: withChain ? [pemToDer(pki.interPem)] : [],
    summary: summarizeCertificate(certificate),
  };
}
