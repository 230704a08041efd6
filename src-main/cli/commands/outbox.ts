import fs from 'node:fs';
import type { ComposeOutputs } from '../../api/compose';
import { codeText, type T } from '../../api/i18n-text';
import { OUTBOX_STATES, type OutboxDetail, type OutboxEvent, type OutboxState, type OutboxSummary } from '../../api/outbox';
import { outboxEventText } from '../../api/outbox-text';
import { outboxCsvLines } from '../../core/outbox/export-csv';
import { createHandlers, dispatch } from '../../services';
import { outboxRuntime } from '../../services/outbox-runtime';
import { reportTime } from '../../core/verify/report-words';
import { labelOr } from '../error-text';
import { CliExit, ExitCode, type CliRuntime, type CommandModule } from '../runtime';
import type { CliLocale } from '../locale';
import { appText, cliLocale, tx } from '../text';
import { addBackendOptions, backendOverride } from './send';

/**
 * One message on one line. Its error: in Spanish the core's sentence (it may name the reason), in English the text
 * of its code (the sentence only for a code without one).
 */
function line(t: T, m: OutboxSummary, locale: CliLocale): string {
  const words = m.errorCode && locale !== 'es' ? codeText(t, { code: m.errorCode, message: m.errorMessage ?? '' }) : undefined;
  const err = m.errorCode ? `  [${m.errorCode}] ${words ?? m.errorMessage ?? ''}` : '';
  return `${m.id}  ${reportTime(m.createdAt)}  ${m.messageType}  ${t(`outbox.states.${m.state}`).toLowerCase().padEnd(22)} ${String(m.recipientCount).padStart(3)} ${t('outbox.cli.recipientsShort')}  ${m.subject}${m.groupLabel ? ` · ${m.groupLabel}` : ''}${err}`;
}

/** A timeline entry: its code's words and reason; an entry written before codes existed, its sentence as stored. */
function eventLine(t: T, locale: CliLocale, e: OutboxEvent): string {
  const text = e.code ? outboxEventText(t, locale, e) : (e.detail ?? '');
  return `  ${reportTime(e.at)}  ${t(`outbox.states.${e.state}`).toLowerCase()}${text ? `  ${text}` : ''}`;
}

/** Runs one contract method and turns a failure into the CLI's exit codes. */
async function callOrExit(rt: CliRuntime, method: string, input: unknown): Promise<unknown> {
  const r = await dispatch(createHandlers(), rt.core(), method, input);
  if (!r.ok) {
    const exit = new CliExit(
      r.error.code === 'NOT_FOUND' || r.error.code === 'BAD_INPUT' ? ExitCode.usage : ExitCode.failed,
      `${r.error.message} [${r.error.code}]`,
      r.error.code,
    );
    // In English `main` rewords the core's Spanish message by its code (error-text.ts).
    exit.source = { code: r.error.code, message: r.error.message, details: r.error.details };
    throw exit;
  }
  return r.value;
}

