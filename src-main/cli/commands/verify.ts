import type { FileOutcome } from '../../api/verify';
import { logoFromFile, savedReportBrand } from '../../core/verify/report-logo';
import { writeReportPdf } from '../../core/verify/report-pdf';
import { formatOutcome } from '../../core/verify/report-text';
import { verifyFiles } from '../../core/verify/verify-service';
import { englishErrorWording } from '../error-text';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

export const verifyCommand: CommandModule = {
  register(program, rt) {
    program
      .command('verify')
      .description('Verifica las firmas de uno o varios PDF: integridad, confianza, hora, revocación y cambios posteriores')
      .argument('<file...>', 'PDF firmados')
      .option(
        '--trust <pem>',
        'certificado de confianza adicional (PEM o DER); se puede repetir',
        (v: string, acc: string[]) => [...acc, v],
        [] as string[],
      )
      .option('--offline', 'no consultar OCSP ni CRL en línea; solo lo incluido en el archivo')
      .option('--report <out.pdf>', 'escribe además el informe en PDF (con el nombre y el logo de la institución de Configuración)')
      .option('--logo <imagen>', 'logo del informe (PNG o JPEG, hasta 2 MB) en lugar del guardado en Configuración')
      .option('--institution <nombre>', 'nombre de la institución del informe en lugar del guardado en Configuración')
      .addHelpText(
        'after',
        '\nSale con 0 si todas las firmas de todos los archivos son válidas, 1 si alguna no lo es, 2 si un archivo no se pudo leer.\nCon --json imprime un objeto por archivo (un arreglo si hay varios).',
      )
      .action(
        async (files: string[], opts: { trust: string[]; offline?: boolean; report?: string; logo?: string; institution?: string }) => {
          // A bad --logo is bad usage, said before any file is verified.
          let logo: Buffer | null = null;
          if (opts.logo) {
            try {
              logo = logoFromFile(opts.logo);
            } catch (err: unknown) {
              throw new CliExit(ExitCode.usage, err instanceof Error ? err.message : String(err));
            }
          }
          let outcomes: FileOutcome[];
          try {
            outcomes = await verifyFiles(rt.core(), { files, trust: opts.trust, offline: Boolean(opts.offline) });
          } catch (err: unknown) {
            if (err instanceof Error && 'code' in err && (err as { code: string }).code === 'VERIFY_TRUST_UNREADABLE')
              throw new CliExit(ExitCode.usage, err.message);
            throw err;
          }
          // The same audit entry as the app's Verificar screen writes.
          rt.core().audit.append({
            action: 'verify',
            details: { files: outcomes.length, verdicts: outcomes.map((o) => o.report?.verdict ?? o.error?.code ?? ''), shell: 'cli' },
          });
          const json = outcomes.map((o) => (o.report ? o.report : { file: o.file, error: o.error }));
          const locale = { lang: rt.locale, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
          // In English a file that could not be read is said by the text of its error's code (the JSON keeps the core's).
          const word = rt.locale === 'en' && outcomes.some((o) => o.error) ? await englishErrorWording() : undefined;
          const shown = word ? outcomes.map((o) => (o.error ? { ...o, error: { ...o.error, message: word(o.error) } } : o)) : outcomes;
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
                `No se pudo escribir el informe ${opts.report}: ${err instanceof Error ? err.message : String(err)}`,
              );
            }
          }
          if (outcomes.some((o) => o.error)) throw new CliExit(ExitCode.usage, '');
          if (outcomes.some((o) => o.report?.verdict !== 'valid')) throw new CliExit(ExitCode.failed, '');
        },
      );
  },
};
