import { useCallback, useEffect, useState } from 'react';
import type { MessageTemplateView } from '../../../src-main/api/compose';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';
import { Field } from '../../components/Field';

/**
 * Templates: apply one (subject and body), fill its placeholders ({{nombre}}, {{expediente}}...), or save the
 * current message as a template.
 */
export function TemplatesPanel({
  subject,
  body,
  onApply,
}: {
  subject: string;
  body: string;
  onApply: (subject: string, body: string) => void;
}) {
  const { t } = useI18n();
  const [templates, setTemplates] = useState<MessageTemplateView[]>([]);
  const [name, setName] = useState('');
  const [names, setNames] = useState<string[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await call('compose.templates.list', {});
    if (r.ok) setTemplates(r.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  // The placeholders still in the message, as it changes.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      void call('compose.templates.fill', { subject, body, values: {} }).then((r) => r.ok && setNames(r.value.placeholders));
    }, 300);
    return () => window.clearTimeout(timer);
  }, [subject, body]);

  const apply = (id: string) => {
    const tpl = templates.find((x) => x.id === id);
    if (tpl) onApply(tpl.subject, tpl.body);
  };
  const fill = async () => {
    const r = await call('compose.templates.fill', { subject, body, values });
    if (r.ok) {
      onApply(r.value.subject, r.value.body);
      setValues({});
    }
  };
  const save = async () => {
    const r = await call('compose.templates.save', { name, subject, body });
    setMessage(r.ok ? t('compose.templateSaved', { name: r.value.name }) : errorText(t, r.error));
    if (r.ok) {
      setName('');
      await load();
    }
  };

  return (
    <details className="panel templates" data-testid="templates">
      <summary>{t('compose.templates')}</summary>
      <div className="inline-form">
        {templates.length > 0 && (
          <Field label={t('compose.templateUse')}>
            {(c) => (
              <select {...c} value="" onChange={(e) => apply(e.target.value)} data-testid="template-select">
                <option value="">—</option>
                {templates.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t('compose.templateName')}>
          {(c) => <input {...c} value={name} onChange={(e) => setName(e.target.value)} data-testid="template-name" />}
        </Field>
        <button type="button" disabled={!name.trim() || (!subject && !body)} onClick={() => void save()} data-testid="template-save">
          {t('compose.templateSave')}
        </button>
      </div>
      {names.length > 0 && (
        <div className="inline-form" data-testid="placeholders">
          {names.map((n) => (
            <Field key={n} label={`{{${n}}}`}>
              {(c) => <input {...c} value={values[n] ?? ''} onChange={(e) => setValues({ ...values, [n]: e.target.value })} />}
            </Field>
          ))}
          <button type="button" onClick={() => void fill()} data-testid="placeholders-fill">
            {t('compose.templateFill')}
          </button>
        </div>
      )}
      {message && (
        <p role="status" className="hint">
          {message}
        </p>
      )}
    </details>
  );
}
