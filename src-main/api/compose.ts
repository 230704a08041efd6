import { z } from 'zod';
import type { Reason } from './verify';

export type RecipientView = { rolUnico: number; label: string; kind: 'RUN' | 'DNI' | 'RUC' | 'CE'; name?: string };
/** Why a recipient is refused (es/en texts under `compose.problemCodes`); `message` is Spanish, for logs and the CLI. */
export const RECIPIENT_PROBLEM_CODES = [
  'RUN_CHECK_DIGIT',
  'DNI_CHECK_DIGIT',
  'FORMAT',
  'RANGE',
  'RUC_PREFIX',
  'RUC_CHECK_DIGIT',
  'RUC_NOT_PERSON',
  'NOT_ACCEPTED',
] as const;
export type RecipientProblemCode = (typeof RECIPIENT_PROBLEM_CODES)[number];
export type RecipientProblemView = {
  line: number;
  input: string;
  code: RecipientProblemCode;
  message: string;
  params?: { accepted?: string; expected?: string };
};
export type RecipientParseView = { recipients: RecipientView[]; problems: RecipientProblemView[]; duplicates: number };

/**
 * The platform's limits the form shows and checks (casilla-api.md): subject characters, recipient groups of one
 * envío. The core's rules (core/casilla/rules.ts) and the request schema below use the same values.
 */
export const COMPOSE_LIMITS = { subjectChars: 150, groups: 100 } as const;

const recipientInput = z.object({ id: z.string().min(1).max(40), name: z.string().max(200).optional() }).strict();

