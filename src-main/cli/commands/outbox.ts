import fs from 'node:fs';
import { OUTBOX_STATES, type OutboxState, type OutboxSummary } from '../../api/outbox';
import { outboxCsvLines } from '../../core/outbox/export-csv';
import { createHandlers, dispatch } from '../../services';
import { outboxRuntime } from '../../services/outbox-runtime';
import { CliExit, ExitCode, type CliRuntime, type CommandModule } from '../runtime';
import { addBackendOptions, backendOverride } from './send';

const STATE_ES: Record<OutboxState, string> = {
  draft: 'borrador',
  queued: 'en cola',
  sending: 'enviando',
  accepted: 'aceptado',
  tracking: 'en seguimiento',
  done: 'terminado',
  failed: 'fallido',
  needs_reconciliation: 'requiere conciliación',
  cancelled: 'cancelado',
};

function line(m: OutboxSummary): string {
  const err = m.errorCode ? `  [${m.errorCode}] ${m.errorMessage ?? ''}` : '';
  return `${m.id}  ${m.createdAt.slice(0, 19).replace('T', ' ')}  ${m.messageType}  ${STATE_ES[m.state].padEnd(22)} ${String(m.recipientCount).padStart(3)} dest.  ${m.subject}${m.groupLabel ? ` · ${m.groupLabel}` : ''}${err}`;
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
        rt.print(() => (list.length ? list.map(line).join('\n') : 'La bandeja de salida está vacía.'), list);
      });
    outbox
      .command('show <id>')
      .description('Detalle de un mensaje: destinatarios, adjuntos y línea de tiempo')
      .action(async (id: string) => {
        const detail = (await callOrExit(rt, 'outbox.get', { id })) as import('../../api/outbox').OutboxDetail;
        // The date each recipient is deemed served (the backend's country rule, core/calendar/served.ts).
        const served = (await callOrExit(rt, 'compose.servedDates', {
          id,
        })) as import('../../api/compose').ComposeOutputs['compose.servedDates'];
        const d = {
          ...detail,
          recipients: detail.recipients.map((r) => ({
            ...r,
            deemedServedAt: served.recipients.find((x) => x.rolUnico === r.rolUnico)?.deemedServedAt ?? null,
          })),
        };
        rt.print(
          () =>
            [
              line(d),
              `Servidor: ${d.backendUrl}${d.messageDataId ? `  ·  id en la casilla: ${d.messageDataId}` : ''}`,
              'Destinatarios:',
              ...d.recipients.map(
                (r) =>
                  `  ${r.label.padEnd(28)} ${(r.dduType ?? '-').padEnd(15)} ${r.status ?? '-'}${r.readAt ? `  leído ${r.readAt}` : ''}${r.deemedServedAt ? `  notificado el ${r.deemedServedAt}` : ''}`,
              ),
              ...(d.attachments.length
                ? ['Adjuntos:', ...d.attachments.map((a) => `  ${a.name}  ${a.size} bytes  sha256 ${a.sha256.slice(0, 16)}…`)]
                : []),
              'Línea de tiempo:',
              ...d.events.map((e) => `  ${e.at}  ${e.state}${e.detail ? `  ${e.detail}` : ''}`),
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
        rt.print(line(m), m);
      });
    outbox
      .command('cancel <id>')
      .description('Cancela un mensaje que aún no empezó a enviarse (no si su último intento tiene resultado desconocido)')
      .action(async (id: string) => {
        const m = (await callOrExit(rt, 'outbox.cancel', { id })) as OutboxSummary;
        rt.print(line(m), m);
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
