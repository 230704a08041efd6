import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type RunningHost = { url: string; origin: string; token: string; home: string; stop: () => Promise<void> };

/** Starts the real browser mode (`casilla serve`) on a fresh data folder, as `npm start` does on our machines. */
export async function startHost(): Promise<RunningHost> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/casilla.cjs', '--home', home, '--json', 'serve'], {
    cwd: path.resolve(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const info = await new Promise<{ url: string; origin: string; token: string }>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      try {
        resolve(JSON.parse(out) as { url: string; origin: string; token: string });
      } catch {
        // the JSON object is not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`casilla serve salió con ${code}: ${err}`)));
  });
  return {
    ...info,
    home,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
