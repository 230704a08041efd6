/** The dictionaries, plural forms, date formatting and error texts: plain functions, shared by the React
 * provider (index.tsx) and the unit tests. */
import zodEn from 'zod/v4/locales/en.js';
import zodEs from 'zod/v4/locales/es.js';
import en from './en.json';
import es from './es.json';
import { codeText, DATE_TIME_WITH_OFFSET, translateIn, type Dict, type T } from '../../src-main/api/i18n-text';
import type { ValidationIssue } from '../../src-main/api/result';
import type { Locale } from '../../src-main/api/settings';

export type { T };

const dictionaries: Record<Locale, Dict> = { es, en };

/** The BCP 47 tag used for plural rules, numbers and dates. */
export const localeTag: Record<Locale, string> = { es: 'es-PE', en: 'en-GB' };

/**
 * Looks a dotted key up; falls back to Spanish, then to the key itself so a gap is visible, not blank. With a
 * numeric `count`, the plural form `<key>_one` / `<key>_other` (CLDR categories of the language) is taken when
 * the dictionary has one: "1 válido", "3 válidos".
 */
export function translate(locale: Locale, key: string, vars?: Record<string, string | number>): string {
  return translateIn([dictionaries[locale], dictionaries.es], localeTag[locale], key, vars);
}

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
  const full = new Intl.DateTimeFormat(tag, { ...zone, ...DATE_TIME_WITH_OFFSET });
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
 * The text for an error code (`errors.<CODE>`) in the user's language, with the error's details as variables
 * (and the file's name first when the error is about one named file and the text does not say it);
 * the core's own Spanish message only for a code the dictionaries do not know yet (the unit test lists every
 * code the core can return, so that happens only for a code added without its texts).
 */
export function errorText(t: T, error: { code: string; message: string; details?: Record<string, unknown> | undefined }): string {
  // Input refused by the contract's schema: the generic text, then each problem worded in the user's language.
  const issues = error.details?.['issues'];
  if (error.code === 'BAD_INPUT' && Array.isArray(issues) && issues.length > 0)
    return `${t('errors.BAD_INPUT')} ${issuesText(t, issues as ValidationIssue[])}`;
  return codeText(t, error) ?? (error.message || t('errors.unknown', { message: error.code }));
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

const zodLocales = { es: zodEs(), en: zodEn() };

/**
 * One validation problem in the user's language: the contract's own refinements by their code
 * (`validation.<code>`, e.g. INSECURE_URL), every other one worded by zod's locale from its code and limits.
 */
export function issueText(t: T, issue: ValidationIssue): string {
  const own = issue.params?.['code'];
  if (issue.code === 'custom' && typeof own === 'string') {
    const key = `validation.${own}`;
    const text = t(key);
    if (text !== key) return text;
  }
  const locale: Locale = t('app.languageCode') === 'en' ? 'en' : 'es';
  const worded = zodLocales[locale].localeError(issue as never);
  const message = typeof worded === 'string' ? worded : (worded?.message ?? issue.message);
  return message;
}

/** Problems as "field: text; field: text" (the field named by its label key `fields.<last path part>` when there is one). */
export function issuesText(t: T, issues: readonly ValidationIssue[]): string {
  return issues
    .map((i) => {
      const last = i.path[i.path.length - 1];
      const label = last ? t(`fields.${last}`) : '';
      const name = label && label !== `fields.${last}` ? label : i.path.join('.');
      return name ? `${name}: ${issueText(t, i)}` : issueText(t, i);
    })
    .join('; ');
}
