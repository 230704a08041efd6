/**
 * The CLI's own texts, by key: `cli.<key>` of the renderer's dictionaries (src-renderer/i18n/{es,en}.json), in the
 * language `main` set (locale.ts decides it), Spanish when English has no text. Only the `cli` section is
 * bundled (esbuild keeps the named top-level property of a JSON import), so a command stays small.
 */
import { cli as cliEn } from '../../src-renderer/i18n/en.json';
import { cli as cliEs } from '../../src-renderer/i18n/es.json';
import { translateIn, type Dict } from '../api/i18n-text';
import type { CliLocale } from './locale';

/** BCP 47 tags for plural rules, as the renderer uses them. */
const TAGS: Record<CliLocale, string> = { es: 'es-PE', en: 'en-GB' };
const DICTS: Record<CliLocale, Dict> = { es: { cli: cliEs }, en: { cli: cliEn } };

let current: CliLocale = 'es';

/** Set by `main` once the language is known, before any command is registered. */
export function setCliLocale(locale: CliLocale): void {
  current = locale;
}

export function cliLocale(): CliLocale {
  return current;
}

/** The CLI's text `cli.<key>` with `{name}` variables; a numeric `count` picks the plural form (`_one`/`_other`). */
export function tx(key: string, vars?: Record<string, string | number>): string {
  return translateIn([DICTS[current], DICTS.es], TAGS[current], `cli.${key}`, vars);
}
