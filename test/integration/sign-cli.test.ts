import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { P12_PASSWORD, startTestTsa, testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
// Bundled next to node_modules so the native externals resolve; rebuilt from the current sources.
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-sign-cli-${process.pid}`, 'cli.cjs');
const pki = testPki();
const tmp = tempDir('casilla-sign-cli-');
const at = (name: string) => path.join(tmp.dir, name);
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(async () => {
  await bundleCli(cliBundle);
});
afterAll(() => {
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

function cli(args: string[], env: Record<string, string> = {}, input?: string) {
  return spawnSync(process.execPath, [cliBundle, '--home', at('home'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, P12PW: P12_PASSWORD, ...env },
    ...(input !== undefined ? { input } : {}),
  });
}

describe('casilla sign (CLI)', () => {
  it('signs a batch into --out-dir, reports per file, keeps going past a bad file, and audits each signature', () => {
    const a = writePlainPdf(at('a.pdf'));
    const b = writePlainPdf(at('b.pdf'), { pages: 3 });
    fs.writeFileSync(at('roto.pdf'), '%PDF-1.7\nbasura sin xref\n');
    fs.mkdirSync(at('out'));
    const r = cli([
      '--json',
      'sign',
      a,
      at('roto.pdf'),
      b,
      '--out-dir',
      at('out'),
      '--p12',
      pki.p12.rsa,
      '--password-env',
      'P12PW',
      '--visa',
      '--role',
      'Asesor Legal',
      '--every-page',
    ]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { signed: number; failed: number; results: Array<{ ok: boolean; error?: { code: string } }> };
    expect(out.signed).toBe(2);
    expect(out.results.map((x) => x.ok)).toEqual([true, false, true]);
    expect(out.results[1]?.error?.code).toBe('PDF_INVALID');
    judge(at('out/a-firmado.pdf'), pki.nssDir, 1);
    judge(at('out/b-firmado.pdf'), pki.nssDir, 1);
    const audit = cli(['--json', 'audit', 'list', '--action', 'sign']);
    const entries = JSON.parse(audit.stdout) as Array<{ subject: string; details: Record<string, unknown> }>;
    expect(entries.map((e) => e.subject).sort()).toEqual([at('out/a-firmado.pdf'), at('out/b-firmado.pdf')]);
    expect(JSON.stringify(entries)).not.toContain(P12_PASSWORD);
  });

  it('reads the password from stdin without --password-env and exits 1 on a wrong one, 2 on a non-PKCS#12 file', () => {
    const input = writePlainPdf(at('c.pdf'));
    const ok = cli(
      ['sign', input, '-o', at('c-ok.pdf'), '--p12', pki.p12.ec, '--reason', 'Aprobado', '--page', '1', '--rect', '50,50,200,60'],
      {},
      P12_PASSWORD + '\n',
    );
    expect(ok.status).toBe(0);
    judge(at('c-ok.pdf'), pki.nssDir, 1);
    const tz = cli([
      'sign',
      input,
      '-o',
      at('c-tz.pdf'),
      '--p12',
      pki.p12.ec,
      '--password-env',
      'P12PW',
      '--page',
      '1',
      '--time-zone',
      'America/Lima',
      '--template',
      'Revisado por {name}\\n{date}',
    ]);
    expect(tz.status).toBe(0);
    const text = execFileSync('mutool', ['draw', '-F', 'txt', '-o', '-', at('c-tz.pdf'), '1'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(text).toContain('Revisado por ROSA HUAMÁN');
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} -05:00/);
    expect(
      cli(['sign', input, '-o', at('c-x.pdf'), '--p12', pki.p12.ec, '--password-env', 'P12PW', '--time-zone', 'Marte/Base']).status,
    ).toBe(2);
    const wrong = cli(['sign', input, '-o', at('c-bad.pdf'), '--p12', pki.p12.ec], {}, 'incorrecta\n');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('CERT_BAD_PASSWORD');
    const notP12 = cli(['sign', input, '-o', at('c-bad.pdf'), '--p12', input, '--password-env', 'P12PW']);
    expect(notP12.status).toBe(2);
    expect(notP12.stderr).toContain('CERT_NOT_PKCS12');
    const usage = cli(['sign', input, at('a.pdf'), '-o', at('x.pdf'), '--p12', pki.p12.ec, '--password-env', 'P12PW']);
    expect(usage.status).toBe(2);
    const noDir = cli(['sign', input, '--out-dir', at('no-existe'), '--p12', pki.p12.ec, '--password-env', 'P12PW']);
    expect(noDir.status).toBe(2);
    expect(noDir.stderr).toContain('La carpeta de salida no existe');
    for (const [name, code] of [
      ['expired', 'CERT_EXPIRED'],
      ['nousage', 'CERT_KEY_USAGE'],
    ] as const) {
      const r = cli(['sign', input, '-o', at('c-bad.pdf'), '--p12', pki.p12[name], '--password-env', 'P12PW']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(code);
    }
    expect(fs.existsSync(at('c-bad.pdf'))).toBe(false);
  });

  it('asks for the password on a real terminal (a pty from `script`) without echoing it', async () => {
    const input = writePlainPdf(at('tty.pdf'));
    const secret = P12_PASSWORD;
    const cmd = [process.execPath, cliBundle, '--home', at('home'), 'sign', input, '-o', at('tty-firmado.pdf'), '--p12', pki.p12.rsa]
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let typed = false;
    const onOutput = (chunk: Buffer): void => {
      screen += chunk.toString('utf8');
      // Type only once the prompt is on screen, as a person would.
      if (!typed && screen.includes('Contraseña del certificado')) {
        typed = true;
        child.stdin.write(secret + '\r');
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(screen).toContain('1 archivo firmado,');
    expect(screen).not.toContain(secret);
    judge(at('tty-firmado.pdf'), pki.nssDir, 1);
  });

  it('signs B-T with --tsa, --tsa-user and --tsa-password-env', async () => {
    const tsa = await startTestTsa({ username: 'mesa', password: 'partes' });
    try {
      const input = writePlainPdf(at('bt.pdf'));
      const args = [
        'sign',
        input,
        '-o',
        at('bt-firmado.pdf'),
        '--p12',
        pki.p12.ec,
        '--password-env',
        'P12PW',
        '--tsa',
        tsa.url,
        '--tsa-user',
        'mesa',
        '--tsa-password-env',
        'TSAPW',
      ];
      // spawnSync would block this process's event loop, and with it the TSA: run the child asynchronously.
      const status = await new Promise<number | null>((resolve) => {
        const c = spawn(process.execPath, [cliBundle, '--home', at('home'), ...args], {
          env: { ...process.env, P12PW: P12_PASSWORD, TSAPW: 'partes' },
          stdio: 'ignore',
        });
        c.on('exit', (code) => resolve(code));
      });
      expect(status).toBe(0);
      expect(tsa.requests).toBe(1);
      judge(at('bt-firmado.pdf'), pki.nssDir, 1);
      const usage = cli(['sign', input, '-o', at('bt2.pdf'), '--p12', pki.p12.ec, '--password-env', 'P12PW', '--level', 'B-T']);
      expect(usage.status).toBe(2);
    } finally {
      await tsa.close();
    }
  });

  it('killed mid-write (SIGKILL) leaves the input untouched and no output; a rerun completes', async () => {
    const big = writePlainPdf(at('grande.pdf'), { paddingBytes: 60 * 1024 * 1024 });
    const before = sha(big);
    const output = at('grande-firmado.pdf');
    // A TSA that never answers holds the signer at a known point: the big file is already copied into the temp
    // file and the new revision appended, but the signature is not written yet. Killing it there is
    // deterministic (no race with a fast machine).
    let held = (): void => undefined;
    const reached = new Promise<void>((resolve) => (held = resolve));
    const server = http.createServer(() => held());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const child = spawn(
        process.execPath,
        [
          cliBundle,
          '--home',
          at('home'),
          'sign',
          big,
          '-o',
          output,
          '--p12',
          pki.p12.rsa,
          '--password-env',
          'P12PW',
          '--tsa',
          `http://127.0.0.1:${port}/tsa`,
        ],
        { env: { ...process.env, P12PW: P12_PASSWORD }, stdio: 'ignore' },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      await reached;
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      server.closeAllConnections();
      server.close();
    }
    expect(fs.existsSync(output)).toBe(false);
    expect(sha(big)).toBe(before);
    // What was written went to a hidden temp file only: the whole input plus an unsigned revision (empty hole).
    const part = fs.readdirSync(tmp.dir).find((f) => f.startsWith('.grande-firmado.pdf.') && f.endsWith('.part'));
    expect(part).toBeDefined();
    const partPath = path.join(tmp.dir, part ?? '');
    expect(fs.statSync(partPath).size).toBeGreaterThan(fs.statSync(big).size);
    const fd = fs.openSync(partPath, 'r');
    const tail = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, tail, 0, tail.length, fs.statSync(partPath).size - tail.length);
    fs.closeSync(fd);
    expect(tail.subarray(0, n).toString('latin1')).toMatch(/\/Contents <0{1000}/);
    const rerun = cli(['sign', big, '-o', output, '--p12', pki.p12.rsa, '--password-env', 'P12PW', '--invisible']);
    expect(rerun.status).toBe(0);
    expect(fs.existsSync(partPath)).toBe(false);
    expect(sha(big)).toBe(before);
    judge(output, pki.nssDir, 1);
  });
  it('refuses to overwrite an existing output without --force (exit 2, file untouched), and overwrites with it', () => {
    const input = writePlainPdf(at('force.pdf'));
    const output = at('force-firmado.pdf');
    fs.writeFileSync(output, 'no me borres');
    const refused = cli(['sign', input, '-o', output, '--p12', pki.p12.ec, '--password-env', 'P12PW']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(fs.readFileSync(output, 'utf8')).toBe('no me borres');
    // The default name next to the input counts too, and --json gives the code on stdout.
    fs.writeFileSync(at('force2-firmado.pdf'), 'tampoco');
    const json = cli(['--json', 'sign', writePlainPdf(at('force2.pdf')), '--p12', pki.p12.ec, '--password-env', 'P12PW']);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'SIGN_OUTPUT_EXISTS' } });
    expect(json.stderr).toBe('');
    const forced = cli(['sign', input, '-o', output, '--p12', pki.p12.ec, '--password-env', 'P12PW', '--force']);
    expect(forced.status).toBe(0);
    judge(output, pki.nssDir, 1);
  });

  it('Ctrl+C during a batch stops it, prints the batch id, and --batch-id resumes skipping the file already signed', async () => {
    const files = [writePlainPdf(at('lote-1.pdf')), writePlainPdf(at('lote-2.pdf')), writePlainPdf(at('lote-3.pdf'))];
    const tsa = await startTestTsa();
    // A TSA in front of the real one: the first request passes, the second never gets an answer, so the batch is
    // held inside its second file when Ctrl+C arrives (no race with a fast machine).
    let held = (): void => undefined;
    const reached = new Promise<void>((resolve) => (held = resolve));
    let requests = 0;
    const front = http.createServer((req, res) => {
      requests++;
      if (requests > 1) return held();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(tsa.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: Buffer.concat(chunks) })
          .then(async (r) => {
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/timestamp-reply' });
            res.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const port = (front.address() as { port: number }).port;
    const args = ['sign', ...files, '--out-dir', tmp.dir, '--p12', pki.p12.rsa, '--password-env', 'P12PW', '--invisible'];
    try {
      const child = spawn(process.execPath, [cliBundle, '--home', at('home'), ...args, '--tsa', `http://127.0.0.1:${port}/tsa`], {
        env: { ...process.env, P12PW: P12_PASSWORD },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await reached;
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      const id = /--batch-id ([0-9a-f-]{36})/.exec(stderr)?.[1];
      expect(id, stderr).toBeDefined();
      expect(fs.existsSync(at('lote-1-firmado.pdf'))).toBe(true);
      expect(fs.existsSync(at('lote-2-firmado.pdf'))).toBe(false);
      // Resumed against the real TSA: the first file is skipped, the other two signed.
      // Asynchronously: the test TSA answers from this process's event loop.
      const resumed = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const c = spawn(process.execPath, [cliBundle, '--home', at('home'), '--json', ...args, '--tsa', tsa.url, '--batch-id', id ?? ''], {
          env: { ...process.env, P12PW: P12_PASSWORD },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let stdout = '';
        c.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        c.on('exit', (status) => resolve({ status, stdout }));
      });
      expect(resumed.status, resumed.stdout).toBe(0);
      const out = JSON.parse(resumed.stdout) as { batchId: string; results: Array<{ ok: boolean; resumed?: boolean }> };
      expect(out.batchId).toBe(id);
      expect(out.results.map((r) => r.resumed)).toEqual([true, false, false]);
      for (const n of [1, 2, 3]) judge(at(`lote-${n}-firmado.pdf`), pki.nssDir, 1);
    } finally {
      front.closeAllConnections();
      front.close();
      await tsa.close();
    }
  });
});
