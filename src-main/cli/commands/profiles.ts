import path from 'node:path';
import { AppError } from '../../api/result';
import type { SigningProfile } from '../../api/sign-profiles';
import { importFirmaPeruProfile, listSigningProfiles, removeSigningProfile } from '../../core/signing/profiles/signing-profiles';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

const WHY: Record<string, string> = {
  ui: 'lo decide quien firma (la aplicación pregunta)',
  secret: 'las credenciales no se guardan en un perfil',
  unknown: 'parámetro desconocido',
};

function describe(p: SigningProfile): string {
  const where = p.style === 0 ? 'invisible' : `estilo ${p.style}, página ${p.page === 'last' ? 'última' : p.page}`;
  const rect = p.rect ? `, posición ${p.rect.join(',')}${p.fromTop ? ' (desde arriba)' : ''}` : '';
  return `${p.name}  ${p.role === 'visto-bueno' ? 'V°B°' : 'firma'} · ${p.level} · ${where}${rect}${p.reason ? ` · motivo «${p.reason}»` : ''}${p.imagePath ? ' · con imagen' : ''}`;
}

/** `casilla profiles list|import F [--name N]|remove NAME`: saved signing profiles (also chosen in Firmar). */
export const profilesCommand: CommandModule = {
  register(program, rt) {
    const profiles = program.command('profiles').description('Perfiles de firma guardados (V°B°, firma, por oficina)');
    const fail = (err: unknown, code: number): never => {
      if (err instanceof AppError) throw CliExit.from(err, code);
      throw err;
    };
    profiles
      .command('list')
      .description('Los perfiles, con lo que fija cada uno')
      .action(() => {
        const list = listSigningProfiles(rt.core());
        rt.print(() => (list.length ? list.map(describe).join('\n') : 'No hay perfiles de firma.'), list);
      });
    profiles
      .command('import')
      .description('Importa un archivo de parámetros de Firma Perú (JSON) como perfil')
      .argument('<file>', 'parámetros de Firma Perú (.json, hasta 64 KB)')
      .option('--name <nombre>', 'nombre del perfil (por defecto, el del archivo)')
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
            [`Perfil importado: ${describe(profile)}`, ...notApplied.map((n) => `  no se aplica «${n.key}»: ${WHY[n.why] ?? n.why}`)].join(
              '\n',
            ),
          out,
        );
      });
    profiles
      .command('remove')
      .description('Elimina un perfil por su nombre')
      .argument('<name>', 'nombre del perfil')
      .action((name: string) => {
        let removed;
        try {
          removed = removeSigningProfile(rt.core(), name);
        } catch (err) {
          fail(err, err instanceof AppError && err.code === 'SIGN_PROFILE_NOT_FOUND' ? ExitCode.usage : ExitCode.failed);
        }
        if (removed) rt.print(`Perfil eliminado: ${removed.name}`, { removed: true, profile: removed });
      });
  },
};
