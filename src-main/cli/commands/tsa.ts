/**
 * `casilla tsa list|add|remove|test`: timestamp-server profiles (the same ones as Configuración → Sellado de tiempo).
 * A password is read from an environment variable or asked without echo, and goes only to the OS keychain.
 */
import { AppError } from '../../api/result';
import { testTsa, testTsaProfile } from '../../core/signing/tsa-probe';
import { findTsaProfile, listTsaProfiles, removeTsaProfile, saveTsaProfile } from '../../core/signing/tsa-profiles';
import type { TsaConfig } from '../../core/signing/tsa-client';
import type { TsaTestResult } from '../../api/tsa';
import { isSecureServiceUrl } from '../../api/url-policy';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

const USAGE = new Set(['TSA_PROFILE_NOT_FOUND', 'TSA_PROFILE_EXISTS', 'TSA_INSECURE_URL', 'BAD_INPUT']);

function fail(err: unknown): never {
  if (err instanceof AppError) throw CliExit.from(err, USAGE.has(err.code) ? ExitCode.usage : ExitCode.failed);
  throw err;
}

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined) throw new CliExit(ExitCode.usage, tx('envVarMissing', { name }));
  return v;
}

function describeTest(r: TsaTestResult): string {
  return tx('tsa.tested', {
    name: r.tsaName,
    time: r.time,
    ms: r.elapsedMs,
    bytes: r.tokenBytes,
    broken: r.intact ? '' : tx('tsa.broken'),
  });
}

export const tsaCommand: CommandModule = {
  register(program, rt) {
    const tsa = program.command('tsa').description(tx('tsa.description'));
    tsa
      .command('list')
      .description(tx('tsa.list'))
      .action(() => {
        const list = listTsaProfiles(rt.core());
        rt.print(
          () =>
            list.length === 0
              ? tx('tsa.none')
              : list
                  .map(
                    (p) =>
                      `${p.name}  ${p.url}${p.username ? `${tx('tsa.user', { user: p.username })}${p.hasPassword ? tx('tsa.hasPassword') : ''}` : ''}`,
                  )
                  .join('\n'),
          list,
        );
      });
    tsa
      .command('add')
      .description(tx('tsa.add'))
      .argument('<name>', tx('tsa.argName'))
      .requiredOption('--url <url>', tx('tsa.opt.url'))
      .option('--user <user>', tx('tsa.opt.user'))
      .option('--password-env <VAR>', tx('tsa.opt.passwordEnv'))
      .option('--replace', tx('tsa.opt.replace'))
      .action(async (name: string, opts: { url: string; user?: string; passwordEnv?: string; replace?: boolean }) => {
        const core = rt.core();
        if (opts.passwordEnv && !opts.user) throw new CliExit(ExitCode.usage, tx('tsa.passwordNeedsUser'));
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
            () => tx('tsa.saved', { name: saved.name, url: saved.url, password: saved.hasPassword ? tx('tsa.savedPassword') : '' }),
            saved,
          );
        } catch (err) {
          fail(err);
        }
      });
    tsa
      .command('remove')
      .description(tx('tsa.remove'))
      .argument('<name>', tx('tsa.argName'))
      .action(async (name: string) => {
        try {
          const p = await removeTsaProfile(rt.core(), name);
          rt.print(() => tx('tsa.removed', { name: p.name }), { removed: true, profile: p });
        } catch (err) {
          fail(err);
        }
      });
    tsa
      .command('test')
      .description(tx('tsa.test'))
      .argument('[name]', tx('tsa.argSaved'))
      .option('--url <url>', tx('tsa.opt.testUrl'))
      .option('--user <user>', tx('tsa.opt.testUser'))
      .option('--password-env <VAR>', tx('tsa.opt.testPasswordEnv'))
      .action(async (name: string | undefined, opts: { url?: string; user?: string; passwordEnv?: string }) => {
        if (Boolean(name) === Boolean(opts.url)) throw new CliExit(ExitCode.usage, tx('tsa.profileOrUrl'));
        try {
          let r: TsaTestResult;
          if (name) r = await testTsaProfile(rt.core(), name);
          else {
            const url = opts.url ?? '';
            if (!isSecureServiceUrl(url)) throw new CliExit(ExitCode.usage, `--url ${url}: ${tx('insecureUrl')}`);
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
