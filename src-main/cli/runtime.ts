import type { Command } from 'commander';
import type { CodedError } from '../api/i18n-text';
import { AppError } from '../api/result';
import type { CoreContext, Shell, openCore } from '../core/context';
import type { CliLocale } from './locale';
import { traceMark } from '../core/trace';
import { tx } from './text';

/**
 * Exit codes of every command: 0 success, 1 negative result or failed operation, 2 bad usage or unreadable input,
 * 130 interrupted by Ctrl+C (the conventional 128 + SIGINT).
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * Thrown by a command to end with a code and a message in the CLI's language (`tx`, src-main/cli/text.ts; on
 * stderr, or with `--json` an object on stdout).
 * `code` is the stable error code for scripts; without one it is read from a trailing `[CODE]` or a leading
 * `CODE:` in the message, else `BAD_USAGE` (exit 2) or `FAILED`.
 *
 * A domain error's message is the core's Spanish: for English `main` rewords `source`, the domain error the
 * message quotes, by the text of its code (src-main/cli/error-text.ts).
 */
export class CliExit extends Error {
  readonly code: string;
  source?: CodedError;
  constructor(
    readonly exitCode: number,
    message: string,
    code?: string,
  ) {
    super(message);
    this.code = code ?? codeIn(message) ?? defaultCode(exitCode);
  }
  /**
   * A domain error as a CLI exit: its message and code kept (and the error, to word it in the user's language);
   * `code` undefined reads it from the message, as for any CliExit.
   */
  static from(err: AppError, exitCode: number, message = `${err.message} [${err.code}]`, code: string | undefined = err.code): CliExit {
    const exit = new CliExit(exitCode, message, code);
    exit.source = { code: err.code, message: err.message, details: err.details };
    return exit;
  }
}

function codeIn(message: string): string | undefined {
  return /\[([A-Z][A-Z0-9_]{2,})\]\s*$/.exec(message)?.[1] ?? /^([A-Z][A-Z0-9_]{2,}):\s/.exec(message)?.[1];
}

function defaultCode(exitCode: number): string {
  if (exitCode === ExitCode.usage) return 'BAD_USAGE';
  if (exitCode === ExitCode.interrupted) return 'CANCELLED';
  return 'FAILED';
}

export type GlobalOptions = { home?: string; json?: boolean };

/** What every command gets: the global options, the core opened on demand, and output helpers. */
export class CliRuntime {
  private opened: CoreContext | null = null;
  private opener: typeof openCore | null = null;
  /** The user's language for the CLI's own texts (commander, zod); set by `main` before parsing. */
  locale: CliLocale = 'es';
  stdout: (s: string) => void = (s) => process.stdout.write(s);
  stderr: (s: string) => void = (s) => process.stderr.write(s);
  constructor(private readonly program: Command) {}

  get options(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  get json(): boolean {
    return Boolean(this.options.json);
  }

  /** Given by `main` once a command is about to run, so `--version` and `--help` never load the database. */
  useCore(opener: typeof openCore): void {
    this.opener = opener;
  }

  /** Opens the data folder and database the first time a command needs them. */
  core(shell: Shell = 'cli'): CoreContext {
    if (!this.opened) {
      if (!this.opener) throw new Error(tx('coreNotLoaded'));
      try {
        this.opened = this.opener({ home: this.options.home, shell });
        traceMark('core opened');
      } catch (err) {
        if (err instanceof AppError) throw CliExit.from(err, ExitCode.usage);
        throw err;
      }
    }
    return this.opened;
  }

  /** Prints the JSON value with `--json`, otherwise the human text. */
  print(human: string | (() => string), json: unknown): void {
    if (this.json) this.stdout(JSON.stringify(json, null, 2) + '\n');
    else this.stdout((typeof human === 'function' ? human() : human) + '\n');
  }

  async close(): Promise<void> {
    if (this.opened) await this.opened.close();
    this.opened = null;
  }
}

export type CommandModule = { register(program: Command, rt: CliRuntime): void };
