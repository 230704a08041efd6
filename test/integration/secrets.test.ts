import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src-main/core/db/database';
import { KeychainSecretStore, secretAccounts } from '../../src-main/core/secrets/secret-store';
import { createHandlers, dispatch } from '../../src-main/services';
import { tempCore } from '../helpers/temp-home';

// Runs against a real Secret Service (gnome-keyring in a private D-Bus session: scripts/with-keyring.sh).
describe('secrets in the OS keychain', () => {
  const store = new KeychainSecretStore('Casilla Desktop (tests)');
  let env: ReturnType<typeof tempCore>;
  beforeAll(() => {
    env = tempCore({ secrets: store });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('stores, reads and deletes a secret', async () => {
    expect(await store.available()).toEqual({ ok: true });
    await store.set('probe:1', 's3cr3t-ñ');
    expect(await store.get('probe:1')).toBe('s3cr3t-ñ');
    expect(await store.delete('probe:1')).toBe(true);
    expect(await store.get('probe:1')).toBeNull();
  });

  it('keeps a backend profile secret in the keychain and nowhere in the database or the audit log', async () => {
    const secret = 'client-secret-' + Math.random().toString(36).slice(2);
    const table = createHandlers();
    const saved = await dispatch(table, env.core, 'profiles.save', {
      profile: { name: 'Producción', baseUrl: 'https://casilla.example.gob.cl', clientId: 'inst-42', clientSecret: secret },
    });
    expect(saved.ok).toBe(true);
    const profile = (saved as { ok: true; value: { id: string; hasSecret: boolean } }).value;
    expect(profile.hasSecret).toBe(true);
    expect(await store.get(secretAccounts.backendSecret(profile.id))).toBe(secret);
    // Nothing on disk holds it: not the database, not its WAL.
    env.core.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of fs.readdirSync(env.home)) {
      const p = path.join(env.home, f);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p).includes(Buffer.from(secret))).toBe(false);
    }
    expect(fs.existsSync(path.join(env.home, DB_FILE))).toBe(true);
    const audit = env.core.audit.list({ action: 'settings.profile.save' });
    expect(JSON.stringify(audit)).not.toContain(secret);
    // The list the UI gets never carries the secret either.
    const listed = await dispatch(table, env.core, 'profiles.list', {});
    expect(JSON.stringify(listed)).not.toContain(secret);
    // Removing the profile removes its secret.
    expect((await dispatch(table, env.core, 'profiles.remove', { id: profile.id })).ok).toBe(true);
    expect(await store.get(secretAccounts.backendSecret(profile.id))).toBeNull();
  });

  it('refuses to change or remove the built-in sandbox profile', async () => {
    const table = createHandlers();
    const r = await dispatch(table, env.core, 'profiles.remove', { id: 'sandbox' });
    expect(r).toMatchObject({ ok: false, error: { code: 'PROFILE_BUILTIN' } });
    const list = await dispatch(table, env.core, 'profiles.list', {});
    expect(list).toMatchObject({ ok: true, value: [{ id: 'sandbox', builtin: true, active: true }] });
  });
});
