import { Command, CommanderError } from 'commander';
import type { openCore } from '../core/context';
import { traceMark } from '../core/trace';
import { APP_VERSION } from '../core/version';
import { commandWord, homeArgument } from './argv';
import { commandTable } from './commands';
import { commanderMessageEs, localizeCommander, programTexts, resolveCliLocale, type CliLocale } from './locale';
import { englishMessage } from './error-text';
import { tx, useCliLocale } from './text';
import { CliExit, CliRuntime, ExitCode, type CommandModule } from './runtime';

/**
 * What a CLI bundle links in: the modules of the commands it can run (one in the shipped per-command bundles,
 * none in the help-and-version bundle, all in the tests' bundle), the core opener and zod's locale switch.
 */
export type CliParts = {
  commands: Record<string, CommandModule>;
  openCore?: typeof openCore;
  useZodLocale?: (locale: CliLocale) => void;
};

/** The listed command named on the line, if any. */
export function commandNameIn(argv: readonly string[]): string | undefined {
  const word = commandWord(argv);
  return commandTable.some((c) => c.name === word) ? word : undefined;
}

/** Builds the program with every command listed and only the one that runs loaded. */
export function buildProgram(argv: readonly string[], locale: CliLocale, parts: CliParts): { program: Command; rt: CliRuntime } {
  const program = new Command('casilla');
  const rt = new CliRuntime(program);
  rt.locale = locale;
  const t = programTexts();
  localizeCommander(program, locale, argv.includes('--json'));
  program
    .description(t.description)
    .version(APP_VERSION, '-V, --version', t.version)
    .helpOption('-h, --help', t.help)
    .helpCommand(t.helpCommand[0], t.helpCommand[1])
    .option('--home <dir>', t.home)
    .option('--json', t.json)
    .showHelpAfterError(t.afterError)
    .exitOverride();
  for (const entry of commandTable) {
    const module = parts.commands[entry.name];
    if (module) {
      module.register(program, rt);
      continue;
    }
    // Listed in the help with its summary; its own bundle runs it (the launcher picks it by name).
    const stub = program
      .command(entry.name)
      .summary(tx(`summary.${entry.name}`))
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new CliExit(ExitCode.failed, tx('notInBuild', { name: entry.name }), 'INTERNAL');
      });
    if (entry.args) stub.argument(entry.args);
  }
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return { program, rt };
}

/** Runs the CLI and returns its exit code (0 ok, 1 failed or negative, 2 bad usage or unreadable input, 130 Ctrl+C). */
export async function main(argv: string[], parts: CliParts): Promise<number> {
  const json = argv.includes('--json');
  const onlyVersion = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
  let rt: CliRuntime | undefined;
  let locale: CliLocale = 'es';
  try {
    // `--version` alone prints only the version: no language, no dictionary.
    if (!onlyVersion) {
      locale = await resolveCliLocale(homeArgument(argv));
      await useCliLocale(locale);
    }
    traceMark('locale resolved');
    const built = buildProgram(argv, locale, parts);
    rt = built.rt;
    parts.useZodLocale?.(locale);
    if (parts.openCore) rt.useCore(parts.openCore);
    traceMark('program built');
    await built.program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (err: unknown) {
    if (err instanceof CliExit) {
      if (err.message) report(json, err.code, locale === 'es' ? err.message : await englishMessage(err), err.exitCode);
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0; commander already printed its message.
      if (err.exitCode === 0) return ExitCode.ok;
      if (json) {
        const message = locale === 'es' ? commanderMessageEs(err.message) : err.message;
        writeJsonError('BAD_USAGE', message.replace(/^error: /, ''), ExitCode.usage, { commander: err.code });
      }
      return ExitCode.usage;
    }
    // The failure may have come before the dictionary was read (`--version` reads none).
    await useCliLocale(locale);
    report(json, 'INTERNAL', tx('unexpected', { causes: formatCauses(err) }), ExitCode.failed);
    return ExitCode.failed;
  } finally {
    traceMark('command done');
    await rt?.close();
    traceMark('core closed');
  }
}

function report(json: boolean, code: string, message: string, exitCode: number): void {
  if (json) writeJsonError(code, message.replace(/\s*\[[A-Z][A-Z0-9_]+\]\s*$/, ''), exitCode);
  else process.stderr.write(message + '\n');
}

/** With --json every failure is one object on stdout: `{"ok":false,"error":{"code","message"},"exitCode"}`. */
function writeJsonError(code: string, message: string, exitCode: number, details?: Record<string, unknown>): void {
  const error = details ? { code, message, details } : { code, message };
  process.stdout.write(JSON.stringify({ ok: false, error, exitCode }, null, 2) + '\n');
}

function formatCauses(err: unknown): string {
  const lines: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 8; depth++) {
    lines.push(cur instanceof Error ? (cur.stack ?? `${cur.name}: ${cur.message}`) : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return lines.join('\n  caused by: ');
}
