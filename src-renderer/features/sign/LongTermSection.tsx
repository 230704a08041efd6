import { useEffect, useState } from 'react';
import type { TsaProfile } from '../../../src-main/api/tsa';
import { isSecureServiceUrl } from '../../../src-main/api/url-policy';
import { call } from '../../api';
import { TsaUrlField } from '../../components/TsaUrlField';
import { useI18n } from '../../i18n';
import { Field } from '../../components/Field';
import { TSA_PROFILE_PREFIX } from './signSession';

export type SignLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
export type StampStyle = 1 | 2 | 3 | 4;

/** The TSA value of the Firmar screen is a typed address or a saved profile (`perfil:<id>`, see signSession). */
const PROFILE_PREFIX = TSA_PROFILE_PREFIX;

/** The app's one URL policy: https, or http only for this machine (a local TSA). A saved profile passes. */
export function tsaUrlProblem(url: string): 'invalid' | 'https' | null {
  if (url.startsWith(PROFILE_PREFIX) && url.length > PROFILE_PREFIX.length) return null;
  try {
    if (!/^https?:$/.test(new URL(url).protocol)) return 'invalid';
  } catch {
    return 'invalid';
  }
  return isSecureServiceUrl(url) ? null : 'https';
}

/** Firmar: PAdES level (B-LT/B-LTA embed the validation data), the timestamp server, and the stamp style. */
export function LongTermSection(props: {
  level: SignLevel;
  onLevel: (l: SignLevel) => void;
  tsaUrl: string;
  onTsaUrl: (u: string) => void;
  style: StampStyle;
  onStyle: (s: StampStyle) => void;
}) {
  const { t } = useI18n();
  const [profiles, setProfiles] = useState<TsaProfile[] | null>(null);
  const needsTsa = props.level !== 'B-B';
  const { tsaUrl, onTsaUrl } = props;
  useEffect(() => {
    if (!needsTsa || profiles !== null) return;
    void call('tsa.list', {}).then((r) => {
      const list = r.ok ? r.value : [];
      setProfiles(list);
      // The first saved profile is the default until the user picks or types something else.
      if (list[0] && tsaUrl === '') onTsaUrl(PROFILE_PREFIX + list[0].id);
    });
  }, [needsTsa, profiles, tsaUrl, onTsaUrl]);
  const chosenProfile = tsaUrl.startsWith(PROFILE_PREFIX) ? tsaUrl : '';
  const showUrl = needsTsa && !chosenProfile;
  const problem = needsTsa && tsaUrl && !chosenProfile ? tsaUrlProblem(tsaUrl) : null;
  return (
    <section className="inline-form" aria-label={t('sign.longTerm.title')}>
      <Field label={t('sign.longTerm.level')}>
        {(c) => (
          <select {...c} value={props.level} onChange={(e) => props.onLevel(e.target.value as SignLevel)} data-testid="sign-level">
            {(['B-B', 'B-T', 'B-LT', 'B-LTA'] as const).map((l) => (
              <option key={l} value={l}>
                {t(`sign.longTerm.levels.${l}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {needsTsa && profiles !== null && profiles.length > 0 && (
        <Field label={t('sign.longTerm.tsaChoice')}>
          {(c) => (
            <select {...c} value={chosenProfile} onChange={(e) => onTsaUrl(e.target.value)} data-testid="sign-tsa-profile">
              {profiles.map((p) => (
                <option key={p.id} value={PROFILE_PREFIX + p.id}>
                  {p.name} — {p.url}
                </option>
              ))}
              <option value="">{t('sign.longTerm.tsaOther')}</option>
            </select>
          )}
        </Field>
      )}
      {needsTsa && profiles !== null && profiles.length === 0 && <p className="hint">{t('sign.longTerm.tsaNone')}</p>}
      {showUrl && <TsaUrlField label={t('sign.longTerm.tsa')} value={tsaUrl} problem={problem} onChange={onTsaUrl} testId="sign-tsa-url" />}
      <Field label={t('sign.longTerm.style')}>
        {(c) => (
          <select {...c} value={props.style} onChange={(e) => props.onStyle(Number(e.target.value) as StampStyle)}>
            {([1, 2, 3, 4] as const).map((s) => (
              <option key={s} value={s}>
                {t(`sign.longTerm.styles.s${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </section>
  );
}
