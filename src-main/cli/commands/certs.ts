import path from 'node:path';
import type { CertificateChoice } from '../../api/keys';
import { AppError } from '../../api/result';
import { listSigningCertificates } from '../../core/signing/keys/certificate-catalog';
import { unloadPkcs11Modules } from '../../core/signing/keys/pkcs11/pkcs11-source';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

type CertsListOptions = { pkcs11Module?: string[]; nssDb?: string[]; offline?: boolean; defaults?: boolean };

export const certsCommand: CommandModule = {
  register(program, rt) {
    const certs = program
      .command('certs')
      .description('Certificados para firmar: archivos recordados, tokens y tarjetas PKCS#11, almacén NSS');
    certs
      .command('list')
      .description('Lista cada certificado con el motivo por el que no puede firmar, si lo hay')
      .option('--pkcs11-module <PATH>', 'módulo PKCS#11 a leer (repetible)', collect, [])
      .option('--nss-db <DIR>', 'base de datos NSS (cert9.db) a leer (repetible)', collect, [])
      .option('--no-defaults', 'no leer los módulos instalados ni las bases NSS del usuario')
      .option('--offline', 'no consultar OCSP/CRL')
      .action(async (opts: CertsListOptions) => {
        try {
          const r = await listSigningCertificates(rt.core(), {
            pkcs11Modules: (opts.pkcs11Module ?? []).map((m) => path.resolve(m)),
            nssDatabases: (opts.nssDb ?? []).map((d) => path.resolve(d.replace(/^sql:/, ''))),
            includeDefaults: opts.defaults !== false,
            online: !opts.offline,
          });
          rt.print(() => formatList(r.certificates, r.problems), r);
          if (r.problems.length && r.certificates.length === 0) throw new CliExit(ExitCode.failed, '');
        } catch (err) {
          if (err instanceof AppError) throw CliExit.from(err, ExitCode.failed);
          throw err;
        } finally {
          unloadPkcs11Modules();
        }
      });
  },
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function formatList(list: CertificateChoice[], problems: { source: string; message: string; code: string }[]): string {
  const lines: string[] = [];
  if (!list.length) lines.push('No hay certificados.');
  for (const c of list) {
    const where =
      c.source === 'pkcs12'
        ? c.location.file
        : `${c.location.tokenLabel ?? ''} ranura ${c.location.slot ?? '?'} id ${c.location.objectId ?? '?'}`;
    const state = c.blockers.length ? `NO PUEDE FIRMAR: ${c.blockers.map((b) => b.message).join(' ')}` : 'puede firmar';
    lines.push(
      `${c.remembered ? '★ ' : ''}[${c.source}] ${c.info.name} (${c.info.keyAlgorithm}, vence ${c.info.validTo.slice(0, 10)}) — ${where}`,
    );
    lines.push(`    ${state}`);
    for (const w of c.warnings) lines.push(`    aviso: ${w.message}`);
  }
  for (const p of problems) lines.push(`! ${p.source}: ${p.message} [${p.code}]`);
  return lines.join('\n');
}
