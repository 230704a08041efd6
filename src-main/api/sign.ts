/**
 * Signing: inspect a PKCS#12 certificate, remember certificates (and optionally their passwords in the OS
 * keychain), and sign one PDF or a batch (PAdES B-B/B-T, firma or visto bueno, visible or invisible stamp).
 * The private key never crosses this contract: calls name a file or a remembered certificate, and a password.
 *
 * Error codes: CERT_NOT_PKCS12, CERT_BAD_PASSWORD, CERT_UNSUPPORTED, CERT_NO_KEY, CERT_EXPIRED,
 * CERT_NOT_YET_VALID, CERT_KEY_USAGE, PDF_INVALID, PDF_ENCRYPTED, PDF_LIMIT, SIGN_DOC_CERTIFIED_LOCKED,
 * SIGN_CERTIFY_NOT_FIRST, SIGN_FIELD_NOT_FOUND, SIGN_FIELD_ALREADY_SIGNED, SIGN_PAGE_OUT_OF_RANGE,
 * SIGN_BAD_IMAGE, SIGN_TSA_FAILED, SIGN_TSA_MISSING, SIGN_OUTPUT_SAME_AS_INPUT, SIGN_FILE_UNREADABLE,
 * SIGN_OUTPUT_UNWRITABLE, SIGN_CERT_NOT_FOUND, SIGN_PASSWORD_REQUIRED.
 */
import { z } from 'zod';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from './url-policy';
import type { ApiErrorData } from './result';
import type { SignatureWidget } from './stamp-geometry';

const filePath = z.string().min(1).max(4096);

/** Which certificate signs: a remembered one by id, or a file path. */
const certificateRef = z
  .object({
    certificateId: z.string().min(1).max(64).optional(),
    p12Path: filePath.optional(),
    /** A certificate on a PKCS#11 token or in the NSS store (api/keys `CertificateChoice.ref`); `password` is its PIN. */
    pkcs11: z
      .object({
        module: filePath,
        slot: z.number().int().min(0).optional(),
        certId: z.string().regex(/^[0-9a-f]{0,128}$/),
        nssDb: filePath.optional(),
      })
      .strict()
      .optional(),
    /** FirmaGob with the saved settings, or the built-in simulator; `password` is then the OTP (attended purpose). */
    firmagob: z.object({}).strict().optional(),
    /** Omitted: the password remembered in the keychain for this certificate is used. */
    password: z.string().max(1024).optional(),
  })
  .strict()
  .refine((c) => [c.certificateId, c.p12Path, c.pkcs11, c.firmagob].filter(Boolean).length === 1, {
    message: 'Indique un certificado guardado, un archivo .p12/.pfx, un certificado de token o FirmaGob',
  });

export const signRoleSchema = z.enum(['firma', 'visto-bueno']);

export const stampSchema = z
  .object({
    invisible: z.boolean().default(false),
    page: z.union([z.number().int().min(1).max(100_000), z.literal('last')]).default('last'),
    /** x, y, width, height in PDF points from the lower-left corner of the page as displayed (after its /Rotate). */
    rect: z
      .tuple([
        z.number().min(-20_000).max(20_000),
        z.number().min(-20_000).max(20_000),
        z.number().min(10).max(2000),
        z.number().min(8).max(2000),
      ])
      .optional(),
    imagePath: filePath.optional(),
    everyPage: z.boolean().default(false),
    template: z.string().max(1000).optional(),
    timeZone: z.string().max(64).optional(),
    /** Firma Perú's styles: 1 image beside text, 2 image above text, 3 image only, 4 text only. */
    style: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
    /** `rect`'s y is measured from the top of the page (Firma Perú's `positiony`). */
    fromTop: z.boolean().optional(),
    /** Largest font size of the stamp text (points) and the column where its lines wrap (Firma Perú's parameters). */
    dateStyle: z.enum(['slash', 'dot']).optional(),
    maxFontSize: z.number().min(3).max(72).optional(),
    wordWrap: z.number().int().min(5).max(500).optional(),
  })
  .strict();

export const signOptionsSchema = z
  .object({
    role: signRoleSchema.default('firma'),
    /** Certification signature (first signature only): 2 allows forms and signatures, 3 also annotations. */
    certify: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    reason: z.string().max(500).optional(),
    location: z.string().max(200).optional(),
    roleTitle: z.string().max(200).optional(),
    digest: z.enum(['sha256', 'sha384', 'sha512']).default('sha256'),
    pss: z.boolean().default(false),
    level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).default('B-B'),
    tsa: z
      .object({
        url: z.url({ protocol: /^https?$/ }).refine(isSecureServiceUrl, { message: INSECURE_URL_MESSAGE }),
        username: z.string().max(200).optional(),
        password: z.string().max(500).optional(),
      })
      .strict()
      .optional(),
    /** A saved TSA profile (`tsa.list`) instead of `tsa`: its password is read from the keychain in the main process. */
    tsaProfile: z.string().min(1).max(64).optional(),
    field: z.string().min(1).max(500).optional(),
    /** Only a certificate whose holder or issuer contains this text may sign (a signing profile's filter). */
    certificateFilter: z.string().min(1).max(200).optional(),
    stamp: stampSchema.default({ invisible: false, page: 'last', everyPage: false }),
  })
  .strict();

