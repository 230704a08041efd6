/**
 * Every certificate the user can sign with, from every key source (remembered PKCS#12 files, PKCS#11 tokens and
 * smart cards, the NSS store), each with the reasons it cannot sign (blockers) or should be looked at (warnings).
 * Private keys and PINs never cross this contract.
 *
 * Blocker codes: CERT_NO_KEY, CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_KEY_USAGE, CERT_REVOKED.
 * Warning codes: CERT_CHAIN_UNTRUSTED, CERT_REVOCATION_UNKNOWN. Source problems: KEY_MODULE_UNLOADABLE, KEY_TOKEN_ERROR…
 */
import { z } from 'zod';
import type { CertificateInfo } from './sign';

export type CertificateProblem = { code: string; message: string };

/** How the signing call names this certificate (api/sign's certificate reference). */
export type CertificateRef =
  { certificateId: string } | { pkcs11: { module: string; slot?: number | undefined; certId: string; nssDb?: string | undefined } };

export type CertificateChoice = {
  /** Unique in the list: `pkcs12:<id>`, `pkcs11:<module>#<slot>:<id>`, `nss:<db>#<slot>:<id>`. */
  key: string;
  source: 'pkcs12' | 'pkcs11' | 'nss';
  label: string;
  remembered: boolean;
  /** What the user types to sign: the file's password, the token's PIN, the NSS database password. */
  secretKind: 'password' | 'pin';
  location: { module?: string; slot?: number; tokenLabel?: string; objectId?: string; file?: string; nssDb?: string };
  info: Omit<CertificateInfo, 'problem'>;
  blockers: CertificateProblem[];
  warnings: CertificateProblem[];
  ref: CertificateRef;
};

export const keysMethods = {
  'keys.list': {
    input: z
      .object({
        /** PKCS#11 modules to read besides the remembered ones and the installed defaults. */
        pkcs11Modules: z.array(z.string().min(1).max(4096)).max(20).default([]),
        /** Ask OCSP/CRL servers whether each certificate is revoked (short timeouts). */
        online: z.boolean().default(true),
      })
      .strict(),
  },
  'keys.modules': { input: z.object({}).strict() },
} as const;

export interface KeysOutputs {
  'keys.list': { certificates: CertificateChoice[]; problems: (CertificateProblem & { source: string })[] };
  'keys.modules': { name: string; path: string; installed: boolean }[];
}
