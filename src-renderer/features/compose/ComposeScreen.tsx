import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  COMPOSE_LIMITS,
  composeFormSchema,
  perRecipientFields,
  type ComposeOutputs,
  type ProcedureView,
  type SignatureView,
} from '../../../src-main/api/compose';
import { validate } from '../../lib/validate';
import { useCoreQuery } from '../../lib/useCoreQuery';
import { call } from '../../api';
import { ScreenHeader } from '../../components/ScreenHeader';
import { errorText, useI18n } from '../../i18n';
import { DraftsPanel } from './DraftsPanel';
import { emptyGroup, RecipientGroup, type GroupState } from './RecipientGroup';
import { RichTextEditor } from './RichTextEditor';
import { TemplatesPanel } from './TemplatesPanel';
import { Icon } from '../../components/Icon';
import { Field } from '../../components/Field';

/** The backend's limits, from the contract: subject length, groups of one envío. */
const SUBJECT_MAX = COMPOSE_LIMITS.subjectChars;
const MAX_GROUPS = COMPOSE_LIMITS.groups;

type Draft = {
  type: 'NT' | 'CP' | 'CI';
  procedure: string;
  stage: string;
  subject: string;
  body: string;
  signatureUid: string;
};
const EMPTY: Draft = { type: 'CP', procedure: '', stage: '1', subject: '', body: '', signatureUid: '' };

/** The recipient texts of a saved draft: `groups` (one text per group), or the single `recipientsText` of older drafts. */
function draftGroupTexts(saved: Record<string, unknown>): string[] {
  const groups = saved.groups;
  if (Array.isArray(groups)) {
    const texts = groups.filter((g): g is string => typeof g === 'string').slice(0, MAX_GROUPS);
    if (texts.length > 0) return texts;
  }
  return [typeof saved.recipientsText === 'string' ? saved.recipientsText : ''];
}

