import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../core/version';
import { formatCauses } from '../services';
import { commandModules } from './commands';
import { CliExit, CliRuntime, ExitCode } from './runtime';

export function buildProgram(): { program: Command; rt: CliRuntime } {
  const program = new Command('casilla');
  const rt = new CliRuntime(program);
  program
    .description('Casilla Desktop: firma y verifica PDF, y envía notificaciones a la casilla del Estado')
    .version(APP_VERSION, '-V, --version', 'muestra la versión')
    .helpOption('-h, --help', 'muestra esta ayuda')
    .helpCommand('help [comando]', 'muestra la ayuda de un comando')
    .option('--home <dir>', 'carpeta de datos (por defecto CASILLA_HOME o la carpeta de la aplicación)')
    .option('--json', 'salida en JSON por stdout')
    .showHelpAfterError('(use --help para ver las opciones)')
    .exitOverride();
  for (const m of commandModules) m.register(program, rt);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return { program, rt };
}

/** Runs the CLI and returns its exit code (0 ok, 1 failed or negative, 2 bad usage or unreadable input). */
export async function main(argv: string[]): Promise<number> {
  const { program, rt } = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (err: unknown) {
    if (err instanceof CliExit) {
      if (err.message) process.stderr.write(err.message + '\n');
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (err.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    process.stderr.write('Error inesperado: ' + formatCauses(err) + '\n');
    return ExitCode.failed;
  } finally {
    await rt.close();
  }
}