export const composeRequestSchema = z
  .object({
    messageType: z.enum(['NT', 'CP', 'CI']),
    procedureCode: z.string().max(64).optional(),
    procedureStage: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    signatureUid: z.string().max(64).optional(),
    subject: z.string().max(1000),
    content: z.string().max(200_000),
    webhookUrl: z.string().max(2000).optional(),
    groups: z
      .array(
        z
          .object({
            recipients: z.array(recipientInput).max(100_000),
            attachments: z.array(z.object({ path: z.string().min(1).max(4096), name: z.string().max(200).optional() }).strict()).max(50),
            /** The group's name, shown on its messages in the outbox ("Grupo 2" when not given). */
            label: z.string().max(120).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(COMPOSE_LIMITS.groups),
    draft: z.boolean().optional(),
  })
  .strict();
export type ComposeRequestInput = z.input<typeof composeRequestSchema>;

/**
 * What Redactar checks before queueing (the composer checks again, with the platform's error codes): a subject of
 * 1 to 150 characters, a body, 1 to 100 groups. Its issues are worded in the user's language by the UI.
 */
export const composeFormSchema = z.object({
  subject: z.string().trim().min(1).max(COMPOSE_LIMITS.subjectChars),
  content: z.string().trim().min(1).max(200_000),
  groups: z.array(z.unknown()).min(1).max(COMPOSE_LIMITS.groups),
});

/**
 * Placeholders filled from each recipient: a template using one of them is sent as one message per recipient
 * (`nombre` is the name from the CSV, `identificador` the recipient as written, e.g. "RUN 12.345.678-5").
 */
export const PER_RECIPIENT_FIELDS = ['nombre', 'identificador'] as const;

/** The per-recipient placeholders a subject and body use (pure: shared by the composer and Redactar's note). */
export function perRecipientFields(...texts: string[]): string[] {
  const found = new Set<string>();
  for (const t of texts)
    for (const m of t.matchAll(/\{\{\s*([\p{L}\p{N}_]{1,40})\s*\}\}/gu))
      if ((PER_RECIPIENT_FIELDS as readonly string[]).includes(m[1]!)) found.add(m[1]!);
  return [...found];
}

export type ProcedureView = { code: string; name: string; stage: number; stageName: string };
export type SignatureView = { uid: string; name: string; body: string };

export const composeMethods = {
  'compose.parseRecipients': { input: z.object({ text: z.string().max(2_000_000) }).strict(), progress: false },
  'compose.importCsv': { input: z.object({ path: z.string().min(1).max(4096) }).strict(), progress: false },
  'compose.sanitize': { input: z.object({ html: z.string().max(200_000) }).strict(), progress: false },
  'compose.queue': { input: composeRequestSchema, progress: false },
  'compose.institution': { input: z.object({ refresh: z.boolean().default(false) }).strict(), progress: false },
  /** The draft being composed, saved as the user types (one per user; a crash loses nothing typed). */
  'compose.saveDraft': { input: z.object({ draft: z.record(z.string(), z.unknown()) }).strict(), progress: false },
  'compose.loadDraft': { input: z.object({}).strict(), progress: false },
  /** Saved drafts (several, by name), each keeping its attachments as content-addressed snapshots. */
  'compose.drafts.list': { input: z.object({}).strict(), progress: false },
  'compose.drafts.save': {
    input: z
      .object({
        id: z.string().min(1).max(64).optional(),
        name: z.string().max(120).optional(),
        draft: z.record(z.string(), z.unknown()),
        attachments: z
          .array(
            z
              .object({ group: z.number().int().min(0).max(99), path: z.string().min(1).max(4096), name: z.string().min(1).max(200) })
              .strict(),
          )
          .max(5000)
          .default([]),
      })
      .strict(),
    progress: false,
  },
  /** A saved draft, sanitized (body through the sanitizer, known fields only), with its attachments' snapshots. */
  'compose.drafts.open': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  'compose.drafts.remove': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  /**
   * A picked file, judged at once by the platform's rules (type by content, size, total, count, name, duplicate)
   * and, for a signed PDF, its signatures (offline). Fails naming the file; on success gives the name it will be
   * sent with (`renamed` when it had to be normalized, e.g. accents).
   */
  'compose.checkAttachment': {
    input: z
      .object({
        path: z.string().min(1).max(4096),
        name: z.string().max(200),
        /** The attachments already accepted for the same message (their platform names and sizes). */
        siblings: z
          .array(z.object({ name: z.string().max(200), size: z.number().int().min(0) }).strict())
          .max(60)
          .default([]),
      })
      .strict(),
    progress: false,
  },
  /** Per recipient of an outbox message, the date it is deemed legally served (the backend's country rule). */
  'compose.servedDates': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  /** A deadline: business days after a served date, in the country's calendar (holidays as data, with source). */
  'compose.deadline': {
    input: z
      .object({
        country: z.enum(['CL', 'PE']),
        from: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
        businessDays: z.number().int().min(0).max(3650),
      })
      .strict(),
    progress: false,
  },
  /**
   * The signed constancia de envío of a message, written to `<data>/constancias/`. Signed with the embedded
   * sandbox's certificate for sandbox messages; for a real server it needs the institution's certificate, which
   * cannot be configured yet (CONSTANCIA_NO_CERTIFICATE).
   */
  'compose.constancia': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  'compose.templates.list': { input: z.object({}).strict(), progress: false },
  'compose.templates.save': {
    input: z
      .object({
        id: z.string().max(64).optional(),
        name: z.string().max(120),
        subject: z.string().max(1000),
        body: z.string().max(200_000),
      })
      .strict(),
    progress: false,
  },
  'compose.templates.remove': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  /** Placeholders (`{{nombre}}`, `{{expediente}}`) found in a subject and body, and their replacement by values. */
  'compose.templates.fill': {
    input: z
      .object({
        subject: z.string().max(1000),
        body: z.string().max(200_000),
        values: z.record(z.string().max(40), z.string().max(2000)).default({}),
      })
      .strict(),
    progress: false,
  },
} as const;

export type DraftSummaryView = { id: string; name: string; subject: string; updatedAt: string; attachments: number };

export type MessageTemplateView = { id: string; name: string; subject: string; body: string; updatedAt: string };

/**
 * The legal rule a recipient's served date follows (core/calendar/served.ts): Peru, served when deposited in the
 * casilla; Chile, the third business day after it reached the DDU, under DS 4/2020 art. 27 or, from 1 July 2026,
 * Ley 21.806.
 */
export const SERVED_BASIS_CODES = ['pe_deposited', 'cl_ds_4_2020', 'cl_ley_21806'] as const;
export type ServedBasis = (typeof SERVED_BASIS_CODES)[number];

export interface ComposeOutputs {
  'compose.parseRecipients': RecipientParseView;
  'compose.importCsv': RecipientParseView & { encoding: string; delimiter: string; header: boolean; rows: number; problemCount: number };
  'compose.sanitize': { html: string; text: string };
  'compose.queue': { envioId: string; messageIds: string[] };
  'compose.institution': { procedures: ProcedureView[]; signatures: SignatureView[]; cachedAt: string | null; offline: boolean };
  'compose.saveDraft': { savedAt: string };
  'compose.loadDraft': { draft: Record<string, unknown> | null; savedAt: string | null };
  'compose.drafts.list': DraftSummaryView[];
  'compose.drafts.save': DraftSummaryView;
  'compose.drafts.open': {
    id: string;
    name: string;
    updatedAt: string;
    draft: Record<string, unknown>;
    attachments: { group: number; name: string; sha256: string; size: number; path: string }[];
    lost: string[];
  };
  'compose.drafts.remove': { removed: boolean };
  'compose.checkAttachment': {
    name: string;
    originalName: string;
    renamed: boolean;
    size: number;
    kind: string;
    signed: boolean;
    verdict: 'valid' | 'invalid' | 'indeterminate' | null;
    /** Spanish, for logs and the CLI; the UI words `reasonCodes` (the verifier's reason codes). */
    reasons: string[];
    reasonCodes: Reason[];
  };
  'compose.servedDates': {
    country: 'CL' | 'PE';
    /** `basis`: the rule the served date follows, worded by `outbox.servedBasis.<code>`; null when not served. */
    recipients: { rolUnico: number; deemedServedAt: string | null; basis: ServedBasis | null }[];
  };
  'compose.deadline': {
    date: string;
    /** Official names, in Spanish as published. */
    holidays: { date: string; name: string }[];
    /** Spanish, for logs; `years` says per year whether the official list was used or date-holidays' fallback. */
    source: string;
    years: { year: number; official: boolean }[];
  };
  'compose.constancia': { path: string };
  'compose.templates.list': MessageTemplateView[];
  'compose.templates.save': MessageTemplateView;
  'compose.templates.remove': { removed: boolean };
  'compose.templates.fill': { subject: string; body: string; placeholders: string[]; missing: string[] };
}
