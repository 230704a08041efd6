import { useCallback, useEffect, useState } from 'react';
import { Field } from '../../components/Field';
import type { ComposeOutputs, DraftSummaryView } from '../../../src-main/api/compose';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';

export type DraftContent = {
  draft: Record<string, unknown>;
  attachments: { group: number; path: string; name: string }[];
};

/**
 * Saved drafts: save what is being composed (its attachments as snapshots, kept even if the originals change),
 * list them, open one into Redactar, delete one. The autosave of the message in progress is separate.
 */
export function DraftsPanel({
  current,
  openId,
  onOpen,
}: {
  current: () => DraftContent;
  openId: string | null;
  onOpen: (opened: ComposeOutputs['compose.drafts.open']) => void;
}) {
  const { t, fmt } = useI18n();
  const [drafts, setDrafts] = useState<DraftSummaryView[]>([]);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const r = await call('compose.drafts.list', {});
    if (r.ok) setDrafts(r.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const save = async () => {
    setBusy(true);
    const c = current();
    const r = await call('compose.drafts.save', {
      ...(openId ? { id: openId } : {}),
      ...(name.trim() ? { name: name.trim() } : {}),
      draft: c.draft,
      attachments: c.attachments,
    });
    setBusy(false);
    if (!r.ok) return setMessage({ kind: 'error', text: errorText(t, r.error) });
    setMessage({ kind: 'ok', text: t('compose.drafts.saved', { name: r.value.name, count: r.value.attachments }) });
    setName('');
    await load();
  };
  const open = async (id: string) => {
    const r = await call('compose.drafts.open', { id });
    if (!r.ok) return setMessage({ kind: 'error', text: errorText(t, r.error) });
    onOpen(r.value);
    setMessage(
      r.value.lost.length
        ? { kind: 'error', text: t('compose.drafts.lost', { names: r.value.lost.join(', ') }) }
        : { kind: 'ok', text: t('compose.drafts.opened', { name: r.value.name }) },
    );
  };
  const remove = async (id: string) => {
    const r = await call('compose.drafts.remove', { id });
    if (!r.ok) return setMessage({ kind: 'error', text: errorText(t, r.error) });
    await load();
  };

  return (
    <details className="panel templates" data-testid="drafts">
      <summary>{t('compose.drafts.title', { count: drafts.length })}</summary>
      <div className="inline-form">
        <Field label={t('compose.drafts.name')}>
          {(c) => <input {...c} value={name} onChange={(e) => setName(e.target.value)} data-testid="draft-name" />}
        </Field>
        <button type="button" disabled={busy} onClick={() => void save()} data-testid="draft-save">
          {openId ? t('compose.drafts.update') : t('compose.drafts.save')}
        </button>
      </div>
      {drafts.length > 0 && (
        <ul className="drafts-list" data-testid="drafts-list">
          {drafts.map((d) => (
            <li key={d.id} data-testid="draft-item">
              <span className="subject">{d.name}</span>{' '}
              <span className="hint">
                {fmt.dateTime(d.updatedAt)} · {t('compose.drafts.attachments', { count: d.attachments })}
              </span>{' '}
              <button type="button" onClick={() => void open(d.id)} data-testid="draft-open">
                {t('compose.drafts.open')}
              </button>{' '}
              <button type="button" onClick={() => void remove(d.id)} data-testid="draft-remove">
                {t('compose.drafts.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'alert alert-error' : 'hint'}>
          {message.text}
        </p>
      )}
    </details>
  );
}
