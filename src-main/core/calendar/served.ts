/**
 * When a notification is legally served, per the country of the platform that delivered it.
 *
 * - Chile (CasillaÚnica): deemed practiced three business days after it reaches the recipient's DDU (domicilio
 *   digital único): DS 4/2020 art. 27; from 1 July 2026 the basis cited is Ley 21.806. [ours] The computation is
 *   the same under both (three business days, Chile's calendar, counted from the local date of `delivered_at`);
 *   the result is that date, served at its end.
 * - Peru: served when deposited in the casilla, i.e. at `delivered_at` itself.
 *
 * A recipient without `delivered_at` (pending, failed) has no served date: null.
 */
import type { ServedBasis } from '../../api/compose';
import type { Country } from '../casilla/backends';
import { addBusinessDays, localDate } from './calendar';

export type ServedDate = {
  /** "YYYY-MM-DD" (Chile) or the delivery instant (Peru), null when not delivered. */
  deemedServedAt: string | null;
  /** The rule it follows, as a code (api/compose.ts), worded by the UI and the CLI. */
  basis: ServedBasis | null;
};

const LEY_21806_FROM = '2026-07-01';

export function deemedServed(country: Country, deliveredAt: string | null, status: string | null): ServedDate {
  if (!deliveredAt || status !== 'delivered') return { deemedServedAt: null, basis: null };
  const at = new Date(deliveredAt);
  if (Number.isNaN(at.getTime())) return { deemedServedAt: null, basis: null };
  if (country === 'PE') return { deemedServedAt: at.toISOString(), basis: 'pe_deposited' };
  const day = localDate('CL', at);
  return {
    deemedServedAt: addBusinessDays('CL', day, 3),
    basis: day >= LEY_21806_FROM ? 'cl_ley_21806' : 'cl_ds_4_2020',
  };
}

/** A deadline: `days` business days counted from the day after the served date, in that country's calendar. */
export function deadlineFrom(country: Country, servedDate: string, days: number): string {
  return addBusinessDays(country, servedDate.slice(0, 10), days);
}
