import { z } from 'zod';
import { INSECURE_URL_ISSUE, isSecureServiceUrl } from './url-policy';

export const localeSchema = z.enum(['es', 'en']);
export type Locale = z.infer<typeof localeSchema>;

export const preferencesObject = z
  .object({
    locale: localeSchema,
    /** Minutes of inactivity before the lock warning; default 10. */
    lockWarningMinutes: z.number().min(0.05).max(240),
    /** Minutes of inactivity before the lock; default 12; must exceed the warning. */
    lockMinutes: z.number().min(0.1).max(480),
  })
  .strict();
export const preferencesSchema = preferencesObject.refine((p) => p.lockMinutes > p.lockWarningMinutes, {
  message: 'El bloqueo debe ocurrir después del aviso',
  path: ['lockMinutes'],
  params: { code: 'LOCK_AFTER_WARNING' },
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const profileInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    baseUrl: z.url({ protocol: /^https?$/ }).refine(isSecureServiceUrl, INSECURE_URL_ISSUE),
    clientId: z.string().trim().min(1).max(200),
    /** Written to the OS keychain, never to the database. Omitted on update keeps the stored one. */
    clientSecret: z.string().min(1).max(500).optional(),
    authScheme: z.enum(['basic', 'none']).default('basic'),
  })
  .strict();

export type BackendProfile = {
  id: string;
  name: string;
  baseUrl: string;
  clientId: string;
  authScheme: 'basic' | 'none';
  builtin: boolean;
  hasSecret: boolean;
  active: boolean;
};

export const settingsMethods = {
  'settings.get': { input: z.object({}).strict(), progress: false },
  'settings.update': { input: preferencesObject.partial().strict(), progress: false },
  'profiles.list': { input: z.object({}).strict(), progress: false },
  'profiles.save': {
    input: z.object({ id: z.string().max(64).optional(), profile: profileInputSchema }).strict(),
    progress: false,
  },
  'profiles.remove': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
  'profiles.activate': { input: z.object({ id: z.string().min(1).max(64) }).strict(), progress: false },
} as const;

export interface SettingsOutputs {
  'settings.get': Preferences;
  'settings.update': Preferences;
  'profiles.list': BackendProfile[];
  'profiles.save': BackendProfile;
  'profiles.remove': { removed: true };
  'profiles.activate': BackendProfile;
}
