import { useI18n } from '../../i18n';
import { LongTermSection } from './LongTermSection';
import { signingProfileSchema } from '../../../src-main/api/sign-profiles';
import type { SignOptions } from './signSession';
import { Field } from '../../components/Field';

const numberOrNull = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** The stamp's image (checked by the core), its text size and line wrap, and the profile's certificate filter. */
export function StampDetailsView({
  options: o,
  onChange,
  onPickImage,
  onRemoveImage,
}: {
  options: SignOptions;
  onChange: (patch: Partial<SignOptions>) => void;
  onPickImage: (file: File | undefined) => void;
  onRemoveImage: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="inline-form" data-testid="stamp-details">
      <Field
        label={t('sign.image.label')}
        after={
          o.image && (
            <p className="hint" data-testid="stamp-image-name">
              {t('sign.image.chosen', { name: o.image.name, width: o.image.width, height: o.image.height })}{' '}
              <button type="button" className="link" onClick={onRemoveImage} data-testid="stamp-image-remove">
                {t('sign.image.remove')}
              </button>
            </p>
          )
        }
      >
        {(c) => (
          <input
            {...c}
            type="file"
            accept="image/png,image/jpeg,.png,.jpg,.jpeg"
            onChange={(e) => {
              onPickImage(e.target.files?.[0]);
              e.target.value = '';
            }}
            data-testid="stamp-image-input"
          />
        )}
      </Field>
      <Field label={t('sign.stampText.size')}>
        {(c) => (
          <input
            {...c}
            type="number"
            min={3}
            max={72}
            value={o.maxFontSize ?? ''}
            onChange={(e) => onChange({ maxFontSize: numberOrNull(e.target.value) })}
            data-testid="stamp-text-size"
          />
        )}
      </Field>
      <Field label={t('sign.stampText.wrap')}>
        {(c) => (
          <input
            {...c}
            type="number"
            min={5}
            max={500}
            value={o.wordWrap ?? ''}
            onChange={(e) => {
              const n = numberOrNull(e.target.value);
              onChange({ wordWrap: n === null ? null : Math.round(n) });
            }}
            data-testid="stamp-word-wrap"
          />
        )}
      </Field>
      <Field label={t('sign.certificateFilter')}>
        {(c) => (
          <input
            {...c}
            value={o.certificateFilter}
            maxLength={signingProfileSchema.shape.certificateFilter.unwrap().maxLength ?? undefined}
            onChange={(e) => onChange({ certificateFilter: e.target.value })}
            data-testid="certificate-filter"
          />
        )}
      </Field>
      {o.template !== null && <p className="hint">{t('sign.stampText.peru')}</p>}
    </div>
  );
}

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
  return (
    <>
      <div className="inline-form">
        <Field label={t('sign.reason')}>
          {(c) => (
            <input
              {...c}
              value={o.reason}
              onChange={(e) => onChange({ reason: e.target.value })}
              placeholder={o.role === 'firma' ? t('sign.reasonFirma') : t('sign.reasonVisa')}
            />
          )}
        </Field>
        <Field label={t('sign.cargo')}>
          {(c) => <input {...c} value={o.cargo} onChange={(e) => onChange({ cargo: e.target.value })} />}
        </Field>
        <Field label={t('sign.place')}>
          {(c) => <input {...c} value={o.place} onChange={(e) => onChange({ place: e.target.value })} />}
        </Field>
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
        <Field label={t('sign.page')}>
          {(c) => (
            <select
              {...c}
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
          )}
        </Field>
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
