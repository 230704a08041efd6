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
import { RECIPIENT_STATUSES } from '../api/delivery';

export type DduType = 'casilla' | 'email' | 'not_configured' | 'excepcion';

/** Every documented status: the contract's list, so the sandbox can only answer what the client knows. */
export type MessageStatus = (typeof RECIPIENT_STATUSES)[number];

/** The documented error statuses, in the contract's order (the order picks the error of a RUN ending in 9). */
export const EMAIL_ERRORS: ReadonlyArray<Exclude<MessageStatus, 'pending' | 'delivered'>> = RECIPIENT_STATUSES.filter(
  (s): s is Exclude<MessageStatus, 'pending' | 'delivered'> => s !== 'pending' && s !== 'delivered',
);

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
