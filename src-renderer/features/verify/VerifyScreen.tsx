import { useEffect, useState } from 'react';
import { baseName } from '../../paths';
import type { FileOutcome, SignatureReport, Verdict } from '../../../src-main/api/verify';
import { call, downloadFile, newOpId, pathForFile, saveBlob, shell, subscribe } from '../../api';
import { FileDrop } from '../../components/FileDrop';
import { ScreenHeader } from '../../components/ScreenHeader';
import { errorText, reasonText, useI18n } from '../../i18n';
import { Icon } from '../../components/Icon';
import { groupChanges, pagesToCompare } from './change-words';
import { PageCompare } from './PageCompare';

/**
 * Verificar: every signature of each PDF with its verdict (VÁLIDO / NO VÁLIDO / INDETERMINADO), the reasons in the
 * user's language (by code in English), what changed after it, the signed revision on its own, and the report as JSON.
 */
export function VerifyScreen({ initialPaths }: { initialPaths?: string[] }) {
  const { t, locale } = useI18n();
  const [outcomes, setOutcomes] = useState<FileOutcome[]>([]);
  const [busy, setBusy] = useState<{ index: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [offline, setOffline] = useState(false);
  // The paths last verified: the PDF report verifies the same files again in the main process.
  const [verifiedPaths, setVerifiedPaths] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);

  const verify = async (paths: string[]) => {
    if (!paths.length) return;
    setError(null);
    setSaved(null);
    const opId = newOpId();
    setBusy({ index: 0, total: paths.length });
    const unsubscribe = subscribe((e) => {
      if (e.type === 'progress' && e.progress.opId === opId && e.progress.values?.index)
        setBusy({ index: Number(e.progress.values.index), total: paths.length });
    });
    const r = await call('verify.files', { files: paths, offline }, opId);
    unsubscribe();
    setBusy(null);
    if (!r.ok) return setError(errorText(t, r.error));
    setOutcomes(r.value.outcomes);
    setVerifiedPaths(paths);
  };

  useEffect(() => {
    if (initialPaths?.length) void verify(initialPaths);
    // Only when the Firmar screen hands over new results (verify is stable enough: it reads nothing stale).
  }, [initialPaths]);

  const pick = async (list: File[]) => {
    const paths: string[] = [];
    for (const f of list) {
      const up = await pathForFile(f);
      if (up.ok) paths.push(up.value.path);
      else setError(errorText(t, up.error));
    }
    await verify(paths);
  };

  const exportJson = () => {
    const json = outcomes.map((o) => (o.report ? o.report : { file: o.file, error: o.error }));
    saveBlob(new Blob([JSON.stringify(json, null, 2)], { type: 'application/json' }), 'verificacion.json');
  };

  const exportPdf = async () => {
    setError(null);
    setSaved(null);
    // No output: the main process writes it under the data folder's reports/ and says where.
    const r = await call('verify.reportPdf', { files: verifiedPaths, offline, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    if (!r.ok) return setError(errorText(t, r.error));
    if (shell === 'browser') {
      const d = await downloadFile(r.value.output, baseName(r.value.output));
      if (!d.ok) setError(errorText(t, d.error));
    } else setSaved(r.value.output);
  };

  const signedVersion = async (file: string, revision: number) => {
    const output = file.replace(/\.pdf$/i, '') + `-revision-${revision}.pdf`;
    const r = await call('verify.extractRevision', { file, revision, output });
    if (!r.ok) return setError(errorText(t, r.error));
    if (shell === 'browser') await downloadFile(r.value.output, baseName(r.value.output));
  };

  return (
    <section aria-labelledby="screen-title" data-testid="screen-verify">
      <ScreenHeader title={t('verify.title')} intro={t('verify.intro')} />
      <div className="inline-form">
        <FileDrop
          label={t('verify.filesLabel')}
          hint={t('app.dropHint')}
          accept="application/pdf,.pdf"
          multiple
          testId="verify-files"
          onFiles={(f) => void pick(f)}
        />
        <label className="radio">
          <input type="checkbox" checked={offline} onChange={(e) => setOffline(e.target.checked)} />
          {t('verify.offline')}
        </label>
        {outcomes.length > 0 && (
          <button type="button" onClick={exportJson}>
            {t('verify.exportJson')}
          </button>
        )}
        {outcomes.length > 0 && verifiedPaths.length > 0 && (
          <button type="button" onClick={() => void exportPdf()} data-testid="verify-export-pdf">
            {t('verify.exportPdf')}
          </button>
        )}
      </div>
      {busy && (
        <p role="status">
          <progress max={busy.total} value={busy.index} /> {t('verify.progress', { index: busy.index, total: busy.total })}
        </p>
      )}
      {saved && <p role="status">{t('verify.reportSaved', { path: saved })}</p>}
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {outcomes.map((o) => (
        <article key={o.file} className="panel" data-testid="verify-file">
          <h3>
            {baseName(o.file)} {o.report && <VerdictBadge verdict={o.report.verdict} />}
          </h3>
          {o.error && <p className="alert alert-error">{errorText(t, o.error)}</p>}
          {o.report && o.report.signatures.length === 0 && <p className="hint">{t('verify.noSignatures')}</p>}
          {o.report?.reasons.map((r) => (
            <p key={r.code} className="hint">
              {reasonText(t, locale, r)}
            </p>
          ))}
          {o.report?.signatures.map((s, i) => (
            <SignatureCard
              key={`${s.field}-${i}`}
              s={s}
              file={o.file}
              all={o.report!.signatures}
              onSignedVersion={() => void signedVersion(o.file, s.revision)}
            />
          ))}
        </article>
      ))}
    </section>
  );
}

function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const { t } = useI18n();
  return (
    <span className={`verdict verdict-${verdict}`} data-testid="verdict">
      {t(`verify.verdict.${verdict}`)}
    </span>
  );
}

function SignatureCard({
  s,
  file,
  all,
  onSignedVersion,
}: {
  s: SignatureReport;
  file: string;
  all: SignatureReport[];
  onSignedVersion: () => void;
}) {
  const { t, fmt, locale } = useI18n();
  const groups = groupChanges(t, s.changes, all);
  const yes = (b: boolean) => (b ? t('verify.yes') : t('verify.no'));
  return (
    <section className="signature-card" data-testid="signature-card">
      <h4>
        <VerdictBadge verdict={s.verdict} /> {s.kind === 'document-timestamp' ? t('verify.docTimestamp') : (s.signer?.name ?? '—')}
      </h4>
      <dl className="cert-info">
        <dt>{t('verify.field')}</dt>
        <dd>
          {s.field}
          {s.page ? ` · ${t('verify.pageN', { page: s.page })}` : ''} · {t('verify.revisionN', { revision: s.revision })}
        </dd>
        {s.signer?.id && (
          <>
            <dt>{t('verify.signerId')}</dt>
            <dd>{s.signer.id}</dd>
          </>
        )}
        {s.signer && (
          <>
            <dt>{t('verify.issuer')}</dt>
            <dd>{s.signer.issuer}</dd>
          </>
        )}
        <dt>{t('verify.time')}</dt>
        <dd>
          {s.timestamp ? (
            <>
              {fmt.dateTime(s.timestamp.time)} ({t('verify.timestamped')}
              {!s.timestamp.valid && (
                <>
                  {' '}
                  <Icon name="disallowed" label={t('icons.timestampInvalid')} />
                </>
              )}
              )
            </>
          ) : s.claimedTime ? (
            `${fmt.dateTime(s.claimedTime)} (${t('verify.claimed')})`
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('verify.intact')}</dt>
        <dd>{yes(s.intact)}</dd>
        <dt>{t('verify.coverage')}</dt>
        <dd>{t(`verify.coverageKinds.${s.coverage}`)}</dd>
        <dt>{t('verify.trusted')}</dt>
        <dd>{yes(s.trusted)}</dd>
        <dt>{t('verify.revocation')}</dt>
        <dd>
          {t(`verify.revocationKinds.${s.revocation.status}`)}
          {s.revocation.revokedAt ? ` (${fmt.dateTime(s.revocation.revokedAt)})` : ''}
        </dd>
        <dt>{t('verify.level')}</dt>
        <dd>{s.level}</dd>
        <dt>{t('verify.modifications')}</dt>
        <dd>{t(`verify.modificationKinds.${s.modificationsAfter}`)}</dd>
      </dl>
      {s.reasons.length > 0 && (
        <ul className="reasons">
          {s.reasons.map((r, i) => (
            <li key={`${r.code}-${i}`}>{reasonText(t, locale, r)}</li>
          ))}
        </ul>
      )}
      {s.changes.length > 0 && (
        <>
          <h5>{t('verify.changesAfter', { count: groups.length })}</h5>
          <ul className="changes" data-testid="change-list">
            {groups.map((g, i) => (
              <li key={i} className={g.allowed ? 'allowed' : 'disallowed'}>
                <Icon name={g.allowed ? 'allowed' : 'disallowed'} label={t(g.allowed ? 'icons.allowed' : 'icons.disallowed')} />{' '}
                {t('verify.revisionN', { revision: g.revision })} · {g.text}
              </li>
            ))}
          </ul>
          <details>
            <summary>{t('verify.changeDetails')}</summary>
            <ul className="changes">
              {groups.map((g, i) => (
                <li key={i} className={g.allowed ? 'allowed' : 'disallowed'}>
                  {t('verify.revisionN', { revision: g.revision })} · {g.text} ·{' '}
                  {t('verify.changeObjects', { objects: g.objects.join(', ') })}
                </li>
              ))}
            </ul>
          </details>
          <PageCompare file={file} revision={s.revision} pages={pagesToCompare(s.changes)} />
        </>
      )}
      <button type="button" className="link" onClick={onSignedVersion}>
        {t('verify.signedVersion')}
      </button>
    </section>
  );
}
