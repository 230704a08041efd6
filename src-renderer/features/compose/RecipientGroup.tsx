import { useEffect, useId } from 'react';
import type { RecipientParseView, RecipientProblemView } from '../../../src-main/api/compose';
import type { Locale } from '../../../src-main/api/settings';
import type { Reason } from '../../../src-main/api/verify';
import { call, pathForFile } from '../../api';
import { errorText, reasonText, useI18n, type T } from '../../i18n';
import { Field } from '../../components/Field';
import { SignAndAttach } from './SignAndAttach';

export type Attachment = {
  name: string;
  path: string;
  size: number | null;
  /** The name as picked, when the platform's rules made us rename it. */
  originalName?: string;
  signed: 'valid' | 'indeterminate' | 'invalid' | null;
};

/** One group of recipients with its own attachments: the core turns it into its own message(s) of the envío. */
export type GroupState = {
  key: number;
  recipientsText: string;
  /** Names that came with an imported CSV, by rol_unico: they label the recipients in the outbox. */
  names: Record<number, string>;
  attachments: Attachment[];
  parsed: RecipientParseView | null;
  csvInfo: string | null;
};

export function emptyGroup(key: number, recipientsText = ''): GroupState {
  return { key, recipientsText, names: {}, attachments: [], parsed: null, csvInfo: null };
}

type Props = {
  index: number;
  group: GroupState;
  /** Stable across renders (the parse effect depends on it): changes the group with this key. */
  update: (key: number, change: (g: GroupState) => GroupState) => void;
  onRemove?: () => void;
  onMessage: (m: { kind: 'ok' | 'error'; text: string }) => void;
};

/**
 * Recipients (typed or imported from CSV) and attachments of one group. The first group keeps the plain test
 * ids (`recipients`, `attachments-input`…); the others carry their index (`recipients-1`).
 */
