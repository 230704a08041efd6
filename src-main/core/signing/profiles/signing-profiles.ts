/**
 * Saved signing profiles: one row per profile in `signing_profiles` (migration 0071), the options as JSON checked
 * with the contract's schema on every read and write. Names are unique without regard to case, since the CLI
 * names them (`casilla sign --profile NAME`). Firma Perú's parameter JSON becomes a profile through the one
 * parser (`params/firma-peru.ts`); what it carries that a profile does not apply is listed, not dropped silently.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../api/result';
import { signingProfileSchema, type NotAppliedParam, type SigningProfile, type SigningProfileFields } from '../../../api/sign-profiles';
import type { z } from 'zod';
import type { CoreContext } from '../../context';
import { readFirmaPeruParams, MAX_PARAMS_BYTES } from '../params/firma-peru';
import type { StartSigningInput } from '../signing-service';
import { collectStampImages, keepStampImage } from './stamp-image-store';

type Row = { id: string; name: string; profile_json: string; updated_at: string };
type Core = Pick<CoreContext, 'db' | 'home' | 'audit'>;

export const ProfileErrorCodes = { notFound: 'SIGN_PROFILE_NOT_FOUND', nameTaken: 'SIGN_PROFILE_NAME_TAKEN' } as const;

function toProfile(r: Row): SigningProfile {
  const parsed = signingProfileSchema.safeParse({ ...(JSON.parse(r.profile_json) as object), name: r.name });
  // A row that no longer fits the schema (edited by hand) is shown with what can be read: its name, as a firma.
  const fields = parsed.success ? parsed.data : signingProfileSchema.parse({ name: r.name });
  return { ...fields, id: r.id, updatedAt: r.updated_at };
}

export function listSigningProfiles(core: Core): SigningProfile[] {
  const rows = core.db.prepare(`SELECT * FROM signing_profiles ORDER BY name COLLATE NOCASE`).all() as Row[];
  return rows.map(toProfile);
}

/** By id, or by name (case-insensitive). */
export function findSigningProfile(core: Core, idOrName: string): SigningProfile {
  const row = core.db.prepare(`SELECT * FROM signing_profiles WHERE id = ? OR name = ? COLLATE NOCASE`).get(idOrName, idOrName) as
    Row | undefined;
  if (!row) throw new AppError(ProfileErrorCodes.notFound, `No existe el perfil de firma «${idOrName}».`, { profile: idOrName });
  return toProfile(row);
}

/** Creates (no id) or replaces a profile. A stamp image is checked and copied into the data folder first. */
export function saveSigningProfile(core: Core, id: string | undefined, input: z.input<typeof signingProfileSchema>): SigningProfile {
  const fields: SigningProfileFields = signingProfileSchema.parse(input);
  if (fields.imagePath) fields.imagePath = keepStampImage(core.home, fields.imagePath);
  const profileId = id ?? crypto.randomUUID();
  if (id && !core.db.prepare(`SELECT 1 FROM signing_profiles WHERE id = ?`).get(id))
    throw new AppError(ProfileErrorCodes.notFound, `No existe el perfil de firma «${id}».`, { profile: id });
  const clash = core.db.prepare(`SELECT id FROM signing_profiles WHERE name = ? COLLATE NOCASE AND id <> ?`).get(fields.name, profileId);
  if (clash)
    throw new AppError(ProfileErrorCodes.nameTaken, `Ya existe un perfil de firma llamado «${fields.name}».`, { name: fields.name });
  const { name, ...rest } = fields;
  const at = new Date().toISOString();
  core.db
    .prepare(
      `INSERT INTO signing_profiles (id, name, profile_json, updated_at) VALUES (@id, @name, @json, @at)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, profile_json = excluded.profile_json, updated_at = excluded.updated_at`,
    )
    .run({ id: profileId, name, json: JSON.stringify(rest), at });
  core.audit.append({ action: 'sign.profile.save', subject: profileId, details: { name } });
  if (id) collectUnusedImages(core);
  return findSigningProfile(core, profileId);
}

export function removeSigningProfile(core: Core, idOrName: string): SigningProfile {
  const p = findSigningProfile(core, idOrName);
  core.db.prepare(`DELETE FROM signing_profiles WHERE id = ?`).run(p.id);
  core.audit.append({ action: 'sign.profile.remove', subject: p.id, details: { name: p.name } });
  collectUnusedImages(core);
  return p;
}

/** The images of `<home>/stamp-images/` that no saved profile names any more are removed. */
function collectUnusedImages(core: Core): void {
  const inUse = listSigningProfiles(core).flatMap((p) => (p.imagePath ? [p.imagePath] : []));
  collectStampImages(core.home, inUse);
}

