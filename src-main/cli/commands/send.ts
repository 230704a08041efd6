import fs from 'node:fs';
import path from 'node:path';
import { checkAttachments } from '../../core/compose/attachment-check';
import type { Command } from 'commander';
import { AppError } from '../../api/result';
import { queueNotification } from '../../core/compose/composer';
import { looksLikePlainText, textToHtml } from '../../core/compose/sanitize-html';
import { importRecipientsCsvFile, type CsvImport } from '../../core/compose/recipients-csv';
import { collect, parseRecipient, type RecipientProblem } from '../../core/compose/recipients';
import type { MessageType } from '../../core/casilla/rules';
import { recipientRulesFor } from '../../core/casilla/backends';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from '../../api/url-policy';
import { currentTarget, type BackendOverride } from '../../services/backends';
import { explainStorageError } from '../../core/db/storage-errors';
import { outboxRuntime } from '../../services/outbox-runtime';
import { CliExit, ExitCode, type CliRuntime, type CommandModule } from '../runtime';

const collectList = (v: string, prev: string[] = []) => [...prev, v];

/** `--backend URL --client-id ID --client-secret-env VAR`, shared by `send` and `outbox sync`. */
export function addBackendOptions(cmd: Command): Command {
  return cmd
    .option('--backend <url>', 'servidor de casilla (en lugar del perfil activo)')
    .option('--client-id <id>', 'client_id de la institución para --backend')
    .option('--client-secret-env <VAR>', 'variable de entorno con el client_secret para --backend');
}

