import { spawnSync } from 'node:child_process';
import { APP_VERSION } from '../../core/version';
import { DB_FILE } from '../../core/db/database';
import path from 'node:path';
import type { CommandModule } from '../runtime';

/** External tools the app or its tests use, and how to ask each for its version. */
const checkers: Array<{ name: string; cmd: string; args: string[]; purpose: string }> = [
  { name: 'pdfsig', cmd: 'pdfsig', args: ['-v'], purpose: 'verificación independiente (poppler)' },
  { name: 'qpdf', cmd: 'qpdf', args: ['--version'], purpose: 'estructura del PDF' },
  { name: 'mutool', cmd: 'mutool', args: ['-v'], purpose: 'segunda opinión (MuPDF)' },
  { name: 'openssl', cmd: 'openssl', args: ['version'], purpose: 'PKI de pruebas, TSA y OCSP' },
  { name: 'chromium', cmd: 'chromium', args: ['--version'], purpose: 'modo navegador y pruebas e2e' },
];

function probe(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 });
  if (r.error || r.status === null) return null;
  const text = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => /\d+\.\d+/.test(l));
  return (text ?? '').trim() || 'instalado';
}

export const doctorCommand: CommandModule = {
  register(program, rt) {
    program
      .command('doctor')
      .description('Versiones, carpeta de datos, llavero y herramientas instaladas')
      .action(async () => {
        const core = rt.core();
        const keychain = await core.secrets.available();
        const report = {
          app: APP_VERSION,
          node: process.versions.node,
          electron: process.versions.electron ?? null,
          platform: `${process.platform}-${process.arch}`,
          home: core.home,
          database: { file: path.join(core.home, DB_FILE), schema: core.db.pragma('user_version', { simple: true }) },
          keychain,
          checkers: Object.fromEntries(checkers.map((c) => [c.name, probe(c.cmd, c.args)])),
        };
        rt.print(() => {
          const lines = [
            `Casilla Desktop ${report.app}`,
            `Node ${report.node} (${report.platform})${report.electron ? `, Electron ${report.electron}` : ''}`,
            `Carpeta de datos: ${report.home}`,
            `Base de datos: ${report.database.file} (esquema ${String(report.database.schema)})`,
            `Llavero del sistema: ${keychain.ok ? 'disponible' : `NO disponible (${keychain.reason})`}`,
            'Herramientas:',
            ...checkers.map((c) => `  ${c.name.padEnd(9)} ${report.checkers[c.name] ?? 'no instalado'}  — ${c.purpose}`),
          ];
          return lines.join('\n');
        }, report);
      });
  },
};
