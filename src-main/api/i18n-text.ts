/**
 * Looking texts up in the i18n dictionaries (src-renderer/i18n/{es,en}.json) and wording an error from its code:
 * pure functions with no dictionary of their own, shared by the renderer (src-renderer/i18n/core.ts) and the CLI
 * (src-main/cli/error-text.ts), which each bring the dictionaries they load.
 */

export type Dict = { [key: string]: string | Dict };

/** A translator: the text for a dotted key with `{name}` variables filled, or the key itself when there is none. */
export type T = (key: string, vars?: Record<string, string | number>) => string;

export function findText(d: Dict, key: string): string | undefined {
  let cur: string | Dict | undefined = d;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = cur[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/**
 * Looks a dotted key up in `dicts` in order (the user's language, then the fallback), then gives the key itself so
 * a gap is visible, not blank. With a numeric `count`, the plural form `<key>_one` / `<key>_other` (CLDR
 * categories of `tag`) is taken when the dictionary has one: "1 válido", "3 válidos".
 */
export function translateIn(dicts: readonly Dict[], tag: string, key: string, vars?: Record<string, string | number>): string {
  const lookup = (k: string) => {
    for (const d of dicts) {
      const text = findText(d, k);
      if (text !== undefined) return text;
    }
    return undefined;
  };
  let text: string | undefined;
  if (typeof vars?.count === 'number') {
    const form = new Intl.PluralRules(tag).select(vars.count);
    text = lookup(`${key}_${form}`) ?? lookup(`${key}_other`);
  }
  text ??= lookup(key) ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

export type CodedError = { code: string; message: string; details?: Record<string, unknown> | undefined };

/**
 * The text for an error code (`errors.<CODE>`), with the error's string and number details as variables (and the
 * file's name first when the error is about one named file and the text does not say it); undefined when the
 * dictionaries have no text for the code.
 */
export function codeText(t: T, error: CodedError): string | undefined {
  const key = `errors.${error.code}`;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(error.details ?? {})) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
  const text = t(key, vars);
  if (text === key) return undefined;
  // A refusal about one file (an attachment) names it even when the code's text is the platform's generic one.
  const name = error.details?.['name'];
  return typeof name === 'string' && name && !text.includes(name) ? `«${name}»: ${text}` : text;
}

/**
 * The one way a moment is written with its zone: day, month, year, 24-hour time with seconds and the UTC offset. The
 * renderer's and the CLI's formatters and the core's zoned readings (`core/zoned-time.ts`) all use these fields.
 */
export const DATE_TIME_WITH_OFFSET: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
};
