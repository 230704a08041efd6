import { useId } from 'react';
import { isSecureServiceUrl } from '../../../src-main/api/url-policy';
import { useI18n } from '../../i18n';

export type SignLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
export type StampStyle = 1 | 2 | 3 | 4;

/** The app's one URL policy: https, or http only for this machine (a local TSA). */
export function tsaUrlProblem(url: string): 'invalid' | 'https' | null {
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
  const ids = { level: useId(), tsa: useId(), style: useId() };
  const problem = props.level !== 'B-B' && props.tsaUrl ? tsaUrlProblem(props.tsaUrl) : null;
  return (
    <section className="inline-form" aria-label={t('sign.longTerm.title')}>
      <div className="field">
        <label htmlFor={ids.level}>{t('sign.longTerm.level')}</label>
        <select id={ids.level} value={props.level} onChange={(e) => props.onLevel(e.target.value as SignLevel)} data-testid="sign-level">
          {(['B-B', 'B-T', 'B-LT', 'B-LTA'] as const).map((l) => (
            <option key={l} value={l}>
              {t(`sign.longTerm.levels.${l}`)}
            </option>
          ))}
        </select>
      </div>
      {props.level !== 'B-B' && (
        <div className="field">
          <label htmlFor={ids.tsa}>{t('sign.longTerm.tsa')}</label>
          <input
            id={ids.tsa}
            type="url"
            value={props.tsaUrl}
            placeholder="https://"
            aria-invalid={problem !== null}
            onChange={(e) => props.onTsaUrl(e.target.value.trim())}
            data-testid="sign-tsa-url"
          />
          {problem && (
            <p role="alert" className="error">
              {t(problem === 'https' ? 'sign.longTerm.httpsOnly' : 'sign.longTerm.badUrl')}
            </p>
          )}
        </div>
      )}
      <div className="field">
        <label htmlFor={ids.style}>{t('sign.longTerm.style')}</label>
        <select id={ids.style} value={props.style} onChange={(e) => props.onStyle(Number(e.target.value) as StampStyle)}>
          {([1, 2, 3, 4] as const).map((s) => (
            <option key={s} value={s}>
              {t(`sign.longTerm.styles.s${s}`)}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
