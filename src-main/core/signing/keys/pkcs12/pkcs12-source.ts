/**
 * PKCS#12 files (.p12/.pfx) as a key source: `list` shows the files it was given (their certificates need the
 * password to be read, so listing a file opens it with the password when one is known); `open` decrypts the key,
 * which stays a KeyObject in this process.
 */
import path from 'node:path';
import { summarizeCertificate } from '../../certificate-summary';
import { readPkcs12File } from '../../open-signer';
import { signBytes } from '../../signature-algorithms';
import type { KeySource, OpenedKey, SourceCertificate } from '../key-source';
import { openPkcs12 } from './open-pkcs12';

export class Pkcs12Source implements KeySource {
  readonly kind = 'pkcs12' as const;
  /** `files`: paths with, when known, the password (remembered in the keychain) to read the certificate. */
  constructor(private readonly files: { path: string; password?: string | undefined }[]) {}

  list(): Promise<SourceCertificate[]> {
    const out: SourceCertificate[] = [];
    for (const f of this.files) {
      if (f.password === undefined) continue;
      const opened = openPkcs12(readPkcs12File(f.path), f.password);
      out.push({
        source: 'pkcs12',
        ref: f.path,
        label: path.basename(f.path),
        certificate: opened.certificate,
        chain: opened.chain,
        summary: summarizeCertificate(opened.certificate),
        hasKey: true,
        location: { file: f.path },
      });
    }
    return Promise.resolve(out);
  }

  open(ref: string, secret: string): Promise<OpenedKey> {
    return Promise.resolve(openPkcs12File(ref, secret));
  }
}

export function openPkcs12File(file: string, password: string): OpenedKey {
  const opened = openPkcs12(readPkcs12File(file), password);
  const privateKey = opened.privateKey;
  const t = privateKey.asymmetricKeyType;
  const keyType = t === 'ec' ? 'ec' : t === 'rsa-pss' ? 'rsa-pss' : 'rsa';
  return {
    certificate: opened.certificate,
    chain: opened.chain,
    summary: summarizeCertificate(opened.certificate),
    key: {
      keyType,
      sign: (data, digest, scheme) => Promise.resolve(signBytes(scheme, digest, privateKey, data)),
      close: () => Promise.resolve(),
    },
  };
}