export const outboxCommand: CommandModule = {
  register(program, rt) {
    const outbox = program.command('outbox').description(tx('outbox.description'));
    outbox
      .command('list')
      .description(tx('outbox.list'))
      .option('--state <state>', tx('outbox.opt.state', { states: OUTBOX_STATES.join(', ') }))
      .option('--limit <n>', tx('outbox.opt.limit'), '50')
      .action(async (opts: { state?: string; limit: string }) => {
        if (opts.state && !OUTBOX_STATES.includes(opts.state as OutboxState))
          throw new CliExit(ExitCode.usage, tx('outbox.badState', { value: opts.state, states: OUTBOX_STATES.join(', ') }));
        const list = (await callOrExit(rt, 'outbox.list', {
          limit: Number(opts.limit),
          ...(opts.state ? { states: [opts.state] } : {}),
        })) as OutboxSummary[];
        const t = appText;
        rt.print(() => (list.length ? list.map((m) => line(t, m, cliLocale())).join('\n') : t('outbox.cli.empty')), list);
      });
    outbox
      .command('show <id>')
      .description(tx('outbox.show'))
      .action(async (id: string) => {
        const detail = (await callOrExit(rt, 'outbox.get', { id })) as OutboxDetail;
        // The date each recipient is deemed served (the backend's country rule, core/calendar/served.ts).
        const served = (await callOrExit(rt, 'compose.servedDates', { id })) as ComposeOutputs['compose.servedDates'];
        const d = {
          ...detail,
          recipients: detail.recipients.map((r) => {
            const s = served.recipients.find((x) => x.rolUnico === r.rolUnico);
            return { ...r, deemedServedAt: s?.deemedServedAt ?? null, servedBasis: s?.basis ?? null };
          }),
        };
        const t = appText;
        rt.print(
          () =>
            [
              line(t, d, cliLocale()),
              `${t('outbox.cli.server', { url: d.backendUrl })}${d.messageDataId ? `  ·  ${t('outbox.cli.platformId', { id: d.messageDataId })}` : ''}`,
              t('outbox.cli.recipients'),
              ...d.recipients.map(
                (r) =>
                  `  ${r.label.padEnd(28)} ${(r.dduType ?? '-').padEnd(15)} ${r.status ? labelOr(t, `outbox.recipientStatus.${r.status}`, r.status) : '-'}${r.readAt ? `  ${t('outbox.cli.readAt', { at: reportTime(r.readAt) })}` : ''}${
                    r.deemedServedAt
                      ? `  ${t('outbox.cli.servedOn', { date: r.deemedServedAt, basis: r.servedBasis ? t(`outbox.servedBasis.${r.servedBasis}`) : '-' })}`
                      : ''
                  }`,
              ),
              ...(d.attachments.length
                ? [
                    t('outbox.cli.attachments'),
                    ...d.attachments.map((a) => `  ${a.name}  ${a.size} bytes  sha256 ${a.sha256.slice(0, 16)}…`),
                  ]
                : []),
              t('outbox.cli.timeline'),
              ...d.events.map((e) => eventLine(t, cliLocale(), e)),
            ].join('\n'),
          d,
        );
      });
    addBackendOptions(outbox.command('sync').description(tx('outbox.sync')).option('--once', tx('outbox.opt.once'))).action(
      async (opts: { once?: boolean; backend?: string; clientId?: string; clientSecretEnv?: string }) => {
        const override = backendOverride(opts);
        const core = rt.core();
        const { sender, repo } = outboxRuntime(core, override ? { overrides: [override] } : {});
        if (opts.once) {
          const counts = await sender.runOnce();
          const pending = repo.list({ states: ['queued', 'sending', 'accepted', 'tracking'], limit: 500 }).length;
          rt.print(tx('outbox.synced', { ...counts, pending }), { ...counts, pending });
          return;
        }
        rt.stderr(`${tx('outbox.syncing')}\n`);
        // keepAlive: the sender's own timer keeps this process running until a signal stops it.
        sender.start({ keepAlive: true });
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        });
        rt.stderr(`${tx('outbox.stopping', { signal })}\n`);
        await sender.stop();
        const pending = repo.list({ states: ['queued', 'sending', 'accepted', 'tracking'], limit: 500 }).length;
        rt.stderr(`${tx('outbox.stopped', { pending })}\n`);
      },
    );
    outbox
      .command('retry <id>')
      .description(tx('outbox.retry'))
      .action(async (id: string) => {
        const m = (await callOrExit(rt, 'outbox.retry', { id })) as OutboxSummary;
        const t = appText;
        rt.print(line(t, m, cliLocale()), m);
      });
    outbox
      .command('cancel <id>')
      .description(tx('outbox.cancel'))
      .action(async (id: string) => {
        const m = (await callOrExit(rt, 'outbox.cancel', { id })) as OutboxSummary;
        const t = appText;
        rt.print(line(t, m, cliLocale()), m);
      });
    outbox
      .command('export <file>')
      .description(tx('outbox.export'))
      .action((file: string) => {
        const { repo } = outboxRuntime(rt.core());
        let out: number;
        try {
          out = fs.openSync(file, 'w');
        } catch {
          throw new CliExit(ExitCode.usage, tx('outbox.exportUnwritable', { file }));
        }
        let rows = -1;
        try {
          for (const l of outboxCsvLines(repo)) {
            fs.writeSync(out, l);
            rows++;
          }
        } finally {
          fs.closeSync(out);
        }
        rt.print(tx('outbox.exported', { count: rows, file }), { file, rows });
      });
  },
};
