import crypto from 'node:crypto';
import type { BackendProfile, Preferences } from '../../api/settings';
import { AppError } from '../../api/result';
import type { Db } from '../db/database';
import { secretAccounts, type SecretStore } from '../secrets/secret-store';

export const DEFAULT_PREFERENCES: Preferences = { locale: 'es', lockWarningMinutes: 10, lockMinutes: 12 };

/** The id and marker URL of the built-in profile that points at the embedded sandbox. */
export const SANDBOX_PROFILE_ID = 'sandbox';
export const EMBEDDED_SANDBOX_URL = 'sandbox:embedded';

type ProfileRow = { id: string; name: string; base_url: string; client_id: string; auth_scheme: 'basic' | 'none'; builtin: number };

export type ProfileInput = {
  name: string;
  baseUrl: string;
  clientId: string;
  clientSecret?: string | undefined;
  authScheme: 'basic' | 'none';
};

/** Preferences and backend profiles. Profile secrets go to the keychain; the table holds no secret. */
export class SettingsStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
  ) {
    this.ensureBuiltinProfile();
  }

  private ensureBuiltinProfile(): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO backend_profiles (id, name, base_url, client_id, auth_scheme, builtin, created_at)
         VALUES (@id, 'Sandbox integrado', @url, 'demo', 'basic', 1, @at)`,
      )
      .run({ id: SANDBOX_PROFILE_ID, url: EMBEDDED_SANDBOX_URL, at: new Date().toISOString() });
  }

  private read<T>(key: string): T | undefined {
    const row = this.db.prepare(`SELECT value FROM settings WHERE key = ?`).get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  private write(key: string, value: unknown): void {
    this.db
      .prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(key, JSON.stringify(value));
  }

  preferences(): Preferences {
    return { ...DEFAULT_PREFERENCES, ...(this.read<Partial<Preferences>>('preferences') ?? {}) };
  }

  updatePreferences(patch: Partial<Preferences>): Preferences {
    const next = { ...this.preferences(), ...patch };
    if (next.lockMinutes <= next.lockWarningMinutes) {
      throw new AppError('BAD_INPUT', 'El bloqueo debe ocurrir después del aviso de inactividad.', { field: 'lockMinutes' });
    }
    this.write('preferences', next);
    return next;
  }

  /** A generic JSON value for a domain's own settings (trust anchors, certificate list...). */
  get<T>(key: string): T | undefined {
    return this.read<T>(`x:${key}`);
  }
  set(key: string, value: unknown): void {
    this.write(`x:${key}`, value);
  }

  activeProfileId(): string {
    const id = this.read<string>('activeProfile');
    if (id && this.profileRow(id)) return id;
    return SANDBOX_PROFILE_ID;
  }

  private profileRow(id: string): ProfileRow | undefined {
    return this.db.prepare(`SELECT * FROM backend_profiles WHERE id = ?`).get(id) as ProfileRow | undefined;
  }

  async listProfiles(): Promise<BackendProfile[]> {
    const rows = this.db.prepare(`SELECT * FROM backend_profiles ORDER BY builtin DESC, name`).all() as ProfileRow[];
    const active = this.activeProfileId();
    const out: BackendProfile[] = [];
    for (const r of rows) out.push(await this.toProfile(r, active));
    return out;
  }

  async profile(id: string): Promise<BackendProfile> {
    const row = this.profileRow(id);
    if (!row) throw new AppError('NOT_FOUND', `No existe el perfil de servidor «${id}».`, { id });
    return this.toProfile(row, this.activeProfileId());
  }

  private async toProfile(r: ProfileRow, active: string): Promise<BackendProfile> {
    // The built-in sandbox gets its credentials from the embedded server; no keychain entry is needed.
    const hasSecret = r.builtin ? true : (await this.secrets.get(secretAccounts.backendSecret(r.id)).catch(() => null)) !== null;
    return {
      id: r.id,
      name: r.name,
      baseUrl: r.base_url,
      clientId: r.client_id,
      authScheme: r.auth_scheme,
      builtin: r.builtin === 1,
      hasSecret,
      active: r.id === active,
    };
  }

  async saveProfile(id: string | undefined, input: ProfileInput): Promise<BackendProfile> {
    if (id === SANDBOX_PROFILE_ID) throw new AppError('PROFILE_BUILTIN', 'El perfil del sandbox integrado no se puede modificar.');
    const profileId = id ?? crypto.randomUUID();
    if (id && !this.profileRow(id)) throw new AppError('NOT_FOUND', `No existe el perfil de servidor «${id}».`, { id });
    if (!id && input.authScheme === 'basic' && !input.clientSecret) {
      throw new AppError('BAD_INPUT', 'Ingrese el client secret del perfil.', { field: 'clientSecret' });
    }
    // The secret first: if the keychain refuses, no half-configured profile is left behind.
    if (input.clientSecret) await this.secrets.set(secretAccounts.backendSecret(profileId), input.clientSecret);
    this.db
      .prepare(
        `INSERT INTO backend_profiles (id, name, base_url, client_id, auth_scheme, builtin, created_at)
         VALUES (@id, @name, @baseUrl, @clientId, @authScheme, 0, @at)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url,
           client_id = excluded.client_id, auth_scheme = excluded.auth_scheme`,
      )
      .run({
        id: profileId,
        name: input.name,
        baseUrl: input.baseUrl,
        clientId: input.clientId,
        authScheme: input.authScheme,
        at: new Date().toISOString(),
      });
    return this.profile(profileId);
  }

  async removeProfile(id: string): Promise<void> {
    const row = this.profileRow(id);
    if (!row) throw new AppError('NOT_FOUND', `No existe el perfil de servidor «${id}».`, { id });
    if (row.builtin) throw new AppError('PROFILE_BUILTIN', 'El perfil del sandbox integrado no se puede eliminar.');
    await this.secrets.delete(secretAccounts.backendSecret(id));
    this.db.prepare(`DELETE FROM backend_profiles WHERE id = ?`).run(id);
    if (this.read<string>('activeProfile') === id) this.write('activeProfile', SANDBOX_PROFILE_ID);
  }

  async activateProfile(id: string): Promise<BackendProfile> {
    if (!this.profileRow(id)) throw new AppError('NOT_FOUND', `No existe el perfil de servidor «${id}».`, { id });
    this.write('activeProfile', id);
    return this.profile(id);
  }

  /** The secret of a profile, for the backend client only; never sent to the UI. */
  async profileSecret(id: string): Promise<string | null> {
    return this.secrets.get(secretAccounts.backendSecret(id));
  }
}
