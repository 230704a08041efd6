/**
 * Timestamp-server (TSA) profiles: name, RFC 3161 address (https, or http on this machine only) and optional user;
 * the password goes to the OS keychain and never comes back (only `hasPassword`). `tsa.test` asks the server for a
 * timestamp over a throwaway digest ("Probar"), for a saved profile or for values typed but not saved yet.
 *
 * Errors: TSA_PROFILE_NOT_FOUND, TSA_PROFILE_EXISTS, TSA_INSECURE_URL, TSA_PASSWORD_MISSING, SIGN_TSA_FAILED,
 * KEYCHAIN_UNAVAILABLE, BAD_INPUT.
 */
import { z } from 'zod';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from './url-policy';

const tsaUrl = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/ }).refine(isSecureServiceUrl, { message: INSECURE_URL_MESSAGE }));

export const tsaProfileInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    url: tsaUrl,
    username: z.string().trim().max(200).optional(),
    /** Written to the OS keychain only. Omitted on update keeps the stored one. */
    password: z.string().max(500).optional(),
    /** Removes the stored password. */
    clearPassword: z.boolean().optional(),
  })
  .strict();
export type TsaProfileInput = z.infer<typeof tsaProfileInputSchema>;

export type TsaProfile = { id: string; name: string; url: string; username?: string; hasPassword: boolean };

export type TsaTestResult = {
  /** The TSA's certificate CN (or the token's tsa field). */
  tsaName: string;
  /** The token's genTime, ISO 8601. */
  time: string;
  /** The token's own CMS signature holds (trust in the TSA is judged when verifying). */
  intact: boolean;
  elapsedMs: number;
  tokenBytes: number;
};

export const tsaMethods = {
  'tsa.list': { input: z.object({}).strict(), progress: false },
  'tsa.save': { input: z.object({ id: z.string().max(64).optional(), profile: tsaProfileInputSchema }).strict(), progress: false },
  'tsa.remove': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  'tsa.test': {
    input: z
      .object({
        /** A saved profile… */
        id: z.string().min(1).max(64).optional(),
        /** …or typed values (the password, if given, is used for this request only and not stored). */
        url: tsaUrl.optional(),
        username: z.string().trim().max(200).optional(),
        password: z.string().max(500).optional(),
      })
      .strict()
      .refine((v) => Boolean(v.id) !== Boolean(v.url), { message: 'Indique un perfil o una dirección, no ambos.' }),
    progress: false,
  },
} as const;

export interface TsaOutputs {
  'tsa.list': TsaProfile[];
  'tsa.save': TsaProfile;
  'tsa.remove': { removed: true };
  'tsa.test': TsaTestResult;
}