/** Keys of Firma Perú's parameter file that a profile applies. */
const APPLIED = new Set([
  'signatureFormat',
  'signatureLevel',
  'signatureStyle',
  'stampPage',
  'positionx',
  'positiony',
  'signatureReason',
  'role',
  'stampTextSize',
  'stampWordWrap',
  'imageToStamp',
  'webTsa',
  'certificateFilter',
]);
/** Read but decided elsewhere: the app asks where the stamp goes and signs one file or a batch as the user picks. */
const DECIDED_BY_UI = new Set(['visiblePosition', 'bachtOperation', 'batchOperation', 'oneByOne']);
/** Credentials are never kept in a profile (a TSA's user and password go with the call or the keychain). */
const SECRETS = new Set(['userTsa', 'passwordTsa']);

/**
 * Firma Perú's parameter JSON → a new saved profile (named after the file unless `name` is given; a taken name
 * gets " (2)", " (3)"...). Throws `SIGN_PARAMS_INVALID` naming the bad key; nothing is saved then.
 */
export function importFirmaPeruProfile(
  core: Core,
  file: string,
  name?: string,
): { profile: SigningProfile; notApplied: NotAppliedParam[] } {
  const base = name ?? path.basename(file, path.extname(file));
  const { profile: p } = readFirmaPeruParams(file, base);
  // The parser read the file within its bound; the raw keys say what it held that the profile leaves out.
  const raw = JSON.parse(
    fs
      .readFileSync(file, 'utf8')
      .slice(0, MAX_PARAMS_BYTES)
      .replace(/^\uFEFF/, ''),
  ) as Record<string, unknown>;
  const notApplied: NotAppliedParam[] = Object.keys(raw)
    .filter((k) => !APPLIED.has(k) && raw[k] !== undefined && raw[k] !== null && raw[k] !== '')
    .map((key) => ({ key, why: DECIDED_BY_UI.has(key) ? 'ui' : SECRETS.has(key) ? 'secret' : 'unknown' }));
  const fields: z.input<typeof signingProfileSchema> = {
    name: uniqueName(core, p.name),
    role: 'firma',
    level: p.level,
    style: p.stamp.invisible ? 0 : (p.stamp.style ?? 1),
    page: p.stamp.page,
    everyPage: false,
    template: p.stamp.template,
    dateStyle: p.stamp.dateStyle,
    timeZone: p.stamp.timeZone,
  };
  if (p.reason) fields.reason = p.reason;
  if (p.roleTitle) fields.roleTitle = p.roleTitle;
  if (p.tsa) fields.tsaUrl = p.tsa.url;
  if (p.stamp.rect) fields.rect = p.stamp.rect;
  if (p.stamp.fromTop) fields.fromTop = true;
  if (p.stamp.maxFontSize) fields.maxFontSize = p.stamp.maxFontSize;
  if (p.stamp.wordWrap) fields.wordWrap = p.stamp.wordWrap;
  if (p.stamp.imagePath) fields.imagePath = p.stamp.imagePath;
  if (p.certificateFilter) fields.certificateFilter = p.certificateFilter;
  const profile = saveSigningProfile(core, undefined, fields);
  core.audit.append({ action: 'sign.profile.import', subject: profile.id, details: { name: profile.name, file: path.basename(file) } });
  return { profile, notApplied };
}

function uniqueName(core: Core, wanted: string): string {
  const taken = new Set(
    (core.db.prepare(`SELECT name FROM signing_profiles`).all() as Array<{ name: string }>).map((r) => r.name.toLowerCase()),
  );
  const base = wanted.trim().slice(0, 90) || 'Firma Perú';
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`.toLowerCase())) return `${base} (${i})`;
}

/** The signing options a profile sets, in the shape `startSigning` takes (the caller overrides what the user said). */
export function profileSignOptions(p: SigningProfile): Omit<StartSigningInput['options'], 'digest' | 'pss'> & { tsaProfile?: string } {
  const stamp: StartSigningInput['options']['stamp'] = {
    invisible: p.style === 0,
    page: p.page,
    everyPage: p.role === 'visto-bueno' && p.everyPage,
  };
  if (p.style !== 0) stamp.style = p.style;
  if (p.rect && p.style !== 0) stamp.rect = p.rect;
  if (p.fromTop) stamp.fromTop = true;
  if (p.maxFontSize) stamp.maxFontSize = p.maxFontSize;
  if (p.wordWrap) stamp.wordWrap = p.wordWrap;
  if (p.imagePath) stamp.imagePath = p.imagePath;
  if (p.template) stamp.template = p.template;
  if (p.dateStyle) stamp.dateStyle = p.dateStyle;
  if (p.timeZone) stamp.timeZone = p.timeZone;
  return {
    role: p.role,
    level: p.level,
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.roleTitle ? { roleTitle: p.roleTitle } : {}),
    ...(p.location ? { location: p.location } : {}),
    ...(p.tsaUrl ? { tsa: { url: p.tsaUrl } } : {}),
    ...(p.tsaProfile ? { tsaProfile: p.tsaProfile } : {}),
    ...(p.certificateFilter ? { certificateFilter: p.certificateFilter } : {}),
    stamp,
  };
}
