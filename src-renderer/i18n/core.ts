/** The dictionaries, plural forms, date formatting and error texts: plain functions, shared by the React
 * provider (index.tsx) and the unit tests. */
import en from './en.json';
import es from './es.json';
import type { Locale } from '../../src-main/api/settings';

type Dict = { [key: string]: string | Dict };
const dictionaries: Record<Locale, Dict> = { es, en };

/** The BCP 47 tag used for plural rules, numbers and dates. */
export const localeTag: Record<Locale, string> = { es: 'es-PE', en: 'en-GB' };

function find(d: Dict, key: string): string | undefined {
  let cur: string | Dict | undefined = d;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = cur[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/**
 * Looks a dotted key up; falls back to Spanish, then to the key itself so a gap is visible, not blank. With a
 * numeric `count`, the plural form `<key>_one` / `<key>_other` (CLDR categories of the language) is taken when
 * the dictionary has one: "1 válido", "3 válidos".
 */
export function translate(locale: Locale, key: string, vars?: Record<string, string | number>): string {
  const lookup = (k: string) => find(dictionaries[locale], k) ?? find(dictionaries.es, k);
  let text: string | undefined;
  if (typeof vars?.count === 'number') {
    const form = new Intl.PluralRules(localeTag[locale]).select(vars.count);
    text = lookup(`${key}_${form}`) ?? lookup(`${key}_other`);
  }
  text ??= lookup(key) ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

export type T = (key: string, vars?: Record<string, string | number>) => string;

type DateInput = string | number | Date;

/**
 * Dates in the user's time zone (the system's, as the browser reports it) with the UTC offset shown, so a
 * time read in Lima and one read in Santiago can be compared: "30/11/2026, 09:15:02 UTC−05:00".
 */
export type Formatters = {
  dateTime(value: DateInput): string;
  date(value: DateInput): string;
  time(value: DateInput): string;
};

export function formatters(locale: Locale, timeZone?: string): Formatters {
  const tag = localeTag[locale];
  const zone = timeZone ? { timeZone } : {};
  const full = new Intl.DateTimeFormat(tag, {
    ...zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const day = new Intl.DateTimeFormat(tag, { ...zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const clock = new Intl.DateTimeFormat(tag, { ...zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const toDate = (v: DateInput) => (v instanceof Date ? v : new Date(v));
  const valid = (d: Date) => !Number.isNaN(d.getTime());
  return {
    dateTime: (v) => {
      const d = toDate(v);
      if (!valid(d)) return '—';
      return full
        .format(d)
        .replace(/GMT(?=[+-]|$)/, 'UTC')
        .replace(/UTC-/, 'UTC−');
    },
    date: (v) => (valid(toDate(v)) ? day.format(toDate(v)) : '—'),
    time: (v) => (valid(toDate(v)) ? clock.format(toDate(v)) : '—'),
  };
}

/**
 * The text for an error code (`errors.<CODE>`) in the user's language, with the error's details as variables;
 * the core's own Spanish message only for a code the dictionaries do not know yet (the unit test lists every
 * code the core can return, so that happens only for a code added without its texts).
 */
export function errorText(t: T, error: { code: string; message: string; details?: Record<string, unknown> | undefined }): string {
  const key = `errors.${error.code}`;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(error.details ?? {})) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
  const text = t(key, vars);
  return text === key ? error.message || t('errors.unknown', { message: error.code }) : text;
}

/**
 * A verification reason in the user's language: in Spanish the core's own message (it may add a detail after
 * the fixed text); in English the text for its code, or the core's message for a code without one.
 */
export function reasonText(t: T, locale: Locale, reason: { code: string; message: string }): string {
  if (locale === 'es') return reason.message;
  const key = `verify.reasonCodes.${reason.code}`;
  const text = t(key);
  return text === key ? reason.message : text;
}
