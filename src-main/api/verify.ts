/**
 * Signature verification: check every signature of one or more PDFs (integrity, trust, time, revocation, what
 * changed after each signature) and manage the user's trust anchors. The report types below are THE report:
 * the Verificar screen, `casilla verify --json` and the PDF report all show them.
 *
 * Error codes: PDF_INVALID, PDF_LIMIT, PDF_ENCRYPTED, VERIFY_ENCRYPTED, VERIFY_FILE_UNREADABLE,
 * VERIFY_TRUST_UNREADABLE, VERIFY_NO_SUCH_REVISION, VERIFY_PREVIEW_TOO_LARGE, VERIFY_OUTPUT_SAME_AS_INPUT, VERIFY_REPORT_UNWRITABLE, REPORT_LOGO_INVALID, REPORT_LOGO_TOO_LARGE, SIGN_FILE_UNREADABLE,
 * NOT_FOUND.
 */
import { z } from 'zod';
import type { ApiErrorData } from './result';

export type Verdict = 'valid' | 'invalid' | 'indeterminate';
export type Coverage = 'entire-file' | 'revision' | 'anomalous';
export type ModificationsAfter = 'none' | 'allowed' | 'disallowed';
export type RevocationStatus = 'good' | 'revoked' | 'unknown';
/** Where a revocation answer came from; `none` when nothing could be consulted. */
export type RevocationSource = 'embedded-ocsp' | 'embedded-crl' | 'dss-ocsp' | 'dss-crl' | 'online-ocsp' | 'online-crl' | 'none';
/** Which time the certificate validity was checked at. */
export type TimeSource = 'timestamp' | 'claimed' | 'verification';
/** PAdES baseline level reached (B-B, B-T with a signature timestamp, B-LT with revocation data, B-LTA with a document timestamp after it). */
export type SignatureLevel = 'PAdES-B-B' | 'PAdES-B-T' | 'PAdES-B-LT' | 'PAdES-B-LTA' | 'CMS' | 'document-timestamp';
export type SignatureKind = 'signature' | 'document-timestamp';

export type Reason = { code: string; message: string };

export type Change = {
  /** Revision number (1 = the original file) that made the change. */
  revision: number;
  /** `12 0 R`, or `trailer` / `xref` for structural changes. */
  object: string;
  allowed: boolean;
  /** Plain Spanish: what changed (from kind and params). */
  message: string;
  /** The change's code (core/verify/diff/types.ts ChangeKind) and parameters, for other languages and grouping. */
  kind?: string;
  params?: { field?: string; page?: number; subtype?: string; key?: string; object?: string; detail?: string };
  /** validation < form < annotations < other (never allowed). */
  level?: 'none' | 'validation' | 'form' | 'annotations' | 'other';
};

export type SignerInfoSummary = { name: string; id: string | null; issuer: string; serial: string };

export type TimestampSummary = { time: string; tsa: string; valid: boolean };

export type RevocationSummary = { status: RevocationStatus; source: RevocationSource; revokedAt?: string; reason?: string };

/** The facts the verdict is derived from; each is filled by the check that owns it. */
export type SignatureFacts = {
  /** The CMS could be parsed and a signer certificate found. */
  cmsParsed: boolean;
  /** Hash of the byte ranges equals the CMS message digest. */
  digestMatches: boolean;
  /** The signature over the signed attributes verifies with the signer's key. */
  signatureVerifies: boolean;
  /**
   * The digest (or the signature) uses an algorithm we cannot check: a false digestMatches (signatureVerifies)
   * then proves nothing, and the verdict is INDETERMINADO ("algoritmo no soportado"), never NO VÁLIDO.
   */
  digestUnchecked?: boolean;
  signatureUnchecked?: boolean;
  /** A detached PAdES signature whose CMS encapsulates content: it does not sign only the byte ranges. */
  encapsulatedContent?: boolean;
  /** ESS signing-certificate(-v2) names the signer certificate; null when the attribute is absent. */
  essMatches: boolean | null;
  /** SHA-1 or another weak algorithm was used for the digest or the signature. */
  weakAlgorithm: boolean;
  coverage: Coverage;
  modificationsAfter: ModificationsAfter;
  /** A chain to a trust anchor was built with valid signatures along it. */
  trusted: boolean;
  /** A certificate in the chain had a bad signature (not merely an unknown issuer). */
  chainBroken: boolean;
  /** Every certificate in the chain was valid at the signing time. */
  validAtSigningTime: boolean;
  /** Key usage / basic constraints / extended key usage allow this use. */
  usageAllowed: boolean;
  timeSource: TimeSource;
  /** null when there is no signature timestamp. */
  timestampValid: boolean | null;
  revocation: RevocationSummary;
  /** An intermediate CA of the chain was revoked before the signing time (definite answers only). */
  caRevokedBeforeSigning: boolean;
  /**
   * The signer certificate is itself a trust anchor. RFC 5280 trusts anchors directly, so an unknown revocation
   * status does not hold the verdict back (a definite "revoked" still counts).
   */
  signerIsAnchor: boolean;
  /** Signing time (ISO) used for revocation comparison. */
  signingTime: string | null;
};

