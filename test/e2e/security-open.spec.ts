/**
 * Issue 13: `casilla serve --open` must not leak the session token. A stand-in `xdg-open` on PATH records the
 * arguments it is given; the page it names is then loaded in Chromium with a persistent profile. No process's
 * command line holds the token, the one-time code works once, and after the load the token is in no file of
 * the browser profile or the data folder.
 */
import { chromium, expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function commandLinesHolding(secret: string): string[] {
  const hits: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`);
      if (cmd.includes(secret)) hits.push(`${pid}: ${cmd.toString().replace(/\0/g, ' ')}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return hits;
}

function filesHolding(dir: string, secret: string): string[] {
  const hits: string[] = [];
  const needle = Buffer.from(secret);
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          if (fs.readFileSync(p).includes(needle)) hits.push(p);
        } catch {
          // A lock file or a file removed meanwhile.
        }
      }
    }
  };
  walk(dir);
  return hits;
}

test('serve --open: no token in any command line, a code that works once, no token in the profile', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-open-'));
  const bin = path.join(tmp, 'bin');
  const home = path.join(tmp, 'home');
  const profile = path.join(tmp, 'profile');
  const record = path.join(tmp, 'xdg-open-argv.txt');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}.part' && mv '${record}.part' '${record}'\n`, {
    mode: 0o755,
  });
  let child: ChildProcess | null = null;
  try {
    child = spawn(process.execPath, ['bin/casilla.cjs', '--home', home, '--json', 'serve', '--open'], {
      cwd: root,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, DISPLAY: ':99' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const info = await new Promise<{ origin: string; token: string; url: string }>((resolve, reject) => {
      child!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        try {
          resolve(JSON.parse(out) as { origin: string; token: string; url: string });
        } catch {
          // not complete yet
        }
      });
      child!.once('exit', (code) => reject(new Error(`serve salió con ${code}`)));
    });
    expect(info.url).not.toContain(info.token);
    await expect.poll(() => fs.existsSync(record), { timeout: 15_000 }).toBe(true);
    const argv = fs.readFileSync(record, 'utf8').trim().split('\n');
    expect(argv).toHaveLength(1);
    const launcher = argv[0]!;
    expect(launcher).not.toContain(info.token);
    expect(fs.statSync(launcher).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(launcher)).mode & 0o777).toBe(0o700);
    const launcherText = fs.readFileSync(launcher, 'utf8');
    expect(launcherText).not.toContain(info.token);
    const code = /#code=([A-Za-z0-9_-]+)/.exec(launcherText)?.[1];
    expect(code).toBeTruthy();
    expect(commandLinesHolding(info.token)).toEqual([]);

    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
      headless: true,
    });
    try {
      const page = await context.newPage();
      await page.goto(`file://${launcher}`);
      await expect(page).toHaveURL(`${info.origin}/`);
      await expect(page.getByTestId('active-backend')).toBeVisible();
      // The launcher file is gone once its code was used, and the code does not work a second time.
      await expect.poll(() => fs.existsSync(launcher)).toBe(false);
      const again = await fetch(`${info.origin}/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      expect(again.status).toBe(401);
      expect(await again.text()).not.toContain(info.token);
      // A reload keeps the session (sessionStorage), and no browser process carries the token in its argv.
      await page.reload();
      await expect(page.getByTestId('active-backend')).toBeVisible();
      await page.getByTestId('nav-outbox').click();
      expect(commandLinesHolding(info.token)).toEqual([]);
      // Give the browser time to flush what it writes (history, session, cookies, storage), then look.
      await page.waitForTimeout(3000);
      expect(filesHolding(profile, info.token)).toEqual([]);
    } finally {
      await context.close();
    }
    expect(filesHolding(profile, info.token)).toEqual([]);
    expect(filesHolding(home, info.token)).toEqual([]);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
