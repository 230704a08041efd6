/**
 * Opens a signer from a PKCS#12 file: reads it (bounded), decrypts the key, summarizes the certificate and
 * refuses one that must not sign. The key stays in this process as a KeyObject.
 */
import fs from 'node:fs';
import { AppError } from '../../api/result';
import { assertUsableForSigning, summarizeCertificate } from './certificate-summary';
import type { Signer } from './pades-signer';
import { openPkcs12 } from './keys/pkcs12/open-pkcs12';
import { SignErrorCodes } from './sign-errors';
import { traceMark } from '../trace';

const MAX_P12_BYTES = 512 * 1024;

export function readPkcs12File(file: string): Buffer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new AppError(SignErrorCodes.fileUnreadable, `No se pudo leer el certificado ${file}.`, { path: file }, { cause: err });
  }
  if (!stat.isFile() || stat.size > MAX_P12_BYTES)
    throw new AppError(SignErrorCodes.notPkcs12, 'El archivo no es un certificado PKCS#12 (.p12/.pfx) válido.');
  return fs.readFileSync(file);
}

export function openSigner(file: string, password: string, options: { checkUsable?: boolean; now?: Date } = {}): Signer {
  const opened = openPkcs12(readPkcs12File(file), password);
  const summary = summarizeCertificate(opened.certificate);
  traceMark('summary');
  if (options.checkUsable !== false) assertUsableForSigning(summary, options.now);
  return { ...opened, summary };
}