export type SignatureReport = {
  kind: SignatureKind;
  field: string;
  page: number | null;
  revision: number;
  signer: SignerInfoSummary | null;
  claimedTime: string | null;
  timestamp: TimestampSummary | null;
  intact: boolean;
  coverage: Coverage;
  modificationsAfter: ModificationsAfter;
  changes: Change[];
  trusted: boolean;
  revocation: RevocationSummary;
  level: SignatureLevel;
  /** DocMDP level of a certification signature (1 no changes, 2 form fill + signing, 3 also annotations); null for approval signatures. */
  certificationLevel: 1 | 2 | 3 | null;
  /** Which time the chain was checked at: the timestamp's, the claimed one, or now. */
  timeSource: TimeSource;
  verdict: Verdict;
  reasons: Reason[];
  /** Notes that do not change the verdict (algorithm used, where revocation came from...). */
  notes: Reason[];
};

export type FileReport = {
  file: string;
  verdict: Verdict;
  revisions: number;
  signatures: SignatureReport[];
  reasons: Reason[];
};

/** One file's outcome: its report, or why it could not be read at all. */
export type FileOutcome =
  { file: string; report: FileReport; error?: undefined } | { file: string; report?: undefined; error: ApiErrorData };

/** The institution's name and logo shown in the PDF report's header (Configuración → Informe de verificación). */
export type ReportSettingsInfo = {
  institution: string;
  logo: { name: string; type: 'png' | 'jpeg'; width: number; height: number; bytes: number } | null;
};

export type TrustAnchorInfo = { fingerprint: string; name: string; issuer: string; validTo: string; source: 'bundled' | 'user' };

const filePath = z.string().min(1).max(4096);

export const verifyMethods = {
  'verify.files': {
    input: z
      .object({
        files: z.array(filePath).min(1).max(500),
        /** Extra trust anchors for this call only (PEM or DER files). */
        trust: z.array(filePath).max(50).default([]),
        /** No OCSP/CRL requests: only what the files carry. */
        offline: z.boolean().default(false),
      })
      .strict(),
    progress: true,
  },
  /** "Ver la versión firmada": writes revision N (what a signature with `revision: N` signed) to `output`. */
  'verify.extractRevision': {
    input: z.object({ file: filePath, revision: z.number().int().min(1).max(100_000), output: filePath }).strict(),
    progress: false,
  },
  /**
   * The bytes (base64) of revision N, or of the whole file when `revision` is 0, for the page comparison in
   * Verificar (pdf.js renders them in the renderer). At most 50 MB (VERIFY_PREVIEW_TOO_LARGE).
   */
  'verify.revisionData': {
    input: z.object({ file: filePath, revision: z.number().int().min(0).max(100_000) }).strict(),
    progress: false,
  },
  /**
   * Verifies `files` and writes the report as a PDF (the same Spanish text as `casilla verify --report`).
   * Without `output` it goes to `<data folder>/reports/informe-verificacion-<time>.pdf`; the path is returned.
   */
  'verify.reportPdf': {
    input: z
      .object({
        files: z.array(filePath).min(1).max(500),
        trust: z.array(filePath).max(50).default([]),
        offline: z.boolean().default(false),
        output: filePath.optional(),
        /** The user's IANA time zone (the renderer's), for the times in the report; the system's when absent. */
        timeZone: z.string().max(64).optional(),
      })
      .strict(),
    progress: true,
  },
  'verify.reportSettings.get': { input: z.object({}).strict(), progress: false },
  /**
   * The report's institution name and logo. `logoPath` (a PNG or JPEG the user picked, at most 2 MB and 4096 px a
   * side) is checked and copied into the data folder; `null` removes the logo. Errors: REPORT_LOGO_INVALID,
   * REPORT_LOGO_TOO_LARGE.
   */
  'verify.reportSettings.update': {
    input: z.object({ institution: z.string().max(120).optional(), logoPath: filePath.nullable().optional() }).strict(),
    progress: false,
  },
  'verify.trust.list': { input: z.object({}).strict(), progress: false },
  'verify.trust.add': { input: z.object({ pem: z.string().min(1).max(1_000_000) }).strict(), progress: false },
  'verify.trust.remove': { input: z.object({ fingerprint: z.string().min(1).max(200) }).strict(), progress: false },
} as const;

export interface VerifyOutputs {
  'verify.files': { outcomes: FileOutcome[] };
  'verify.extractRevision': { output: string; bytes: number };
  'verify.revisionData': { data: string; bytes: number; revisions: number };
  'verify.reportPdf': { output: string; bytes: number };
  'verify.reportSettings.get': ReportSettingsInfo;
  'verify.reportSettings.update': ReportSettingsInfo;
  'verify.trust.list': TrustAnchorInfo[];
  'verify.trust.add': { added: string[] };
  'verify.trust.remove': { removed: boolean };
}
