/**
 * Picks the certificate on a token (by `--cert-id`, or the only one that can sign) and logs in, for the CLI
 * and the signing service. Refuses a certificate that must not sign before asking the token for anything.
 */
import { AppError } from '../../../../api/result';
import { assertUsableForSigning } from '../../certificate-summary';
import type { OpenedKey, SourceCertificate } from '../key-source';
import { nssSource } from '../nss/nss-source';
import { KeyErrorCodes, Pkcs11Source } from './pkcs11-source';

export type TokenCertificateRef = {
  module: string;
  tokenLabel?: string | undefined;
  slot?: number | undefined;
  /** CKA_ID in hex; omitted: the only certificate on the token(s) that has a key and may sign. */
  certId?: string | undefined;
  /** NSS: the browser database folder opened through the softoken at `module`. */
  nssDb?: string | undefined;
};

export function pickTokenCertificate(list: SourceCertificate[], ref: TokenCertificateRef, now = new Date()): SourceCertificate {
  if (ref.certId !== undefined) {
    const id = ref.certId.toLowerCase().replace(/[^0-9a-f]/g, '');
    const found = list.filter((c) => c.location?.objectId === id);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1)
      throw new AppError(KeyErrorCodes.keyNotFound, `Hay varios tokens con el certificado ${id}; indique --token-label o --slot.`);
    throw new AppError(KeyErrorCodes.keyNotFound, `No hay un certificado con id ${id} en el token. Vea «casilla certs list».`);
  }
  const usable = list.filter((c) => {
    if (!c.hasKey) return false;
    try {
      assertUsableForSigning(c.summary, now);
      return true;
    } catch {
      return false;
    }
  });
  if (usable.length === 1 && usable[0]) return usable[0];
  if (usable.length === 0)
    throw new AppError(KeyErrorCodes.keyNotFound, 'El token no tiene ningún certificado con el que se pueda firmar.');
  throw new AppError(
    'BAD_INPUT',
    `El token tiene ${usable.length} certificados para firmar; elija uno con --cert-id: ${usable
      .map((c) => `${c.location?.objectId ?? '?'} (${c.summary.name})`)
      .join(', ')}.`,
  );
}

export async function openTokenSigner(ref: TokenCertificateRef, pin: string, now = new Date()): Promise<OpenedKey> {
  const source = new Pkcs11Source(ref.module, {
    tokenLabel: ref.tokenLabel,
    slot: ref.slot,
    ...(ref.nssDb ? { kind: 'nss' as const, initParameters: nssSource(ref.nssDb, ref.module)?.initParameters } : {}),
  });
  const chosen = pickTokenCertificate(await source.list(), ref, now);
  assertUsableForSigning(chosen.summary, now);
  return source.open(chosen.ref, pin);
}
