import { ScreenHeader } from '../../components/ScreenHeader';
import { errorText, useI18n } from '../../i18n';
import { CertificateFields } from './CertificateFields';
import { OverlapConfirm, OverlapWarning } from './OverlapConfirm';
import { SignProfilesView } from './SignProfilesView';
import { SignFilesView } from './SignFilesView';
import { SignOptionsView, SignRoleView, StampDetailsView } from './SignOptionsView';
import { SignRunView } from './SignRunView';
import { StampPlacementView } from './StampPlacementView';
import { useSignSession } from './useSignSession';

const CERT_TEST_IDS = { demo: 'use-demo-cert', p12: 'p12-input', password: 'p12-password', simulatorOtp: 'simulator-otp' };

/**
 * Firmar: pick PDFs and a certificate, choose firma or visto bueno, click on the page where the stamp goes, sign
 * one file or a batch with progress, then download or verify the result. The logic lives in `useSignSession`;
 * this container lays out its views.
 */
export function SignScreen({ onVerify, demo }: { onVerify?: (paths: string[]) => void; demo: { path: string; password: string } | null }) {
  const { t } = useI18n();
  const s = useSignSession();
  const { state, options } = s;
  const cert = s.certificate;
  const firstPdf = state.files[0]?.file ?? null;
  return (
    <section aria-labelledby="screen-title" data-testid="screen-sign">
      <ScreenHeader title={t('sign.title')} intro={t('sign.intro')} />
      <div className="sign-grid">
        <div>
          <SignFilesView files={state.files} onFiles={(f) => void s.addFiles(f)} />
          <SignProfilesView
            profiles={s.profiles}
            selected={state.profileId}
            saved={s.profileSaved}
            imported={s.imported}
            onSelect={(id) => void s.applyProfile(id)}
            onSave={(name) => void s.saveAsProfile(name)}
            onImport={(f) => void s.importParams(f)}
          />
          <SignRoleView role={options.role} onChange={s.setOptions} />
          <section className="panel" aria-labelledby="cert-title">
            <h3 id="cert-title">{t('sign.certificate')}</h3>
            <CertificateFields selection={cert} demo={demo} testIds={CERT_TEST_IDS}>
              {!(cert.choice && 'certificateId' in cert.choice.ref) && cert.choice?.source !== 'firmagob' && (
                <>
                  <label className="radio">
                    <input type="checkbox" checked={s.remember} onChange={(e) => s.setRemember(e.target.checked)} />
                    {t('sign.remember')}
                  </label>
                  <button type="button" disabled={!cert.p12 || !cert.password} onClick={() => void s.inspect()} data-testid="inspect-cert">
                    {t('sign.inspect')}
                  </button>
                </>
              )}
            </CertificateFields>
            {s.info && <CertificateInfoView info={s.info} />}
          </section>
          <SignOptionsView options={options} pages={state.pages} onChange={s.setOptions} />
          {!options.invisible && (
            <StampDetailsView
              options={options}
              onChange={s.setOptions}
              onPickImage={(f) => void s.pickImage(f)}
              onRemoveImage={s.removeImage}
            />
          )}
          <OverlapWarning files={s.fileOverlaps} batch={state.files.length > 1} />
          {s.confirmingOverlap && (
            <OverlapConfirm
              onConfirm={() => void s.sign()}
              onCancel={s.cancelOverlap}
              initialsOnly={s.fileOverlaps.every((f) => f.widgets.length === 0)}
            />
          )}
          <SignRunView
            run={state.run}
            fileCount={state.files.length}
            canSign={s.canSign}
            error={state.error}
            signedPaths={s.signedPaths}
            onSign={(batch) => (batch ? void s.sign(batch) : s.requestSign())}
            onCancel={s.cancel}
            onVerify={onVerify}
          />
        </div>
        <div>
          {firstPdf && !options.invisible && (
            <StampPlacementView
              file={firstPdf}
              page={options.page}
              rect={s.rect}
              defaultPlace={s.defaultPlace}
              onRect={s.place}
              onPages={s.onPages}
              widgets={s.widgets}
              overlaps={s.overlaps}
              image={options.image?.preview ?? null}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function CertificateInfoView({ info }: { info: NonNullable<ReturnType<typeof useSignSession>['info']> }) {
  const { t, fmt } = useI18n();
  return (
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
  );
}
