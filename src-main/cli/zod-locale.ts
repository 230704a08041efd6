/** zod's validation messages in the CLI's language (loaded with the command, never for --version or --help). */
import { z } from 'zod';
import en from 'zod/v4/locales/en.js';
import es from 'zod/v4/locales/es.js';
import type { CliLocale } from './locale';

export function useZodLocale(locale: CliLocale): void {
  z.config(locale === 'en' ? en() : es());
}
