import { useState } from 'react';
import type { ApiErrorData } from '../../../src-main/api/result';
import { call } from '../../api';
import { TableHead } from '../../components/TableHead';
import { useCoreQuery } from '../../lib/useCoreQuery';
import { errorText, useI18n } from '../../i18n';
import { Field } from '../../components/Field';

/** The certificates the user signs with (passwords, when remembered, stay in the OS keychain). */
export function CertificatesPanel() {
  const { t, fmt } = useI18n();
  const certs = useCoreQuery('sign.certificates.list', {}, { refreshOn: ['certificates'] });
  const [actionError, setActionError] = useState<ApiErrorData | null>(null);
  const remove = async (id: string) => {
    const r = await call('sign.certificates.remove', { id });
    setActionError(r.ok ? null : r.error);
    await certs.reload();
  };
  const error = actionError ?? certs.error;
  const list = certs.data ?? [];
  return (
    <section className="panel" aria-labelledby="certs-title" data-testid="certificates-panel">
      <h3 id="certs-title">{t('settings.certificates')}</h3>
      <p className="hint">{t('settings.certificatesIntro')}</p>
      {list.length === 0 ? (
        <p className="hint">{t('settings.certificatesEmpty')}</p>
      ) : (
        <table className="table">
          <TableHead columns={[t('sign.holder'), t('sign.issuer'), t('sign.validity'), t('settings.passwordRemembered')]} actions />
          <tbody>
            {list.map((c) => (
              <tr key={c.id}>
                <td translate="no">{c.label}</td>
                <td translate="no">{c.info.issuer}</td>
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
          {errorText(t, error)}
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
  const { t, fmt } = useI18n();
  const trust = useCoreQuery('trust.list', {}, { refreshOn: ['trust'] });
  const overview = trust.data ?? null;
  const load = trust.reload;
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [refreshing, setRefreshing] = useState(false);
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
            next: overview.tsl.nextUpdate ? fmt.date(overview.tsl.nextUpdate) : '—',
          })}{' '}
          <button type="button" disabled={refreshing} onClick={() => void refresh()} data-testid="trust-refresh">
            {refreshing ? t('settings.trustRefreshing') : t('settings.trustRefresh')}
          </button>
        </p>
      )}
      {overview?.problemCodes.map((p, i) => (
        <p key={i} className="alert alert-error" data-testid="trust-problem">
          {t(`settings.trustProblems.${p.code}`, {
            list: p.params.list ? t(`settings.trustLists.${p.params.list}`) : '',
            file: p.params.file ?? '',
            detail: p.params.detail ?? '',
          })}
        </p>
      ))}
      <div className="anchor-scroll">
        <table className="table">
          <TableHead
            columns={[
              t('settings.profileName'),
              t('settings.trustCountry'),
              t('settings.trustProvider'),
              t('settings.trustList'),
              t('settings.trustStatus'),
              t('sign.validity'),
              'SHA-256',
              t('settings.trustSource'),
            ]}
            actions
          />
          <tbody>
            {anchors.map((a) => (
              <tr key={`${a.sha256}-${a.list}-${a.provider}`}>
                <td translate="no">{a.name}</td>
                <td>{a.country ?? '—'}</td>
                <td translate="no">{a.provider}</td>
                <td data-testid="trust-list-name">{t(`settings.trustLists.${a.listCode}`)}</td>
                <td data-testid="trust-status">
                  {a.granted
                    ? t(`settings.trustStatuses.${a.statusCode}`, { status: a.status })
                    : t('settings.trustNotGranted', { status: t(`settings.trustStatuses.${a.statusCode}`, { status: a.status }) })}
                </td>
                <td>
                  {fmt.date(a.validFrom)} – {fmt.date(a.validTo)}
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
                      <small translate="no">{a.sourceUrl}</small>
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
      <Field label={t('settings.trustAdd')}>
        {(c) => (
          <input {...c} type="file" accept=".pem,.crt,.cer,.der" data-testid="trust-add" onChange={(e) => void add(e.target.files?.[0])} />
        )}
      </Field>
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
