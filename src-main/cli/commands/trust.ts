import { AppError } from '../../api/result';
import { refreshTrust, trustOverview } from '../../core/trust/trust-service';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

export const trustCommand: CommandModule = {
  register(program, rt) {
    const trust = program.command('trust').description('Anclas de confianza: listas nacionales (Perú, Chile) y propias');
    trust
      .command('list')
      .description('Cada ancla con país, prestador, lista, estado, vigencia, SHA-256 y de dónde vino')
      .action(() => {
        const o = trustOverview(rt.core());
        rt.print(() => {
          const lines = o.anchors.map(
            (a) =>
              `${a.sha256}  ${a.country ?? '--'}  ${a.name} — ${a.provider} · ${a.list} · ${a.granted ? a.status : `NO VIGENTE (${a.status})`} · ${a.validFrom.slice(0, 10)}→${a.validTo.slice(0, 10)} · ${a.origin}${a.sourceUrl ? ` ${a.sourceUrl}` : ''}`,
          );
          if (o.tsl)
            lines.push(
              `Lista de Perú: número ${o.tsl.sequenceNumber}, emitida ${o.tsl.issued ?? '?'}, próxima ${o.tsl.nextUpdate ?? '?'}${o.tsl.stale ? ' (VENCIDA: actualícela con «casilla trust refresh»)' : ''}, firmada por ${o.tsl.signer} (${o.tsl.origin}).`,
            );
          for (const p of o.problems) lines.push(`! ${p}`);
          return lines.join('\n');
        }, o);
      });
    trust
      .command('refresh')
      .description('Descarga la lista de Perú de su URL oficial y la usa solo si su firma es válida')
      .option('--url <url>', 'otra dirección (p. ej. un espejo interno)')
      .action(async (opts: { url?: string }) => {
        try {
          const r = await refreshTrust(rt.core(), opts.url);
          rt.print(
            () =>
              `Lista actualizada desde ${r.url}: número ${r.sequenceNumber}${r.previousSequenceNumber !== null ? ` (antes ${r.previousSequenceNumber})` : ''}, ${r.anchors} anclas.`,
            r,
          );
        } catch (err) {
          if (err instanceof AppError) throw CliExit.from(err, ExitCode.failed);
          throw err;
        }
      });
  },
};
