import { useState } from 'react';
import type { AuditVerification } from '../../../src-main/api/audit';
import { call } from '../../api';
import { useCoreQuery } from '../../lib/useCoreQuery';
import { errorText, useI18n, type T } from '../../i18n';

export function AuditPanel() {
  const { t, fmt } = useI18n();
  // Every change a user makes is audited: the list follows the topics the core announces.
  const list = useCoreQuery('audit.list', { limit: 50 }, { refreshOn: ['settings', 'profiles', 'certificates', 'trust', 'outbox'] });
  const entries = list.data ?? [];
  const load = list.reload;
  const [check, setCheck] = useState<AuditVerification | null>(null);
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (list.error ? errorText(t, list.error) : null);

  const verify = async () => {
    const r = await call('audit.verify', {});
    if (r.ok) setCheck(r.value);
    else setError(errorText(t, r.error));
    await load();
  };

  return (
    <section className="panel" aria-labelledby="audit-title">
      <h3 id="audit-title">{t('settings.audit')}</h3>
      <button type="button" onClick={() => void verify()} data-testid="audit-verify">
        {t('settings.auditVerify')}
      </button>
      {check && (
        <p role="status" className={check.ok ? 'alert alert-ok' : 'alert alert-error'} data-testid="audit-result">
          {check.ok ? t('settings.auditOk', { count: check.entries }) : t('settings.auditBroken', { id: check.brokenAt })}
        </p>
      )}
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {entries.length === 0 ? (
        <p className="hint">{t('settings.auditEmpty')}</p>
      ) : (
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('settings.auditWhen')}</th>
              <th scope="col">{t('settings.auditActor')}</th>
              <th scope="col">{t('settings.auditAction')}</th>
              <th scope="col">{t('settings.auditSubject')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{e.id}</td>
                <td>{fmt.dateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td>
                  <span data-action={e.action}>{actionText(t, e.action)}</span>
                </td>
                <td>{e.subject ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * The audit action in the user's language ("sign" → "Firma de un documento"); every action the core writes has
 * a text (api/audit AUDIT_ACTIONS, checked by the unit test), so the code shows only for a log of a newer version.
 */
function actionText(t: T, action: string): string {
  const key = `settings.auditActions.${action.replace(/\./g, '_')}`;
  const text = t(key);
  return text === key ? action : text;
}
