import { AppError } from '../../api/result';
import { refreshTrust, trustOverview } from '../../core/trust/trust-service';
import { appT, labelOr } from '../error-text';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

export const trustCommand: CommandModule = {
  register(program, rt) {
    const trust = program.command('trust').description(tx('trust.description'));
    trust
      .command('list')
      .description(tx('trust.list'))
      .action(async () => {
        const o = trustOverview(rt.core());
        // Lists, statuses and problems by their codes, with the app's own labels (Configuración's trust panel).
        const t = await appT();
        const list = (a: { listCode: string; list: string }) => labelOr(t, `settings.trustLists.${a.listCode}`, a.list);
        const status = (a: { statusCode: string; status: string }) =>
          labelOr(t, `settings.trustStatuses.${a.statusCode}`, a.status, { status: a.status });
        rt.print(() => {
          const lines = o.anchors.map(
            (a) =>
              `${a.sha256}  ${a.country ?? '--'}  ${a.name} — ${a.provider} · ${list(a)} · ${a.granted ? status(a) : tx('trust.notGranted', { status: status(a) })} · ${a.validFrom.slice(0, 10)}→${a.validTo.slice(0, 10)} · ${tx(`trust.origin.${a.origin}`)}${a.sourceUrl ? ` ${a.sourceUrl}` : ''}`,
          );
          if (o.tsl)
            lines.push(
              tx('trust.tsl', {
                sequence: o.tsl.sequenceNumber,
                issued: o.tsl.issued ?? '?',
                next: o.tsl.nextUpdate ?? '?',
                stale: o.tsl.stale ? tx('trust.tslStale') : '',
                signer: o.tsl.signer,
                origin: tx(`trust.origin.${o.tsl.origin}`),
              }),
            );
          for (const [i, p] of o.problemCodes.entries())
            lines.push(
              `! ${labelOr(t, `settings.trustProblems.${p.code}`, o.problems[i] ?? p.message, { list: p.params.list ? list({ listCode: p.params.list, list: p.params.list }) : '', file: p.params.file ?? '', detail: p.params.detail ?? '' })}`,
            );
          return lines.join('\n');
        }, o);
      });
    trust
      .command('refresh')
      .description(tx('trust.refresh'))
      .option('--url <url>', tx('trust.opt.url'))
      .action(async (opts: { url?: string }) => {
        try {
          const r = await refreshTrust(rt.core(), opts.url);
          rt.print(
            () =>
              tx('trust.refreshed', {
                url: r.url,
                sequence: r.sequenceNumber,
                previous: r.previousSequenceNumber !== null ? tx('trust.previous', { sequence: r.previousSequenceNumber }) : '',
                anchors: tx('trust.anchors', { count: r.anchors }),
              }),
            r,
          );
        } catch (err) {
          if (err instanceof AppError) throw CliExit.from(err, ExitCode.failed);
          throw err;
        }
      });
  },
};
