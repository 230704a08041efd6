/**
 * `casilla sandbox` as a real process: it prints its base URL and the demo credentials once ready, serves
 * the client, keeps its data across runs, stops cleanly on SIGTERM, and refuses bad options with exit 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CasillaClient } from '../../src-main/core/casilla/client';
import { validMessage } from '../helpers/sandbox';
import { tempDir } from '../helpers/temp-home';

const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
const home = tempDir();
afterAll(() => home.cleanup());

type Ready = { baseUrl: string; clientId: string; clientSecret: string; dataDir: string; faults: string; rate: number };

/** Starts the command and resolves with its JSON banner; rejects if it exits first or prints nothing in 20 s. */
function startCli(...args: string[]): Promise<{ ready: Ready; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, '--home', home.dir, '--json', 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sin respuesta: ${out} ${err}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const ready = JSON.parse(out) as Ready;
        clearTimeout(timer);
        resolve({
          ready,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      } catch {
        // The banner is not complete yet.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`terminó con ${code}: ${err}`));
    });
  });
}

describe('casilla sandbox', () => {
  it('prints URL and demo credentials, serves the client, keeps data across runs, exits 0 on SIGTERM', async () => {
    const first = await startCli('--port', '0', '--faults', 'latency=1-2ms,seed=4', '--rate', '50');
    expect(first.ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.ready.dataDir).toBe(path.join(home.dir, 'sandbox'));
    expect(first.ready.faults).toBe('latency=1-2ms,seed=4');
    expect(first.ready.rate).toBe(50);
    const client = new CasillaClient({
      baseUrl: first.ready.baseUrl,
      clientId: first.ready.clientId,
      clientSecret: first.ready.clientSecret,
    });
    const sent = await client.sendMessage(validMessage('Desde la línea de comandos'), []);
    if (sent.kind !== 'accepted') throw new Error(JSON.stringify(sent));
    expect(await first.stop()).toBe(0);

    const second = await startCli();
    try {
      expect(second.ready.clientId).toBe(first.ready.clientId);
      const again = new CasillaClient({
        baseUrl: second.ready.baseUrl,
        clientId: second.ready.clientId,
        clientSecret: second.ready.clientSecret,
      });
      const status = await again.messageStatus(sent.value.message_data_id);
      expect(status).toMatchObject({ kind: 'accepted', value: { subject: 'Desde la línea de comandos' } });
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('exits 2 on a bad fault spec, rate or port', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [cli, '--home', home.dir, 'sandbox', ...args], { encoding: 'utf8', timeout: 20_000 });
    const bad = run('--faults', 'reset=5');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('reset');
    expect(run('--rate', '0').status).toBe(2);
    expect(run('--port', '70000').status).toBe(2);
  });
});
