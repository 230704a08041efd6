/**
 * The sendMessage rules of the casilla platform, in ONE place: the sandbox rejects with them and the composer
 * checks with them before anything leaves the machine. Every problem is collected, then the first by table
 * order is the answer (errors.ts). Two checks need more than the request and are done by the caller with
 * their own state: ERR021 (signed PDFs, needs a verifier) and ERR031 (duplicates, needs the send history).
 *
 * Choices of ours where the specification is silent (documented in casilla-api.md style as [ours]):
 * - `data` missing, not JSON or not an object is treated as an empty object (so ERR001 comes first).
 * - `recipients` present but not an array, an item that is not an object, lacks `rol_unico`, has other keys,
 *   or repeats a RUN → ERR002. `rol_unico` may be an integer or a string of digits → otherwise ERR003.
 * - NT without `procedure_stage` → ERR006; a stage outside 1..3 or a code/stage not enabled → ERR007.
 * - `content_type` missing or not a MIME type → ERR029 (the content is not properly given).
 * - One file over 20 MB → ERR019; ERR015 is for files each within 20 MB whose sum exceeds it (otherwise
 *   ERR015 would always hide ERR019 by table order).
 * - Magic bytes of no accepted type → ERR017; an accepted type that is not the extension's → ERR018.
 * - Name length counts the whole name with its extension; the character rules apply to the name before the
 *   last dot; names repeat case-insensitively.
 */
import { firstByTableOrder, type CasillaErrorCode } from './errors';
import { detectAttachmentKind, type AttachmentKind } from './file-type';
import { isValidRunBody } from './identifiers';
import { COMPOSE_LIMITS } from '../../api/compose';

export const MESSAGE_TYPES = ['NT', 'CP', 'CI'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const LIMITS = {
  maxRecipients: 250,
  maxSubjectLength: COMPOSE_LIMITS.subjectChars,
  maxAttachments: 50,
  maxAttachmentBytes: 20 * 1024 * 1024,
  maxTotalAttachmentBytes: 20 * 1024 * 1024,
  maxFileNameLength: 50,
} as const;

export const ALLOWED_EXTENSIONS: readonly AttachmentKind[] = ['pdf', 'jpg', 'png', 'doc', 'docx', 'xls', 'xlsx'];

/** The `data` part once it passed the rules. */
export type SendMessageData = {
  recipients: { rol_unico: number }[];
  message_type: MessageType;
  procedure_code?: string;
  procedure_stage?: 1 | 2 | 3;
  signature_uid?: string;
  subject: string;
  content: string;
  content_type: string;
  webhook_url?: string;
};

/**
 * One attachment: its name, its real size, and its bytes. For a file far over the limits the caller may pass
 * only a prefix (`size` stays the real size): type detection needs the head, size rules need only `size`.
 */
export type AttachmentInput = { name: string; bytes: Uint8Array; size?: number };

/** What the rules need to know about the sending institution. */
export type InstitutionProfile = {
  logoConfigured: boolean;
  enabledMessageTypes: readonly string[];
  procedures: readonly { code: string; stage: number }[];
  signatureUids: readonly string[];
};

export type RulesOutcome =
  { ok: true; data: SendMessageData; kinds: AttachmentKind[] } | { ok: false; code: CasillaErrorCode; all: CasillaErrorCode[] };

/** Parses the `data` part text leniently: anything that is not a JSON object becomes `{}` (see [ours] above). */
export function parseDataPart(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Checks the data and attachments; returns the cleaned data or the first error by table order. */
export function checkSendMessage(
  raw: Record<string, unknown>,
  attachments: readonly AttachmentInput[],
  institution: InstitutionProfile,
): RulesOutcome {
  const problems = new Set<CasillaErrorCode>();
  const recipients = checkRecipients(raw['recipients'], problems);
  const messageType = checkMessageType(raw['message_type'], institution, problems);
  const procedure = checkProcedure(raw, messageType, institution, problems);
  if (!institution.logoConfigured) problems.add('ERR008');
  const kinds = checkAttachments(attachments, problems);
  const signatureUid = checkSignature(raw['signature_uid'], institution, problems);
  const subject = checkSubject(raw['subject'], problems);
  const content = checkContent(raw['content'], raw['content_type'], problems);
  const webhookUrl = checkWebhook(raw['webhook_url'], problems);

  const first = firstByTableOrder(problems);
  if (first) return { ok: false, code: first, all: sortByTableOrder([...problems]) };
  const data: SendMessageData = {
    recipients: recipients.map((r) => ({ rol_unico: r })),
    message_type: messageType!,
    subject: subject!,
    content: content!.content,
    content_type: content!.contentType,
    ...(procedure ? { procedure_code: procedure.code, procedure_stage: procedure.stage } : {}),
    ...(signatureUid ? { signature_uid: signatureUid } : {}),
    ...(webhookUrl ? { webhook_url: webhookUrl } : {}),
  };
  return { ok: true, data, kinds };
}

function sortByTableOrder(codes: CasillaErrorCode[]): CasillaErrorCode[] {
  const out: CasillaErrorCode[] = [];
  const rest = [...codes];
  while (rest.length) {
    const f = firstByTableOrder(rest)!;
    out.push(f);
    rest.splice(rest.indexOf(f), 1);
  }
  return out;
}

function checkRecipients(value: unknown, problems: Set<CasillaErrorCode>): number[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    problems.add('ERR001');
    return [];
  }
  if (!Array.isArray(value)) {
    problems.add('ERR002');
    return [];
  }
  const seen = new Set<number>();
  const out: number[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.add('ERR002');
      continue;
    }
    const keys = Object.keys(item);
    if (keys.length !== 1 || keys[0] !== 'rol_unico') {
      problems.add('ERR002');
      continue;
    }
    const run = toRunBody((item as { rol_unico: unknown }).rol_unico);
    if (run === null) {
      problems.add('ERR003');
      continue;
    }
    if (seen.has(run)) problems.add('ERR002');
    seen.add(run);
    out.push(run);
  }
  if (value.length > LIMITS.maxRecipients) problems.add('ERR030');
  return out;
}

