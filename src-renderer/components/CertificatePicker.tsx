import { useCallback, useEffect, useState } from 'react';
import type { CertificateChoice } from '../../src-main/api/keys';
import { call } from '../api';
import { errorText, useI18n } from '../i18n';
import { Field } from '../components/Field';

/**
 * Every certificate the user can sign with (remembered files first, then PKCS#11 tokens, smart cards and the NSS
 * store), each with the reason it cannot sign; a blocked one cannot be chosen. Choosing one never skips consent:
 * the screen asks for its password or PIN at every signature. FirmaGob (Chile) is one more choice when it is
 * configured or the built-in simulator is active; its attended purpose asks for the OTP instead. Shared by Firmar
 * and "Firmar y adjuntar".
 */
export function CertificatePicker({
  selected,
  onSelect,
}: {
  selected: string | null;
  onSelect: (choice: CertificateChoice | null) => void;
}) {
  const { t } = useI18n();
  const [list, setList] = useState<CertificateChoice[] | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [modulePath, setModulePath] = useState('');
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (extra: string[] = []) => {
      setLoading(true);
      const r = await call('keys.list', { pkcs11Modules: extra, online: true });
      setLoading(false);
      if (!r.ok) return setProblems([errorText(t, r.error)]);
      setList(r.value.certificates);
      setProblems(r.value.problems.map((p) => `${p.source}: ${errorText(t, p)}`));
    },
    [t],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="cert-picker" data-testid="certificate-picker">
      {list === null && <p className="hint">{t('keys.loading')}</p>}
      {list !== null && list.length === 0 && <p className="hint">{t('keys.none')}</p>}
      {list !== null && list.length > 0 && (
        <div className="cert-choices" role="radiogroup" aria-label={t('keys.choose')}>
          {list.map((c) => {
            const blocked = c.blockers.length > 0;
            return (
              <div key={c.key} className="cert-choice" data-testid="cert-choice" data-blocked={blocked ? 'true' : 'false'}>
                <label className="radio">
                  <input
                    type="radio"
                    name="certificate-choice"
                    value={c.key}
                    disabled={blocked}
                    checked={selected === c.key}
                    onChange={() => onSelect(c)}
                  />
                  <span>
                    {c.remembered && <span aria-label={t('keys.remembered')}>★ </span>}
                    <strong>{c.info.name}</strong> · {t(`keys.source.${c.source}`)} · {c.label}
                    {/* FirmaGob issues its certificate at each signature: there is no validity to show. */}
                    {c.info.validTo !== '' && ` · ${t('keys.validTo', { date: new Date(c.info.validTo).toLocaleDateString() })}`}
                  </span>
                </label>
                {c.blockers.map((b) => (
                  <p key={b.code} className="alert alert-error" data-testid="cert-blocker">
                    {t('keys.cannotSign')} {errorText(t, b)}
                  </p>
                ))}
                {c.warnings.map((w) => (
                  <p key={w.code} className="hint" data-testid="cert-warning">
                    ⚠ {errorText(t, w)}
                  </p>
                ))}
              </div>
            );
          })}
        </div>
      )}
      {selected !== null && (
        <p className="hint">
          <button type="button" className="link" onClick={() => onSelect(null)}>
            {t('keys.useFile')}
          </button>
        </p>
      )}
      <div className="inline-form">
        <Field label={t('keys.module')}>
          {(c) => (
            <input
              {...c}
              value={modulePath}
              placeholder="/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
              onChange={(e) => setModulePath(e.target.value)}
              data-testid="pkcs11-module"
            />
          )}
        </Field>
        <button type="button" disabled={loading} onClick={() => void load(modulePath ? [modulePath] : [])} data-testid="pkcs11-search">
          {loading ? t('keys.loading') : t('keys.search')}
        </button>
      </div>
      {problems.map((p) => (
        <p key={p} className="hint" role="status">
          {p}
        </p>
      ))}
    </div>
  );
}
