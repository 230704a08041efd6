/**
 * Timestamp-server (TSA) profiles: a name, the RFC 3161 address and an optional user, in the settings table; the
 * password only in the OS keychain (`tsa:<id>`), never in the database, the settings file, the audit log or the UI.
 * An address is https, or http on this machine only (`api/url-policy.ts`). `tsa-probe.ts` tests a profile.
 */
import crypto from 'node:crypto';
import type { TsaProfile, TsaProfileInput } from '../../api/tsa';
import { AppError } from '../../api/result';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from '../../api/url-policy';
import type { CoreContext } from '../context';
import type { TsaConfig } from './tsa-client';

const KEY = 'sign.tsaProfiles';
const MAX_PROFILES = 50;
export const tsaSecretAccount = (id: string) => `tsa:${id}`;

type Stored = { id: string; name: string; url: string; username?: string; hasPassword: boolean };

type Ctx = Pick<CoreContext, 'settings' | 'secrets' | 'audit'>;

function stored(core: Ctx): Stored[] {
  const list = core.settings.get<Stored[]>(KEY);
  return Array.isArray(list) ? list : [];
}

function toProfile(s: Stored): TsaProfile {
  return { id: s.id, name: s.name, url: s.url, ...(s.username ? { username: s.username } : {}), hasPassword: s.hasPassword };
}

export function listTsaProfiles(core: Ctx): TsaProfile[] {
  return stored(core)
    .map(toProfile)
    .sort((a, b) => a.name.localeCompare(b.name, 'es'));
}

/** A profile by id, or by name (case-insensitive; the CLI's `--tsa-profile NAME`). */
export function findTsaProfile(core: Ctx, idOrName: string): TsaProfile {
  const list = stored(core);
  const wanted = idOrName.trim().toLocaleLowerCase('es');
  const hit = list.find((p) => p.id === idOrName) ?? list.find((p) => p.name.toLocaleLowerCase('es') === wanted);
  if (!hit)
    throw new AppError('TSA_PROFILE_NOT_FOUND', `No existe el perfil de TSA «${idOrName}» (véalos con «casilla tsa list»).`, {
      profile: idOrName,
    });
  return toProfile(hit);
}

function checkUrl(url: string): void {
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new AppError('BAD_INPUT', `«${url}» no es una dirección http(s) de TSA.`, { field: 'url' });
  if (!isSecureServiceUrl(url)) throw new AppError('TSA_INSECURE_URL', INSECURE_URL_MESSAGE, { field: 'url' });
}

/**
 * Creates (no `id`) or updates a profile. A given password goes to the keychain first (if the keychain refuses,
 * nothing is saved); `clearPassword` removes it; omitted, the stored one stays.
 */
export async function saveTsaProfile(core: Ctx, id: string | undefined, input: TsaProfileInput): Promise<TsaProfile> {
  const name = input.name.trim();
  const url = input.url.trim();
  checkUrl(url);
  const list = stored(core);
  const current = id ? list.find((p) => p.id === id) : undefined;
  if (id && !current) throw new AppError('TSA_PROFILE_NOT_FOUND', `No existe el perfil de TSA «${id}».`, { profile: id });
  if (list.some((p) => p.id !== id && p.name.toLocaleLowerCase('es') === name.toLocaleLowerCase('es')))
    throw new AppError('TSA_PROFILE_EXISTS', `Ya existe un perfil de TSA llamado «${name}».`, { field: 'name' });
  if (!current && list.length >= MAX_PROFILES)
    throw new AppError('BAD_INPUT', `Se admiten hasta ${MAX_PROFILES} perfiles de TSA.`, { field: 'name' });
  const profileId = current?.id ?? crypto.randomUUID();
  const username = input.username?.trim() || undefined;
  if (input.password !== undefined && input.password !== '' && !username)
    throw new AppError('BAD_INPUT', 'Una contraseña de TSA necesita un usuario.', { field: 'username' });
  let hasPassword = current?.hasPassword ?? false;
  if (input.password) {
    await core.secrets.set(tsaSecretAccount(profileId), input.password);
    hasPassword = true;
  } else if (input.clearPassword || !username) {
    if (hasPassword) await core.secrets.delete(tsaSecretAccount(profileId));
    hasPassword = false;
  }
  const next: Stored = { id: profileId, name, url, ...(username ? { username } : {}), hasPassword };
  core.settings.set(KEY, current ? list.map((p) => (p.id === profileId ? next : p)) : [...list, next]);
  core.audit.append({
    action: 'sign.tsa.save',
    subject: profileId,
    details: { name, url, username: username ?? null, passwordChanged: Boolean(input.password) || Boolean(input.clearPassword) },
  });
  return toProfile(next);
}

export async function removeTsaProfile(core: Ctx, idOrName: string): Promise<TsaProfile> {
  const p = findTsaProfile(core, idOrName);
  if (p.hasPassword) await core.secrets.delete(tsaSecretAccount(p.id));
  core.settings.set(
    KEY,
    stored(core).filter((s) => s.id !== p.id),
  );
  core.audit.append({ action: 'sign.tsa.remove', subject: p.id, details: { name: p.name } });
  return p;
}

/** What the signer needs: address, user and the keychain password (main process only). */
export async function tsaConfigForProfile(core: Ctx, idOrName: string): Promise<TsaConfig> {
  const p = findTsaProfile(core, idOrName);
  checkUrl(p.url);
  const config: TsaConfig = { url: p.url };
  if (p.username) {
    config.username = p.username;
    if (p.hasPassword) {
      const password = await core.secrets.get(tsaSecretAccount(p.id));
      if (password === null)
        throw new AppError(
          'TSA_PASSWORD_MISSING',
          `La contraseña del perfil de TSA «${p.name}» no está en el llavero del sistema: escríbala de nuevo en Configuración.`,
          { profile: p.name },
        );
      config.password = password;
    }
  }
  return config;
}
