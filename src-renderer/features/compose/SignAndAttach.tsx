import { useCallback, useState } from 'react';
import { baseName } from '../../paths';
import type { ApiErrorData } from '../../../src-main/api/result';
import { call, newOpId, pathForFile } from '../../api';
import { errorText, useI18n } from '../../i18n';
import { CertificateFields } from '../sign/CertificateFields';
import { useCertificateSelection, type PickedFile } from '../sign/useCertificateSelection';
import { Field } from '../../components/Field';

/**
 * "Firmar y adjuntar": signs one picked PDF (invisible signature, role firma) and hands the signed copy to the
 * group, which checks it like any other attachment. The certificate block is Firmar's (`CertificateFields`),
 * FirmaGob's simulator OTP included. The password goes to the core with the call and is dropped right after it.
 */
export function SignAndAttach({ suffix, onSigned }: { suffix: string; onSigned: (path: string, name: string) => Promise<void> }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [demo, setDemo] = useState<{ path: string; password: string } | null>(null);
  const [pdf, setPdf] = useState<PickedFile | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onError = useCallback((e: ApiErrorData) => setError(errorText(t, e)), [t]);
  const cert = useCertificateSelection(onError);
  const tid = (base: string) => `${base}${suffix}`;

  const openPanel = async () => {
    setOpen(true);
    setError(null);
    // The demo certificate is offered only where the core ships it (the embedded sandbox profile).
    const info = await call('app.info', {});
    if (info.ok) setDemo(info.value.demoCertificate);
  };

  const pickPdf = async (file: File | undefined) => {
    if (!file) return;
    const up = await pathForFile(file);
    if (!up.ok) return onError(up.error);
    setPdf({ path: up.value.path, name: up.value.name });
  };

  const signAndAttach = async () => {
    if (!pdf || !cert.ready) return;
    setBusy(true);
    setError(null);
    const r = await call(
      'sign.start',
      {
        files: [pdf.path],
        certificate: cert.forCall(),
        options: { role: 'firma', stamp: { invisible: true, page: 'last', everyPage: false } },
      },
      newOpId(),
    );
    cert.setPassword('');
    const result = r.ok ? r.value.results[0] : undefined;
    if (!r.ok || !result || !result.ok) {
      setBusy(false);
      const e = !r.ok ? r.error : result && !result.ok ? result.error : { code: 'SIGN_FAILED', message: pdf.name };
      return onError(e);
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
      <Field label={t('compose.signAttachPdf')}>
        {(c) => (
          <input
            {...c}
            type="file"
            accept="application/pdf,.pdf"
            data-testid={tid('sign-attach-pdf')}
            onChange={(e) => void pickPdf(e.target.files?.[0])}
          />
        )}
      </Field>
      <CertificateFields
        selection={cert}
        demo={demo}
        testIds={{
          demo: tid('sign-attach-demo'),
          p12: tid('sign-attach-p12'),
          password: tid('sign-attach-password'),
          simulatorOtp: tid('sign-attach-simulator-otp'),
        }}
      />
      <div className="actions-row">
        <button
          type="button"
          className="primary"
          disabled={busy || !pdf || !cert.ready}
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
