import type { AuditEntry } from '../../api/audit';
import type { T } from '../../api/i18n-text';
import { reportTime } from '../../core/verify/report-words';
import { appT, labelOr } from '../error-text';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

export const auditCommand: CommandModule = {
  register(program, rt) {
    const audit = program.command('audit').description(tx('audit.description'));
    audit
      .command('list')
      .description(tx('audit.list'))
      .option('-n, --limit <n>', tx('audit.opt.limit'), (v) => parsePositive(v), 50)
      .option('--action <action>', tx('audit.opt.action'))
      .action(async (opts: { limit: number; action?: string }) => {
        const entries = rt.core().audit.list({ limit: opts.limit, ...(opts.action ? { action: opts.action } : {}) });
        const t = entries.length && !rt.json ? await appT() : undefined;
        rt.print(() => (t ? entries.map((e) => formatEntry(t, e)).join('\n') : tx('audit.empty')), entries);
      });
    audit
      .command('verify')
      .description(tx('audit.verify'))
      .action(async () => {
        const result = await rt.core().audit.verifySealed();
        const sealNote = (r: typeof result) => (r.ok && r.seal === 'unavailable' ? tx('audit.sealUnavailable') : '');
        rt.print(
          () =>
            result.ok
              ? tx('audit.intact', {
                  entries: tx('audit.entries', { count: result.entries }),
                  head: result.head ? tx('audit.head', { head: result.head.slice(0, 16) }) : '',
                  seal: sealNote(result),
                })
              : tx('audit.broken', { id: result.brokenAt, reason: tx(`audit.reason.${result.reason}`) }),
          result,
        );
        if (!result.ok) throw new CliExit(ExitCode.failed, '');
      });
  },
};

/**
 * One entry: its time in the user's time zone with the offset (as the report), its action in words (the app's
 * label, Configuración's audit panel) with its code, then its data. `--json` keeps the ISO UTC time.
 */
function formatEntry(t: T, e: AuditEntry): string {
  const details = Object.keys(e.details).length ? ' ' + JSON.stringify(e.details) : '';
  const action = labelOr(t, `settings.auditActions.${e.action.replace(/\./g, '_')}`, e.action);
  return `#${e.id} ${reportTime(e.at)} ${e.actor} ${action} [${e.action}]${e.subject ? ' ' + e.subject : ''}${details}`;
}

export function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new CliExit(ExitCode.usage, tx('positiveInteger', { value: v }));
  return n;
}
