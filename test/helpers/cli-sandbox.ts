import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src-main/sandbox';
import { tempDir } from './temp-home';

export const CLI = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');

export type CliResult = { status: number | null; stdout: string; stderr: string };

/**
 * Runs the built CLI (`bin/casilla.cjs`) with `--home`. Asynchronous on purpose: a sandbox in this same process
 * answers its requests, so a blocking spawn would starve it.
 */
export function runCli(home: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--home', home, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export type CliSandbox = {
  home: { dir: string };
  /** The sandbox's data folder (its SQLite file, its keys). */
  sb: { dir: string };
  /** Set in beforeAll. */
  sandbox: RunningSandbox;
  /** `--backend <url> --client-id <id> --client-secret-env SB_SECRET`, set in beforeAll. */
  backend: string[];
  /** The CLI as a user runs it, with SB_SECRET holding the sandbox institution's secret. */
  run(...args: string[]): Promise<CliResult>;
};

/**
 * For a `describe` of CLI tests: a data folder, a real sandbox over HTTP in its own folder (fast e-mail delivery,
 * a generous rate unless `options` say otherwise), started in beforeAll and removed in afterAll.
 */
export function useCliSandbox(prefix: string, options: Partial<StartSandboxOptions> = {}): CliSandbox {
  const home = tempDir(`${prefix}-`);
  const sb = tempDir(`${prefix}-sb-`);
  const t: CliSandbox = {
    home,
    sb,
    sandbox: undefined as unknown as RunningSandbox,
    backend: [],
    run: (...args) => runCli(home.dir, args, { SB_SECRET: t.sandbox.institution.clientSecret }),
  };
  beforeAll(async () => {
    t.sandbox = await startSandbox({ dataDir: sb.dir, emailDelayMs: 10, rate: 100, ...options });
    t.backend = ['--backend', t.sandbox.baseUrl, '--client-id', t.sandbox.institution.clientId, '--client-secret-env', 'SB_SECRET'];
  });
  afterAll(async () => {
    await t.sandbox?.close();
    home.cleanup();
    sb.cleanup();
  });
  return t;
}
