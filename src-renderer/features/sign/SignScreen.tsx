import { useState } from 'react';
import { ScreenHeader } from '../../components/ScreenHeader';
import { useI18n } from '../../i18n';

export function SignScreen() {
  const { t } = useI18n();
  const [role, setRole] = useState<'firma' | 'visa'>('firma');
  return (
    <section aria-labelledby="screen-title" data-testid="screen-sign">
      <ScreenHeader title={t('sign.title')} intro={t('sign.intro')} />
      <fieldset className="field">
        <legend>{t('sign.roleLabel')}</legend>
        <label className="radio">
          <input type="radio" name="role" value="firma" checked={role === 'firma'} onChange={() => setRole('firma')} />
          {t('sign.roleFirma')}
        </label>
        <label className="radio">
          <input type="radio" name="role" value="visa" checked={role === 'visa'} onChange={() => setRole('visa')} />
          {t('sign.roleVisa')}
        </label>
      </fieldset>
      <p className="note">{t('sign.pending')}</p>
    </section>
  );
}
