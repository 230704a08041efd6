import { isAppError } from '../../api/result';
import type { FileOutcome } from '../../api/verify';
import { logoFromFile, savedReportBrand } from '../../core/verify/report-logo';
import { writeReportPdf } from '../../core/verify/report-pdf';
import { formatOutcome } from '../../core/verify/report-text';
import { verifyFiles } from '../../core/verify/verify-service';
import { errorWording } from '../error-text';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

export const verifyCommand: CommandModule = {
  register(program, rt) {
    program
      .command('verify')
      .description(tx('verify.description'))
      .argument('<file...>', tx('verify.argFile'))
      .option('--trust <pem>', tx('verify.opt.trust'), (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--offline', tx('verify.opt.offline'))
      .option('--report <out.pdf>', tx('verify.opt.report'))
      .option('--logo <image>', tx('verify.opt.logo'))
      .option('--institution <name>', tx('verify.opt.institution'))
      .addHelpText('after', tx('verify.after'))
      .action(
        async (files: string[], opts: { trust: string[]; offline?: boolean; report?: string; logo?: string; institution?: string }) => {
          // A bad --logo is bad usage, said before any file is verified.
          let logo: Buffer | null = null;
          if (opts.logo) {
            try {
              logo = logoFromFile(opts.logo);
            } catch (err: unknown) {
              // The message worded in the CLI's language by its code; the exit's code stays BAD_USAGE.
              if (isAppError(err)) throw CliExit.from(err, ExitCode.usage, err.message, undefined);
              throw new CliExit(ExitCode.usage, err instanceof Error ? err.message : String(err));
            }
          }
          let outcomes: FileOutcome[];
          try {
            outcomes = await verifyFiles(rt.core(), { files, trust: opts.trust, offline: Boolean(opts.offline) });
          } catch (err: unknown) {
            if (isAppError(err) && err.code === 'VERIFY_TRUST_UNREADABLE') throw CliExit.from(err, ExitCode.usage, err.message, undefined);
            throw err;
          }
          // The same audit entry as the app's Verificar screen writes.
          rt.core().audit.append({
            action: 'verify',
            details: { files: outcomes.length, verdicts: outcomes.map((o) => o.report?.verdict ?? o.error?.code ?? ''), shell: 'cli' },
          });
          const locale = { lang: rt.locale, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
          // A file that could not be read is said in the CLI's language (in English by the text of its error's code),
          // in the text and in the --json error entry alike; the code stays.
          const word = outcomes.some((o) => o.error) ? await errorWording() : undefined;
          const shown = word ? outcomes.map((o) => (o.error ? { ...o, error: { ...o.error, message: word(o.error) } } : o)) : outcomes;
          const json = shown.map((o) => (o.report ? o.report : { file: o.file, error: o.error }));
          rt.print(() => shown.map((o) => formatOutcome(o, locale)).join('\n\n'), json.length === 1 ? json[0] : json);
          if (opts.report) {
            const brand = savedReportBrand(rt.core().home, rt.core().settings);
            if (logo) brand.logo = logo;
            if (opts.institution !== undefined) brand.institution = opts.institution;
            try {
              writeReportPdf(outcomes, opts.report, new Date(), { ...locale, ...brand });
            } catch (err: unknown) {
              throw new CliExit(
                ExitCode.failed,
                tx('verify.reportUnwritable', { file: opts.report, reason: err instanceof Error ? err.message : String(err) }),
              );
            }
          }
          if (outcomes.some((o) => o.error)) throw new CliExit(ExitCode.usage, '');
          if (outcomes.some((o) => o.report?.verdict !== 'valid')) throw new CliExit(ExitCode.failed, '');
        },
      );
  },
};
