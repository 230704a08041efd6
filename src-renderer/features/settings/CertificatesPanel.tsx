import { useCallback, useEffect, useState } from 'react';
import type { SavedCertificate } from '../../../src-main/api/sign';
import type { TrustOverview } from '../../../src-main/api/trust';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';

/** The certificates the user signs with (passwords, when remembered, stay in the OS keychain). */
export function CertificatesPanel() {
  const { t } = useI18n();
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
                <td>{new Date(c.info.validTo).toLocaleDateString()}</td>
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

/**
 * Trust anchors with their provenance: the national lists (Peru's TSL, Chile's bundles) and the user's own roots;
 * refresh Peru's list from its official URL (replaced only when its signature checks), add and remove own roots.
 */
export function TrustAnchorsPanel() {
  const { t } = useI18n();
  const [overview, setOverview] = useState<TrustOverview | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const load = useCallback(async () => {
    const r = await call('trust.list', {});
    if (r.ok) setOverview(r.value);
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
    const r = await call('trust.add', { pem });
    setMessage(
      r.ok
        ? { kind: 'ok', text: t('settings.trustAdded', { count: r.value.added.length }) }
        : { kind: 'error', text: errorText(t, r.error) },
    );
    await load();
  };
  const remove = async (sha256: string) => {
    await call('trust.remove', { sha256 });
    await load();
  };
  const refresh = async () => {
    setRefreshing(true);
    const r = await call('trust.refresh', {});
    setRefreshing(false);
    setMessage(
      r.ok
        ? { kind: 'ok', text: t('settings.trustRefreshed', { sequence: r.value.sequenceNumber, anchors: r.value.anchors }) }
        : { kind: 'error', text: errorText(t, r.error) },
    );
    await load();
  };
  const anchors = overview?.anchors ?? [];
  return (
    <section className="panel" aria-labelledby="trust-title" data-testid="trust-panel">
      <h3 id="trust-title">{t('settings.trust')}</h3>
      <p className="hint">{t('settings.trustIntro')}</p>
      {overview?.tsl && (
        <p className={overview.tsl.stale ? 'alert alert-error' : 'hint'} data-testid="trust-tsl">
          {t(overview.tsl.stale ? 'settings.trustTslStale' : 'settings.trustTsl', {
            sequence: overview.tsl.sequenceNumber,
            next: overview.tsl.nextUpdate ? new Date(overview.tsl.nextUpdate).toLocaleDateString() : '—',
          })}{' '}
          <button type="button" disabled={refreshing} onClick={() => void refresh()} data-testid="trust-refresh">
            {refreshing ? t('settings.trustRefreshing') : t('settings.trustRefresh')}
          </button>
        </p>
      )}
      {overview?.problems.map((p) => (
        <p key={p} className="alert alert-error">
          {p}
        </p>
      ))}
      <div className="anchor-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('settings.profileName')}</th>
              <th scope="col">{t('settings.trustCountry')}</th>
              <th scope="col">{t('settings.trustProvider')}</th>
              <th scope="col">{t('settings.trustList')}</th>
              <th scope="col">{t('settings.trustStatus')}</th>
              <th scope="col">{t('sign.validity')}</th>
              <th scope="col">SHA-256</th>
              <th scope="col">{t('settings.trustSource')}</th>
              <th scope="col">
                <span className="visually-hidden">—</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {anchors.map((a) => (
              <tr key={`${a.sha256}-${a.list}-${a.provider}`}>
                <td>{a.name}</td>
                <td>{a.country ?? '—'}</td>
                <td>{a.provider}</td>
                <td>{a.list}</td>
                <td>{a.granted ? a.status : t('settings.trustNotGranted', { status: a.status })}</td>
                <td>
                  {new Date(a.validFrom).toLocaleDateString()} – {new Date(a.validTo).toLocaleDateString()}
                </td>
                <td>
                  <code title={a.sha256}>{a.sha256.slice(0, 16)}…</code>
                </td>
                <td>
                  {a.origin === 'user'
                    ? t('settings.trustUser')
                    : a.origin === 'refreshed'
                      ? t('settings.trustRefreshedOrigin')
                      : t('settings.trustBundled')}
                  {a.sourceUrl && a.origin !== 'user' && (
                    <>
                      <br />
                      <small>{a.sourceUrl}</small>
                    </>
                  )}
                </td>
                <td>
                  {a.origin === 'user' && (
                    <button type="button" className="danger" onClick={() => void remove(a.sha256)}>
                      {t('settings.profileRemove')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
