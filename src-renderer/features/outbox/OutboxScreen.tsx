import { ScreenHeader } from '../../components/ScreenHeader';
import { useI18n } from '../../i18n';

export function OutboxScreen() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="screen-title" data-testid="screen-outbox">
      <ScreenHeader title={t('outbox.title')} intro={t('outbox.intro')} />
      <p className="note">{t('outbox.empty')}</p>
    </section>
  );
}
