import { AppError, CommonErrorCodes } from '../../api/result';

/**
 * Where secrets live: backend client secrets and remembered certificate passwords. Only the OS keychain
 * implements it; nothing falls back to a file. Every method fails with `KEYCHAIN_UNAVAILABLE` when the
 * keychain cannot be reached.
 */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Whether the keychain answers at all (for `casilla doctor` and Configuración). */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export const KEYCHAIN_SERVICE = 'Casilla Desktop';

/** Account names used in the keychain, one prefix per kind of secret. */
export const secretAccounts = {
  backendSecret: (profileId: string) => `backend:${profileId}`,
  certificatePassword: (certificateId: string) => `p12:${certificateId}`,
} as const;

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

/** The OS keychain through keytar (Secret Service on Linux, Keychain on macOS, Credential Vault on Windows). */
export class KeychainSecretStore implements SecretStore {
  private keytar: Keytar | null = null;
  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  private async lib(): Promise<Keytar> {
    if (this.keytar) return this.keytar;
    try {
      // Loaded lazily: the native module needs libsecret at run time, and most commands never touch secrets.
      const mod = (await import('keytar')) as unknown as { default?: Keytar } & Keytar;
      this.keytar = mod.default ?? mod;
      return this.keytar;
    } catch (err) {
      throw unavailable(err);
    }
  }

  async get(account: string): Promise<string | null> {
    const k = await this.lib();
    try {
      return await k.getPassword(this.service, account);
    } catch (err) {
      throw unavailable(err);
    }
  }
  async set(account: string, secret: string): Promise<void> {
    const k = await this.lib();
    try {
      await k.setPassword(this.service, account, secret);
    } catch (err) {
      throw unavailable(err);
    }
  }
  async delete(account: string): Promise<boolean> {
    const k = await this.lib();
    try {
      return await k.deletePassword(this.service, account);
    } catch (err) {
      throw unavailable(err);
    }
  }
  async available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.get('__probe__');
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: err instanceof AppError && err.details?.reason ? String(err.details.reason) : String(err) };
    }
  }
}

function unavailable(cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError(
    CommonErrorCodes.keychainUnavailable,
    'No se pudo acceder al llavero del sistema (Secret Service / Keychain). Los secretos no se guardan en otro lugar.',
    { reason },
    { cause },
  );
}