export function RecipientGroup({ index, group, update: updateGroup, onRemove, onMessage }: Props) {
  const { t, locale } = useI18n();
  const ids = { title: useId() };
  const suffix = index === 0 ? '' : `-${index}`;
  const tid = (base: string) => `${base}${suffix}`;
  const { key, recipientsText, parsed, attachments } = group;
  const update = (change: (g: GroupState) => GroupState) => updateGroup(key, change);

  // Recipients are checked as they are typed, by the same rules the core applies when queuing.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (!recipientsText.trim()) return updateGroup(key, (g) => ({ ...g, parsed: null }));
      void call('compose.parseRecipients', { text: recipientsText }).then(
        // A late answer for text that has changed since is dropped: the newer parse will follow.
        (r) => r.ok && updateGroup(key, (g) => (g.recipientsText === recipientsText ? { ...g, parsed: r.value } : g)),
      );
    }, 250);
    return () => window.clearTimeout(timer);
  }, [recipientsText, key, updateGroup]);

  const importCsv = async (file: File) => {
    update((g) => ({ ...g, csvInfo: null }));
    const up = await pathForFile(file);
    if (!up.ok) return onMessage({ kind: 'error', text: errorText(t, up.error) });
    const r = await call('compose.importCsv', { path: up.value.path });
    if (!r.ok) return onMessage({ kind: 'error', text: errorText(t, r.error) });
    const named: Record<number, string> = {};
    for (const x of r.value.recipients) if (x.name) named[x.rolUnico] = x.name;
    const lines = r.value.recipients.map((x) => x.label.replace(/^.*\((RUN|DNI|RUC|CE) (.*)\)$|^(RUN|DNI|RUC|CE) (.*)$/, '$2$4'));
    const csvInfo =
      t('compose.csvResult', counts(t, r.value.recipients.length, r.value.problemCount, r.value.duplicates)) +
      (r.value.problems.length
        ? ' — ' +
          r.value.problems
            .slice(0, 5)
            .map((p) => t('compose.problemLine', { line: p.line, input: p.input, message: problemText(t, locale, p) }))
            .join('; ')
        : '');
    update((g) => ({
      ...g,
      names: { ...g.names, ...named },
      recipientsText: [g.recipientsText.trim(), ...lines].filter(Boolean).join('\n'),
      csvInfo,
    }));
  };

  /**
   * Every picked file goes through the core's check at once (type by content, size, total, count, name, a signed
   * PDF's signatures) against the attachments already accepted; a refusal names the file, and a name the
   * platform would refuse is replaced by its normalized form, shown in the list before anything is queued.
   */
  const attach = async (path: string, name: string, siblings: Attachment[]): Promise<Attachment | null> => {
    const check = await call('compose.checkAttachment', {
      path,
      name,
      siblings: siblings.map((a) => ({ name: a.name, size: a.size ?? 0 })),
    });
    if (!check.ok) {
      // A NO VÁLIDO signature: the verifier's reasons by their codes, in the user's language.
      const codes = check.error.details?.['reasonCodes'];
      const why = Array.isArray(codes) ? (codes as Reason[]).map((r) => reasonText(t, locale, r)).join(' ') : '';
      onMessage({ kind: 'error', text: why ? `${errorText(t, check.error)} ${why}` : errorText(t, check.error) });
      return null;
    }
    const v = check.value;
    const accepted: Attachment = {
      name: v.name,
      path,
      size: v.size,
      signed: v.signed ? v.verdict : null,
      ...(v.renamed ? { originalName: v.originalName } : {}),
    };
    if (v.renamed) onMessage({ kind: 'ok', text: t('compose.attachmentRenamed', { from: v.originalName, to: v.name }) });
    update((g) => ({ ...g, attachments: [...g.attachments.filter((x) => x.name !== accepted.name), accepted] }));
    return accepted;
  };

  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    const siblings = [...attachments];
    for (const f of Array.from(files)) {
      const up = await pathForFile(f);
      if (!up.ok) {
        onMessage({ kind: 'error', text: errorText(t, up.error) });
        continue;
      }
      const accepted = await attach(up.value.path, f.name || up.value.name, siblings);
      if (accepted) siblings.push(accepted);
    }
  };

  const problems = parsed?.problems ?? [];
  return (
    <fieldset className="recipient-group" aria-labelledby={ids.title} data-testid={tid('recipient-group')}>
      <legend id={ids.title}>{t('compose.groupTitle', { n: index + 1 })}</legend>
      {onRemove && (
        <button type="button" className="link group-remove" onClick={onRemove} data-testid={tid('remove-group')}>
          {t('compose.removeGroup')}
        </button>
      )}
      <Field
        label={t('compose.recipients')}
        hint={
          parsed
            ? t('compose.recipientsStatus', counts(t, parsed.recipients.length, problems.length, parsed.duplicates))
            : t('compose.recipientsHelp')
        }
        hintTestId={tid('recipients-status')}
        after={
          <>
            {parsed && parsed.recipients.length > 0 && (
              <ul className="recipient-list" aria-label={t('compose.recipients')} data-testid={tid('recipients-list')}>
                {parsed.recipients.slice(0, 20).map((r) => (
                  <li key={r.rolUnico}>{group.names[r.rolUnico] ? `${group.names[r.rolUnico]} (${r.label})` : r.label}</li>
                ))}
                {parsed.recipients.length > 20 && (
                  <li className="hint">{t('compose.moreRecipients', { count: parsed.recipients.length - 20 })}</li>
                )}
              </ul>
            )}
            {problems.length > 0 && (
              <ul className="problems" role="alert">
                {problems.slice(0, 10).map((p) => (
                  <li key={`${p.line}-${p.input}`}>
                    {t('compose.problemLine', { line: p.line, input: p.input, message: problemText(t, locale, p) })}
                  </li>
                ))}
              </ul>
            )}
          </>
        }
      >
        {(c) => (
          <textarea
            {...c}
            rows={4}
            value={recipientsText}
            placeholder="12.345.678-5"
            onChange={(e) => {
              const text = e.target.value;
              update((g) => ({ ...g, recipientsText: text }));
            }}
            data-testid={tid('recipients')}
          />
        )}
      </Field>
      <Field
        label={t('compose.importCsv')}
        after={
          group.csvInfo && (
            <span className="hint" role="status" data-testid={tid('csv-result')}>
              {group.csvInfo}
            </span>
          )
        }
      >
        {(c) => (
          <input
            {...c}
            type="file"
            accept=".csv,text/csv"
            data-testid={tid('csv-input')}
            onChange={(e) => e.target.files?.[0] && void importCsv(e.target.files[0])}
          />
        )}
      </Field>
      <Field
        label={t('compose.attachments')}
        after={
          <>
            <SignAndAttach
              suffix={suffix}
              onSigned={async (path, name) => {
                await attach(path, name, attachments);
              }}
            />
            <ul className="attachments" data-testid={tid('attachments-list')}>
              {attachments.map((a) => (
                <li key={a.name}>
                  <span data-testid="attachment-name">{a.name}</span>{' '}
                  {a.originalName && <span className="hint">{t('compose.renamedFrom', { name: a.originalName })}</span>}{' '}
                  {a.size !== null && <span className="hint">({Math.ceil(a.size / 1024)} KB)</span>}{' '}
                  {a.signed && (
                    <span className={`verdict verdict-${a.signed}`}>
                      {t('compose.signedBadge', { verdict: t(`verify.verdict.${a.signed}`) })}
                    </span>
                  )}{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => update((g) => ({ ...g, attachments: g.attachments.filter((y) => y.name !== a.name) }))}
                  >
                    {t('compose.remove')}
                  </button>
                </li>
              ))}
            </ul>
          </>
        }
      >
        {(c) => (
          <input
            {...c}
            type="file"
            multiple
            accept=".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx"
            data-testid={tid('attachments-input')}
            onChange={(e) => void addFiles(e.target.files)}
          />
        )}
      </Field>
    </fieldset>
  );
}

/** "1 válido", "2 con errores", "1 repetido unido": each count with its own plural form. */
function counts(t: T, valid: number, invalid: number, duplicates: number): Record<string, string> {
  return {
    valid: t('compose.recipientsValid', { count: valid }),
    invalid: t('compose.recipientsInvalid', { count: invalid }),
    duplicates: t('compose.recipientsDuplicates', { count: duplicates }),
  };
}

/** A refused recipient: in Spanish the core's own sentence (it names what the token looks like), otherwise its code's text. */
function problemText(t: T, locale: Locale, p: RecipientProblemView): string {
  if (locale === 'es') return p.message;
  const key = `compose.problemCodes.${p.code}`;
  const text = t(key, { accepted: p.params?.accepted ?? '', expected: p.params?.expected ?? '' });
  return text === key ? p.message : text;
}
