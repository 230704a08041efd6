import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { baseName } from '../../paths';
import { OUTBOX_STATES, type OutboxDetail, type OutboxFilter, type OutboxState } from '../../../src-main/api/outbox';
import { outboxEventText } from '../../../src-main/api/outbox-text';
import type { ComposeOutputs } from '../../../src-main/api/compose';
import { deliveryFromCounts, hasReceipt, isErrorRecipientStatus, messageDelivery } from '../../../src-main/api/delivery';
import { call, downloadFile, shell } from '../../api';
import type { ApiErrorData } from '../../../src-main/api/result';
import { useCoreQuery } from '../../lib/useCoreQuery';
import { ScreenHeader } from '../../components/ScreenHeader';
import { errorText, useI18n } from '../../i18n';
import { OutboxCharts } from './OutboxCharts';
import { VirtualList } from './VirtualList';
import { dduText } from './ddu-text';

const PAGE = 200;

export function OutboxScreen() {
  const { t, fmt: dates, locale } = useI18n();
  const deadlineSource = (d: ComposeOutputs['compose.deadline']) =>
    d.years.map((y) => t(y.official ? 'outbox.holidaysOfficial' : 'outbox.holidaysFallback', { year: y.year })).join(' · ');
  const [filter, setFilter] = useState<{ state: string; type: string; text: string; recipient: string; from: string; to: string }>({
    state: '',
    type: '',
    text: '',
    recipient: '',
    from: '',
    to: '',
  });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ApiErrorData | null>(null);
  const loading = useRef(false);

  const query = useMemo((): OutboxFilter => {
    const f: OutboxFilter = { limit: PAGE };
    if (filter.state) f.states = [filter.state as OutboxState];
    if (filter.type) f.messageType = filter.type as 'NT' | 'CP' | 'CI';
    if (filter.text.trim()) f.text = filter.text.trim();
    const rol = Number(filter.recipient.replace(/[.\s]/g, '').split('-')[0]);
    if (filter.recipient && Number.isInteger(rol) && rol > 0) f.recipient = rol;
    if (filter.from) f.from = new Date(filter.from).toISOString();
    if (filter.to) f.to = new Date(Date.parse(filter.to) + 86_400_000).toISOString();
    return f;
  }, [filter]);

  // The list follows the sender live (the core announces every change); an older, slower answer (a filter
  // typed over) never replaces a newer one.
  const list = useCoreQuery('outbox.list', query, { refreshOn: ['outbox'] });
  const statsQuery = useCoreQuery('outbox.stats', { days: 30 }, { refreshOn: ['outbox'] });
  const detail = useCoreQuery('outbox.get', selectedId ? { id: selectedId } : null, { refreshOn: ['outbox'] });
  const rows = list.data ?? [];
  const stats = statsQuery.data ?? null;
  // Complete when a page came back short (or an empty next page for this very list was seen).
  const [exhaustedAt, setExhaustedAt] = useState<number | null>(null);
  const complete = rows.length === 0 || rows.length % PAGE !== 0 || exhaustedAt === list.generation();
  const selected: OutboxDetail | null = detail.data && detail.data.id === selectedId ? detail.data : null;
  const shownError = actionError ?? list.error ?? detail.error;
  const error = shownError ? errorText(t, shownError) : null;

  const loadMore = useCallback(async () => {
    if (loading.current || complete || rows.length === 0) return;
    loading.current = true;
    const generation = list.generation();
    const last = rows[rows.length - 1]!;
    const r = await call('outbox.list', { ...query, before: { createdAt: last.createdAt, id: last.id } });
    loading.current = false;
    // A page of the previous filter (or of a list refreshed meanwhile) is not appended.
    if (!r.ok || !list.isCurrent(generation)) return;
    if (r.value.length < PAGE) setExhaustedAt(generation);
    list.setData((x) => [...(x ?? []), ...r.value]);
  }, [complete, rows, query, list]);

  const open = (id: string) => {
    setActionError(null);
    setSelectedId(id);
  };

  const reload = async () => {
    await Promise.all([list.reload(), statsQuery.reload(), detail.reload()]);
  };

  const act = async (p: Promise<{ ok: boolean; error?: ApiErrorData }>) => {
    const r = await p;
    setActionError(!r.ok && r.error ? r.error : null);
    await reload();
  };

  const exportCsv = async () => {
    const r = await call('outbox.exportCsv', {});
    if (!r.ok) return setActionError(r.error);
    const url = URL.createObjectURL(new Blob([r.value.csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `bandeja-${new Date().toISOString().slice(0, 10)}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };

  const constancia = async (id: string) => {
    const r = await call('compose.constancia', { id });
    if (!r.ok) return setActionError(r.error);
    if (shell === 'browser') await downloadFile(r.value.path, baseName(r.value.path));
  };

  const receipt = async (id: string, rolUnico: number) => {
    const r = await call('outbox.receipt', { id, rolUnico });
    if (!r.ok) return setActionError(r.error);
    if (shell === 'browser') await downloadFile(r.value.path, baseName(r.value.path));
  };

  const fmt = (iso: string | null) => (iso ? dates.dateTime(iso) : '—');
  // When each recipient is legally served (the backend's country rule), and a deadline counted from it.
  const [served, setServed] = useState<ComposeOutputs['compose.servedDates'] | null>(null);
  const [deadlineDays, setDeadlineDays] = useState('');
  const [deadline, setDeadline] = useState<ComposeOutputs['compose.deadline'] | null>(null);
  const detailKey = selected ? `${selected.id}|${selected.updatedAt}` : '';
  useEffect(() => {
    setServed(null);
    if (!detailKey) return;
    let live = true;
    void call('compose.servedDates', { id: detailKey.split('|')[0]! }).then((r) => live && r.ok && setServed(r.value));
    return () => {
      live = false;
    };
  }, [detailKey]);
  const firstServed =
    served?.recipients
      .map((r) => r.deemedServedAt)
      .filter((d): d is string => d !== null)
      .sort()[0] ?? null;
  useEffect(() => {
    setDeadline(null);
    const days = Number(deadlineDays);
    if (!served || !firstServed || !deadlineDays || !Number.isInteger(days) || days < 0 || days > 3650) return;
    let live = true;
    void call('compose.deadline', { country: served.country, from: firstServed, businessDays: days }).then(
      (r) => live && r.ok && setDeadline(r.value),
    );
    return () => {
      live = false;
    };
  }, [served, firstServed, deadlineDays]);
  // The message as the official reads it once every recipient is settled: Entregado / con errores / Con error.
  const delivery = selected ? messageDelivery(selected) : null;
  const recipientStatusText = (status: string) => {
    const key = `outbox.recipientStatus.${status}`;
    const text = t(key);
    return text === key ? status : text;
  };

  return (
    <section aria-labelledby="screen-title" data-testid="screen-outbox">
      <ScreenHeader title={t('outbox.title')} intro={t('outbox.intro')} />
      {stats && <OutboxCharts stats={stats} />}
      <form className="inline-form filters" role="search" onSubmit={(e) => e.preventDefault()} aria-label={t('outbox.filters')}>
        <label className="field">
          {t('outbox.state')}
          <select value={filter.state} onChange={(e) => setFilter({ ...filter, state: e.target.value })} data-testid="filter-state">
            <option value="">{t('outbox.all')}</option>
            {OUTBOX_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`outbox.states.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('compose.type')}
          <select value={filter.type} onChange={(e) => setFilter({ ...filter, type: e.target.value })}>
            <option value="">{t('outbox.all')}</option>
            <option value="NT">NT</option>
            <option value="CP">CP</option>
            <option value="CI">CI</option>
          </select>
        </label>
        <label className="field">
          {t('outbox.search')}
          <input type="search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />
        </label>
        <label className="field">
          {t('outbox.recipient')}
          <input
            value={filter.recipient}
            onChange={(e) => setFilter({ ...filter, recipient: e.target.value })}
            placeholder="12.345.678-5"
          />
        </label>
        <label className="field">
          {t('outbox.from')}
          <input type="date" value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.target.value })} />
        </label>
        <label className="field">
          {t('outbox.to')}
          <input type="date" value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.target.value })} />
        </label>
        <button type="button" onClick={() => void exportCsv()}>
          {t('outbox.export')}
        </button>
      </form>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      <div className="outbox-layout">
        {rows.length === 0 ? (
          <p className="hint">{t('outbox.empty')}</p>
        ) : (
          <VirtualList
            items={rows}
            rowHeight={44}
            height={420}
            label={t('outbox.title')}
            onEndReached={() => void loadMore()}
            render={(m) => {
              // The same reading as the detail: a settled message is Entregado / con errores / Con error.
              const d = deliveryFromCounts({
                state: m.state,
                recipientCount: m.recipientCount,
                delivered: m.recipientsDelivered,
                failed: m.recipientsFailed,
              });
              return (
                <button
                  type="button"
                  className={`outbox-row${selected?.id === m.id ? ' selected' : ''}`}
                  onClick={() => open(m.id)}
                  data-testid="outbox-row"
                  data-state={m.state}
                  data-delivery={d ?? ''}
                >
                  <span className={`state state-${d ? `delivery-${d}` : m.state}`} data-testid="row-state">
                    {d ? t(`outbox.delivery.${d}`) : t(`outbox.states.${m.state}`)}
                  </span>
                  <span className="subject">
                    <span translate="no">{m.subject}</span>
                    {m.groupLabel && (
                      <span className="group-label" data-testid="row-group">
                        {' '}
                        · {m.groupLabel}
                      </span>
                    )}
                  </span>
                  <span className="hint">
                    {m.messageType} · {m.recipientCount} · {fmt(m.createdAt)}
                  </span>
                </button>
              );
            }}
          />
        )}
        {selected && (
          <article className="panel outbox-detail" aria-label={t('outbox.detail')} data-testid="outbox-detail">
            <h3 translate="no">{selected.subject}</h3>
            {selected.groupLabel && (
              <p className="hint" data-testid="detail-group">
                {t('outbox.groupName')}: {selected.groupLabel}
              </p>
            )}
            <p>
              <span
                className={`state state-${delivery ? `delivery-${delivery}` : selected.state}`}
                data-testid="detail-state"
                data-delivery={delivery ?? ''}
              >
                {delivery ? t(`outbox.delivery.${delivery}`) : t(`outbox.states.${selected.state}`)}
              </span>{' '}
              {selected.messageDataId && <code>{selected.messageDataId}</code>}
            </p>
            {(selected.errorCode || selected.errorMessage) && (
              <p className="alert alert-error" data-testid="detail-error">
                {selected.errorCode
                  ? errorText(t, { code: selected.errorCode, message: selected.errorMessage ?? '' })
                  : locale === 'es'
                    ? selected.errorMessage
                    : t('outbox.events.retry_later')}
              </p>
            )}
            <div className="actions-row">
              {(selected.state === 'queued' || selected.state === 'draft') && (
                <button type="button" onClick={() => void act(call('outbox.cancel', { id: selected.id }))}>
                  {t('outbox.cancel')}
                </button>
              )}
              {(selected.state === 'failed' || selected.state === 'cancelled') && (
                <button type="button" onClick={() => void act(call('outbox.retry', { id: selected.id }))}>
                  {t('outbox.retry')}
                </button>
              )}
              {selected.state === 'needs_reconciliation' && <Reconcile id={selected.id} onDone={(p) => void act(p)} />}
              {delivery && selected.messageDataId && (
                <button type="button" data-testid="constancia" onClick={() => void constancia(selected.id)}>
                  {t('outbox.constancia')}
                </button>
              )}
            </div>
            <h4>{t('outbox.recipients')}</h4>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('outbox.recipient')}</th>
                    <th scope="col">DDU</th>
                    <th scope="col">{t('outbox.deliveryState')}</th>
                    <th scope="col">{t('outbox.deliveredAt')}</th>
                    <th scope="col">{t('outbox.readAt')}</th>
                    <th scope="col">{t('outbox.servedAt')}</th>
                    <th scope="col">{t('outbox.receipt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {selected.recipients.map((r) => (
                    <tr key={r.rolUnico}>
                      <td translate="no">{r.label}</td>
                      <td data-testid="ddu-type">{r.dduType ? dduText(t, r.dduType) : '—'}</td>
                      <td data-testid="recipient-status" data-status={r.status ?? ''}>
                        {r.status ? recipientStatusText(r.status) : '—'}
                      </td>
                      <td>{fmt(r.deliveredAt)}</td>
                      <td>{fmt(r.readAt)}</td>
                      <td data-testid="served-at">
                        {served?.recipients.find((x) => x.rolUnico === r.rolUnico)?.deemedServedAt?.slice(0, 10) ?? '—'}
                      </td>
                      <td>
                        {isErrorRecipientStatus(r.status) && <span className="hint">{t('outbox.noReceipt')}</span>}
                        {hasReceipt(selected.messageDataId, r.status) && (
                          <button type="button" className="link" onClick={() => void receipt(selected.id, r.rolUnico)}>
                            {t('outbox.receiptDownload')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {served && served.recipients.some((r) => r.basis) && (
              <p className="hint" data-testid="served-basis">
                {t('outbox.servedBasisLabel', {
                  basis: [...new Set(served.recipients.flatMap((r) => (r.basis ? [r.basis] : [])))]
                    .map((b) => t(`outbox.servedBasis.${b}`))
                    .join(' · '),
                })}
              </p>
            )}
            {firstServed && served && (
              <div className="field deadline" data-testid="deadline">
                <label>
                  {t('outbox.deadlineDays', { from: firstServed.slice(0, 10) })}{' '}
                  <input type="number" min={0} max={3650} value={deadlineDays} onChange={(e) => setDeadlineDays(e.target.value)} />
                </label>
                {deadline && (
                  <p className="hint" title={deadlineSource(deadline)}>
                    {t('outbox.deadlineResult', {
                      date: deadline.date,
                      // Holiday names are the official Spanish ones: shown in Spanish, the dates alone otherwise.
                      holidays: deadline.holidays.map((h) => (locale === 'es' ? `${h.date} ${h.name}` : h.date)).join(', ') || '—',
                    })}
                  </p>
                )}
              </div>
            )}
            <h4>{t('outbox.timeline')}</h4>
            <ol className="timeline">
              {selected.events.map((e, i) => (
                <li key={i} data-testid="timeline-entry" data-code={e.code ?? ''}>
                  <time>{fmt(e.at)}</time> <strong>{t(`outbox.states.${e.state}`)}</strong> {outboxEventText(t, locale, e)}
                </li>
              ))}
            </ol>
          </article>
        )}
      </div>
    </section>
  );
}

function Reconcile({
  id,
  onDone,
}: {
  id: string;
  onDone: (p: Promise<{ ok: boolean; error?: { code: string; message: string } }>) => void;
}) {
  const { t } = useI18n();
  const [messageDataId, setMessageDataId] = useState('');
  return (
    <div className="reconcile">
      <p className="hint">{t('outbox.reconcileHelp')}</p>
      <label className="field">
        {t('outbox.reconcileId')}
        <input value={messageDataId} onChange={(e) => setMessageDataId(e.target.value.trim())} pattern="[0-9a-fA-F]{24}" />
      </label>
      <button
        type="button"
        disabled={!/^[0-9a-f]{24}$/i.test(messageDataId)}
        onClick={() => onDone(call('outbox.reconcile', { id, resolution: 'accepted', messageDataId }))}
      >
        {t('outbox.reconcileAccepted')}
      </button>
      <button
        type="button"
        onClick={() => window.confirm(t('outbox.reconcileResendConfirm')) && onDone(call('outbox.reconcile', { id, resolution: 'resend' }))}
      >
        {t('outbox.reconcileResend')}
      </button>
      <button type="button" className="danger" onClick={() => onDone(call('outbox.reconcile', { id, resolution: 'failed' }))}>
        {t('outbox.reconcileDiscard')}
      </button>
    </div>
  );
}
