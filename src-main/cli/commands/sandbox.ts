import { resolveHome } from '../../core/home';
import { embeddedSandboxDir, FaultSpecError, formatFaultSpec, startFirmaGobSimulator, startSandbox } from '../../sandbox';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

type SandboxOptions = {
  port: string;
  data?: string;
  faults?: string;
  rate: string;
  emailDelay: string;
  ignoreIdempotencyKey?: boolean;
  firmagob?: boolean;
  firmagobPort: string;
};

/** `casilla sandbox`: the casilla backend simulator in the foreground, until Ctrl+C / SIGTERM. */
export const sandboxCommand: CommandModule = {
  register(program, rt) {
    program
      .command('sandbox')
      .description(tx('sandbox.description'))
      .option('--port <n>', tx('sandbox.opt.port'), '0')
      .option('--data <dir>', tx('sandbox.opt.data'))
      .option('--faults <spec>', tx('sandbox.opt.faults'))
      .option('--rate <n>', tx('sandbox.opt.rate'), '6')
      .option('--ignore-idempotency-key', tx('sandbox.opt.ignoreIdempotencyKey'))
      .option('--email-delay <ms>', tx('sandbox.opt.emailDelay'), '4000')
      .option('--firmagob', tx('sandbox.opt.firmagob'))
      .option('--firmagob-port <n>', tx('sandbox.opt.firmagobPort'), '0')
      .action(async (opts: SandboxOptions) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliExit(ExitCode.usage, tx('portInvalid', { port: opts.port }));
        const rate = Number(opts.rate);
        if (!Number.isFinite(rate) || rate <= 0 || rate > 10_000)
          throw new CliExit(ExitCode.usage, tx('sandbox.badRate', { value: opts.rate }));
        const emailDelayMs = Number(opts.emailDelay);
        if (!Number.isInteger(emailDelayMs) || emailDelayMs < 0 || emailDelayMs > 3_600_000)
          throw new CliExit(ExitCode.usage, tx('sandbox.badDelay', { value: opts.emailDelay }));
        const dataDir = opts.data ?? embeddedSandboxDir(resolveHome(rt.options.home));
        let sandbox;
        try {
          sandbox = await startSandbox({
            dataDir,
            port,
            rate,
            emailDelayMs,
            ...(opts.faults !== undefined ? { faults: opts.faults } : {}),
            ...(opts.ignoreIdempotencyKey ? { ignoreIdempotencyKey: true } : {}),
          });
        } catch (err) {
          if (err instanceof FaultSpecError) throw new CliExit(ExitCode.usage, tx(`sandbox.faultSpec.${err.problem}`, err.params));
          if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE')
            throw new CliExit(ExitCode.failed, tx('sandbox.portInUse', { port }));
          throw err;
        }
        const firmagob = opts.firmagob ? await startFirmaGobSimulator({ dataDir, port: Number(opts.firmagobPort) || 0 }) : null;
        const faults = formatFaultSpec(sandbox.faults.spec);
        const fg = firmagob?.entities[0];
        rt.print(
          [
            tx('sandbox.ready', { url: sandbox.baseUrl }),
            tx('sandbox.institution', { name: sandbox.institution.name }),
            `  client_id:      ${sandbox.institution.clientId}`,
            `  client_secret:  ${sandbox.institution.clientSecret}`,
            `  webhook secret: ${sandbox.institution.webhookSecret}`,
            tx('sandbox.trainerToken', { token: sandbox.trainerToken }),
            tx('sandbox.data', { dir: dataDir }),
            tx('sandbox.faults', { faults, rate }),
            ...(firmagob && fg
              ? [
                  tx('sandbox.firmagob', { url: firmagob.baseUrl }),
                  tx('sandbox.entity', { entity: fg.entity }),
                  `  api_token_key:  ${fg.apiKey}`,
                  tx('sandbox.secret', { secret: fg.secret }),
                  tx('sandbox.runs', { runs: Object.keys(fg.officials).join(', ') }),
                  tx('sandbox.otp', { url: `${firmagob.baseUrl}/sandbox/firmagob/otp?run=<RUN>` }),
                  tx('sandbox.stateCa', { file: firmagob.rootPemFile }),
                ]
              : []),
            tx('sandbox.stop'),
          ].join('\n'),
          {
            baseUrl: sandbox.baseUrl,
            clientId: sandbox.institution.clientId,
            clientSecret: sandbox.institution.clientSecret,
            webhookSecret: sandbox.institution.webhookSecret,
            trainerToken: sandbox.trainerToken,
            dataDir,
            faults,
            rate,
            ...(firmagob && fg
              ? {
                  firmagob: {
                    baseUrl: firmagob.baseUrl,
                    entity: fg.entity,
                    apiKey: fg.apiKey,
                    secret: fg.secret,
                    runs: Object.keys(fg.officials),
                    stateCaPem: firmagob.rootPemFile,
                  },
                }
              : {}),
          },
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await firmagob?.close();
        await sandbox.close();
      });
  },
};
