import { useId, useState } from 'react';
import { baseName } from '../../paths';
import type { CertificateChoice } from '../../../src-main/api/keys';
import { call, newOpId, pathForFile } from '../../api';
import { CertificatePicker } from '../../components/CertificatePicker';
import { errorText, useI18n } from '../../i18n';

type Picked = { path: string; name: string };

/**
 * "Firmar y adjuntar": signs one picked PDF (invisible signature, role firma) and hands the signed copy to the
 * group, which checks it like any other attachment. The password goes to the core with the call and is dropped
 * right after it.
 */
export function SignAndAttach({ suffix, onSigned }: { suffix: string; onSigned: (path: string, name: string) => Promise<void> }) {
  const { t } = useI18n();
  const ids = { pdf: useId(), p12: useId(), pw: useId() };
  const [open, setOpen] = useState(false);
  const [demo, setDemo] = useState<{ path: string; password: string } | null>(null);
  const [pdf, setPdf] = useState<Picked | null>(null);
  const [p12, setP12] = useState<Picked | null>(null);
  const [choice, setChoice] = useState<CertificateChoice | null>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tid = (base: string) => `${base}${suffix}`;

  const openPanel = async () => {
    setOpen(true);
    setError(null);
    // The demo certificate is offered only where the core ships it (the embedded sandbox profile).
    const info = await call('app.info', {});
    if (info.ok) setDemo(info.value.demoCertificate);
  };

  const pick = async (file: File | undefined, into: (p: Picked) => void) => {
    if (!file) return;
    const up = await pathForFile(file);
    if (!up.ok) return setError(errorText(t, up.error));
    into({ path: up.value.path, name: up.value.name });
  };

  const signAndAttach = async () => {
    if (!pdf || (!p12 && !choice)) return;
    setBusy(true);
    setError(null);
    const r = await call(
      'sign.start',
      {
        files: [pdf.path],
        certificate: choice ? { ...choice.ref, password } : { p12Path: p12?.path ?? '', password },
        options: { role: 'firma', stamp: { invisible: true, page: 'last', everyPage: false } },
      },
      newOpId(),
    );
    setPassword('');
    const result = r.ok ? r.value.results[0] : undefined;
    if (!r.ok || !result || !result.ok) {
      setBusy(false);
      const e = !r.ok ? r.error : result && !result.ok ? result.error : { code: 'SIGN_FAILED', message: pdf.name };
      return setError(errorText(t, e));
    }
    await onSigned(result.output, baseName(result.output));
    setBusy(false);
    setPdf(null);
    setOpen(false);
  };

  if (!open) {
    return (
      <button type="button" onClick={() => void openPanel()} data-testid={tid('sign-attach-open')}>
        {t('compose.signAttachOpen')}
      </button>
    );
  }
  return (
    <div className="panel sign-attach" data-testid={tid('sign-attach')}>
      <p className="hint">{t('compose.signAttachHint')}</p>
      <div className="field">
        <label htmlFor={ids.pdf}>{t('compose.signAttachPdf')}</label>
        <input
          id={ids.pdf}
          type="file"
          accept="application/pdf,.pdf"
          data-testid={tid('sign-attach-pdf')}
          onChange={(e) => void pick(e.target.files?.[0], setPdf)}
        />
      </div>
      <CertificatePicker
        selected={choice?.key ?? null}
        onSelect={(c) => {
          setChoice(c);
          setPassword('');
        }}
      />
      {demo && (
        <p className="hint">
          <button
            type="button"
            className="link"
            data-testid={tid('sign-attach-demo')}
            onClick={() => {
              setP12({ path: demo.path, name: 'demo-firmante.p12' });
              setChoice(null);
              setPassword(demo.password);
            }}
          >
            {t('sign.useDemo')}
          </button>{' '}
          {p12?.path === demo.path && t('sign.demoSelected')}
        </p>
      )}
      <div className="inline-form">
        <div className="field">
          <label htmlFor={ids.p12}>{t('sign.p12')}</label>
          <input
            id={ids.p12}
            type="file"
            accept=".p12,.pfx,application/x-pkcs12"
            data-testid={tid('sign-attach-p12')}
            onChange={(e) => void pick(e.target.files?.[0], setP12)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.pw}>{choice?.secretKind === 'pin' ? t('keys.secretPin') : t('sign.password')}</label>
          <input
            id={ids.pw}
            type="password"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid={tid('sign-attach-password')}
          />
        </div>
      </div>
      <div className="actions-row">
        <button
          type="button"
          className="primary"
          disabled={busy || !pdf || (!p12 && !choice) || password === ''}
          onClick={() => void signAndAttach()}
          data-testid={tid('sign-attach-button')}
        >
          {t('compose.signAttach')}
        </button>
        <button type="button" disabled={busy} onClick={() => setOpen(false)}>
          {t('compose.signAttachCancel')}
        </button>
        {busy && (
          <span className="hint" role="status">
            {t('compose.signing')}
          </span>
        )}
      </div>
      {error && (
        <p role="alert" className="alert alert-error" data-testid={tid('sign-attach-error')}>
          {error}
        </p>
      )}
    </div>
  );
}
