/** The platform's JSON shapes, built from stored rows (one place, shared by the API, webhooks and /sandbox). */
import { formatRun } from '../core/casilla/identifiers';
import { httpDate } from './ids';
import type { Institution, MessageRow, RecipientRow, SandboxStore } from './store';

export type RecipientStatusView = {
  ddu_type: string;
  message_status: string;
  method: 'WEB' | 'API';
  delivered_at: string | null;
  read_at: string | null;
};

export function recipientsView(rows: RecipientRow[]): Record<string, RecipientStatusView> {
  const out: Record<string, RecipientStatusView> = {};
  for (const r of rows) {
    out[String(r.rol_unico)] = {
      ddu_type: r.ddu_type,
      message_status: r.message_status,
      method: 'API',
      delivered_at: r.delivered_at === null ? null : httpDate(r.delivered_at),
      read_at: r.read_at === null ? null : httpDate(r.read_at),
    };
  }
  return out;
}

/** messageStatus: the count key keeps the official example's spelling `recipents_counts`. */
export function messageStatusView(store: SandboxStore, inst: Institution, m: MessageRow): Record<string, unknown> {
  const rows = store.recipients(m.id);
  return {
    entity_id: inst.clientId,
    message_data_id: m.id,
    received_at: httpDate(m.received_at),
    status: 'processed',
    subject: m.subject,
    recipents_counts: rows.length,
    recipients: recipientsView(rows),
  };
}

export function webhookView(store: SandboxStore, m: MessageRow): Record<string, unknown> {
  const rows = store.recipients(m.id);
  const settled = rows.every((r) => r.message_status !== 'pending');
  return { message_data_id: m.id, status: settled ? 'processed' : 'pending', recipients: recipientsView(rows) };
}

export function messageListView(store: SandboxStore, m: MessageRow): Record<string, unknown> {
  return {
    id: m.id,
    idempotency_key: m.idempotency_key,
    subject: m.subject,
    received_at: httpDate(m.received_at),
    recipients: store
      .recipients(m.id)
      .map((r) => ({ rol_unico: r.rol_unico, run: formatRun(r.rol_unico), ddu_type: r.ddu_type, message_status: r.message_status })),
    attachments: store.attachments(m.id).map((a) => ({ name: a.name, size: a.size, kind: a.kind, sha256: a.sha256 })),
  };
}
