/**
 * The institution's FirmaGob settings (entity, API key, service address, purpose) and the official's RUN, in the
 * settings table; the institution's secret only in the OS keychain, under `firmagob:<api key>`.
 */
import type { CoreContext } from '../../context';
import { FIRMAGOB_TEST_URL, type FirmaGobConfig, type FirmaGobPurpose } from './client';

export type FirmaGobSettings = {
  baseUrl: string;
  entity: string;
  apiKey: string;
  run: string;
  officialName?: string;
  purpose: FirmaGobPurpose;
};

const KEY = 'sign.firmagob';
export const firmaGobSecretAccount = (apiKey: string) => `firmagob:${apiKey}`;

export function loadFirmaGobSettings(core: CoreContext): FirmaGobSettings | null {
  return core.settings.get<FirmaGobSettings>(KEY) ?? null;
}

/** Saves the settings; a given `secret` goes to the keychain, never to the settings table. */
export async function saveFirmaGobSettings(core: CoreContext, s: FirmaGobSettings, secret?: string): Promise<void> {
  // The secret first: when the keychain is unreachable nothing is saved, rather than settings without their secret.
  if (secret !== undefined) await core.secrets.set(firmaGobSecretAccount(s.apiKey), secret);
  core.settings.set(KEY, { ...s, baseUrl: s.baseUrl || FIRMAGOB_TEST_URL });
  core.audit.append({
    action: 'sign.firmagob.configure',
    subject: s.entity,
    details: { run: s.run, purpose: s.purpose, secretChanged: secret !== undefined },
  });
}

/** Settings plus the keychain secret, overridden field by field by what the caller gives (the CLI flags). */
export async function resolveFirmaGobConfig(core: CoreContext, over: Partial<FirmaGobConfig>): Promise<Partial<FirmaGobConfig>> {
  const saved = loadFirmaGobSettings(core);
  const apiKey = over.apiKey ?? saved?.apiKey;
  const secret = over.secret ?? (apiKey ? ((await core.secrets.get(firmaGobSecretAccount(apiKey))) ?? undefined) : undefined);
  const merged: Partial<FirmaGobConfig> = {
    baseUrl: over.baseUrl ?? saved?.baseUrl ?? FIRMAGOB_TEST_URL,
    purpose: over.purpose ?? saved?.purpose ?? 'Desatendido',
  };
  const entity = over.entity ?? saved?.entity;
  const run = over.run ?? saved?.run;
  const officialName = over.officialName ?? saved?.officialName;
  if (entity) merged.entity = entity;
  if (apiKey) merged.apiKey = apiKey;
  if (secret) merged.secret = secret;
  if (run) merged.run = run;
  if (officialName) merged.officialName = officialName;
  if (over.otp) merged.otp = over.otp;
  return merged;
}
