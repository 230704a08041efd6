import { useState, type FormEvent } from 'react';
import { profileInputSchema } from '../../../src-main/api/settings';
import { call } from '../../api';
import { Field } from '../../components/Field';
import { TableHead } from '../../components/TableHead';
import { errorText, useI18n } from '../../i18n';
import { useCoreQuery } from '../../lib/useCoreQuery';
import { validate } from '../../lib/validate';

export function ProfilesPanel() {
  const { t } = useI18n();
  const list = useCoreQuery('profiles.list', {}, { refreshOn: ['profiles'] });
  const profiles = list.data ?? [];
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (list.error ? errorText(t, list.error) : null);
  const [form, setForm] = useState({ name: '', baseUrl: '', clientId: '', clientSecret: '' });
  const load = list.reload;

  const act = async (p: Promise<{ ok: boolean; error?: { code: string; message: string } }>) => {
    const r = await p;
    if (!r.ok && r.error) setError(errorText(t, r.error));
    else setError(null);
    await load();
    return r.ok;
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    // The contract's schema first (an http:// address to another machine is refused here, in the user's language).
    const checked = validate(profileInputSchema, { ...form, authScheme: 'basic' }, t);
    if (!checked.ok) return setError(checked.text);
    const ok = await act(call('profiles.save', { profile: checked.value }));
    // The secret is dropped from memory as soon as the core has it.
    if (ok) setForm({ name: '', baseUrl: '', clientId: '', clientSecret: '' });
    else setForm((f) => ({ ...f, clientSecret: '' }));
  };

  return (
    <section className="panel" aria-labelledby="profiles-title">
      <h3 id="profiles-title">{t('settings.profiles')}</h3>
      <p className="hint">{t('settings.profilesIntro')}</p>
      <table className="table" data-testid="profiles-table">
        <TableHead columns={[t('settings.profileName'), t('settings.profileUrl'), t('settings.profileClientId')]} actions />
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
      <form className="inline-form" onSubmit={(e) => void add(e)} autoComplete="off" data-testid="profiles-form">
        <Field label={t('settings.profileName')}>
          {(c) => <input {...c} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <Field label={t('settings.profileUrl')}>
          {(c) => (
            <input
              {...c}
              type="url"
              required
              placeholder="https://"
              value={form.baseUrl}
              onChange={(e) => setForm({ ...form, baseUrl: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('settings.profileClientId')}>
          {(c) => <input {...c} required value={form.clientId} onChange={(e) => setForm({ ...form, clientId: e.target.value })} />}
        </Field>
        <Field label={t('settings.profileSecret')}>
          {(c) => (
            <input
              {...c}
              type="password"
              required
              value={form.clientSecret}
              onChange={(e) => setForm({ ...form, clientSecret: e.target.value })}
            />
          )}
        </Field>
        <button type="submit">{t('settings.profileAdd')}</button>
      </form>
      {error && (
        <p role="alert" className="alert alert-error" data-testid="profiles-error">
          {error}
        </p>
      )}
    </section>
  );
}
