import { useEffect, useId, useMemo, useState } from 'react';
import type { ComposeOutputs, ProcedureView, RecipientParseView, SignatureView } from '../../../src-main/api/compose';
import { call, pathForFile } from '../../api';
import { ScreenHeader } from '../../components/ScreenHeader';
import { errorText, useI18n } from '../../i18n';
import { RichTextEditor } from './RichTextEditor';
import { TemplatesPanel } from './TemplatesPanel';

/** The backend's limits (casilla-api.md): subject length, attachments. */
const SUBJECT_MAX = 150;
const MAX_ATTACHMENTS = 50;

type Attachment = { name: string; path: string; size: number; signed: 'valid' | 'indeterminate' | 'invalid' | null };
type Draft = {
  type: 'NT' | 'CP' | 'CI';
  procedure: string;
  stage: string;
  subject: string;
  body: string;
  recipientsText: string;
  signatureUid: string;
};
const EMPTY: Draft = { type: 'CP', procedure: '', stage: '1', subject: '', body: '', recipientsText: '', signatureUid: '' };

export function ComposeScreen({ onQueued }: { onQueued?: () => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [loaded, setLoaded] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [parsed, setParsed] = useState<RecipientParseView | null>(null);
  const [csvInfo, setCsvInfo] = useState<string | null>(null);
  // Names that came with an imported CSV, by rol_unico: they label the recipients in the outbox.
  const [names, setNames] = useState<Record<number, string>>({});
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [institution, setInstitution] = useState<ComposeOutputs['compose.institution'] | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = {
    type: useId(),
    proc: useId(),
    stage: useId(),
    subject: useId(),
    counter: useId(),
    rcpt: useId(),
    csv: useId(),
    files: useId(),
    sig: useId(),
    body: useId(),
  };

  useEffect(() => {
    void (async () => {
      const [d, inst] = await Promise.all([call('compose.loadDraft', {}), call('compose.institution', { refresh: false })]);
      if (d.ok && d.value.draft) {
        setDraft({ ...EMPTY, ...(d.value.draft as Partial<Draft>) });
        setSavedAt(d.value.savedAt);
      }
      if (inst.ok) setInstitution(inst.value);
      setLoaded(true);
    })();
  }, []);

  // Drafts are saved as the user types (debounced), in the core's database: a crash loses nothing typed.
  useEffect(() => {
    if (!loaded) return;
    const timer = window.setTimeout(() => {
      void call('compose.saveDraft', { draft }).then((r) => r.ok && setSavedAt(r.value.savedAt));
    }, 600);
    return () => window.clearTimeout(timer);
  }, [draft, loaded]);

  // Recipients are checked as they are typed, by the same rules the core applies when queuing.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (!draft.recipientsText.trim()) return setParsed(null);
      void call('compose.parseRecipients', { text: draft.recipientsText }).then((r) => r.ok && setParsed(r.value));
    }, 250);
    return () => window.clearTimeout(timer);
  }, [draft.recipientsText]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const procedures: ProcedureView[] = institution?.procedures ?? [];
  const signatures: SignatureView[] = institution?.signatures ?? [];
  const procedureCodes = useMemo(() => [...new Map(procedures.map((p) => [p.code, p])).values()], [procedures]);

  const importCsv = async (file: File) => {
    setCsvInfo(null);
    const up = await pathForFile(file);
    if (!up.ok) return setMessage({ kind: 'error', text: errorText(t, up.error) });
    const r = await call('compose.importCsv', { path: up.value.path });
    if (!r.ok) return setMessage({ kind: 'error', text: errorText(t, r.error) });
    const named: Record<number, string> = {};
    for (const x of r.value.recipients) {
      const m = /^(.*) \((?:RUN|DNI|RUC) [^)]*\)$/.exec(x.label);
      if (m) named[x.rolUnico] = m[1]!;
    }
    setNames((n) => ({ ...n, ...named }));
    const lines = r.value.recipients.map((x) => x.label.replace(/^.*\((RUN|DNI|RUC) (.*)\)$|^(RUN|DNI|RUC) (.*)$/, '$2$4'));
    set('recipientsText', [draft.recipientsText.trim(), ...lines].filter(Boolean).join('\n'));
    setCsvInfo(
      t('compose.csvResult', { valid: r.value.recipients.length, invalid: r.value.problems.length, duplicates: r.value.duplicates }) +
        (r.value.problems.length
          ? ' — ' +
            r.value.problems
              .slice(0, 5)
              .map((p) => t('compose.problemLine', { line: p.line, input: p.input, message: p.message }))
              .join('; ')
          : ''),
    );
  };

  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    for (const f of Array.from(files)) {
      if (attachments.length >= MAX_ATTACHMENTS) break;
      const up = await pathForFile(f);
      if (!up.ok) {
        setMessage({ kind: 'error', text: errorText(t, up.error) });
        continue;
      }
      const check = await call('compose.checkAttachment', { path: up.value.path, name: up.value.name });
      if (check.ok && check.value.verdict === 'invalid') {
        setMessage({
          kind: 'error',
          text: t('compose.attachmentInvalid', { name: up.value.name, reasons: check.value.reasons.join(' ') }),
        });
        continue;
      }
      const signed = check.ok && check.value.signed ? (check.value.verdict ?? null) : null;
      setAttachments((a) => [
        ...a.filter((x) => x.name !== up.value.name),
        { name: up.value.name, path: up.value.path, size: f.size, signed },
      ]);
    }
  };

  const showPreview = async () => {
    const r = await call('compose.sanitize', { html: draft.body });
    if (r.ok) setPreview(r.value.html);
  };

  const send = async () => {
    setBusy(true);
    setMessage(null);
    const recipients = (parsed?.recipients ?? []).map((r) => ({
      id: idOf(r.label),
      ...(names[r.rolUnico] ? { name: names[r.rolUnico] } : {}),
    }));
    const r = await call('compose.queue', {
      messageType: draft.type,
      ...(draft.type === 'NT' ? { procedureCode: draft.procedure, procedureStage: Number(draft.stage) as 1 | 2 | 3 } : {}),
      ...(draft.signatureUid ? { signatureUid: draft.signatureUid } : {}),
      subject: draft.subject,
      content: draft.body,
      groups: [{ recipients, attachments: attachments.map((a) => ({ path: a.path, name: a.name })) }],
    });
    setBusy(false);
    if (!r.ok) return setMessage({ kind: 'error', text: `${r.error.code}: ${errorText(t, r.error)}` });
    setMessage({ kind: 'ok', text: t('compose.queued', { count: r.value.messageIds.length }) });
    setDraft(EMPTY);
    setAttachments([]);
    setPreview(null);
    onQueued?.();
  };

  const problems = parsed?.problems ?? [];
  const canSend =
    !busy &&
    (parsed?.recipients.length ?? 0) > 0 &&
    problems.length === 0 &&
    draft.subject.trim() !== '' &&
    draft.body.trim() !== '' &&
    (draft.type !== 'NT' || draft.procedure !== '');

  return (
    <section aria-labelledby="screen-title" data-testid="screen-compose">
      <ScreenHeader title={t('compose.title')} intro={t('compose.intro')} />
      {institution?.offline && <p className="note">{t('compose.offlineCache')}</p>}
      <TemplatesPanel subject={draft.subject} body={draft.body} onApply={(subject, body) => setDraft((d) => ({ ...d, subject, body }))} />
      <div className="compose-grid">
        <div>
          <div className="inline-form">
            <div className="field">
              <label htmlFor={ids.type}>{t('compose.type')}</label>
              <select id={ids.type} value={draft.type} onChange={(e) => set('type', e.target.value as Draft['type'])}>
                <option value="NT">{t('compose.typeNT')}</option>
                <option value="CP">{t('compose.typeCP')}</option>
                <option value="CI">{t('compose.typeCI')}</option>
              </select>
            </div>
            {draft.type === 'NT' && (
              <>
                <div className="field">
                  <label htmlFor={ids.proc}>{t('compose.procedure')}</label>
                  <select id={ids.proc} value={draft.procedure} onChange={(e) => set('procedure', e.target.value)}>
                    <option value="">—</option>
                    {procedureCodes.map((p) => (
                      <option key={p.code} value={p.code}>
                        {p.code} · {p.name}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={ids.stage}>{t('compose.stage')}</label>
                  <select id={ids.stage} value={draft.stage} onChange={(e) => set('stage', e.target.value)}>
                    <option value="1">{t('compose.stage1')}</option>
                    <option value="2">{t('compose.stage2')}</option>
                    <option value="3">{t('compose.stage3')}</option>
                  </select>
                </div>
              </>
            )}
          </div>
          <div className="field">
            <label htmlFor={ids.rcpt}>{t('compose.recipients')}</label>
            <textarea
              id={ids.rcpt}
              rows={4}
              value={draft.recipientsText}
              placeholder="12.345.678-5"
              onChange={(e) => set('recipientsText', e.target.value)}
              aria-describedby={`${ids.rcpt}-status`}
              data-testid="recipients"
            />
            <span id={`${ids.rcpt}-status`} className="hint" aria-live="polite" data-testid="recipients-status">
              {parsed
                ? t('compose.recipientsStatus', {
                    valid: parsed.recipients.length,
                    invalid: problems.length,
                    duplicates: parsed.duplicates,
                  })
                : t('compose.recipientsHelp')}
            </span>
            {problems.length > 0 && (
              <ul className="problems" role="alert">
                {problems.slice(0, 10).map((p) => (
                  <li key={`${p.line}-${p.input}`}>{t('compose.problemLine', { line: p.line, input: p.input, message: p.message })}</li>
                ))}
              </ul>
            )}
          </div>
          <div className="field">
            <label htmlFor={ids.csv}>{t('compose.importCsv')}</label>
            <input
              id={ids.csv}
              type="file"
              accept=".csv,text/csv"
              data-testid="csv-input"
              onChange={(e) => e.target.files?.[0] && void importCsv(e.target.files[0])}
            />
            {csvInfo && (
              <span className="hint" role="status" data-testid="csv-result">
                {csvInfo}
              </span>
            )}
          </div>
          <div className="field">
            <label htmlFor={ids.subject}>{t('compose.subject')}</label>
            <input
              id={ids.subject}
              type="text"
              maxLength={SUBJECT_MAX}
              value={draft.subject}
              aria-describedby={ids.counter}
              onChange={(e) => set('subject', e.target.value)}
            />
            <span id={ids.counter} className="hint" aria-live="polite">
              {t('compose.subjectCounter', { count: draft.subject.length, max: SUBJECT_MAX })}
            </span>
          </div>
          <div className="field">
            <span className="label" id={ids.body}>
              {t('compose.body')}
            </span>
            <RichTextEditor labelledBy={ids.body} value={draft.body} onChange={(html) => set('body', html)} />
          </div>
          {signatures.length > 0 && (
            <div className="field">
              <label htmlFor={ids.sig}>{t('compose.signature')}</label>
              <select id={ids.sig} value={draft.signatureUid} onChange={(e) => set('signatureUid', e.target.value)}>
                <option value="">—</option>
                {signatures.map((s) => (
                  <option key={s.uid} value={s.uid}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.files}>{t('compose.attachments')}</label>
            <input
              id={ids.files}
              type="file"
              multiple
              accept=".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx"
              data-testid="attachments-input"
              onChange={(e) => void addFiles(e.target.files)}
            />
            <ul className="attachments" data-testid="attachments-list">
              {attachments.map((a) => (
                <li key={a.name}>
                  {a.name} <span className="hint">({Math.ceil(a.size / 1024)} KB)</span>{' '}
                  {a.signed && (
                    <span className={`verdict verdict-${a.signed}`}>
                      {t('compose.signedBadge', { verdict: t(`verify.verdict.${a.signed}`) })}
                    </span>
                  )}{' '}
                  <button type="button" className="link" onClick={() => setAttachments((x) => x.filter((y) => y.name !== a.name))}>
                    {t('compose.remove')}
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <div className="actions-row">
            <button type="button" onClick={() => void showPreview()}>
              {t('compose.preview')}
            </button>
            <button type="button" className="primary" disabled={!canSend} onClick={() => void send()} data-testid="queue-button">
              {t('compose.send')}
            </button>
            {savedAt && <span className="hint">{t('compose.draftSaved', { time: new Date(savedAt).toLocaleTimeString() })}</span>}
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
            {attachments.length > 0 && (
              <ul>
                {attachments.map((a) => (
                  <li key={a.name}>📎 {a.name}</li>
                ))}
              </ul>
            )}
          </aside>
        )}
      </div>
    </section>
  );
}

/** The identifier inside a recipient label such as "RUN 12.345.678-5" or "Ana (DNI 12345678)". */
function idOf(label: string): string {
  const m = /(?:RUN|DNI|RUC) ([0-9.kK-]+)\)?$/.exec(label);
  return m ? m[1]! : label;
}
