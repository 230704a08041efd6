/**
 * A CLI error in English: the domain error it quotes worded by the text of its code (`errors.<CODE>` of the
 * renderer's en.json, with its details as variables), a message of the CLI's own by its key; the core's Spanish
 * message kept only where en.json has no text. The dictionary is loaded here, when an English error is printed,
 * so `--version` and a command that succeeds never read it.
 */
import { codeText, translateIn, type CodedError, type Dict, type T } from '../api/i18n-text';
import type { CliExit } from './runtime';

async function englishT(): Promise<T> {
  const en = (await import('../../src-renderer/i18n/en.json')).default as Dict;
  return (key, vars) => translateIn([en], 'en-GB', key, vars);
}

/** Words a domain error (e.g. one file's in a batch) in English by its code; its own message when en.json has no text. */
export async function englishErrorWording(): Promise<(error: CodedError) => string> {
  const t = await englishT();
  return (error) => codeText(t, error) ?? error.message;
}

export async function englishMessage(exit: CliExit): Promise<string> {
  if (!exit.source && !exit.text) return exit.message;
  const t = await englishT();
  if (exit.text) {
    const text = t(exit.text.key, exit.text.vars);
    return text === exit.text.key ? exit.message : text;
  }
  const source = exit.source;
  const text = source && codeText(t, source);
  // The message may quote the error between words of the command's own (a file name before it, its code after).
  return source && text && source.message ? exit.message.replace(source.message, () => text) : exit.message;
}
