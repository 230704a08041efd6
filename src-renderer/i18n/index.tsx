import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import en from './en.json';
import es from './es.json';
import type { Locale } from '../../src-main/api/settings';

type Dict = { [key: string]: string | Dict };
const dictionaries: Record<Locale, Dict> = { es, en };

/** Looks a dotted key up; falls back to Spanish, then to the key itself so a gap is visible, not blank. */
export function translate(locale: Locale, key: string, vars?: Record<string, string | number>): string {
  const find = (d: Dict): string | undefined => {
    let cur: string | Dict | undefined = d;
    for (const part of key.split('.')) {
      if (typeof cur !== 'object' || cur === null) return undefined;
      cur = cur[part];
    }
    return typeof cur === 'string' ? cur : undefined;
  };
  const text = find(dictionaries[locale]) ?? find(dictionaries.es) ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

export type T = (key: string, vars?: Record<string, string | number>) => string;

const I18nContext = createContext<{ locale: Locale; t: T }>({ locale: 'es', t: (k, v) => translate('es', k, v) });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const t = useCallback<T>((key, vars) => translate(locale, key, vars), [locale]);
  const value = useMemo(() => ({ locale, t }), [locale, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n() {
  return useContext(I18nContext);
}

/** The text for an error code (`errors.<CODE>`), or the core's own Spanish message when no key exists. */
export function errorText(t: T, error: { code: string; message: string }): string {
  const key = `errors.${error.code}`;
  const text = t(key);
  return text === key ? error.message || t('errors.unknown', { message: error.code }) : text;
}
