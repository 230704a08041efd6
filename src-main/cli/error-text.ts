/**
 * Domain errors in the CLI's language. Their `message` is the core's Spanish: in Spanish it is said as it is; in
 * English by the text of its code (`errors.<CODE>` of the renderer's en.json, with its details as variables), the
 * core's message kept only where en.json has no text. The dictionary comes from text.ts's loader (read once per
 * process), only when an English error is printed, so `--version` and a command that succeeds never read it.
 */
import { codeText, translateIn, type CodedError, type T } from '../api/i18n-text';
import type { ValidationIssue } from '../api/result';
import type { CliExit } from './runtime';
import { appText, cliLocale, dictionary } from './text';

/** Words BAD_INPUT's issues (field: problem) as the screens do, from zod's codes and limits; loaded with English. */
let wordIssues: ((t: T, issues: readonly ValidationIssue[]) => string) | null = null;

async function englishT(): Promise<T> {
  const en = await dictionary('en');
  wordIssues ??= (await import('../../src-renderer/i18n/core')).issuesText;
  return (key, vars) => translateIn([en], 'en-GB', key, vars);
}

/**
 * A translator over the whole dictionary of the CLI's language, for the app's own labels of codes a command prints
 * (trust lists and statuses, audit actions, recipient problems): loaded only by the command that needs it.
 */
export async function appT(): Promise<T> {
  await dictionary(cliLocale());
  return appText;
}

/** The label of a code `key` in the app's dictionary, or `fallback` when the dictionary has none. */
export function labelOr(t: T, key: string, fallback: string, vars?: Record<string, string | number>): string {
  const text = t(key, vars);
  return text === key ? fallback : text;
}

/** Words a domain error (e.g. one file's in a batch) in the CLI's language. */
export async function errorWording(): Promise<(error: CodedError) => string> {
  if (cliLocale() === 'es') return (error) => error.message;
  const t = await englishT();
  return (error) => englishText(t, error) ?? error.message;
}

/**
 * The English text of a domain error. Input refused field by field (`details.field`, or BAD_INPUT's
 * `details.issues`) names the fields after the code's text, each by its label (`fields.<name>`) when en.json has
 * one, so several refused fields are all said.
 */
function englishText(t: T, error: CodedError): string | undefined {
  const text = codeText(t, error);
  if (!text) return text;
  const field = error.details?.['field'];
  const issues = error.details?.['issues'];
  // Issues from the contract's schema carry zod's code and limits: each is said in full ("id: Too big: …").
  if (wordIssues && Array.isArray(issues) && issues.length > 0 && issues.every((i: { code?: unknown }) => typeof i.code === 'string'))
    return `${text} ${wordIssues(t, issues as ValidationIssue[])}`;
  const paths =
    typeof field === 'string'
      ? [[field]]
      : Array.isArray(issues)
        ? issues.map((i: { path?: unknown }) => (Array.isArray(i.path) ? i.path.map(String) : []))
        : [];
  const names = paths
    .filter((p) => p.length > 0)
    .map((p) => {
      const last = p[p.length - 1] ?? '';
      const label = t(`fields.${last}`);
      return label === `fields.${last}` ? p.join('.') : label;
    });
  return names.length ? `${text} (${[...new Set(names)].join(', ')})` : text;
}

/** The message of a CLI exit in English: the domain error it quotes worded by its code. */
export async function englishMessage(exit: CliExit): Promise<string> {
  const source = exit.source;
  if (!source) return exit.message;
  const t = await englishT();
  const text = englishText(t, source);
  // The message may quote the error between words of the command's own (a file name before it, its code after).
  return text && source.message ? exit.message.replace(source.message, () => text) : exit.message;
}