function toRunBody(v: unknown): number | null {
  if (typeof v === 'string' && /^[1-9]\d{0,7}$/.test(v)) return Number(v);
  return isValidRunBody(v) ? v : null;
}

function checkMessageType(value: unknown, institution: InstitutionProfile, problems: Set<CasillaErrorCode>): MessageType | null {
  if (value === undefined || value === null || value === '') {
    problems.add('ERR004');
    return null;
  }
  if (
    typeof value !== 'string' ||
    !(MESSAGE_TYPES as readonly string[]).includes(value) ||
    !institution.enabledMessageTypes.includes(value)
  ) {
    problems.add('ERR005');
    return null;
  }
  return value as MessageType;
}

function checkProcedure(
  raw: Record<string, unknown>,
  messageType: MessageType | null,
  institution: InstitutionProfile,
  problems: Set<CasillaErrorCode>,
): { code: string; stage: 1 | 2 | 3 } | null {
  if (messageType !== 'NT') return null;
  const code = raw['procedure_code'];
  const stage = raw['procedure_stage'];
  const missing = (v: unknown) => v === undefined || v === null || v === '';
  if (missing(code) || missing(stage)) {
    problems.add('ERR006');
    return null;
  }
  const stageNumber = typeof stage === 'string' && /^\d$/.test(stage) ? Number(stage) : stage;
  if (typeof code !== 'string' || (stageNumber !== 1 && stageNumber !== 2 && stageNumber !== 3)) {
    problems.add('ERR007');
    return null;
  }
  if (!institution.procedures.some((p) => p.code === code && p.stage === stageNumber)) {
    problems.add('ERR007');
    return null;
  }
  return { code, stage: stageNumber };
}

