import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReportSettingsInfo } from '../../../src-main/api/verify';
import { call, pathForFile } from '../../api';
import { errorText, useI18n } from '../../i18n';
import { Field } from '../../components/Field';

/**
 * The verification report's header: the institution's name and logo (PNG or JPEG; the core checks it and keeps a
 * copy in the data folder). Used by "Exportar informe PDF" in Verificar and by `casilla verify --report`.
 */
export function ReportPanel() {
  const { t } = useI18n();
  const [info, setInfo] = useState<ReportSettingsInfo | null>(null);
  const [institution, setInstitution] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  /** Set once the user types: a slower first answer of the core must not replace what they wrote. */
  const edited = useRef(false);
  const load = useCallback(async () => {
    const r = await call('verify.reportSettings.get', {});
    if (!r.ok) return setMessage({ ok: false, text: errorText(t, r.error) });
    setInfo(r.value);
    if (!edited.current) setInstitution(r.value.institution);
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);
  const done = (r: Awaited<ReturnType<typeof call<'verify.reportSettings.update'>>>) => {
    if (!r.ok) return setMessage({ ok: false, text: errorText(t, r.error) });
    setInfo(r.value);
    setInstitution(r.value.institution);
    setMessage({ ok: true, text: t('verify.reportSettings.saved') });
  };
  const saveName = async () => done(await call('verify.reportSettings.update', { institution }));
  const pickLogo = async (file: File | undefined) => {
    if (!file) return;
    const up = await pathForFile(file);
    if (!up.ok) return setMessage({ ok: false, text: errorText(t, up.error) });
    done(await call('verify.reportSettings.update', { logoPath: up.value.path }));
  };
  const removeLogo = async () => done(await call('verify.reportSettings.update', { logoPath: null }));
  return (
    <section className="panel" aria-labelledby="report-settings-title" data-testid="report-panel">
      <h3 id="report-settings-title">{t('verify.reportSettings.title')}</h3>
      <p className="hint">{t('verify.reportSettings.intro')}</p>
      <div className="inline-form">
        <Field label={t('verify.reportSettings.institution')}>
          {(c) => (
            <input
              {...c}
              maxLength={120}
              value={institution}
              onChange={(e) => {
                edited.current = true;
                setInstitution(e.target.value);
              }}
              data-testid="report-institution"
            />
          )}
        </Field>
        <button
          type="button"
          onClick={() => void saveName()}
          disabled={institution === (info?.institution ?? '')}
          data-testid="report-save"
        >
          {t('settings.save')}
        </button>
      </div>
      <p data-testid="report-logo-state">
        {info?.logo
          ? t('verify.reportSettings.logoSet', { name: info.logo.name, width: info.logo.width, height: info.logo.height })
          : t('verify.reportSettings.logoNone')}
      </p>
      <div className="inline-form">
        <Field label={t('verify.reportSettings.logoPick')}>
          {(c) => (
            <input
              {...c}
              type="file"
              accept="image/png,image/jpeg,.png,.jpg,.jpeg"
              data-testid="report-logo"
              onChange={(e) => {
                void pickLogo(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
          )}
        </Field>
        {info?.logo && (
          <button type="button" className="danger" onClick={() => void removeLogo()} data-testid="report-logo-remove">
            {t('verify.reportSettings.logoRemove')}
          </button>
        )}
      </div>
      {message && (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={message.ok ? 'alert alert-ok' : 'alert alert-error'}
          data-testid="report-message"
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
