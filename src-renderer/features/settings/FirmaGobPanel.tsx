import { useEffect, useRef, useState } from 'react';
import { signMethods } from '../../../src-main/api/sign';
import { call } from '../../api';
import { useCoreQuery } from '../../lib/useCoreQuery';
import { validate } from '../../lib/validate';
import { errorText, useI18n } from '../../i18n';
import { Field } from '../../components/Field';

type Purpose = 'Desatendido' | 'Propósito General';

/** FirmaGob (Chile): the institution's entity, API key and secret (to the OS keychain) and the official's RUN. */
export function FirmaGobPanel() {
  const { t } = useI18n();
  const [baseUrl, setBaseUrl] = useState('https://api.firma.cert.digital.gob.cl');
  const [entity, setEntity] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [run, setRun] = useState('');
  const [officialName, setOfficialName] = useState('');
  const [purpose, setPurpose] = useState<Purpose>('Desatendido');
  const [hasSecret, setHasSecret] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const stored = useCoreQuery('sign.firmagob.get', {});
  const load = stored.reload;
  /** Set when the user edits a field, cleared by a save: a read answered late must not replace what they typed. */
  const edited = useRef(false);
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      edited.current = true;
      set(v);
    };
  // The saved settings fill the form each time they are (re)read, unless the user is already editing it.
  useEffect(() => {
    if (stored.error) return setMessage({ ok: false, text: errorText(t, stored.error) });
    if (!stored.data) return;
    setHasSecret(stored.data.hasSecret);
    const s = stored.data.settings;
    if (!s || edited.current) return;
    setBaseUrl(s.baseUrl);
    setEntity(s.entity);
    setApiKey(s.apiKey);
    setRun(s.run);
    setOfficialName(s.officialName ?? '');
    setPurpose(s.purpose);
  }, [stored.data, stored.error, t]);
  const save = async () => {
    // The contract's schema first: its problems in the user's language, nothing sent.
    const checked = validate(
      signMethods['sign.firmagob.save'].input,
      { baseUrl, entity, apiKey, run, purpose, ...(officialName ? { officialName } : {}), ...(secret ? { secret } : {}) },
      t,
    );
    if (!checked.ok) return setMessage({ ok: false, text: checked.text });
    const r = await call('sign.firmagob.save', checked.value);
    setSecret('');
    if (!r.ok) return setMessage({ ok: false, text: errorText(t, r.error) });
    setMessage({ ok: true, text: t('settings.firmagob.saved') });
    edited.current = false;
    await load();
  };
  return (
    <section className="panel" aria-labelledby="firmagob-title" data-testid="firmagob-panel">
      <h3 id="firmagob-title">{t('settings.firmagob.title')}</h3>
      <p className="hint">{t('settings.firmagob.intro')}</p>
      <p className="hint">{t('settings.firmagob.simulatorHint')}</p>
      <div className="inline-form">
        <Field label={t('settings.firmagob.url')}>
          {(c) => <input {...c} type="url" value={baseUrl} onChange={(e) => edit(setBaseUrl)(e.target.value.trim())} />}
        </Field>
        <Field label={t('settings.firmagob.entity')}>
          {(c) => <input {...c} value={entity} onChange={(e) => edit(setEntity)(e.target.value)} />}
        </Field>
        <Field label={t('settings.firmagob.apiKey')}>
          {(c) => <input {...c} value={apiKey} onChange={(e) => edit(setApiKey)(e.target.value.trim())} />}
        </Field>
        <Field label={t('settings.firmagob.secret')}>
          {(c) => (
            <input
              {...c}
              type="password"
              autoComplete="off"
              value={secret}
              placeholder={hasSecret ? t('settings.firmagob.secretKept') : ''}
              onChange={(e) => setSecret(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('settings.firmagob.run')}>
          {(c) => <input {...c} inputMode="numeric" value={run} onChange={(e) => edit(setRun)(e.target.value.replace(/\D/g, ''))} />}
        </Field>
        <Field label={t('settings.firmagob.officialName')}>
          {(c) => <input {...c} value={officialName} onChange={(e) => edit(setOfficialName)(e.target.value)} />}
        </Field>
        <Field label={t('settings.firmagob.purpose')}>
          {(c) => (
            <select {...c} value={purpose} onChange={(e) => edit(setPurpose)(e.target.value as Purpose)}>
              <option value="Desatendido">{t('settings.firmagob.unattended')}</option>
              <option value="Propósito General">{t('settings.firmagob.attended')}</option>
            </select>
          )}
        </Field>
      </div>
      <div className="actions-row">
        <button type="button" onClick={() => void save()} disabled={!entity || !apiKey || !run} data-testid="firmagob-save">
          {t('settings.firmagob.save')}
        </button>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'hint' : 'error'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