export type CertificateInfo = {
  name: string;
  organization: string | null;
  nationalId: { kind: 'DNI' | 'RUC' | 'RUN' | 'OTRO'; number: string } | null;
  issuer: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  keyUsage: string[];
  keyAlgorithm: string;
  fingerprintSha256: string;
  /** Null when it can sign now; otherwise why not (expired, key usage...). */
  problem: ApiErrorData | null;
};

export type SavedCertificate = {
  id: string;
  label: string;
  path: string;
  rememberPassword: boolean;
  info: Omit<CertificateInfo, 'problem'>;
};

export type SignFileResult =
  | { input: string; ok: true; output: string; fieldName: string; page: number | null; resumed: boolean }
  | { input: string; ok: false; error: ApiErrorData };

export type PdfSigningInfo = {
  pages: number;
  /** The requested page as displayed (after /Rotate): size in PDF points, for mapping a click to `stamp.rect`. */
  page: { number: number; width: number; height: number; rotate: number };
  encrypted: boolean;
  /** 1 = certified without changes (cannot be signed), 2/3 = certified allowing signatures, null = not certified. */
  certificationLevel: number | null;
  signatureFields: Array<{ name: string; signed: boolean; page: number | null }>;
  /** Visible widgets of signature fields, with their rectangles on the page as displayed (see api/stamp-geometry). */
  signatureWidgets: SignatureWidget[];
};

export const signMethods = {
  'sign.inspectPdf': {
    input: z.object({ path: filePath, page: z.union([z.number().int().min(1).max(100_000), z.literal('last')]).default(1) }).strict(),
    progress: false,
  },
  'sign.inspectCertificate': { input: z.object({ p12Path: filePath, password: z.string().max(1024) }).strict(), progress: false },
  'sign.certificates.list': { input: z.object({}).strict(), progress: false },
  'sign.certificates.add': {
    input: z
      .object({
        p12Path: filePath,
        password: z.string().max(1024),
        label: z.string().trim().min(1).max(120).optional(),
        rememberPassword: z.boolean().default(false),
      })
      .strict(),
    progress: false,
  },
  'sign.certificates.remove': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  /** FirmaGob (Chile): the institution's entity, API key and address and the official's RUN; never the secret. */
  'sign.firmagob.get': { input: z.object({}).strict(), progress: false },
  /** The built-in simulator's current OTP for the configured official (training only; refused otherwise). */
  'sign.firmagob.simulatorOtp': { input: z.object({}).strict(), progress: false },
  /** Saves the settings; `secret`, when given, goes to the OS keychain only. `sandbox:embedded`: the built-in simulator. */
  'sign.firmagob.save': {
    input: z
      .object({
        baseUrl: z.union([z.url({ protocol: /^https?$/ }), z.literal('sandbox:embedded')]),
        entity: z.string().trim().min(1).max(200),
        apiKey: z.string().trim().min(1).max(200),
        run: z.string().regex(/^\d{6,9}$/),
        officialName: z.string().trim().max(200).optional(),
        purpose: z.enum(['Desatendido', 'Propósito General']),
        secret: z.string().min(1).max(500).optional(),
      })
      .strict(),
    progress: false,
  },
  /**
   * Signs one file or a batch. Progress events: stage `sign.file`, fraction over the whole batch, values
   * { index (1-based), total, file }. Cancelling (abort) stops between files or inside a file, leaving no
   * partial output; calling again with the returned batchId skips the files already signed.
   */
  'sign.start': {
    input: z
      .object({
        files: z.array(filePath).min(1).max(1000),
        /** Single file only: the exact output path. */
        output: filePath.optional(),
        /** Where `<name>-firmado.pdf` files go; default: next to each input. */
        outDir: filePath.optional(),
        certificate: certificateRef,
        options: signOptionsSchema.default({
          role: 'firma',
          digest: 'sha256',
          pss: false,
          level: 'B-B',
          stamp: { invisible: false, page: 'last', everyPage: false },
        }),
        /** Resume an earlier batch with the same files: those already signed are skipped. */
        batchId: z.string().min(1).max(64).optional(),
      })
      .strict()
      .refine((s) => !s.output || s.files.length === 1, { message: 'La salida exacta solo se admite con un archivo', path: ['output'] }),
    progress: true,
  },
} as const;

export interface SignOutputs {
  'sign.inspectPdf': PdfSigningInfo;
  'sign.inspectCertificate': CertificateInfo;
  'sign.certificates.list': SavedCertificate[];
  'sign.certificates.add': SavedCertificate;
  'sign.certificates.remove': { removed: true };
  'sign.firmagob.get': {
    settings: {
      baseUrl: string;
      entity: string;
      apiKey: string;
      run: string;
      officialName?: string;
      purpose: 'Desatendido' | 'Propósito General';
    } | null;
    hasSecret: boolean;
  };
  'sign.firmagob.save': { saved: true };
  'sign.firmagob.simulatorOtp': { otp: string; run: string };
  'sign.start': { batchId: string; cancelled: boolean; results: SignFileResult[]; signed: number; failed: number };
}
