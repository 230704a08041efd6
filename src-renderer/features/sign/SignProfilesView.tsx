import { useId, useState } from 'react';
import { signingProfileSchema, type NotAppliedParam, type SigningProfile } from '../../../src-main/api/sign-profiles';
import { useI18n } from '../../i18n';
import { Field } from '../../components/Field';

/**
 * Saved signing profiles: choosing one fills the options (which stay editable), "guardar como perfil" keeps the
 * current options under a name, and Firma Perú's parameter JSON can be imported as a new profile, with a note of
 * the parameters the app does not apply.
 */
export function SignProfilesView({
  profiles,
  selected,
  saved,
  imported,
  onSelect,
  onSave,
  onImport,
}: {
  profiles: SigningProfile[];
  selected: string | null;
  saved: string | null;
  imported: { name: string; notApplied: NotAppliedParam[] } | null;
  onSelect: (id: string) => void;
  onSave: (name: string) => void;
  onImport: (file: File | undefined) => void;
}) {
  const { t } = useI18n();
  const ids = { select: useId() };
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const current = profiles.find((p) => p.id === selected);
  return (
    <section className="panel" aria-labelledby={`${ids.select}-title`} data-testid="sign-profiles">
      <h3 id={`${ids.select}-title`}>{t('sign.profiles.title')}</h3>
      <div className="inline-form">
        <Field label={t('sign.profiles.choose')}>
          {(c) => (
            <select {...c} value={selected ?? ''} onChange={(e) => onSelect(e.target.value)} data-testid="sign-profile">
              <option value="">{t('sign.profiles.none')}</option>
              {profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {!saving && (
          <button
            type="button"
            onClick={() => {
              setName(current?.name ?? '');
              setSaving(true);
            }}
            data-testid="sign-profile-save-open"
          >
            {t('sign.profiles.saveAs')}
          </button>
        )}
        <Field label={t('sign.profiles.import')}>
          {(c) => (
            <input
              {...c}
              type="file"
              accept="application/json,.json"
              onChange={(e) => {
                onImport(e.target.files?.[0]);
                e.target.value = '';
              }}
              data-testid="sign-profile-import"
            />
          )}
        </Field>
      </div>
      {saving && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!name.trim()) return;
            onSave(name);
            setSaving(false);
          }}
        >
          <Field label={t('sign.profiles.name')}>
            {(c) => (
              <input
                {...c}
                value={name}
                maxLength={signingProfileSchema.shape.name.maxLength ?? undefined}
                onChange={(e) => setName(e.target.value)}
                data-testid="sign-profile-name"
              />
            )}
          </Field>
          <button type="submit" className="primary" disabled={!name.trim()} data-testid="sign-profile-save">
            {t('sign.profiles.save')}
          </button>
          <button type="button" onClick={() => setSaving(false)}>
            {t('sign.profiles.cancel')}
          </button>
        </form>
      )}
      {saved && (
        <p role="status" className="hint" data-testid="sign-profile-saved">
          {t('sign.profiles.saved', { name: saved })}
        </p>
      )}
      {imported && (
        <div role="status" className="hint" data-testid="sign-profile-imported">
          <p>{t('sign.profiles.imported', { name: imported.name })}</p>
          {imported.notApplied.length > 0 && (
            <>
              <p>{t('sign.profiles.notApplied')}</p>
              <ul>
                {imported.notApplied.map((n) => (
                  <li key={n.key}>
                    <code>{n.key}</code>: {t(`sign.profiles.why.${n.why}`)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
