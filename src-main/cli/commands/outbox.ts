import fs from 'node:fs';
import type { ComposeOutputs } from '../../api/compose';
import { codeText, translateIn, type Dict, type T } from '../../api/i18n-text';
import { OUTBOX_STATES, type OutboxDetail, type OutboxEvent, type OutboxState, type OutboxSummary } from '../../api/outbox';
import { outboxEventText } from '../../api/outbox-text';
import { outboxCsvLines } from '../../core/outbox/export-csv';
import { createHandlers, dispatch } from '../../services';
import { outboxRuntime } from '../../services/outbox-runtime';
import { CliExit, ExitCode, type CliRuntime, type CommandModule } from '../runtime';
import type { CliLocale } from '../locale';
import { addBackendOptions, backendOverride } from './send';

/**
 * The texts of the user's language (the renderer's dictionary, `outbox.*`), loaded only when a human listing is
 * printed: states, timeline entries and their reasons, the served date's rule are worded from their codes.
 */
async function outboxTexts(locale: CliLocale): Promise<T> {
  const dict = (locale === 'en' ? await import('../../../src-renderer/i18n/en.json') : await import('../../../src-renderer/i18n/es.json'))
    .default as Dict;
  const tag = locale === 'en' ? 'en-GB' : 'es';
  return (key, vars) => translateIn([dict], tag, key, vars);
}

/**
 * One message on one line. Its error: in Spanish the core's sentence (it may name the reason), in English the text
 * of its code (the sentence only for a code without one).
 */
function line(t: T, m: OutboxSummary, locale: CliLocale): string {
  const words = m.errorCode && locale !== 'es' ? codeText(t, { code: m.errorCode, message: m.errorMessage ?? '' }) : undefined;
  const err = m.errorCode ? `  [${m.errorCode}] ${words ?? m.errorMessage ?? ''}` : '';
  return `${m.id}  ${m.createdAt.slice(0, 19).replace('T', ' ')}  ${m.messageType}  ${t(`outbox.states.${m.state}`).toLowerCase().padEnd(22)} ${String(m.recipientCount).padStart(3)} ${t('outbox.cli.recipientsShort')}  ${m.subject}${m.groupLabel ? ` · ${m.groupLabel}` : ''}${err}`;
}

/** A timeline entry: its code's words and reason; an entry written before codes existed, its sentence as stored. */
function eventLine(t: T, locale: CliLocale, e: OutboxEvent): string {
  const text = e.code ? outboxEventText(t, locale, e) : (e.detail ?? '');
  return `  ${e.at}  ${e.state}${text ? `  ${text}` : ''}`;
}

/** Runs one contract method and turns a failure into the CLI's exit codes. */
async function callOrExit(rt: CliRuntime, method: string, input: unknown): Promise<unknown> {
  const r = await dispatch(createHandlers(), rt.core(), method, input);
  if (!r.ok)
    throw new CliExit(
      r.error.code === 'NOT_FOUND' || r.error.code === 'BAD_INPUT' ? ExitCode.usage : ExitCode.failed,
      `${r.error.code}: ${r.error.message}`,
    );
  return r.value;
}

