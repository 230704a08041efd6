/**
 * `casilla tsa list|add|remove|test`: timestamp-server profiles (the same ones as Configuración → Sellado de tiempo).
 * A password is read from an environment variable or asked without echo, and goes only to the OS keychain.
 */
import { AppError } from '../../api/result';
import { testTsa, testTsaProfile } from '../../core/signing/tsa-probe';
import { findTsaProfile, listTsaProfiles, removeTsaProfile, saveTsaProfile } from '../../core/signing/tsa-profiles';
import type { TsaConfig } from '../../core/signing/tsa-client';
import type { TsaTestResult } from '../../api/tsa';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from '../../api/url-policy';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

const USAGE = new Set(['TSA_PROFILE_NOT_FOUND', 'TSA_PROFILE_EXISTS', 'TSA_INSECURE_URL', 'BAD_INPUT']);

function fail(err: unknown): never {
  if (err instanceof AppError) throw CliExit.from(err, USAGE.has(err.code) ? ExitCode.usage : ExitCode.failed);
  throw err;
}

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined) throw new CliExit(ExitCode.usage, `La variable de entorno ${name} no está definida.`);
  return v;
}

function describeTest(r: TsaTestResult): string {
  return `Sello obtenido de «${r.tsaName}»: ${r.time} (${r.elapsedMs} ms, ${r.tokenBytes} bytes${r.intact ? '' : ', ¡la firma del sello no es válida!'}).`;
}

export const tsaCommand: CommandModule = {
  register(program, rt) {
    const tsa = program.command('tsa').description('Perfiles de servidores de sellado de tiempo (TSA); contraseñas en el llavero');
    tsa
      .command('list')
      .description('Cada perfil: nombre, dirección, usuario y si tiene contraseña en el llavero')
      .action(() => {
        const list = listTsaProfiles(rt.core());
        rt.print(
          () =>
            list.length === 0
              ? 'No hay perfiles de TSA. Agregue uno con «casilla tsa add NOMBRE --url URL».'
              : list
                  .map(
                    (p) =>
                      `${p.name}  ${p.url}${p.username ? `  usuario ${p.username}${p.hasPassword ? ' (contraseña en el llavero)' : ''}` : ''}`,
                  )
                  .join('\n'),
          list,
        );
      });
    tsa
      .command('add')
      .description('Agrega (o con --replace, actualiza) un perfil de TSA')
      .argument('<name>', 'nombre del perfil')
      .requiredOption('--url <url>', 'dirección RFC 3161 (https; http solo en 127.0.0.1 o localhost)')
      .option('--user <user>', 'usuario (autenticación HTTP Basic)')
      .option('--password-env <VAR>', 'variable de entorno con la contraseña (va al llavero del sistema)')
      .option('--replace', 'actualizar el perfil si ya existe')
      .action(async (name: string, opts: { url: string; user?: string; passwordEnv?: string; replace?: boolean }) => {
        const core = rt.core();
        if (opts.passwordEnv && !opts.user) throw new CliExit(ExitCode.usage, '--password-env necesita --user.');
        const password = opts.passwordEnv ? env(opts.passwordEnv) : undefined;
        try {
          let id: string | undefined;
          if (opts.replace) {
            try {
              id = findTsaProfile(core, name).id;
            } catch {
              id = undefined;
            }
          }
          const saved = await saveTsaProfile(core, id, {
            name,
            url: opts.url,
            ...(opts.user ? { username: opts.user } : {}),
            ...(password !== undefined ? { password } : {}),
          });
          rt.print(
            () => `Perfil de TSA «${saved.name}» guardado (${saved.url}${saved.hasPassword ? ', contraseña en el llavero' : ''}).`,
            saved,
          );
        } catch (err) {
          fail(err);
        }
      });
    tsa
      .command('remove')
      .description('Elimina un perfil de TSA y su contraseña del llavero')
      .argument('<name>', 'nombre del perfil')
      .action(async (name: string) => {
        try {
          const p = await removeTsaProfile(rt.core(), name);
          rt.print(() => `Perfil de TSA «${p.name}» eliminado.`, { removed: true, profile: p });
        } catch (err) {
          fail(err);
        }
      });
    tsa
      .command('test')
      .description('Pide un sello de tiempo de prueba (sobre un resumen al azar) y muestra la TSA y su hora')
      .argument('[name]', 'perfil guardado')
      .option('--url <url>', 'o una dirección sin guardar')
      .option('--user <user>', 'usuario (con --url)')
      .option('--password-env <VAR>', 'variable de entorno con la contraseña (con --url)')
      .action(async (name: string | undefined, opts: { url?: string; user?: string; passwordEnv?: string }) => {
        if (Boolean(name) === Boolean(opts.url)) throw new CliExit(ExitCode.usage, 'Indique un perfil o --url, no ambos.');
        try {
          let r: TsaTestResult;
          if (name) r = await testTsaProfile(rt.core(), name);
          else {
            const url = opts.url ?? '';
            if (!isSecureServiceUrl(url)) throw new CliExit(ExitCode.usage, `--url ${url}: ${INSECURE_URL_MESSAGE}`);
            const config: TsaConfig = { url };
            if (opts.user) config.username = opts.user;
            if (opts.passwordEnv) config.password = env(opts.passwordEnv);
            r = await testTsa(config);
          }
          rt.print(() => describeTest(r), r);
        } catch (err) {
          fail(err);
        }
      });
  },
};
