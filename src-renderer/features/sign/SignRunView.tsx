import type { SignFileResult } from '../../../src-main/api/sign';
import { downloadFile, shell } from '../../api';
import { Icon } from '../../components/Icon';
import { errorText, useI18n } from '../../i18n';
import { baseName } from '../../paths';
import type { SignRun } from './signSession';

/** The sign button, cancel and resume, the batch's progress, the error and each file's result. */
export function SignRunView({
  run,
  fileCount,
  canSign,
  error,
  signedPaths,
  onSign,
  onCancel,
  onVerify,
}: {
  run: SignRun;
  fileCount: number;
  canSign: boolean;
  error: string | null;
  signedPaths: string[];
  onSign: (resumeBatch?: string) => void;
  onCancel: () => void;
  onVerify?: ((paths: string[]) => void) | undefined;
}) {
  const { t } = useI18n();
  const { progress } = run;
  return (
    <>
      <div className="actions-row">
        <button type="button" className="primary" disabled={!canSign} onClick={() => onSign()} data-testid="sign-button">
          {fileCount > 1 ? t('sign.signBatch', { count: fileCount }) : t('sign.sign')}
        </button>
        {run.opId && (
          <button type="button" onClick={onCancel} data-testid="sign-cancel">
            {t('sign.cancel')}
          </button>
        )}
        {run.cancelledBatch && !run.opId && (
          <button type="button" onClick={() => onSign(run.cancelledBatch ?? undefined)} data-testid="sign-resume">
            {t('sign.resume')}
          </button>
        )}
        {progress && (
          <progress
            max={progress.total}
            value={progress.done}
            aria-label={t('sign.progress', { done: progress.done, total: progress.total })}
          >
            {progress.done}/{progress.total}
          </progress>
        )}
      </div>
      {error && (
        <p role="alert" className="alert alert-error" data-testid="sign-error">
          {error}
        </p>
      )}
      {run.results.length > 0 && <SignResults results={run.results} signedPaths={signedPaths} onVerify={onVerify} />}
    </>
  );
}

function SignResults({
  results,
  signedPaths,
  onVerify,
}: {
  results: SignFileResult[];
  signedPaths: string[];
  onVerify?: ((paths: string[]) => void) | undefined;
}) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="results-title" data-testid="sign-results">
      <h3 id="results-title">{t('sign.results')}</h3>
      <ul>
        {results.map((r) => (
          <li key={r.input}>
            {r.ok ? (
              <>
                <Icon name="ok" label={t('icons.ok')} /> {baseName(r.output)}{' '}
                {shell === 'browser' && (
                  <button type="button" className="link" onClick={() => void downloadFile(r.output, baseName(r.output))}>
                    {t('sign.download')}
                  </button>
                )}
              </>
            ) : (
              <span className="alert-error">
                <Icon name="failed" label={t('icons.failed')} /> {baseName(r.input)}: {errorText(t, r.error)}
              </span>
            )}
          </li>
        ))}
      </ul>
      {signedPaths.length > 0 && onVerify && (
        <button type="button" onClick={() => onVerify(signedPaths)} data-testid="verify-now">
          {t('sign.verifyNow')}
        </button>
      )}
    </section>
  );
}
