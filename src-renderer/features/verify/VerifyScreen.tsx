import { ScreenHeader } from '../../components/ScreenHeader';
import { useI18n } from '../../i18n';

export function VerifyScreen() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="screen-title" data-testid="screen-verify">
      <ScreenHeader title={t('verify.title')} intro={t('verify.intro')} />
      <p className="note">{t('verify.pending')}</p>
    </section>
  );
}
