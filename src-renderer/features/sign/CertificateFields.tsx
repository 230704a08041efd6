import type { ReactNode } from 'react';
import { CertificatePicker } from '../../components/CertificatePicker';
import { useI18n } from '../../i18n';
import type { CertificateSelection } from './useCertificateSelection';
import { Field } from '../../components/Field';

export type CertificateFieldIds = { demo: string; p12: string; password: string; simulatorOtp: string };

/**
 * The certificate block shared by Firmar and "Firmar y adjuntar": the picker, the demo certificate where the core
 * ships it, a .p12/.pfx file, and the secret to type for the choice (password, PIN, FirmaGob's OTP, with the
 * built-in simulator's OTP offered for training, or nothing). `children` go beside the secret field.
 */
export function CertificateFields({
  selection: sel,
  demo,
  testIds,
  children,
}: {
  selection: CertificateSelection;
  demo: { path: string; password: string } | null;
  testIds: CertificateFieldIds;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  // A remembered certificate is a file already: the file inputs are for the other cases.
  const fileChoice = !(sel.choice && 'certificateId' in sel.choice.ref);
  return (
    <>
      <CertificatePicker key={sel.listVersion} selected={sel.choice?.key ?? null} onSelect={sel.select} />
      {fileChoice && demo && (
        <p className="hint">
          <button type="button" className="link" data-testid={testIds.demo} onClick={() => sel.chooseDemo(demo)}>
            {t('sign.useDemo')}
          </button>{' '}
          {sel.p12?.path === demo.path && t('sign.demoSelected')}
        </p>
      )}
      {fileChoice && (
        <Field label={t('sign.p12')}>
          {(c) => (
            <input
              {...c}
              type="file"
              accept=".p12,.pfx,application/x-pkcs12"
              onChange={(e) => void sel.pickP12(e.target.files?.[0])}
              data-testid={testIds.p12}
            />
          )}
        </Field>
      )}
      <div className="inline-form">
        {sel.noSecret ? (
          <p className="hint" data-testid="no-secret">
            {t('keys.noSecret')}
          </p>
        ) : (
          <Field
            label={
              sel.choice?.secretKind === 'pin'
                ? t('keys.secretPin')
                : sel.choice?.secretKind === 'otp'
                  ? t('keys.secretOtp')
                  : t('sign.password')
            }
          >
            {(c) => (
              <input
                {...c}
                type="password"
                autoComplete="off"
                value={sel.password}
                onChange={(e) => sel.setPassword(e.target.value)}
                data-testid={testIds.password}
              />
            )}
          </Field>
        )}
        {sel.choice?.secretKind === 'otp' && sel.choice.location.simulator && (
          <button type="button" onClick={() => void sel.askSimulatorOtp()} data-testid={testIds.simulatorOtp}>
            {t('keys.simulatorOtp')}
          </button>
        )}
        {children}
      </div>
    </>
  );
}
