/**
 * How the sandbox decides where a notification goes and how it ends, deterministically from the RUN so a
 * trainer or a test can pick a behaviour by picking a number. The two test RUNs of the real platform keep
 * their real meaning. For any other RUN body, its last digit decides ([ours]):
 *
 *   last digit 0–3 → casilla         (delivered at once; read when the citizen opens it)
 *   last digit 4–6 → email           (pending for a while, then delivered)
 *   last digit 7   → not_configured  (delivered at once)
 *   last digit 8   → excepcion       (delivered at once)
 *   last digit 9   → email that fails: the error is EMAIL_ERRORS[(body / 10) mod EMAIL_ERRORS.length]
 */
export type DduType = 'casilla' | 'email' | 'not_configured' | 'excepcion';

export const EMAIL_ERRORS = [
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

export type MessageStatus = 'pending' | 'delivered' | (typeof EMAIL_ERRORS)[number];

export const TEST_RUN_CASILLA = 33333333;
export const TEST_RUN_EXCEPCION = 33333351;

export type DeliveryPlan = { ddu: DduType; initial: MessageStatus; final: MessageStatus };

export function planDelivery(rolUnico: number): DeliveryPlan {
  if (rolUnico === TEST_RUN_CASILLA) return { ddu: 'casilla', initial: 'delivered', final: 'delivered' };
  if (rolUnico === TEST_RUN_EXCEPCION) return { ddu: 'excepcion', initial: 'delivered', final: 'delivered' };
  const last = rolUnico % 10;
  if (last <= 3) return { ddu: 'casilla', initial: 'delivered', final: 'delivered' };
  if (last <= 6) return { ddu: 'email', initial: 'pending', final: 'delivered' };
  if (last === 7) return { ddu: 'not_configured', initial: 'delivered', final: 'delivered' };
  if (last === 8) return { ddu: 'excepcion', initial: 'delivered', final: 'delivered' };
  return { ddu: 'email', initial: 'pending', final: EMAIL_ERRORS[Math.floor(rolUnico / 10) % EMAIL_ERRORS.length]! };
}
