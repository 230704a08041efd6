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
import { isSecureServiceUrl } from '../../api/url-policy';
import { currentTarget, type BackendOverride } from '../../services/backends';
import { explainStorageError } from '../../core/db/storage-errors';
import { outboxRuntime } from '../../services/outbox-runtime';
import { appT, labelOr } from '../error-text';
import { CliExit, ExitCode, type CliRuntime, type CommandModule } from '../runtime';
import { tx } from '../text';

const collectList = (v: string, prev: string[] = []) => [...prev, v];

/** `--backend URL --client-id ID --client-secret-env VAR`, shared by `send` and `outbox sync`. */
export function addBackendOptions(cmd: Command): Command {
  return cmd
    .option('--backend <url>', tx('send.opt.backend'))
    .option('--client-id <id>', tx('send.opt.clientId'))
    .option('--client-secret-env <VAR>', tx('send.opt.clientSecretEnv'));
}

export function backendOverride(opts: { backend?: string; clientId?: string; clientSecretEnv?: string }): BackendOverride | undefined {
  if (!opts.backend) return undefined;
  let url: URL;
  try {
    url = new URL(opts.backend);
  } catch {
    throw new CliExit(ExitCode.usage, tx('send.badBackendUrl', { url: opts.backend }));
  }
  if (!/^https?:$/.test(url.protocol)) throw new CliExit(ExitCode.usage, tx('send.badBackendUrl', { url: opts.backend }));
  if (!isSecureServiceUrl(opts.backend)) throw new CliExit(ExitCode.usage, `--backend ${opts.backend}: ${tx('insecureUrl')}`);
  if (!opts.clientId || !opts.clientSecretEnv) throw new CliExit(ExitCode.usage, tx('send.backendNeeds'));
  const secret = process.env[opts.clientSecretEnv];
  if (!secret) throw new CliExit(ExitCode.usage, tx('envVarEmpty', { name: opts.clientSecretEnv }));
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
        .description(tx('send.description'))
        .option('--to <id>', tx('send.opt.to'), collectList)
        .option('--to-file <csv>', tx('send.opt.toFile'))
        .requiredOption('--type <NT|CP|CI>', tx('send.opt.type'))
        .option('--procedure <code>', tx('send.opt.procedure'))
        .option('--stage <1|2|3>', tx('send.opt.stage'))
        .requiredOption('--subject <text>', tx('send.opt.subject'))
        .option('--body <text>', tx('send.opt.body'))
        .option('--body-file <file>', tx('send.opt.bodyFile'))
        .option('--attach <file>', tx('send.opt.attach'), collectList),
    ).action(async (opts: SendOptions) => run(rt, opts));
  },
};

async function run(rt: CliRuntime, opts: SendOptions): Promise<void> {
  const type = opts.type.toUpperCase();
  if (!['NT', 'CP', 'CI'].includes(type)) throw new CliExit(ExitCode.usage, tx('send.badType', { value: opts.type }));
  const stage = opts.stage === undefined ? undefined : Number(opts.stage);
  if (stage !== undefined && ![1, 2, 3].includes(stage))
    throw new CliExit(ExitCode.usage, tx('send.badStage', { value: opts.stage ?? '' }));
  let content = opts.body;
  if (opts.bodyFile) {
    try {
      content = fs.readFileSync(opts.bodyFile, 'utf8');
      // A text file (no tags) keeps its paragraphs: blank lines separate them, as the official wrote them.
      if (looksLikePlainText(content)) content = textToHtml(content);
    } catch {
      throw new CliExit(ExitCode.usage, tx('send.bodyUnreadable', { file: opts.bodyFile }));
    }
  }
  if (content === undefined) throw new CliExit(ExitCode.usage, tx('send.bodyMissing'));
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
      if (err instanceof AppError) throw CliExit.from(err, ExitCode.usage, `${opts.toFile}: ${err.message}`, undefined);
      throw err;
    }
    // A loop, not push(...list): spreading 125,000+ arguments overflows the stack.
    for (const r of csv.recipients) results.push(r);
    problems = csv.problems;
    if (csv.problemCount > csv.problems.length)
      rt.stderr(tx('send.csvProblemsShown', { count: csv.problemCount, shown: csv.problems.length }) + '\n');
  }
  const parsed = collect(results);
  problems = [...parsed.problems.map((p) => ({ ...p, input: `--to ${p.input}` })), ...problems];
  if (problems.length) {
    // In Spanish the core's sentence (it names what the token looks like); in English the text of its code.
    const t = rt.locale === 'es' ? undefined : await appT();
    const said = (p: RecipientProblem) =>
      t
        ? labelOr(t, `compose.problemCodes.${p.code}`, p.message, {
            accepted: p.params?.accepted ?? '',
            expected: p.params?.expected ?? '',
          })
        : p.message;
    const lines = problems.map((p) => tx('send.problemLine', { line: p.line, input: p.input, message: said(p) })).join('\n');
    throw new CliExit(ExitCode.usage, tx('send.badRecipients', { count: problems.length, lines }));
  }
  const outbox = outboxRuntime(core, override ? { overrides: [override] } : {});
  try {
    const attachments = await checkAttachments(
      core,
      (opts.attach ?? []).map((p) => ({ path: p, name: path.basename(p) })),
    );
    for (const a of attachments.filter((x) => x.renamed)) rt.stderr(tx('send.renamed', { from: a.originalName, to: a.name }) + '\n');
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
        tx('send.queued', {
          messages: tx('send.messages', { count: result.messageIds.length }),
          ids: result.messageIds.join(', '),
          recipients: tx('send.recipients', { count: parsed.recipients.length }),
          duplicates: parsed.duplicates ? tx('send.duplicates', { count: parsed.duplicates }) : '',
          envio: result.envioId,
        }),
      { ...result, recipients: parsed.recipients.length, duplicates: parsed.duplicates, backend: target.backendUrl },
    );
  } catch (err) {
    // Nothing was queued (the queue is one transaction): say why, in the CLI's language, with what to do.
    const storage = explainStorageError(err, core.home);
    if (storage) throw CliExit.from(storage, ExitCode.failed, `${storage.code}: ${storage.message}\n${tx('send.nothingQueued')}`);
    if (err instanceof AppError)
      throw CliExit.from(
        err,
        /^ERR0|^ATTACHMENT_|RECIPIENT/.test(err.code) ? ExitCode.usage : ExitCode.failed,
        `${err.code}: ${err.message}`,
      );
    throw err;
  }
}
