import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startWebHost } from '../../host/web-host';
import { resolveRendererDir } from '../../host/renderer-dir';
import { createHandlers } from '../../services';
import { startBackgroundWork } from '../../services/background';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

/** Browsers that may exist on the machine, tried in order when --open is given. */
const BROWSERS = ['xdg-open', 'chromium', 'google-chrome', 'firefox'];

export const serveCommand: CommandModule = {
  register(program, rt) {
    program
      .command('serve')
      .description(tx('serve.description'))
      .option('--port <n>', tx('serve.opt.port'), '0')
      .option('--open', tx('serve.opt.open'))
      .action(async (opts: { port: string; open?: boolean }) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliExit(ExitCode.usage, tx('portInvalid', { port: opts.port }));
        const core = rt.core('browser');
        const staticDir = resolveRendererDir();
        if (!fs.existsSync(staticDir)) rt.stderr(tx('serve.noInterface') + '\n');
        const host = await startWebHost({ core, table: createHandlers(), staticDir, port });
        // Launcher pages of an earlier run hold only used or expired codes: remove them.
        const runDir = path.join(core.home, 'run');
        for (const f of fs.existsSync(runDir) ? fs.readdirSync(runDir) : [])
          if (/^abrir-[0-9a-f]+\.html$/.test(f)) fs.rmSync(path.join(runDir, f), { force: true });
        core.audit.append({ action: 'app.start', details: { shell: 'browser' } });
        const background = await startBackgroundWork(core);
        rt.print(tx('serve.ready', { url: host.url, home: core.home }), {
          url: host.url,
          origin: host.origin,
          token: host.token,
          home: core.home,
          sandbox: background.sandboxUrl,
        });
        // The browser's command line names a private launcher file, never the token (argv is public on Linux).
        if (opts.open) openBrowser(host.writeLauncher(runDir));
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await host.close();
      });
  },
};

/** Opens the file with the first browser found on PATH; when none exists the printed link is enough. */
function openBrowser(url: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const cmd = BROWSERS.find((b) => dirs.some((d) => fs.existsSync(path.join(d, b))));
  if (!cmd) return false;
  const child = spawn(cmd, cmd === 'xdg-open' ? [url] : ['--new-window', url], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined); // the URL is printed anyway
  child.unref();
  return true;
}
