import { lazy, Suspense, useCallback, useId, useState } from 'react';
import { baseName } from '../../paths';
import type { CertificateChoice } from '../../../src-main/api/keys';
import type { CertificateInfo, SignFileResult } from '../../../src-main/api/sign';
import { call, cancel, downloadFile, newOpId, pathForFile, shell, subscribe } from '../../api';
import { CertificatePicker } from '../../components/CertificatePicker';
import { FileDrop } from '../../components/FileDrop';
import { ScreenHeader } from '../../components/ScreenHeader';
import { errorText, useI18n } from '../../i18n';
import { LongTermSection, tsaUrlProblem, type SignLevel, type StampStyle } from './LongTermSection';
import type { StampRect } from './PagePreview';
import { Icon } from '../../components/Icon';

// pdf.js is large: it loads only when a PDF is shown.
const PagePreview = lazy(() => import('./PagePreview').then((m) => ({ default: m.PagePreview })));

type Picked = { file: File; path: string };

/**
 * Firmar: pick PDFs and a certificate, choose firma or visto bueno, click on the page where the stamp goes, sign
 * one file or a batch with progress, then download or verify the result. The password goes to the core with the
 * call and is not kept here after it.
 */
export function SignScreen({ onVerify, demo }: { onVerify?: (paths: string[]) => void; demo: { path: string; password: string } | null }) {
  const { t, fmt } = useI18n();
  const ids = {
    p12: useId(),
    pw: useId(),
    saved: useId(),
    reason: useId(),
    cargo: useId(),
    place: useId(),
    page: useId(),
    remember: useId(),
  };
  const [files, setFiles] = useState<Picked[]>([]);
  // Bumped when a certificate is remembered, so the picker lists it.
  const [savedVersion, setSavedVersion] = useState(0);
  const [certId, setCertId] = useState('');
  const [choice, setChoice] = useState<CertificateChoice | null>(null);
  const [p12, setP12] = useState<{ path: string; name: string } | null>(null);
  const [password, setPassword] = useState('');
  const [info, setInfo] = useState<CertificateInfo | null>(null);
  const [remember, setRemember] = useState(false);
  const [role, setRole] = useState<'firma' | 'visto-bueno'>('firma');
  const [reason, setReason] = useState('');
  const [level, setLevel] = useState<SignLevel>('B-B');
  const [tsaUrl, setTsaUrl] = useState('');
  const [stampStyle, setStampStyle] = useState<StampStyle>(1);
  const [cargo, setCargo] = useState('');
  const [place, setPlace] = useState('');
  const [invisible, setInvisible] = useState(false);
  const [everyPage, setEveryPage] = useState(false);
  const [page, setPage] = useState<number | 'last'>('last');
  const [pages, setPages] = useState(1);
  const [rect, setRect] = useState<StampRect | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [results, setResults] = useState<SignFileResult[]>([]);
  const [running, setRunning] = useState<string | null>(null);
  // A cancelled batch keeps its id: signing again with it skips the files already signed.
  const [cancelledBatch, setCancelledBatch] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadSaved = useCallback(() => {
    setSavedVersion((v) => v + 1);
    return Promise.resolve();
  }, []);

  const addFiles = async (list: File[]) => {
    const added: Picked[] = [];
    for (const f of list) {
      const up = await pathForFile(f);
      if (up.ok) added.push({ file: f, path: up.value.path });
      else setError(errorText(t, up.error));
    }
    setFiles((x) => [...x, ...added]);
    setResults([]);
  };

  const pickP12 = async (f: File | undefined) => {
    if (!f) return;
    const up = await pathForFile(f);
    if (!up.ok) return setError(errorText(t, up.error));
    setP12({ path: up.value.path, name: f.name });
    setCertId('');
    setInfo(null);
  };

  const inspect = async () => {
    if (!p12) return;
    const r = await call('sign.inspectCertificate', { p12Path: p12.path, password });
    if (!r.ok) {
      setInfo(null);
      return setError(errorText(t, r.error));
    }
    setError(null);
    setInfo(r.value);
    if (remember) {
      const a = await call('sign.certificates.add', { p12Path: p12.path, password, rememberPassword: true });
      if (a.ok) {
        await loadSaved();
        setCertId(a.value.id);
      }
    }
  };

  const levelReady = level === 'B-B' || (tsaUrl !== '' && tsaUrlProblem(tsaUrl) === null);
  const onPages = useCallback((n: number) => setPages(n), []);

  const sign = async (resumeBatch?: string) => {
    setError(null);
    setResults([]);
    const opId = newOpId();
    setRunning(opId);
    setProgress({ done: 0, total: files.length });
    const unsubscribe = subscribe((e) => {
      if (e.type === 'progress' && e.progress.opId === opId) {
        const total = Number(e.progress.values?.total ?? files.length);
        setProgress({ done: Math.round((e.progress.fraction ?? 0) * total * 100) / 100, total });
      }
    });
    const certificate =
      choice && 'firmagob' in choice.ref
        ? { firmagob: {}, ...(choice.secretKind === 'otp' ? { password } : {}) }
        : choice && 'pkcs11' in choice.ref
          ? { pkcs11: choice.ref.pkcs11, password }
          : certId
            ? { certificateId: certId, password }
            : { p12Path: p12?.path ?? '', password };
    const r = await call(
      'sign.start',
      {
        files: files.map((f) => f.path),
        certificate,
        options: {
          role,
          ...(reason ? { reason } : {}),
          ...(cargo ? { roleTitle: cargo } : {}),
          ...(place ? { location: place } : {}),
          stamp: {
            invisible,
            page,
            everyPage: role === 'visto-bueno' && everyPage,
            ...(rect && !invisible ? { rect } : {}),
            ...(stampStyle !== 1 ? { style: stampStyle } : {}),
          },
          level,
          ...(level !== 'B-B' ? LongTermSection.tsaRequest(tsaUrl) : {}),
        },
        ...(resumeBatch ? { batchId: resumeBatch } : {}),
      },
      opId,
    );
    unsubscribe();
    setProgress(null);
    setRunning(null);
    if (!r.ok) {
      setPassword('');
      return setError(errorText(t, r.error));
    }
    setResults(r.value.results);
    setCancelledBatch(r.value.cancelled ? r.value.batchId : null);
    // The password stays only while a cancelled batch may be resumed.
    if (!r.value.cancelled) setPassword('');
  };

  const noSecret = choice?.secretKind === 'none';
  const canSign = files.length > 0 && (choice !== null || p12 !== null) && (password !== '' || noSecret) && progress === null;
  const askSimulatorOtp = async () => {
    const r = await call('sign.firmagob.simulatorOtp', {});
    if (!r.ok) return setError(errorText(t, r.error));
    setPassword(r.value.otp);
  };
  const firstPdf = files[0]?.file ?? null;
  const signedPaths = results.filter((r): r is Extract<SignFileResult, { ok: true }> => r.ok).map((r) => r.output);

  return (
    <section aria-labelledby="screen-title" data-testid="screen-sign">
      <ScreenHeader title={t('sign.title')} intro={t('sign.intro')} />
      <div className="sign-grid">
        <div>
          <div className="field">
            <FileDrop
              label={t('sign.filesLabel')}
              hint={t('app.dropHint')}
              accept="application/pdf,.pdf"
              multiple
              testId="sign-files"
              onFiles={(f) => void addFiles(f)}
            />
            {files.length > 0 && (
              <ul className="attachments" data-testid="sign-file-list">
                {files.map((f) => (
                  <li key={f.path}>{f.file.name}</li>
                ))}
              </ul>
            )}
          </div>
          <fieldset className="field">
            <legend>{t('sign.roleLabel')}</legend>
            <label className="radio">
              <input type="radio" name="role" value="firma" checked={role === 'firma'} onChange={() => setRole('firma')} />
              {t('sign.roleFirma')}
            </label>
            <label className="radio">
              <input
                type="radio"
                name="role"
                value="visto-bueno"
                checked={role === 'visto-bueno'}
                onChange={() => setRole('visto-bueno')}
              />
              {t('sign.roleVisa')}
            </label>
          </fieldset>
          <section className="panel" aria-labelledby="cert-title">
            <h3 id="cert-title">{t('sign.certificate')}</h3>
            <CertificatePicker
              key={savedVersion}
              selected={choice?.key ?? null}
              onSelect={(c) => {
                setChoice(c);
                setCertId(c?.ref && 'certificateId' in c.ref ? c.ref.certificateId : '');
                // Remembering is for convenience: the password or PIN is asked again for every signature.
                setPassword('');
                setInfo(null);
              }}
            />
            {certId === '' && demo && (
              <p className="hint">
                <button
                  type="button"
                  className="link"
                  data-testid="use-demo-cert"
                  onClick={() => {
                    setP12({ path: demo.path, name: 'demo-firmante.p12' });
                    setPassword(demo.password);
                    setInfo(null);
                  }}
                >
                  {t('sign.useDemo')}
                </button>{' '}
                {p12?.path === demo.path && t('sign.demoSelected')}
              </p>
            )}
            {certId === '' && (
              <div className="field">
                <label htmlFor={ids.p12}>{t('sign.p12')}</label>
                <input
                  id={ids.p12}
                  type="file"
                  accept=".p12,.pfx,application/x-pkcs12"
                  onChange={(e) => void pickP12(e.target.files?.[0])}
                  data-testid="p12-input"
                />
              </div>
            )}
            <div className="inline-form">
              {noSecret ? (
                <p className="hint" data-testid="no-secret">
                  {t('keys.noSecret')}
                </p>
              ) : (
                <div className="field">
                  <label htmlFor={ids.pw}>
                    {choice?.secretKind === 'pin'
                      ? t('keys.secretPin')
                      : choice?.secretKind === 'otp'
                        ? t('keys.secretOtp')
                        : t('sign.password')}
                  </label>
                  <input
                    id={ids.pw}
                    type="password"
                    autoComplete="off"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    data-testid="p12-password"
                  />
                </div>
              )}
              {choice?.secretKind === 'otp' && choice.location.simulator && (
                <button type="button" onClick={() => void askSimulatorOtp()} data-testid="simulator-otp">
                  {t('keys.simulatorOtp')}
                </button>
              )}
              {certId === '' && choice?.source !== 'firmagob' && (
                <>
                  <label className="radio">
                    <input id={ids.remember} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
                    {t('sign.remember')}
                  </label>
                  <button type="button" disabled={!p12 || !password} onClick={() => void inspect()} data-testid="inspect-cert">
                    {t('sign.inspect')}
                  </button>
                </>
              )}
            </div>
            {info && (
              <dl className="cert-info" data-testid="cert-info">
                <dt>{t('sign.holder')}</dt>
                <dd>{info.name}</dd>
                {info.nationalId && (
                  <>
                    <dt>{info.nationalId.kind}</dt>
                    <dd>{info.nationalId.number}</dd>
                  </>
                )}
                <dt>{t('sign.issuer')}</dt>
                <dd>{info.issuer}</dd>
                <dt>{t('sign.validity')}</dt>
                <dd>
                  {fmt.date(info.validFrom)} – {fmt.date(info.validTo)}
                </dd>
                <dt>{t('sign.keyUsage')}</dt>
                <dd>{info.keyUsage.join(', ')}</dd>
                {info.problem && (
                  <dd className="alert alert-error" role="alert">
                    {errorText(t, info.problem)}
                  </dd>
                )}
              </dl>
            )}
          </section>
          <div className="inline-form">
            <div className="field">
              <label htmlFor={ids.reason}>{t('sign.reason')}</label>
              <input
                id={ids.reason}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder={role === 'firma' ? t('sign.reasonFirma') : t('sign.reasonVisa')}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.cargo}>{t('sign.cargo')}</label>
              <input id={ids.cargo} value={cargo} onChange={(e) => setCargo(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={ids.place}>{t('sign.place')}</label>
              <input id={ids.place} value={place} onChange={(e) => setPlace(e.target.value)} />
            </div>
          </div>
          <div className="inline-form">
            <label className="radio">
              <input type="checkbox" checked={invisible} onChange={(e) => setInvisible(e.target.checked)} />
              {t('sign.invisible')}
            </label>
            {role === 'visto-bueno' && (
              <label className="radio">
                <input type="checkbox" checked={everyPage} onChange={(e) => setEveryPage(e.target.checked)} />
                {t('sign.everyPage')}
              </label>
            )}
            <div className="field">
              <label htmlFor={ids.page}>{t('sign.page')}</label>
              <select
                id={ids.page}
                value={String(page)}
                onChange={(e) => setPage(e.target.value === 'last' ? 'last' : Number(e.target.value))}
              >
                <option value="last">{t('sign.lastPage')}</option>
                {Array.from({ length: Math.min(pages, 500) }, (_, i) => (
                  <option key={i + 1} value={i + 1}>
                    {i + 1}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <LongTermSection
            level={level}
            onLevel={setLevel}
            tsaUrl={tsaUrl}
            onTsaUrl={setTsaUrl}
            style={stampStyle}
            onStyle={setStampStyle}
          />
          <div className="actions-row">
            <button
              type="button"
              className="primary"
              disabled={!canSign || !levelReady}
              onClick={() => void sign()}
              data-testid="sign-button"
            >
              {files.length > 1 ? t('sign.signBatch', { count: files.length }) : t('sign.sign')}
            </button>
            {running && (
              <button type="button" onClick={() => void cancel(running)} data-testid="sign-cancel">
                {t('sign.cancel')}
              </button>
            )}
            {cancelledBatch && !running && (
              <button type="button" onClick={() => void sign(cancelledBatch)} data-testid="sign-resume">
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
          {results.length > 0 && (
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
          )}
        </div>
        <div>
          {firstPdf && !invisible && (
            <>
              <p className="hint">{t('sign.clickToPlace')}</p>
              <Suspense fallback={<p className="hint">{t('app.loading')}</p>}>
                <PagePreview file={firstPdf} page={page} rect={rect} onRect={setRect} onPages={onPages} />
              </Suspense>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