export function ComposeScreen({ onQueued }: { onQueued?: () => void }) {
  const { t, fmt } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [loaded, setLoaded] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const nextKey = useRef(1);
  const [groups, setGroups] = useState<GroupState[]>([emptyGroup(0)]);
  // Procedures and signatures of the active server: asked again when the server changes (Configuración).
  const institutionQuery = useCoreQuery('compose.institution', { refresh: false }, { refreshOn: ['profiles'] });
  const institution = institutionQuery.data ?? null;
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [openDraftId, setOpenDraftId] = useState<string | null>(null);
  const ids = { body: useId() };

  useEffect(() => {
    void (async () => {
      const d = await call('compose.loadDraft', {});
      if (d.ok && d.value.draft) {
        const fields: Record<string, unknown> = { ...d.value.draft };
        delete fields.groups;
        delete fields.recipientsText;
        setDraft({ ...EMPTY, ...(fields as Partial<Draft>) });
        setGroups(draftGroupTexts(d.value.draft).map((text) => emptyGroup(nextKey.current++, text)));
        setSavedAt(d.value.savedAt);
      }
      setLoaded(true);
    })();
  }, []);

  // Drafts are saved as the user types (debounced), in the core's database: a crash loses nothing typed.
  // Only the groups' recipient texts are kept: attachments point at picked files that may not outlive the session.
  const groupTexts = groups.map((g) => g.recipientsText);
  const groupTextsKey = JSON.stringify(groupTexts);
  useEffect(() => {
    if (!loaded) return;
    const timer = window.setTimeout(() => {
      const saved = { ...draft, groups: JSON.parse(groupTextsKey) as string[] };
      void call('compose.saveDraft', { draft: saved }).then((r) => r.ok && setSavedAt(r.value.savedAt));
    }, 600);
    return () => window.clearTimeout(timer);
  }, [draft, groupTextsKey, loaded]);

  const updateGroup = useCallback((key: number, change: (g: GroupState) => GroupState) => {
    setGroups((list) => list.map((g) => (g.key === key ? change(g) : g)));
  }, []);
  const addGroup = () => setGroups((list) => (list.length >= MAX_GROUPS ? list : [...list, emptyGroup(nextKey.current++)]));
  const removeGroup = (key: number) => setGroups((list) => list.filter((g) => g.key !== key));

  // A saved draft opened into Redactar: its fields (already sanitized by the core) and its attachments, which
  // point at their snapshots and go through the same checks again when queued.
  const openSaved = (opened: ComposeOutputs['compose.drafts.open']) => {
    const fields: Record<string, unknown> = { ...opened.draft };
    delete fields.groups;
    setDraft({ ...EMPTY, ...(fields as Partial<Draft>) });
    setGroups(
      draftGroupTexts(opened.draft).map((text, gi) => ({
        ...emptyGroup(nextKey.current++, text),
        attachments: opened.attachments
          .filter((a) => a.group === gi)
          .map((a) => ({ name: a.name, path: a.path, size: a.size, signed: null })),
      })),
    );
    setOpenDraftId(opened.id);
    setPreview(null);
  };
  const draftContent = () => ({
    draft: { ...draft, groups: groups.map((g) => g.recipientsText) } as Record<string, unknown>,
    attachments: groups.flatMap((g, gi) => g.attachments.map((a) => ({ group: gi, path: a.path, name: a.name }))),
  });
  // {{nombre}} / {{identificador}}: the core sends one message per recipient; said here before sending.
  const perRecipient = perRecipientFields(draft.subject, draft.body);
  const recipientTotal = groups.reduce((n, g) => n + (g.parsed?.recipients.length ?? 0), 0);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  // The institutional signature belongs to the server it was read from: when the server (and so the list)
  // changes, a uid that is no longer offered is cleared instead of being sent and refused as ERR020.
  useEffect(() => {
    // Also once the autosaved draft is loaded (the list may have arrived first).
    if (!institution || !loaded) return;
    setDraft((d) => (d.signatureUid && !institution.signatures.some((s) => s.uid === d.signatureUid) ? { ...d, signatureUid: '' } : d));
  }, [institution, loaded]);
  const procedures: ProcedureView[] = institution?.procedures ?? [];
  const signatures: SignatureView[] = institution?.signatures ?? [];
  const procedureCodes = useMemo(() => [...new Map(procedures.map((p) => [p.code, p])).values()], [procedures]);

  const showPreview = async () => {
    const r = await call('compose.sanitize', { html: draft.body });
    if (r.ok) setPreview(r.value.html);
  };

  const send = async () => {
    // The contract's schema first: its problems in the user's language, nothing sent.
    const checked = validate(composeFormSchema, { subject: draft.subject, content: draft.body, groups }, t);
    if (!checked.ok) return setMessage({ kind: 'error', text: checked.text });
    setBusy(true);
    setMessage(null);
    const r = await call('compose.queue', {
      messageType: draft.type,
      ...(draft.type === 'NT' ? { procedureCode: draft.procedure, procedureStage: Number(draft.stage) as 1 | 2 | 3 } : {}),
      ...(draft.signatureUid ? { signatureUid: draft.signatureUid } : {}),
      subject: draft.subject,
      content: draft.body,
      groups: groups.map((g) => ({
        recipients: (g.parsed?.recipients ?? []).map((r) => ({
          id: idOf(r.label),
          ...(g.names[r.rolUnico] ? { name: g.names[r.rolUnico] } : {}),
        })),
        attachments: g.attachments.map((a) => ({ path: a.path, name: a.name })),
      })),
    });
    setBusy(false);
    if (!r.ok) return setMessage({ kind: 'error', text: errorText(t, r.error) });
    setMessage({ kind: 'ok', text: t('compose.queued', { count: r.value.messageIds.length }) });
    // The queued content leaves the draft at once: the debounced save would be cancelled when the screen
    // changes to the outbox, and the next visit would reopen what was already sent.
    void call('compose.saveDraft', { draft: { ...EMPTY, groups: [''] } });
    setDraft(EMPTY);
    setOpenDraftId(null);
    setGroups([emptyGroup(nextKey.current++)]);
    setPreview(null);
    onQueued?.();
  };

  // Every group must reach someone, and no group may carry a line that would be refused.
  const groupsReady = groups.every((g) => (g.parsed?.recipients.length ?? 0) > 0 && (g.parsed?.problems.length ?? 0) === 0);
  const canSend =
    !busy && groupsReady && draft.subject.trim() !== '' && draft.body.trim() !== '' && (draft.type !== 'NT' || draft.procedure !== '');

  return (
    <section aria-labelledby="screen-title" data-testid="screen-compose">
      <ScreenHeader title={t('compose.title')} intro={t('compose.intro')} />
      {institution?.offline && <p className="note">{t('compose.offlineCache')}</p>}
      <DraftsPanel current={draftContent} openId={openDraftId} onOpen={openSaved} />
      <TemplatesPanel subject={draft.subject} body={draft.body} onApply={(subject, body) => setDraft((d) => ({ ...d, subject, body }))} />
      {/* Shown once the autosaved draft is loaded: typing earlier would be overwritten by the late load. */}
      {!loaded ? (
        <p className="hint">{t('compose.loading')}</p>
      ) : (
        <div className="compose-grid">
          <div>
            <div className="inline-form">
              <Field label={t('compose.type')}>
                {(c) => (
                  <select {...c} value={draft.type} onChange={(e) => set('type', e.target.value as Draft['type'])}>
                    <option value="NT">{t('compose.typeNT')}</option>
                    <option value="CP">{t('compose.typeCP')}</option>
                    <option value="CI">{t('compose.typeCI')}</option>
                  </select>
                )}
              </Field>
              {draft.type === 'NT' && (
                <>
                  <Field label={t('compose.procedure')}>
                    {(c) => (
                      <select {...c} value={draft.procedure} onChange={(e) => set('procedure', e.target.value)}>
                        <option value="">—</option>
                        {procedureCodes.map((p) => (
                          <option key={p.code} value={p.code}>
                            {p.code} · {p.name}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t('compose.stage')}>
                    {(c) => (
                      <select {...c} value={draft.stage} onChange={(e) => set('stage', e.target.value)}>
                        <option value="1">{t('compose.stage1')}</option>
                        <option value="2">{t('compose.stage2')}</option>
                        <option value="3">{t('compose.stage3')}</option>
                      </select>
                    )}
                  </Field>
                </>
              )}
            </div>
            <Field label={t('compose.subject')} hint={t('compose.subjectCounter', { count: draft.subject.length, max: SUBJECT_MAX })}>
              {(c) => (
                <input
                  {...c}
                  data-testid="subject"
                  type="text"
                  maxLength={SUBJECT_MAX}
                  value={draft.subject}
                  onChange={(e) => set('subject', e.target.value)}
                />
              )}
            </Field>
            <div className="field">
              <span className="label" id={ids.body}>
                {t('compose.body')}
              </span>
              <RichTextEditor labelledBy={ids.body} value={draft.body} onChange={(html) => set('body', html)} />
            </div>
            {/* Always drawn, so the list arriving late does not push the form down under the user's pointer. */}
            <Field label={t('compose.signature')}>
              {(c) => (
                <select
                  {...c}
                  value={draft.signatureUid}
                  disabled={signatures.length === 0}
                  onChange={(e) => set('signatureUid', e.target.value)}
                  data-testid="compose-signature"
                >
                  <option value="">
                    {signatures.length > 0 ? '—' : institutionQuery.loading ? t('compose.signatureLoading') : t('compose.signatureNone')}
                  </option>
                  {signatures.map((s) => (
                    <option key={s.uid} value={s.uid}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {groups.map((g, i) => (
              <RecipientGroup
                key={g.key}
                index={i}
                group={g}
                update={updateGroup}
                onMessage={setMessage}
                {...(i > 0 ? { onRemove: () => removeGroup(g.key) } : {})}
              />
            ))}
            <p className="hint">{t('compose.groupsHint')}</p>
            <button type="button" onClick={addGroup} disabled={groups.length >= MAX_GROUPS} data-testid="add-group">
              {t('compose.addGroup')}
            </button>
            {perRecipient.length > 0 && (
              <p className="note" role="status" data-testid="per-recipient-note">
                {t('compose.perRecipientNote', {
                  fields: perRecipient.map((f) => `{{${f}}}`).join(', '),
                  count: recipientTotal,
                })}
              </p>
            )}
            <div className="actions-row">
              <button type="button" onClick={() => void showPreview()}>
                {t('compose.preview')}
              </button>
              <button type="button" className="primary" disabled={!canSend} onClick={() => void send()} data-testid="queue-button">
                {t('compose.send')}
              </button>
              {savedAt && <span className="hint">{t('compose.draftSaved', { time: fmt.time(savedAt) })}</span>}
            </div>
            {message && (
              <p
                role={message.kind === 'error' ? 'alert' : 'status'}
                className={message.kind === 'error' ? 'alert alert-error' : 'alert alert-ok'}
                data-testid="compose-message"
              >
                {message.text}
              </p>
            )}
          </div>
          {preview !== null && (
            <aside className="panel citizen-preview" aria-label={t('compose.previewTitle')} data-testid="preview">
              <h3>{t('compose.previewTitle')}</h3>
              <p className="hint">{t(`compose.type${draft.type}`)}</p>
              <h4>{draft.subject || '—'}</h4>
              {/* The HTML comes back from the core's sanitizer: only formatting tags and https links survive. */}
              <div className="citizen-body" dangerouslySetInnerHTML={{ __html: preview }} />
              {draft.signatureUid && (
                <div
                  className="citizen-body"
                  dangerouslySetInnerHTML={{ __html: signatures.find((s) => s.uid === draft.signatureUid)?.body ?? '' }}
                />
              )}
              {groups.map(
                (g, i) =>
                  g.attachments.length > 0 && (
                    <ul key={g.key} aria-label={t('compose.groupTitle', { n: i + 1 })}>
                      {g.attachments.map((a) => (
                        <li key={a.name}>
                          <Icon name="attachment" label={t('icons.attachment')} /> {a.name}
                        </li>
                      ))}
                    </ul>
                  ),
              )}
            </aside>
          )}
        </div>
      )}
    </section>
  );
}

/** The identifier inside a recipient label such as "RUN 12.345.678-5" or "Ana (DNI 12345678)". */
function idOf(label: string): string {
  const m = /(?:RUN|DNI|RUC) ([0-9.kK-]+)\)?$/.exec(label);
  return m ? m[1]! : label;
}
