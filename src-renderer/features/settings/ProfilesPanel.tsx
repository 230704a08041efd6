import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { BackendProfile } from '../../../src-main/api/settings';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';

export function ProfilesPanel() {
  const { t } = useI18n();
  const [profiles, setProfiles] = useState<BackendProfile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ name: '', baseUrl: '', clientId: '', clientSecret: '' });
  const ids = { name: useId(), url: useId(), id: useId(), secret: useId() };

  const load = useCallback(async () => {
    const r = await call('profiles.list', {});
    if (r.ok) setProfiles(r.value);
    else setError(errorText(t, r.error));
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (p: Promise<{ ok: boolean; error?: { code: string; message: string } }>) => {
    const r = await p;
    if (!r.ok && r.error) setError(errorText(t, r.error));
    else setError(null);
    await load();
    return r.ok;
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await act(call('profiles.save', { profile: { ...form, authScheme: 'basic' } }));
    // The secret is dropped from memory as soon as the core has it.
    if (ok) setForm({ name: '', baseUrl: '', clientId: '', clientSecret: '' });
    else setForm((f) => ({ ...f, clientSecret: '' }));
  };

  return (
    <section className="panel" aria-labelledby="profiles-title">
      <h3 id="profiles-title">{t('settings.profiles')}</h3>
      <p className="hint">{t('settings.profilesIntro')}</p>
      <table className="table" data-testid="profiles-table">
        <thead>
          <tr>
            <th scope="col">{t('settings.profileName')}</th>
            <th scope="col">{t('settings.profileUrl')}</th>
            <th scope="col">{t('settings.profileClientId')}</th>
            <th scope="col">
              <span className="visually-hidden">—</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => (
            <tr key={p.id}>
              <td>
                {p.builtin ? t('settings.embeddedSandbox') : p.name}{' '}
                {p.builtin && <span className="badge">{t('settings.profileBuiltin')}</span>}
              </td>
              <td>{p.builtin ? '127.0.0.1' : p.baseUrl}</td>
              <td>{p.clientId}</td>
              <td className="actions">
                {p.active ? (
                  <span className="badge badge-ok">{t('settings.profileActive')}</span>
                ) : (
                  <button type="button" onClick={() => void act(call('profiles.activate', { id: p.id }))}>
                    {t('settings.profileActivate')}
                  </button>
                )}
                {!p.builtin && (
                  <button type="button" className="danger" onClick={() => void act(call('profiles.remove', { id: p.id }))}>
                    {t('settings.profileRemove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={(e) => void add(e)} autoComplete="off">
        <div className="field">
          <label htmlFor={ids.name}>{t('settings.profileName')}</label>
          <input id={ids.name} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={ids.url}>{t('settings.profileUrl')}</label>
          <input
            id={ids.url}
            type="url"
            required
            placeholder="https://"
            value={form.baseUrl}
            onChange={(e) => setForm({ ...form, baseUrl: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.id}>{t('settings.profileClientId')}</label>
          <input id={ids.id} required value={form.clientId} onChange={(e) => setForm({ ...form, clientId: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={ids.secret}>{t('settings.profileSecret')}</label>
          <input
            id={ids.secret}
            type="password"
            required
            value={form.clientSecret}
            onChange={(e) => setForm({ ...form, clientSecret: e.target.value })}
          />
        </div>
        <button type="submit">{t('settings.profileAdd')}</button>
      </form>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
    </section>
  );
}
