/**
 * Saved signing profiles (V°B°, firma, one per office...): the options of a signature kept under a name, chosen
 * in Firmar (they fill the form, the user may still change them) and by `casilla sign --profile NAME`. Firma
 * Perú's parameter JSON is imported as a profile. A stamp image given to a profile is checked (PNG/JPEG, bounded)
 * and copied into the data folder, so the profile keeps working after the original file moves.
 *
 * Error codes: SIGN_PROFILE_NOT_FOUND, SIGN_PROFILE_NAME_TAKEN, SIGN_PARAMS_INVALID, SIGN_BAD_IMAGE.
 */
import { z } from 'zod';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from './url-policy';
import { signRoleSchema } from './sign';

const filePath = z.string().min(1).max(4096);
const rectSchema = z.tuple([
  z.number().min(-20_000).max(20_000),
  z.number().min(-20_000).max(20_000),
  z.number().min(10).max(2000),
  z.number().min(8).max(2000),
]);

export const signingProfileSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: signRoleSchema.default('firma'),
    reason: z.string().max(500).optional(),
    /** Cargo shown on the stamp. */
    roleTitle: z.string().max(200).optional(),
    location: z.string().max(200).optional(),
    level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).default('B-B'),
    tsaUrl: z
      .url({ protocol: /^https?$/ })
      .refine(isSecureServiceUrl, { message: INSECURE_URL_MESSAGE })
      .optional(),
    /** A saved TSA profile (api/tsa) by id, instead of `tsaUrl`; its password stays in the keychain. */
    tsaProfile: z.string().min(1).max(64).optional(),
    /** Firma Perú's styles: 0 invisible, 1 image beside text, 2 image above text, 3 image only, 4 text only. */
    style: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(1),
    page: z.union([z.number().int().min(1).max(100_000), z.literal('last')]).default('last'),
    /** [x, y, w, h] in PDF points on the page as displayed; y from the bottom unless `fromTop`. None: placed by hand. */
    rect: rectSchema.optional(),
    fromTop: z.boolean().optional(),
    everyPage: z.boolean().default(false),
    maxFontSize: z.number().min(3).max(72).optional(),
    wordWrap: z.number().int().min(5).max(500).optional(),
    imagePath: filePath.optional(),
    /** Stamp text (see core/signing/stamp-text), its date style and time zone: Firma Perú's text when imported. */
    template: z.string().max(1000).optional(),
    dateStyle: z.enum(['slash', 'dot']).optional(),
    timeZone: z.string().max(64).optional(),
    /** Only a certificate whose holder or issuer contains this text may sign with the profile. */
    certificateFilter: z.string().min(1).max(200).optional(),
  })
  .strict();

export type SigningProfileFields = z.output<typeof signingProfileSchema>;
export type SigningProfile = SigningProfileFields & { id: string; updatedAt: string };

/** A Firma Perú parameter that was read but is not applied (what the app or the CLI decides instead). */
export type NotAppliedParam = { key: string; why: 'ui' | 'secret' | 'unknown' };

export const signProfileMethods = {
  'sign.profiles.list': { input: z.object({}).strict(), progress: false },
  /** Creates (no id) or replaces a profile; the name is unique (case-insensitive). */
  'sign.profiles.save': {
    input: z.object({ id: z.string().min(1).max(64).optional(), profile: signingProfileSchema }).strict(),
    progress: false,
  },
  'sign.profiles.remove': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  /** Firma Perú's parameter JSON (≤ 64 KB) → a new profile; bad files are refused naming the key, in Spanish. */
  'sign.profiles.import': {
    input: z.object({ path: filePath, name: z.string().trim().min(1).max(100).optional() }).strict(),
    progress: false,
  },
  /** Checks a stamp image (PNG or JPEG, ≤ 8 MB, ≤ 25 Mpx) and gives its size and a small preview. */
  'sign.stampImage.check': { input: z.object({ path: filePath }).strict(), progress: false },
} as const;

export interface SignProfileOutputs {
  'sign.profiles.list': SigningProfile[];
  'sign.profiles.save': SigningProfile;
  'sign.profiles.remove': { removed: true };
  'sign.profiles.import': { profile: SigningProfile; notApplied: NotAppliedParam[] };
  'sign.stampImage.check': {
    format: 'png' | 'jpeg';
    width: number;
    height: number;
    /** `data:` URL of the file when it is at most 512 KB (shown on the stamp), otherwise null. */
    preview: string | null;
  };
}
