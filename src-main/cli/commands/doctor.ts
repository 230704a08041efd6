import { spawnSync } from 'node:child_process';
import { APP_VERSION } from '../../core/version';
import { DB_FILE } from '../../core/db/database';
import path from 'node:path';
import type { CommandModule } from '../runtime';
import { tx } from '../text';

/** External tools the app or its tests use, and how to ask each for its version. */
const checkers: Array<{ name: string; cmd: string; args: string[] }> = [
  { name: 'pdfsig', cmd: 'pdfsig', args: ['-v'] },
  { name: 'qpdf', cmd: 'qpdf', args: ['--version'] },
  { name: 'mutool', cmd: 'mutool', args: ['-v'] },
  { name: 'openssl', cmd: 'openssl', args: ['version'] },
  { name: 'chromium', cmd: 'chromium', args: ['--version'] },
];

function probe(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 });
  if (r.error || r.status === null) return null;
  const text = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => /\d+\.\d+/.test(l));
  return (text ?? '').trim() || tx('doctor.installed');
}

export const doctorCommand: CommandModule = {
  register(program, rt) {
    program
      .command('doctor')
      .description(tx('doctor.description'))
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
            tx('doctor.home', { home: report.home }),
            tx('doctor.database', { file: report.database.file, schema: String(report.database.schema) }),
            keychain.ok ? tx('doctor.keychainOk') : tx('doctor.keychainMissing', { reason: keychain.reason ?? '' }),
            tx('doctor.tools'),
            ...checkers.map(
              (c) => `  ${c.name.padEnd(9)} ${report.checkers[c.name] ?? tx('doctor.notInstalled')}  — ${tx(`doctor.purpose.${c.name}`)}`,
            ),
          ];
          return lines.join('\n');
        }, report);
      });
  },
};
