/**
 * Business days per country: Monday to Friday that are not holidays (nor, in Peru, the public sector's
 * non-working days). Dates are calendar dates ("YYYY-MM-DD") in the country's time zone; an instant is turned
 * into its local date first. Pure except for reading the holiday data.
 */
import Holidays from 'date-holidays';
import type { Country } from '../casilla/backends';
import { OFFICIAL_HOLIDAYS } from './holidays-data';

export const COUNTRY_TIME_ZONES: Record<Country, string> = { CL: 'America/Santiago', PE: 'America/Lima' };

export type Holiday = { date: string; name: string };
/** `official`: the list kept as data with its source; false: date-holidays' list (no official one kept for that year). */
export type YearHolidays = { country: Country; year: number; source: string; official: boolean; holidays: Holiday[] };

const cache = new Map<string, YearHolidays>();

/** The year's holidays: the official list kept in holidays-data.ts, else date-holidays' public holidays. */
export function holidaysFor(country: Country, year: number): YearHolidays {
  const key = `${country}-${year}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const official = OFFICIAL_HOLIDAYS[country][year];
  let out: YearHolidays;
  if (official) {
    out = {
      country,
      year,
      source: official.source,
      official: true,
      holidays: [...official.holidays, ...(official.publicSectorNonWorking ?? [])].sort((a, b) => a.date.localeCompare(b.date)),
    };
  } else {
    const list = new Holidays(country).getHolidays(year) || [];
    out = {
      country,
      year,
      source: 'date-holidays (feriados públicos; sin lista oficial guardada para este año)',
      official: false,
      holidays: list.filter((h) => h.type === 'public').map((h) => ({ date: h.date.slice(0, 10), name: h.name })),
    };
  }
  cache.set(key, out);
  return out;
}

/** "YYYY-MM-DD" of an instant in the country's time zone. */
export function localDate(country: Country, instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: COUNTRY_TIME_ZONES[country],
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

function parseDate(date: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`fecha no válida: ${date}`);
  return new Date(`${date}T12:00:00Z`);
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function holidayOn(country: Country, date: string): Holiday | null {
  return holidaysFor(country, Number(date.slice(0, 4))).holidays.find((h) => h.date === date) ?? null;
}

export function isBusinessDay(country: Country, date: string): boolean {
  const day = parseDate(date).getUTCDay();
  return day !== 0 && day !== 6 && holidayOn(country, date) === null;
}

/** The date `n` business days after `date` (not counting `date` itself); n ≥ 0, bounded to 3650. */
export function addBusinessDays(country: Country, date: string, n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 3650) throw new RangeError(`días hábiles no válidos: ${n}`);
  const d = parseDate(date);
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (isBusinessDay(country, iso(d))) left--;
  }
  return iso(d);
}
