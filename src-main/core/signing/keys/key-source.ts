/**
 * Where a signing key lives, behind one interface: a key source lists the certificates it can sign with and
 * opens one of them (after the password or PIN) as a `KeyHandle` that signs. The PAdES signer only ever sees
 * `KeyHandle.sign`, never the key itself nor where it is (a PKCS#12 file, a PKCS#11 token, the NSS store, a
 * remote service such as FirmaGob).
 *
 * Failure contract: every method throws `AppError` with a stable code (CERT_*, KEY_*) and a Spanish message;
 * `open` never caches the secret it was given.
 */
import type { CertificateSummary } from '../certificate-summary';
import type { DigestName, SignatureScheme } from '../signature-algorithms';

export type KeySourceKind = 'pkcs12' | 'pkcs11' | 'nss' | 'firmagob';

/** The public-key family of a signing key; decides the signature scheme (RSA may sign PKCS#1 v1.5 or PSS). */
export type KeyType = 'rsa' | 'rsa-pss' | 'ec';

/**
 * Produces the signature value over `toBeSigned` (the DER of the CAdES signed attributes). A source that holds
 * the key elsewhere hashes `toBeSigned` with `digest` here and signs only the digest there (PKCS#11: CKM_RSA_PKCS
 * over a DigestInfo, CKM_RSA_PKCS_PSS, CKM_ECDSA). ECDSA values are returned DER-encoded, as CMS wants.
 */
export type SignFunction = (toBeSigned: Buffer, digest: DigestName, scheme: SignatureScheme) => Promise<Buffer>;

export type KeyHandle = {
  keyType: KeyType;
  sign: SignFunction;
  /** Logs out / closes the session; safe to call twice. */
  close(): Promise<void>;
};

/** One certificate a source offers. `ref` is what `open` takes back (a file path, a token object id, …). */
export type SourceCertificate = {
  source: KeySourceKind;
  ref: string;
  /** Human label: the file name, or "<token label> · <object label>". */
  label: string;
  certificate: Buffer;
  /** Issuer certificates the source holds (a PKCS#12 bag, other certificates on the token); may be empty. */
  chain: Buffer[];
  summary: CertificateSummary;
  /** Whether the source holds the private key for this certificate (a token may hold CA certificates too). */
  hasKey: boolean;
  /** Where it is, for display and for the CLI (`--slot`, `--token-label`, `--cert-id`). */
  location?: { module?: string; slot?: number; tokenLabel?: string; objectId?: string; file?: string };
};

/** A certificate ready to sign with: what the PAdES signer receives. */
export type OpenedKey = {
  certificate: Buffer;
  chain: Buffer[];
  summary: CertificateSummary;
  key: KeyHandle;
};

export interface KeySource {
  readonly kind: KeySourceKind;
  /** Every certificate this source can show without a secret. A source that needs one to list (PKCS#12) lists what it was given. */
  list(): Promise<SourceCertificate[]>;
  /** Logs in with `secret` (password or PIN) and returns a handle that signs with the key of `ref`. */
  open(ref: string, secret: string): Promise<OpenedKey>;
}
