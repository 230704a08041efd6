import { useId, useState } from 'react';
import { ScreenHeader } from '../../components/ScreenHeader';
import { useI18n } from '../../i18n';

/** The backend's limit for a subject (ERR026). */
const SUBJECT_MAX = 150;

export function ComposeScreen() {
  const { t } = useI18n();
  const [type, setType] = useState<'NT' | 'CP' | 'CI'>('NT');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const ids = { type: useId(), subject: useId(), counter: useId(), body: useId() };
  return (
    <section aria-labelledby="screen-title" data-testid="screen-compose">
      <ScreenHeader title={t('compose.title')} intro={t('compose.intro')} />
      <div className="field">
        <label htmlFor={ids.type}>{t('compose.type')}</label>
        <select id={ids.type} value={type} onChange={(e) => setType(e.target.value as typeof type)}>
          <option value="NT">{t('compose.typeNT')}</option>
          <option value="CP">{t('compose.typeCP')}</option>
          <option value="CI">{t('compose.typeCI')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.subject}>{t('compose.subject')}</label>
        <input
          id={ids.subject}
          type="text"
          maxLength={SUBJECT_MAX}
          value={subject}
          aria-describedby={ids.counter}
          onChange={(e) => setSubject(e.target.value)}
        />
        <span id={ids.counter} className="hint" aria-live="polite">
          {t('compose.subjectCounter', { count: subject.length, max: SUBJECT_MAX })}
        </span>
      </div>
      <div className="field">
        <label htmlFor={ids.body}>{t('compose.body')}</label>
        <textarea id={ids.body} rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      <p className="note">{t('compose.pending')}</p>
    </section>
  );
}