export const outboxCommand: CommandModule = {
  register(program, rt) {
    const outbox = program.command('outbox').description('Bandeja de salida: revisar, enviar, reintentar, cancelar, exportar');
    outbox
      .command('list')
      .description('Lista los mensajes, los más nuevos primero')
      .option('--state <state>', `filtra por estado (${OUTBOX_STATES.join(', ')})`)
      .option('--limit <n>', 'cuántos', '50')
      .action(async (opts: { state?: string; limit: string }) => {
        if (opts.state && !OUTBOX_STATES.includes(opts.state as OutboxState))
          throw new CliExit(ExitCode.usage, `Estado no válido: ${opts.state}`);
        const list = (await callOrExit(rt, 'outbox.list', {
          limit: Number(opts.limit),
          ...(opts.state ? { states: [opts.state] } : {}),
        })) as OutboxSummary[];
        const t = rt.json ? null : await outboxTexts(rt.locale);
        rt.print(() => (list.length ? list.map((m) => line(t!, m, rt.locale)).join('\n') : t!('outbox.cli.empty')), list);
      });
    outbox
      .command('show <id>')
      .description('Detalle de un mensaje: destinatarios, adjuntos y línea de tiempo')
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
        const t = rt.json ? null : await outboxTexts(rt.locale);
        rt.print(
          () =>
            [
              line(t!, d, rt.locale),
              `${t!('outbox.cli.server', { url: d.backendUrl })}${d.messageDataId ? `  ·  ${t!('outbox.cli.platformId', { id: d.messageDataId })}` : ''}`,
              t!('outbox.cli.recipients'),
              ...d.recipients.map(
                (r) =>
                  `  ${r.label.padEnd(28)} ${(r.dduType ?? '-').padEnd(15)} ${r.status ?? '-'}${r.readAt ? `  ${t!('outbox.cli.readAt', { at: r.readAt })}` : ''}${
                    r.deemedServedAt
                      ? `  ${t!('outbox.cli.servedOn', { date: r.deemedServedAt, basis: r.servedBasis ? t!(`outbox.servedBasis.${r.servedBasis}`) : '-' })}`
                      : ''
                  }`,
              ),
              ...(d.attachments.length
                ? [
                    t!('outbox.cli.attachments'),
                    ...d.attachments.map((a) => `  ${a.name}  ${a.size} bytes  sha256 ${a.sha256.slice(0, 16)}…`),
                  ]
                : []),
              t!('outbox.cli.timeline'),
              ...d.events.map((e) => eventLine(t!, rt.locale, e)),
            ].join('\n'),
          d,
        );
      });
    addBackendOptions(
      outbox
        .command('sync')
        .description('Envía lo que está en cola y sigue los estados; sin --once sigue hasta Ctrl+C')
        .option('--once', 'trabaja hasta que no quede nada pendiente ahora, y termina'),
    ).action(async (opts: { once?: boolean; backend?: string; clientId?: string; clientSecretEnv?: string }) => {
      const override = backendOverride(opts);
      const core = rt.core();
      const { sender, repo } = outboxRuntime(core, override ? { overrides: [override] } : {});
      if (opts.once) {
        const counts = await sender.runOnce();
        const pending = repo.list({ states: ['queued', 'sending', 'accepted', 'tracking'], limit: 500 }).length;
        rt.print(
          `Enviados: ${counts.sent} · conciliados solos: ${counts.reconciled} · consultas de estado: ${counts.polled} · fallidos: ${counts.failed} · por conciliar: ${counts.reconcile} · aún pendientes: ${pending}`,
          { ...counts, pending },
        );
        return;
      }
      rt.stderr('Sincronizando la bandeja de salida (Ctrl+C para detener)…\n');
      // keepAlive: the sender's own timer keeps this process running until a signal stops it.
      sender.start({ keepAlive: true });
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      rt.stderr(`${signal}: deteniendo (un envío en curso queda como «resultado desconocido» y se concilia al volver)…\n`);
      await sender.stop();
      const pending = repo.list({ states: ['queued', 'sending', 'accepted', 'tracking'], limit: 500 }).length;
      rt.stderr(`Detenido. Aún pendientes: ${pending}\n`);
    });
    outbox
      .command('retry <id>')
      .description('Vuelve a poner en cola un mensaje fallido o cancelado')
      .action(async (id: string) => {
        const m = (await callOrExit(rt, 'outbox.retry', { id })) as OutboxSummary;
        const t = await outboxTexts(rt.locale);
        rt.print(line(t, m, rt.locale), m);
      });
    outbox
      .command('cancel <id>')
      .description('Cancela un mensaje que aún no empezó a enviarse (no si su último intento tiene resultado desconocido)')
      .action(async (id: string) => {
        const m = (await callOrExit(rt, 'outbox.cancel', { id })) as OutboxSummary;
        const t = await outboxTexts(rt.locale);
        rt.print(line(t, m, rt.locale), m);
      });
    outbox
      .command('export <file>')
      .description('Exporta la bandeja (un destinatario por fila) a CSV')
      .action((file: string) => {
        const { repo } = outboxRuntime(rt.core());
        let out: number;
        try {
          out = fs.openSync(file, 'w');
        } catch {
          throw new CliExit(ExitCode.usage, `No se pudo escribir ${file}`);
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
        rt.print(`Exportadas ${rows} filas a ${file}`, { file, rows });
      });
  },
};
