import path from 'node:path';
import { AppError } from '../../api/result';
import type { SigningProfile } from '../../api/sign-profiles';
import { importFirmaPeruProfile, listSigningProfiles, removeSigningProfile } from '../../core/signing/profiles/signing-profiles';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

const why = (code: string): string => (['ui', 'secret', 'unknown'].includes(code) ? tx(`profiles.why.${code}`) : code);

function describe(p: SigningProfile): string {
  const where =
    p.style === 0
      ? tx('profiles.invisible')
      : tx('profiles.styled', { style: p.style, page: p.page === 'last' ? tx('profiles.lastPage') : p.page });
  const rect = p.rect ? `${tx('profiles.rect', { rect: p.rect.join(',') })}${p.fromTop ? tx('profiles.fromTop') : ''}` : '';
  const role = p.role === 'visto-bueno' ? tx('profiles.visa') : tx('profiles.signature');
  return `${p.name}  ${role} · ${p.level} · ${where}${rect}${p.reason ? tx('profiles.reason', { reason: p.reason }) : ''}${p.imagePath ? tx('profiles.image') : ''}`;
}

/** `casilla profiles list|import F [--name N]|remove NAME`: saved signing profiles (also chosen in Firmar). */
export const profilesCommand: CommandModule = {
  register(program, rt) {
    const profiles = program.command('profiles').description(tx('profiles.description'));
    const fail = (err: unknown, code: number): never => {
      if (err instanceof AppError) throw CliExit.from(err, code);
      throw err;
    };
    profiles
      .command('list')
      .description(tx('profiles.list'))
      .action(() => {
        const list = listSigningProfiles(rt.core());
        rt.print(() => (list.length ? list.map(describe).join('\n') : tx('profiles.none')), list);
      });
    profiles
      .command('import')
      .description(tx('profiles.import'))
      .argument('<file>', tx('profiles.argFile'))
      .option('--name <name>', tx('profiles.opt.name'))
      .action((file: string, opts: { name?: string }) => {
        let out;
        try {
          out = importFirmaPeruProfile(rt.core(), path.resolve(file), opts.name);
        } catch (err) {
          fail(err, err instanceof AppError && err.code === 'SIGN_PARAMS_INVALID' ? ExitCode.usage : ExitCode.failed);
        }
        if (!out) return;
        const { profile, notApplied } = out;
        rt.print(
          () =>
            [
              tx('profiles.imported', { profile: describe(profile) }),
              ...notApplied.map((n) => tx('profiles.notApplied', { key: n.key, why: why(n.why) })),
            ].join('\n'),
          out,
        );
      });
    profiles
      .command('remove')
      .description(tx('profiles.remove'))
      .argument('<name>', tx('profiles.argName'))
      .action((name: string) => {
        let removed;
        try {
          removed = removeSigningProfile(rt.core(), name);
        } catch (err) {
          fail(err, err instanceof AppError && err.code === 'SIGN_PROFILE_NOT_FOUND' ? ExitCode.usage : ExitCode.failed);
        }
        if (removed) rt.print(tx('profiles.removed', { name: removed.name }), { removed: true, profile: removed });
      });
  },
};
