import path from 'node:path';
import type { CertificateChoice } from '../../api/keys';
import { AppError } from '../../api/result';
import type { CodedError } from '../../api/i18n-text';
import { errorWording } from '../error-text';
import { listSigningCertificates } from '../../core/signing/keys/certificate-catalog';
import { unloadPkcs11Modules } from '../../core/signing/keys/pkcs11/pkcs11-source';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

type CertsListOptions = { pkcs11Module?: string[]; nssDb?: string[]; offline?: boolean; defaults?: boolean };

export const certsCommand: CommandModule = {
  register(program, rt) {
    const certs = program.command('certs').description(tx('certs.description'));
    certs
      .command('list')
      .description(tx('certs.list'))
      .option('--pkcs11-module <PATH>', tx('certs.opt.pkcs11Module'), collect, [])
      .option('--nss-db <DIR>', tx('certs.opt.nssDb'), collect, [])
      .option('--no-defaults', tx('certs.opt.noDefaults'))
      .option('--offline', tx('certs.opt.offline'))
      .action(async (opts: CertsListOptions) => {
        try {
          const r = await listSigningCertificates(rt.core(), {
            pkcs11Modules: (opts.pkcs11Module ?? []).map((m) => path.resolve(m)),
            nssDatabases: (opts.nssDb ?? []).map((d) => path.resolve(d.replace(/^sql:/, ''))),
            includeDefaults: opts.defaults !== false,
            online: !opts.offline,
          });
          const word = await errorWording();
          rt.print(() => formatList(r.certificates, r.problems, word), r);
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

function formatList(
  list: CertificateChoice[],
  problems: { source: string; message: string; code: string }[],
  word: (e: CodedError) => string,
): string {
  const lines: string[] = [];
  if (!list.length) lines.push(tx('certs.none'));
  for (const c of list) {
    const where =
      c.source === 'pkcs12'
        ? c.location.file
        : tx('certs.tokenPlace', { label: c.location.tokenLabel ?? '', slot: c.location.slot ?? '?', id: c.location.objectId ?? '?' });
    const state = c.blockers.length ? tx('certs.cannotSign', { reasons: c.blockers.map((b) => word(b)).join(' ') }) : tx('certs.canSign');
    lines.push(
      `${c.remembered ? '★ ' : ''}[${c.source}] ${c.info.name} (${c.info.keyAlgorithm}, ${tx('certs.expires', { date: c.info.validTo.slice(0, 10) })}) — ${where}`,
    );
    lines.push(`    ${state}`);
    for (const w of c.warnings) lines.push(`    ${tx('certs.warning', { message: word(w) })}`);
  }
  for (const p of problems) lines.push(`! ${p.source}: ${word(p)} [${p.code}]`);
  return lines.join('\n');
}