/** Splits "name.ext" at the last dot; the extension is lower-cased. */
export function splitFileName(name: string): { base: string; ext: string | null } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { base: name, ext: null };
  return { base: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

/** Unaccented letters, digits, and single separators (- _ space) strictly inside the name. */
export function isAllowedFileBaseName(base: string): boolean {
  return /^[A-Za-z0-9]+(?:[-_ ][A-Za-z0-9]+)*$/.test(base);
}

function checkAttachments(attachments: readonly AttachmentInput[], problems: Set<CasillaErrorCode>): AttachmentKind[] {
  const kinds: AttachmentKind[] = [];
  const names = new Set<string>();
  let total = 0;
  let anyTooBig = false;
  for (const a of attachments) {
    const { base, ext } = splitFileName(a.name);
    if (ext === null || !(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) problems.add('ERR013');
    if (a.name.length > LIMITS.maxFileNameLength) problems.add('ERR014');
    const key = a.name.toLowerCase();
    if (names.has(key)) problems.add('ERR016');
    names.add(key);
    const size = a.size ?? a.bytes.length;
    total += size;
    if (size > LIMITS.maxAttachmentBytes) {
      anyTooBig = true;
      problems.add('ERR019');
    }
    const kind = size > 0 && a.bytes.length > 0 ? detectAttachmentKind(a.bytes) : null;
    if (kind === null) problems.add('ERR017');
    else if (ext !== null && (ALLOWED_EXTENSIONS as readonly string[]).includes(ext) && normaliseExt(ext) !== kind) problems.add('ERR018');
    if (kind) kinds.push(kind);
    if (!isAllowedFileBaseName(base)) problems.add('ERR033');
  }
  if (!anyTooBig && total > LIMITS.maxTotalAttachmentBytes) problems.add('ERR015');
  if (attachments.length > LIMITS.maxAttachments) problems.add('ERR032');
  return kinds;
}

function normaliseExt(ext: string): string {
  return ext === 'jpeg' ? 'jpg' : ext;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkSignature(value: unknown, institution: InstitutionProfile, problems: Set<CasillaErrorCode>): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !UUID.test(value) || !institution.signatureUids.includes(value.toLowerCase())) {
    problems.add('ERR020');
    return null;
  }
  return value.toLowerCase();
}

function checkSubject(value: unknown, problems: Set<CasillaErrorCode>): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add('ERR027');
    return null;
  }
  // Counted in characters as a person sees them (code points), not UTF-16 units.
  if ([...value].length > LIMITS.maxSubjectLength) {
    problems.add('ERR026');
    return null;
  }
  return value;
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i;

function checkContent(
  content: unknown,
  contentType: unknown,
  problems: Set<CasillaErrorCode>,
): { content: string; contentType: string } | null {
  if (typeof content !== 'string' || content.trim() === '' || typeof contentType !== 'string' || !MIME.test(contentType)) {
    problems.add('ERR029');
    return null;
  }
  for (const href of linkTargets(content)) {
    if (!isHttpUrl(href)) {
      problems.add('ERR028');
      break;
    }
  }
  return { content, contentType };
}

/** Every `href` value of the html content (quoted with " or '). */
export function linkTargets(html: string): string[] {
  const out: string[] = [];
  const re = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** An absolute http(s) URL with a host; `mailto:` and relative links are not valid for the platform. */
export function isHttpUrl(text: string): boolean {
  if (text.length === 0 || text.length > 2048 || /\s/.test(text)) return false;
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

function checkWebhook(value: unknown, problems: Set<CasillaErrorCode>): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !isHttpUrl(value)) {
    problems.add('ERR034');
    return null;
  }
  return value;
}

/**
 * The name the platform accepts for a file, as close to the official's name as the rules allow: accents and ñ
 * transliterated (é → e, ñ → n), every other forbidden character replaced by "_", runs of separators collapsed,
 * separators trimmed from both ends, the extension lower-cased ("jpeg" → "jpg"), and the base shortened so the
 * whole name fits 50 characters. Returns null when nothing usable is left (no letters or digits at all) or the
 * extension is not one the platform accepts.
 */
export function platformFileName(name: string): string | null {
  const { base, ext } = splitFileName(name.trim());
  if (ext === null) return null;
  const extension = normaliseExt(ext);
  if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(extension)) return null;
  const ascii = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o');
  let clean = ascii
    .replace(/[^A-Za-z0-9 _-]+/g, '_')
    .replace(/([ _-])[ _-]+/g, '$1')
    .replace(/^[ _-]+|[ _-]+$/g, '');
  const room = LIMITS.maxFileNameLength - extension.length - 1;
  if (clean.length > room) clean = clean.slice(0, room).replace(/[ _-]+$/, '');
  if (!/[A-Za-z0-9]/.test(clean)) return null;
  return `${clean}.${extension}`;
}
