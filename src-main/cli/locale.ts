/**
 * The CLI's language: the user's saved preference (Configuración → Idioma) when the data folder has one, else
 * the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`: English when it starts with `en`), else Spanish. It only
 * changes the CLI's own texts: commander's usage and errors and zod's validation messages.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command, Help } from 'commander';
import { resolveHome } from '../core/home';
import { tx } from './text';

export type CliLocale = 'es' | 'en';

const DB_FILE = 'casilla.sqlite';

export function localeFromEnv(env: NodeJS.ProcessEnv = process.env): CliLocale | undefined {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  if (!value || value === 'C' || value === 'POSIX' || value.startsWith('C.')) return undefined;
  return value.toLowerCase().startsWith('en') ? 'en' : 'es';
}

/** Reads `preferences.locale` read-only, without migrating or creating anything; undefined when absent. */
async function savedLocale(home: string): Promise<CliLocale | undefined> {
  const file = path.join(home, DB_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    const mod = (await import('better-sqlite3')) as unknown as { default: typeof import('better-sqlite3') };
    const db = new mod.default(file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare(`SELECT value FROM settings WHERE key = 'preferences'`).get() as { value: string } | undefined;
      const locale = row ? (JSON.parse(row.value) as { locale?: unknown }).locale : undefined;
      return locale === 'en' || locale === 'es' ? locale : undefined;
    } finally {
      db.close();
    }
  } catch {
    // A database from an older version, or locked by a migration: the environment decides.
    return undefined;
  }
}

export async function resolveCliLocale(homeOption: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<CliLocale> {
  return (await savedLocale(resolveHome(homeOption, env))) ?? localeFromEnv(env) ?? 'es';
}

/** Commander's own words, in the order they appear in its help and errors. */
const TITLES: Record<string, string> = {
  'Usage:': 'Uso:',
  'Options:': 'Opciones:',
  'Arguments:': 'Argumentos:',
  'Commands:': 'Comandos:',
  'Global Options:': 'Opciones globales:',
};

const ERRORS: Array<[RegExp, string]> = [
  [/^error: missing required argument '(.+)'/, "error: falta el argumento obligatorio '$1'"],
  [/^error: option '(.+)' argument missing/, "error: a la opción '$1' le falta su valor"],
  [/^error: required option '(.+)' not specified/, "error: falta la opción obligatoria '$1'"],
  [/^error: (.+) cannot be used with (.+)/, 'error: $1 no se puede usar con $2'],
  [/^error: unknown option '(.+?)'/, "error: opción desconocida '$1'"],
  [
    /^error: too many arguments for '(.+?)'\. Expected (\d+) arguments? but got (\d+)\./,
    "error: demasiados argumentos para '$1': se esperaban $2 y llegaron $3.",
  ],
  [
    /^error: too many arguments\. Expected (\d+) arguments? but got (\d+)\./,
    'error: demasiados argumentos: se esperaban $1 y llegaron $2.',
  ],
  [/^error: unknown command '(.+?)'/, "error: comando desconocido '$1'"],
  [/^error: option '(.+)' argument '(.*)' is invalid\./, "error: el valor '$2' de la opción '$1' no es válido."],
  [/^error: command-argument value '(.*)' is invalid for argument '(.+)'\./, "error: el valor '$1' del argumento '$2' no es válido."],
  [/\(Did you mean (.+)\?\)/, '(¿quiso decir $1?)'],
];

/** Spanish for one of commander's messages (each line translated; unknown lines unchanged). */
export function commanderMessageEs(message: string): string {
  return message
    .split('\n')
    .map((line) => {
      for (const [re, es] of ERRORS) if (re.test(line)) return line.replace(re, es);
      return line;
    })
    .join('\n');
}

function describeDefaultsEs(text: string): string {
  return text
    .replace(/\(default: /g, '(por defecto: ')
    .replace(/\(choices: /g, '(opciones: ')
    .replace(/\(preset: /g, '(valor implícito: ')
    .replace(/\(env: /g, '(variable: ');
}

/** The texts `main` passes to commander for the program's own options. */
export function programTexts() {
  return {
    description: tx('program.description'),
    version: tx('program.version'),
    help: tx('program.help'),
    helpCommand: [tx('program.helpCommandName'), tx('program.helpCommand')] as const,
    home: tx('program.home'),
    json: tx('program.json'),
    afterError: tx('program.afterError'),
  };
}

/**
 * Makes commander speak the locale: help titles and notes through its style hooks, errors through its output
 * hook (with `--json` the error goes to stdout as JSON instead, so stderr stays quiet). Inherited by every
 * command created afterwards.
 */
export function localizeCommander(program: Command, locale: CliLocale, quietErrors: boolean): void {
  if (locale === 'es') {
    program.configureHelp({
      styleTitle: (s: string) => TITLES[s] ?? s,
      styleOptionText: (s: string) => (s === '[options]' ? '[opciones]' : s),
      styleSubcommandText: (s: string) => (s === '[command]' ? '[comando]' : s),
      styleOptionDescription: (s: string) => describeDefaultsEs(s),
      styleArgumentDescription: (s: string) => describeDefaultsEs(s),
    } satisfies Partial<Help>);
  }
  const writeErr = (str: string) => process.stderr.write(str);
  program.configureOutput({
    writeErr: quietErrors ? () => undefined : writeErr,
    outputError: (str, write) => write(locale === 'es' ? commanderMessageEs(str) : str),
  });
}
