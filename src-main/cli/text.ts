/**
 * The CLI's own texts, by key: `cli.<key>` of the renderer's dictionaries (src-renderer/i18n/{es,en}.json), in the
 * language `main` chose (locale.ts decides it). Only that language's dictionary is read, once, when `main` sets it;
 * `casilla --version` reads none.
 */
import { translateIn, type Dict } from '../api/i18n-text';
import type { CliLocale } from './locale';

/** BCP 47 tags for plural rules, as the renderer uses them. */
const TAGS: Record<CliLocale, string> = { es: 'es-PE', en: 'en-GB' };
const loaded: Partial<Record<CliLocale, Dict>> = {};

let current: CliLocale = 'es';

/** Chooses the CLI's language and reads its dictionary; called by `main` before any command is registered. */
export async function useCliLocale(locale: CliLocale): Promise<void> {
  current = locale;
  await dictionary(locale);
}

/** A language's dictionary, read once per process (also for English error wording before a language is chosen). */
export async function dictionary(locale: CliLocale): Promise<Dict> {
  const known = loaded[locale];
  if (known) return known;
  const file = locale === 'en' ? await import('../../src-renderer/i18n/en.json') : await import('../../src-renderer/i18n/es.json');
  return (loaded[locale] = file.default as Dict);
}

export function cliLocale(): CliLocale {
  return current;
}

/**
 * The CLI's text `cli.<key>` with `{name}` variables; a numeric `count` picks the plural form (`_one`/`_other`).
 * Both dictionaries have the same keys (test/unit/cli-text.test.ts); before `useCliLocale` it gives the key.
 */
export function tx(key: string, vars?: Record<string, string | number>): string {
  return appText(`cli.${key}`, vars);
}

/**
 * Any text of the app's dictionary in the CLI's language, by its whole key (`outbox.states.queued`,
 * `errors.NOT_FOUND`): the app's own wording of codes that a command prints, from the same dictionary as `tx`.
 * It is a `T` (api/i18n-text.ts), so the api's pure wording functions take it.
 */
export function appText(key: string, vars?: Record<string, string | number>): string {
  const dict = loaded[current];
  return translateIn(dict ? [dict] : [], TAGS[current], key, vars);
}
