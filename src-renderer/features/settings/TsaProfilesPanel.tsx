import { useCallback, useEffect, useState } from 'react';
import type { TsaProfile, TsaTestResult } from '../../../src-main/api/tsa';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';
import { TsaUrlField } from '../../components/TsaUrlField';
import { tsaUrlProblem } from '../sign/LongTermSection';
import { Field } from '../../components/Field';

type Message = { ok: boolean; text: string };

const FAILURE_KINDS = ['credentials', 'http', 'rejected', 'timeout', 'network', 'invalid', 'url'];

/**
 * Configuración → timestamp servers: saved TSA profiles (name, address, optional user; the password goes to the OS
 * keychain and never comes back), "Probar" on a saved profile or on what is typed, and removal.
 */
export function TsaProfilesPanel() {
  const { t, fmt } = useI18n();
  const [profiles, setProfiles] = useState<TsaProfile[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  const load = useCallback(async () => {
    const r = await call('tsa.list', {});
    if (r.ok) setProfiles(r.value);
    else setMessage({ ok: false, text: errorText(t, r.error) });
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  const reset = () => {
    setEditing(null);
    setName('');
    setUrl('');
    setUsername('');
    setPassword('');
  };
  /** A TSA failure says why (credentials, HTTP status, timeout…) in the user's language. */
  const failure = (error: { code: string; message: string; details?: Record<string, unknown> | undefined }): Message => {
    const kind = error.details?.['kind'];
    if (error.code === 'SIGN_TSA_FAILED' && typeof kind === 'string' && FAILURE_KINDS.includes(kind)) {
      const status = error.details?.['status'];
      return { ok: false, text: t(`settings.tsa.failure.${kind}`, { status: typeof status === 'number' ? status : '?' }) };
    }
    return { ok: false, text: errorText(t, error) };
  };
  const tested = (r: TsaTestResult): Message => ({
    ok: true,
    text: t('settings.tsa.testOk', { tsa: r.tsaName, time: fmt.dateTime(r.time), ms: r.elapsedMs }),
  });
  const run = async (work: () => Promise<Message | null>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage(await work());
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    run(async () => {
      const r = await call('tsa.save', {
        ...(editing ? { id: editing } : {}),
        profile: { name, url, ...(username ? { username } : {}), ...(password ? { password } : {}) },
      });
      setPassword('');
      if (!r.ok) return { ok: false, text: errorText(t, r.error) };
      reset();
      await load();
      return { ok: true, text: t('settings.tsa.saved', { name: r.value.name }) };
    });
  const testTyped = () =>
    run(async () => {
      const r = await call('tsa.test', { url, ...(username ? { username, ...(password ? { password } : {}) } : {}) });
      return r.ok ? tested(r.value) : failure(r.error);
    });
  const testSaved = (p: TsaProfile) =>
    run(async () => {
      const r = await call('tsa.test', { id: p.id });
      return r.ok ? tested(r.value) : failure(r.error);
    });
  const remove = (p: TsaProfile) =>
    run(async () => {
      const r = await call('tsa.remove', { id: p.id });
      if (!r.ok) return { ok: false, text: errorText(t, r.error) };
      if (editing === p.id) reset();
      await load();
      return { ok: true, text: t('settings.tsa.removed', { name: p.name }) };
    });
  const edit = (p: TsaProfile) => {
    setEditing(p.id);
    setName(p.name);
    setUrl(p.url);
    setUsername(p.username ?? '');
    setPassword('');
    setMessage(null);
  };

  const problem = url ? tsaUrlProblem(url) : null;
  const current = profiles.find((p) => p.id === editing);
  return (
    <section className="panel" aria-labelledby="tsa-title" data-testid="tsa-panel">
      <h3 id="tsa-title">{t('settings.tsa.title')}</h3>
      <p className="hint">{t('settings.tsa.intro')}</p>
      {profiles.length === 0 ? (
        <p className="hint">{t('settings.tsa.empty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('settings.tsa.name')}</th>
              <th scope="col">{t('settings.tsa.url')}</th>
              <th scope="col">{t('settings.tsa.user')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('settings.tsa.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {profiles.map((p) => (
              <tr key={p.id} data-testid="tsa-row">
                <td>{p.name}</td>
                <td>{p.url}</td>
                <td>{p.username ? `${p.username}${p.hasPassword ? ` · ${t('settings.tsa.passwordKept')}` : ''}` : '—'}</td>
                <td>
                  <div className="actions-row">
                    <button
                      type="button"
                      onClick={() => void testSaved(p)}
                      disabled={busy}
                      aria-label={t('settings.tsa.testNamed', { name: p.name })}
                    >
                      {t('settings.tsa.test')}
                    </button>
                    <button
                      type="button"
                      onClick={() => edit(p)}
                      disabled={busy}
                      aria-label={t('settings.tsa.editNamed', { name: p.name })}
                    >
                      {t('settings.tsa.edit')}
                    </button>
                    <button
                      type="button"
                      onClick={() => void remove(p)}
                      disabled={busy}
                      aria-label={t('settings.tsa.removeNamed', { name: p.name })}
                    >
                      {t('settings.tsa.remove')}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="inline-form">
        <Field label={t('settings.tsa.name')}>
          {(c) => <input {...c} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="tsa-name" />}
        </Field>
        <TsaUrlField label={t('settings.tsa.url')} value={url} problem={problem} onChange={setUrl} testId="tsa-url" />
        <Field label={t('settings.tsa.user')}>
          {(c) => <input {...c} value={username} autoComplete="off" onChange={(e) => setUsername(e.target.value)} data-testid="tsa-user" />}
        </Field>
        <Field label={t('settings.tsa.password')}>
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="off"
              value={password}
              disabled={!username}
              placeholder={current?.hasPassword ? t('settings.tsa.passwordKeptHint') : ''}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="tsa-password"
            />
          )}
        </Field>
      </div>
      <div className="actions-row">
        <button
          type="button"
          onClick={() => void save()}
          disabled={busy || !name.trim() || !url || problem !== null}
          data-testid="tsa-save"
        >
          {editing ? t('settings.tsa.update') : t('settings.tsa.add')}
        </button>
        <button type="button" onClick={() => void testTyped()} disabled={busy || !url || problem !== null} data-testid="tsa-test-typed">
          {t('settings.tsa.testTyped')}
        </button>
        {editing && (
          <button type="button" onClick={reset} disabled={busy}>
            {t('settings.tsa.cancel')}
          </button>
        )}
      </div>
      {busy && (
        <p role="status" className="hint">
          {t('settings.tsa.testing')}
        </p>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'hint' : 'error'} data-testid="tsa-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
