/**
 * Issue 13, a real lock: the app password is kept only as a scrypt hash; while locked the core refuses the
 * renderer's calls; after a lock a remembered certificate password is used only after the user types it again.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers, dispatch } from '../../src-main/services';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { tempCore } from '../helpers/temp-home';

const demo = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'demo-firmante.p12');

describe('the app lock', () => {
  it('stores only a scrypt hash, refuses renderer calls while locked, and needs consent for remembered passwords', async () => {
    const env = tempCore({ shell: 'browser' });
    const table = createHandlers();
    const ui = (method: string, input: unknown) => dispatch(table, env.core, method, input, { fromRenderer: true });
    try {
      expect(await ui('lock.status', {})).toEqual({ ok: true, value: { hasPassword: false, locked: false } });
      expect((await ui('lock.setPassword', { password: 'clave-1234' })).ok).toBe(true);
      const stored = JSON.stringify(env.core.db.prepare(`SELECT key, value FROM settings`).all());
      expect(stored).not.toContain('clave-1234');
      expect(stored).toMatch(/scrypt\$32768\$8\$1\$/);
      // Changing it needs the current password.
      expect(await ui('lock.setPassword', { password: 'otra-clave' })).toMatchObject({
        ok: false,
        error: { code: 'LOCK_PASSWORD_EXISTS' },
      });

      const cert = await ui('sign.certificates.add', { p12Path: demo, password: 'demo1234', rememberPassword: true });
      expect(cert.ok).toBe(true);
      const certificateId = (cert as { value: { id: string } }).value.id;
      const pdf = writePlainPdf(path.join(env.home, 'a.pdf'));
      const sign = (password?: string) =>
        ui('sign.start', { files: [pdf], outDir: env.home, certificate: { certificateId, ...(password ? { password } : {}) } });
      expect((await sign()).ok).toBe(true);

      await ui('lock.lock', {});
      expect(await ui('audit.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
      expect(await ui('sign.start', { files: [pdf], certificate: { certificateId } })).toMatchObject({
        ok: false,
        error: { code: 'LOCKED' },
      });
      expect(await ui('lock.unlock', { password: 'mala-clave' })).toMatchObject({ ok: false, error: { code: 'LOCK_BAD_PASSWORD' } });
      expect(await ui('lock.status', {})).toMatchObject({ ok: true, value: { locked: true } });
      expect(await ui('lock.unlock', { password: 'clave-1234' })).toMatchObject({ ok: true, value: { locked: false } });

      // The remembered password is not used until the user types it once (consent), then again as before.
      expect(await sign()).toMatchObject({ ok: false, error: { code: 'SIGN_CONSENT_REQUIRED' } });
      expect((await sign('demo1234')).ok).toBe(true);
      expect((await sign()).ok).toBe(true);
      const actions = env.core.audit.list({ limit: 100 }).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['session.password.set', 'session.lock', 'session.unlock.failed', 'session.unlock']));
    } finally {
      await env.cleanup();
    }
  });
});
