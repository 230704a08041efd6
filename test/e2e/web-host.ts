import type { Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type RunningHost = {
  /** A fresh one-time link on every read (the page exchanges its code once for the session token). */
  readonly url: string;
  origin: string;
  token: string;
  home: string;
  stop: () => Promise<void>;
};

/** One-time links minted at start, so `host.url` can stay a plain property for the specs. */
const LINKS = 60;

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
  const links: string[] = [info.url];
  for (let i = 1; i < LINKS; i++) {
    const res = await fetch(`${info.origin}/api/session/link`, { method: 'POST', headers: { Authorization: `Bearer ${info.token}` } });
    links.push(((await res.json()) as { value: { url: string } }).value.url);
  }
  return {
    get url() {
      const next = links.shift();
      if (!next) throw new Error('no quedan enlaces de un solo uso: suba LINKS en test/e2e/web-host.ts');
      return next;
    },
    origin: info.origin,
    token: info.token,
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

/**
 * Holds the page's next call of `method` to the core back (as a busy machine would) until `release()`; `held()`
 * tells whether the call was made and is being held. For tests of what a screen does with a late answer.
 */
export async function holdNextCall(page: Page, method: string): Promise<{ release: () => void; held: () => boolean }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let count = 0;
  await page.route('**/api/call', async (route) => {
    if (count === 0 && (route.request().postData() ?? '').includes(`"${method}"`)) {
      count++;
      await gate;
    }
    await route.continue();
  });
  return { release, held: () => count === 1 };
}
