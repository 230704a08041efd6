import { useState, type FormEvent } from 'react';
import type { AppInfo } from '../../../src-main/api/app';
import type { Preferences } from '../../../src-main/api/settings';
import { call } from '../../api';
import { ScreenHeader } from '../../components/ScreenHeader';
import { errorText, useI18n } from '../../i18n';
import { AuditPanel } from './AuditPanel';
import { CertificatesPanel, TrustAnchorsPanel } from './CertificatesPanel';
import { FirmaGobPanel } from './FirmaGobPanel';
import { ProfilesPanel } from './ProfilesPanel';
import { ReportPanel } from './ReportPanel';
import { TsaProfilesPanel } from './TsaProfilesPanel';
import { Field } from '../../components/Field';

export function SettingsScreen({ prefs, info, onSaved }: { prefs: Preferences; info: AppInfo | null; onSaved: (p: Preferences) => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="screen-title" data-testid="screen-settings">
      <ScreenHeader title={t('settings.title')} />
      <GeneralPanel prefs={prefs} onSaved={onSaved} />
      <ProfilesPanel />
      <CertificatesPanel />
      <FirmaGobPanel />
      <TsaProfilesPanel />
      <TrustAnchorsPanel />
      <ReportPanel />
      <AuditPanel />
      {info && (
        <section className="panel" aria-labelledby="about-title">
          <h3 id="about-title">{t('settings.about')}</h3>
          <p>{t('settings.version', { version: info.version, home: info.home })}</p>
        </section>
      )}
    </section>
  );
}

function GeneralPanel({ prefs, onSaved }: { prefs: Preferences; onSaved: (p: Preferences) => void }) {
  const { t } = useI18n();
  const [warning, setWarning] = useState(String(prefs.lockWarningMinutes));
  const [lock, setLock] = useState(String(prefs.lockMinutes));
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const changeLanguage = async (locale: 'es' | 'en') => {
    const r = await call('settings.update', { locale });
    if (r.ok) onSaved(r.value);
    else setMessage({ kind: 'error', text: errorText(t, r.error) });
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await call('settings.update', { lockWarningMinutes: Number(warning), lockMinutes: Number(lock) });
    if (r.ok) {
      onSaved(r.value);
      setMessage({ kind: 'ok', text: t('settings.saved') });
    } else setMessage({ kind: 'error', text: errorText(t, r.error) });
  };

  return (
    <section className="panel" aria-labelledby="general-title">
      <h3 id="general-title">{t('settings.general')}</h3>
      <Field label={t('settings.language')}>
        {(c) => (
          <select
            {...c}
            data-testid="language-select"
            value={prefs.locale}
            onChange={(e) => void changeLanguage(e.target.value as 'es' | 'en')}
          >
            <option value="es">{t('settings.languageEs')}</option>
            <option value="en">{t('settings.languageEn')}</option>
          </select>
        )}
      </Field>
      <form onSubmit={(e) => void save(e)} className="inline-form">
        <Field label={t('settings.lockWarning')}>
          {(c) => <input {...c} type="number" min={0.05} step="any" value={warning} onChange={(e) => setWarning(e.target.value)} />}
        </Field>
        <Field label={t('settings.lock')}>
          {(c) => <input {...c} type="number" min={0.1} step="any" value={lock} onChange={(e) => setLock(e.target.value)} />}
        </Field>
        <button type="submit" className="primary">
          {t('settings.save')}
        </button>
      </form>
      {message && (
        <p
          role={message.kind === 'error' ? 'alert' : 'status'}
          className={message.kind === 'error' ? 'alert alert-error' : 'alert alert-ok'}
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
