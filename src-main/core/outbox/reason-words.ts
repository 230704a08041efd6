/**
 * The outbox's reasons as the Spanish sentence its logs, audit entries and `error_message` keep: worded from the
 * same Spanish texts the UI shows (src-renderer/i18n/es.json, `outbox.reasons`), so the sentence and the code
 * never say two different things. What is stored for the UI and the CLI is the code (api/outbox.ts).
 */
import es from '../../../src-renderer/i18n/es.json';
import { translateIn, type Dict } from '../../api/i18n-text';
import type { OutboxReason } from '../../api/outbox';
import { outboxReasonText } from '../../api/outbox-text';
import { isAppError } from '../../api/result';

const spanish = (key: string, vars?: Record<string, string | number>) => translateIn([es as Dict], 'es', key, vars);

export function reasonSpanish(r: OutboxReason): string {
  return outboxReasonText(spanish, r);
}

/** A thrown error as a reason: its code (worded by `errors.<CODE>`), `INTERNAL` for an error that has none. */
export function errorReason(err: unknown): OutboxReason {
  return { code: 'error', params: { error: isAppError(err) ? err.code : 'INTERNAL' } };
}
