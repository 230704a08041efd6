/**
 * The outbox's timeline entries and their reasons in the user's language, from their codes: pure functions shared
 * by the renderer (Bandeja), the CLI (`casilla outbox show`) and the core's Spanish log sentence, each bringing its
 * translator (api/i18n-text.ts). Texts live under `outbox.events.<code>` and `outbox.reasons.<code>`.
 */
import { codeText, type T } from './i18n-text';
import { OUTBOX_EVENTS_WITH_REASON, OUTBOX_REASON_DEPTH, type OutboxEvent, type OutboxReason } from './outbox';

/** A platform or core error code as its text (`errors.<CODE>`), the code itself when there is none. */
function errorWords(t: T, code: string): string {
  return codeText(t, { code, message: '' }) ?? code;
}

/** A reason and, inside its `{cause}`, the reason it quotes. */
export function outboxReasonText(t: T, r: OutboxReason, depth = 0): string {
  const vars: Record<string, string | number> = { ...r.params, cause: '' };
  const error = r.params?.['error'];
  if (typeof error === 'string') vars['error'] = errorWords(t, error);
  if (r.cause && depth + 1 < OUTBOX_REASON_DEPTH) vars['cause'] = outboxReasonText(t, r.cause, depth + 1);
  return t(`outbox.reasons.${r.code}`, vars);
}

/**
 * One timeline entry: its code's words, then its reason in brackets. An entry written before codes existed has
 * only the core's Spanish sentence (shown in Spanish as written); one written before reasons were codes shows
 * that sentence beside the code's words in Spanish.
 */
export function outboxEventText(t: T, locale: string, e: OutboxEvent): string {
  if (!e.code) return locale === 'es' ? (e.detail ?? '') : '';
  const error = e.params?.['error'];
  const text = t(`outbox.events.${e.code}`, { ...e.params, ...(typeof error === 'string' ? { error: errorWords(t, error) } : {}) });
  if (e.reason) return `${text} (${outboxReasonText(t, e.reason)})`;
  return locale === 'es' && e.detail && OUTBOX_EVENTS_WITH_REASON.includes(e.code) ? `${text} (${e.detail})` : text;
}
