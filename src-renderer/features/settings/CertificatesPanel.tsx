import { useCallback, useEffect, useState } from 'react';
import type { SavedCertificate } from '../../../src-main/api/sign';
import type { TrustAnchorInfo } from '../../../src-main/api/verify';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';

/** The certificates the user signs with (passwords, when remembered, stay in the OS keychain). */
export function CertificatesPanel() {
  const { t, fmt } = useI18n();
  const [certs, setCerts] = useState<SavedCertificate[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const r = await call('sign.certificates.list', {});
    if (r.ok) setCerts(r.value);
    else setError(errorText(t, r.error));
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);
  const remove = async (id: string) => {
    const r = await call('sign.certificates.remove', { id });
    if (!r.ok) setError(errorText(t, r.error));
    await load();
  };
  return (
    <section className="panel" aria-labelledby="certs-title" data-testid="certificates-panel">
      <h3 id="certs-title">{t('settings.certificates')}</h3>
      <p className="hint">{t('settings.certificatesIntro')}</p>
      {certs.length === 0 ? (
        <p className="hint">{t('settings.certificatesEmpty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('sign.holder')}</th>
              <th scope="col">{t('sign.issuer')}</th>
              <th scope="col">{t('sign.validity')}</th>
              <th scope="col">{t('settings.passwordRemembered')}</th>
              <th scope="col">
                <span className="visually-hidden">—</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {certs.map((c) => (
              <tr key={c.id}>
                <td>{c.label}</td>
                <td>{c.info.issuer}</td>
                <td>{fmt.date(c.info.validTo)}</td>
                <td>{c.rememberPassword ? t('verify.yes') : t('verify.no')}</td>
                <td>
                  <button type="button" className="danger" onClick={() => void remove(c.id)}>
                    {t('settings.profileRemove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** Trust anchors: the bundled ones and those the user added (a root certificate in PEM or DER). */
export function TrustAnchorsPanel() {
  const { t, fmt } = useI18n();
  const [anchors, setAnchors] = useState<TrustAnchorInfo[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const load = useCallback(async () => {
    const r = await call('verify.trust.list', {});
    if (r.ok) setAnchors(r.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const add = async (file: File | undefined) => {
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    // DER files travel as PEM: the core takes text.
    const text = new TextDecoder('latin1').decode(bytes);
    const pem = text.includes('-----BEGIN')
      ? text
      : `-----BEGIN CERTIFICATE-----\n${btoa(text).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const r = await call('verify.trust.add', { pem });
    setMessage(
      r.ok
        ? { kind: 'ok', text: t('settings.trustAdded', { count: r.value.added.length }) }
        : { kind: 'error', text: errorText(t, r.error) },
    );
    await load();
  };
  const remove = async (fingerprint: string) => {
    await call('verify.trust.remove', { fingerprint });
    await load();
  };
  return (
    <section className="panel" aria-labelledby="trust-title" data-testid="trust-panel">
      <h3 id="trust-title">{t('settings.trust')}</h3>
      <p className="hint">{t('settings.trustIntro')}</p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('settings.profileName')}</th>
            <th scope="col">{t('sign.validity')}</th>
            <th scope="col">{t('settings.trustSource')}</th>
            <th scope="col">
              <span className="visually-hidden">—</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {anchors.map((a) => (
            <tr key={a.fingerprint}>
              <td>{a.name}</td>
              <td>{fmt.date(a.validTo)}</td>
              <td>{a.source === 'user' ? t('settings.trustUser') : t('settings.trustBundled')}</td>
              <td>
                {a.source === 'user' && (
                  <button type="button" className="danger" onClick={() => void remove(a.fingerprint)}>
                    {t('settings.profileRemove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="field">
        {t('settings.trustAdd')}
        <input type="file" accept=".pem,.crt,.cer,.der" data-testid="trust-add" onChange={(e) => void add(e.target.files?.[0])} />
      </label>
      {message && (
        <p
          role={message.kind === 'error' ? 'alert' : 'status'}
          className={message.kind === 'error' ? 'alert alert-error' : 'alert alert-ok'}
          data-testid="trust-message"
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
