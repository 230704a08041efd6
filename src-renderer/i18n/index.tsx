import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import type { Locale } from '../../src-main/api/settings';
import { formatters, translate, type Formatters, type T } from './core';

export { errorText, formatters, localeTag, reasonText, translate, type Formatters, type T } from './core';

type I18n = { locale: Locale; t: T; fmt: Formatters };

const I18nContext = createContext<I18n>({ locale: 'es', t: (k, v) => translate('es', k, v), fmt: formatters('es') });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const t = useCallback<T>((key, vars) => translate(locale, key, vars), [locale]);
  const fmt = useMemo(() => formatters(locale), [locale]);
  const value = useMemo(() => ({ locale, t, fmt }), [locale, t, fmt]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n() {
  return useContext(I18nContext);
}