export function backendOverride(opts: { backend?: string; clientId?: string; clientSecretEnv?: string }): BackendOverride | undefined {
  if (!opts.backend) return undefined;
  let url: URL;
  try {
    url = new URL(opts.backend);
  } catch {
    throw new CliExit(ExitCode.usage, `URL de servidor no válida: ${opts.backend}`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new CliExit(ExitCode.usage, `URL de servidor no válida: ${opts.backend}`);
  if (!isSecureServiceUrl(opts.backend)) throw new CliExit(ExitCode.usage, `--backend ${opts.backend}: ${INSECURE_URL_MESSAGE}`);
  if (!opts.clientId || !opts.clientSecretEnv) throw new CliExit(ExitCode.usage, '--backend requiere --client-id y --client-secret-env');
  const secret = process.env[opts.clientSecretEnv];
  if (!secret) throw new CliExit(ExitCode.usage, `La variable de entorno ${opts.clientSecretEnv} está vacía o no existe.`);
  return { baseUrl: opts.backend.replace(/\/+$/, ''), clientId: opts.clientId, clientSecret: secret };
}

type SendOptions = {
  to?: string[];
  toFile?: string;
  type: string;
  procedure?: string;
  stage?: string;
  subject: string;
  body?: string;
  bodyFile?: string;
  attach?: string[];
  backend?: string;
  clientId?: string;
  clientSecretEnv?: string;
};

export const sendCommand: CommandModule = {
  register(program, rt) {
    addBackendOptions(
      program
        .command('send')
        .description('Pone una notificación en la bandeja de salida y muestra su id local (la envía «outbox sync» o la aplicación)')
        .option('--to <id>', 'destinatario: RUN/RUT con dígito verificador, DNI o RUC (repetible)', collectList)
        .option('--to-file <csv>', 'destinatarios desde un CSV (UTF-8 o Latin-1, «,» o «;», con o sin encabezado)')
        .requiredOption('--type <NT|CP|CI>', 'tipo de mensaje')
        .option('--procedure <code>', 'código de procedimiento (NT)')
        .option('--stage <1|2|3>', 'etapa del procedimiento (NT)')
        .requiredOption('--subject <text>', 'asunto (máximo 150 caracteres)')
        .option('--body <text>', 'contenido (HTML permitido)')
        .option('--body-file <file>', 'contenido desde un archivo (HTML, o texto: las líneas en blanco separan párrafos)')
        .option('--attach <file>', 'adjunto (repetible)', collectList),
    ).action(async (opts: SendOptions) => run(rt, opts));
  },
};

async function run(rt: CliRuntime, opts: SendOptions): Promise<void> {
  const type = opts.type.toUpperCase();
  if (!['NT', 'CP', 'CI'].includes(type)) throw new CliExit(ExitCode.usage, `Tipo de mensaje no válido: ${opts.type} (NT, CP o CI)`);
  const stage = opts.stage === undefined ? undefined : Number(opts.stage);
  if (stage !== undefined && ![1, 2, 3].includes(stage)) throw new CliExit(ExitCode.usage, `Etapa no válida: ${opts.stage} (1, 2 o 3)`);
  let content = opts.body;
  if (opts.bodyFile) {
    try {
      content = fs.readFileSync(opts.bodyFile, 'utf8');
      // A text file (no tags) keeps its paragraphs: blank lines separate them, as the official wrote them.
      if (looksLikePlainText(content)) content = textToHtml(content);
    } catch {
      throw new CliExit(ExitCode.usage, `No se pudo leer ${opts.bodyFile}`);
    }
  }
  if (content === undefined) throw new CliExit(ExitCode.usage, 'Falta el contenido: --body o --body-file');
  const override = backendOverride(opts);
  const core = rt.core();
  // Recipients are read with the rules of the server they go to (CasillaÚnica: RUN/RUT only); nothing is
  // queued while any of them is refused.
  const rules = recipientRulesFor(await currentTarget(core, override));
  const results = (opts.to ?? []).map((id, i) => parseRecipient(id, i + 1, undefined, rules));
  let problems: RecipientProblem[] = [];
  if (opts.toFile) {
    let csv: CsvImport;
    try {
      csv = await importRecipientsCsvFile(opts.toFile, rules);
    } catch (err) {
      if (err instanceof AppError) throw new CliExit(ExitCode.usage, `${opts.toFile}: ${err.message}`);
      throw err;
    }
    // A loop, not push(...list): spreading 125,000+ arguments overflows the stack.
    for (const r of csv.recipients) results.push(r);
    problems = csv.problems;
    if (csv.problemCount > csv.problems.length)
      rt.stderr(`(${csv.problemCount} filas con errores; se muestran las primeras ${csv.problems.length})\n`);
  }
  const parsed = collect(results);
  problems = [...parsed.problems.map((p) => ({ ...p, input: `--to ${p.input}` })), ...problems];
  if (problems.length) {
    const lines = problems.map((p) => `  línea ${p.line}: «${p.input}» ${p.message}`).join('\n');
    throw new CliExit(ExitCode.usage, `Destinatarios no válidos (${problems.length}):\n${lines}`);
  }
  const outbox = outboxRuntime(core, override ? { overrides: [override] } : {});
  try {
    const attachments = await checkAttachments(
      core,
      (opts.attach ?? []).map((p) => ({ path: p, name: path.basename(p) })),
    );
    for (const a of attachments.filter((x) => x.renamed))
      rt.stderr(`«${a.originalName}» se enviará como «${a.name}» (nombre que acepta la plataforma).\n`);
    const target = await currentTarget(core, override);
    const result = await queueNotification(outbox, target, {
      messageType: type as MessageType,
      procedureCode: opts.procedure,
      procedureStage: stage as 1 | 2 | 3 | undefined,
      subject: opts.subject,
      content,
      groups: [
        { recipients: parsed.recipients, attachments: (opts.attach ?? []).map((p, i) => ({ path: p, name: attachments[i]!.name })) },
      ],
    });
    rt.print(
      () =>
        `En la bandeja de salida (guardado): ${result.messageIds.length} mensaje(s): ${result.messageIds.join(', ')}\n(${parsed.recipients.length} destinatario(s)${parsed.duplicates ? `, ${parsed.duplicates} repetido(s) unidos` : ''}; envío ${result.envioId})`,
      { ...result, recipients: parsed.recipients.length, duplicates: parsed.duplicates, backend: target.backendUrl },
    );
  } catch (err) {
    // Nothing was queued (the queue is one transaction): say why, in Spanish, with what to do.
    const storage = explainStorageError(err, core.home);
    if (storage) throw new CliExit(ExitCode.failed, `${storage.code}: ${storage.message}\nNo se puso nada en la bandeja de salida.`);
    if (err instanceof AppError)
      throw new CliExit(/^ERR0|^ATTACHMENT_|RECIPIENT/.test(err.code) ? ExitCode.usage : ExitCode.failed, `${err.code}: ${err.message}`);
    throw err;
  }
}
