import type { Command } from 'commander';
import { AppError } from '../api/result';
import { openCore, type CoreContext, type Shell } from '../core/context';

/** Exit codes of every command: 0 success, 1 negative result or failed operation, 2 bad usage or unreadable input. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** Thrown by a command to end with a code and a message (Spanish, on stderr). */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export type GlobalOptions = { home?: string; json?: boolean };

/** What every command gets: the global options, the core opened on demand, and output helpers. */
export class CliRuntime {
  private opened: CoreContext | null = null;
  stdout: (s: string) => void = (s) => process.stdout.write(s);
  stderr: (s: string) => void = (s) => process.stderr.write(s);
  constructor(private readonly program: Command) {}

  get options(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  get json(): boolean {
    return Boolean(this.options.json);
  }

  /** Opens the data folder and database the first time a command needs them. */
  core(shell: Shell = 'cli'): CoreContext {
    if (!this.opened) {
      try {
        this.opened = openCore({ home: this.options.home, shell });
      } catch (err) {
        if (err instanceof AppError) throw new CliExit(ExitCode.usage, err.message);
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
