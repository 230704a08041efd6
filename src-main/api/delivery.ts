/**
 * How a sent message reads for the official, derived in one place from what the platform said of each recipient
 * (shared by the outbox screen, `casilla outbox show` and the constancia). Pure: no Node, no React.
 */
export type MessageDelivery = 'delivered' | 'delivered_with_errors' | 'error';

/**
 * A recipient's `message_status` is final when it is one the platform documents as delivered or an error;
 * `pending` and any value the platform does not document are not (the outbox keeps tracking them).
 */
export function isFinalRecipientStatus(status: string | null | undefined): boolean {
  return typeof status === 'string' && FINAL_RECIPIENT_STATUSES.has(status);
}

export function isErrorRecipientStatus(status: string | null): boolean {
  return typeof status === 'string' && /^error(_|$)/.test(status);
}

/**
 * "Entregado" when every recipient was delivered, "Entregado con errores" when some were and some failed, "Con
 * error" when none was (or the platform refused the message). Null while the delivery is not settled: the
 * outbox state (queued, sending, tracking…) says more then.
 */
export function messageDelivery(m: { state: string; recipients: readonly { status: string | null }[] }): MessageDelivery | null {
  return deliveryFromCounts({
    state: m.state,
    recipientCount: m.recipients.length,
    delivered: m.recipients.filter((r) => r.status === 'delivered').length,
    failed: m.recipients.filter((r) => isErrorRecipientStatus(r.status)).length,
  });
}

/** How many recipients of a message the platform delivered and how many failed (the outbox list keeps only this). */
export type RecipientCounts = { delivered: number; failed: number };

/** The same reading from counts alone, so the outbox list shows it without loading each message's recipients. */
export function deliveryFromCounts(m: { state: string; recipientCount: number } & RecipientCounts): MessageDelivery | null {
  if (m.state === 'failed') return 'error';
  if (m.state !== 'done' && m.state !== 'tracking' && m.state !== 'accepted') return null;
  if (m.recipientCount === 0 || m.delivered + m.failed < m.recipientCount) return null;
  if (m.delivered === m.recipientCount) return 'delivered';
  return m.delivered > 0 ? 'delivered_with_errors' : 'error';
}

/** The platform issues a delivery receipt (getReceipt) only for a delivered recipient; otherwise ERR025. */
export function hasReceipt(messageDataId: string | null, status: string | null): boolean {
  return messageDataId !== null && status === 'delivered';
}

/** Every `message_status` the platform documents (casilla-api.md), for translations and exhaustive checks. */
export const RECIPIENT_STATUSES = [
  'pending',
  'delivered',
  'error',
  'error_rejected',
  'error_undetermined_undetermined',
  'error_permanent_general',
  'error_permanent_no_email',
  'error_permanent_supressed',
  'error_permanent_on_account_suspension_list',
  'error_transient_general',
  'error_transient_mailbox_full',
  'error_transient_message_too_large',
  'error_transient_content_rejected',
  'error_transient_attachment_rejected',
  'error_send_message_mail',
] as const;

/** The documented statuses after which the platform changes nothing more for that recipient. */
export const FINAL_RECIPIENT_STATUSES: ReadonlySet<string> = new Set(RECIPIENT_STATUSES.filter((s) => s !== 'pending'));

/** Every per-recipient `ddu_type` the platform documents (casilla-api.md), worded by the UI (`outbox.dduTypes`). */
export const DDU_TYPES = ['casilla', 'email', 'not_configured', 'excepcion'] as const;
