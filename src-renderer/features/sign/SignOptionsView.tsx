import { useId } from 'react';
import { useI18n } from '../../i18n';
import { LongTermSection } from './LongTermSection';
import type { SignOptions } from './signSession';

/** Firma or V°B°: the role of the signature. */
export function SignRoleView({ role, onChange }: { role: SignOptions['role']; onChange: (patch: Partial<SignOptions>) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="field">
      <legend>{t('sign.roleLabel')}</legend>
      <label className="radio">
        <input type="radio" name="role" value="firma" checked={role === 'firma'} onChange={() => onChange({ role: 'firma' })} />
        {t('sign.roleFirma')}
      </label>
      <label className="radio">
        <input
          type="radio"
          name="role"
          value="visto-bueno"
          checked={role === 'visto-bueno'}
          onChange={() => onChange({ role: 'visto-bueno' })}
        />
        {t('sign.roleVisa')}
      </label>
    </fieldset>
  );
}

/** The texts of the stamp, where it goes (page, every page for a V°B°, invisible), the level and the style. */
export function SignOptionsView({
  options: o,
  pages,
  onChange,
}: {
  options: SignOptions;
  pages: number;
  onChange: (patch: Partial<SignOptions>) => void;
}) {
  const { t } = useI18n();
  const ids = { reason: useId(), cargo: useId(), place: useId(), page: useId() };
  return (
    <>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={ids.reason}>{t('sign.reason')}</label>
          <input
            id={ids.reason}
            value={o.reason}
            onChange={(e) => onChange({ reason: e.target.value })}
            placeholder={o.role === 'firma' ? t('sign.reasonFirma') : t('sign.reasonVisa')}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.cargo}>{t('sign.cargo')}</label>
          <input id={ids.cargo} value={o.cargo} onChange={(e) => onChange({ cargo: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={ids.place}>{t('sign.place')}</label>
          <input id={ids.place} value={o.place} onChange={(e) => onChange({ place: e.target.value })} />
        </div>
      </div>
      <div className="inline-form">
        <label className="radio">
          <input type="checkbox" checked={o.invisible} onChange={(e) => onChange({ invisible: e.target.checked })} />
          {t('sign.invisible')}
        </label>
        {o.role === 'visto-bueno' && (
          <label className="radio">
            <input type="checkbox" checked={o.everyPage} onChange={(e) => onChange({ everyPage: e.target.checked })} />
            {t('sign.everyPage')}
          </label>
        )}
        <div className="field">
          <label htmlFor={ids.page}>{t('sign.page')}</label>
          <select
            id={ids.page}
            value={String(o.page)}
            onChange={(e) => onChange({ page: e.target.value === 'last' ? 'last' : Number(e.target.value) })}
          >
            <option value="last">{t('sign.lastPage')}</option>
            {Array.from({ length: Math.min(Math.max(pages, typeof o.page === 'number' ? o.page : 1), 500) }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                {i + 1}
              </option>
            ))}
          </select>
        </div>
      </div>
      <LongTermSection
        level={o.level}
        onLevel={(level) => onChange({ level })}
        tsaUrl={o.tsaUrl}
        onTsaUrl={(tsaUrl) => onChange({ tsaUrl })}
        style={o.style}
        onStyle={(style) => onChange({ style })}
      />
    </>
  );
}
