import { resolveHome } from '../../core/home';
import { embeddedSandboxDir, FaultSpecError, formatFaultSpec, startFirmaGobSimulator, startSandbox } from '../../sandbox';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

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
      .description('Inicia el servidor de pruebas de la casilla (sandbox) en 127.0.0.1')
      .option('--port <n>', 'puerto (0 = uno libre)', '0')
      .option('--data <dir>', 'carpeta de datos del sandbox (por defecto <carpeta de datos>/sandbox)')
      .option('--faults <spec>', 'fallos inyectados, p. ej. drop-after-commit=0.2,reset=0.1,latency=50-400ms,seed=7')
      .option('--rate <n>', 'solicitudes por segundo por institución antes de responder 429', '6')
      .option('--ignore-idempotency-key', 'ignora Idempotency-Key como la plataforma real (solo ERR031 evita duplicados)')
      .option('--email-delay <ms>', 'cuánto tiempo quedan pendientes los destinatarios por correo', '4000')
      .option('--firmagob', 'inicia también el simulador de FirmaGob (Chile) con su CA del Estado de prueba')
      .option('--firmagob-port <n>', 'puerto del simulador de FirmaGob (0 = uno libre)', '0')
      .action(async (opts: SandboxOptions) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliExit(ExitCode.usage, `Puerto no válido: ${opts.port}`);
        const rate = Number(opts.rate);
        if (!Number.isFinite(rate) || rate <= 0 || rate > 10_000)
          throw new CliExit(ExitCode.usage, `Tasa no válida: ${opts.rate} (solicitudes por segundo, mayor que 0)`);
        const emailDelayMs = Number(opts.emailDelay);
        if (!Number.isInteger(emailDelayMs) || emailDelayMs < 0 || emailDelayMs > 3_600_000)
          throw new CliExit(ExitCode.usage, `Demora no válida: ${opts.emailDelay} ms`);
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
          if (err instanceof FaultSpecError) throw new CliExit(ExitCode.usage, err.message);
          if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE')
            throw new CliExit(ExitCode.failed, `El puerto ${port} ya está en uso.`);
          throw err;
        }
        const firmagob = opts.firmagob ? await startFirmaGobSimulator({ dataDir, port: Number(opts.firmagobPort) || 0 }) : null;
        const faults = formatFaultSpec(sandbox.faults.spec);
        const fg = firmagob?.entities[0];
        rt.print(
          [
            `Sandbox de la casilla listo: ${sandbox.baseUrl}`,
            `Institución de demostración: ${sandbox.institution.name}`,
            `  client_id:      ${sandbox.institution.clientId}`,
            `  client_secret:  ${sandbox.institution.clientSecret}`,
            `  webhook secret: ${sandbox.institution.webhookSecret}`,
            `Token de /sandbox/* (Authorization: Bearer): ${sandbox.trainerToken}`,
            `Datos: ${dataDir}`,
            `Fallos: ${faults}   Límite: ${rate}/s`,
            ...(firmagob && fg
              ? [
                  `Simulador de FirmaGob: ${firmagob.baseUrl}`,
                  `  entidad:        ${fg.entity}`,
                  `  api_token_key:  ${fg.apiKey}`,
                  `  clave secreta:  ${fg.secret}`,
                  `  RUN de prueba:  ${Object.keys(fg.officials).join(', ')}`,
                  `  OTP (atendido): GET ${firmagob.baseUrl}/sandbox/firmagob/otp?run=<RUN>`,
                  `  CA del Estado (simulador): ${firmagob.rootPemFile}`,
                ]
              : []),
            'Ctrl+C para detener.',
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
