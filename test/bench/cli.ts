/**
 * CLI start-up benchmark: the whole process, as a user runs it, for `node -e 0` (the floor: starting Node),
 * `casilla --version`, `casilla --help`, `casilla sign` of a one-page PDF (RSA-2048 PKCS#12, AES/PBKDF2 as OpenSSL 3
 * writes it) and poppler's `pdfsig -add-signature` of the same file with the same key from an NSS database (the
 * peer), interleaved in one run so the machine's load touches them all alike. pdfsig 22.x signs without a visible
 * appearance, so the like-for-like pair is `casilla sign --invisible` against pdfsig; the visible stamp is measured
 * too. Both write a new file; ours also fsyncs it, records the audit entry (SQLite, synchronous=FULL) and, when a
 * Secret Service answers (run inside `scripts/with-keyring.sh`), seals it. Prints best and median wall time and
 * user+system CPU, and the load average before and after.
 *
 *   npm run bench:cli            (runs per command: npm run bench:cli -- 15)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { P12_PASSWORD, testPki } from '../helpers/pki';

type Case = { name: string; cmd: string; args: string[]; env?: Record<string, string>; before?: () => void };
type Sample = { wallMs: number; cpuMs: number };

// Run by `npm run bench:cli` from the repository root (the bundle itself lives under node_modules/.cache).
const root = process.cwd();
const cli = path.join(root, 'bin', 'casilla.cjs');

/** Wall time from spawn to exit, and the child's CPU (user + system) from the kernel's accounting. */
function runOnce(c: Case): Sample {
  c.before?.();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd, c.args, { encoding: 'utf8', env: { ...process.env, ...c.env } });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} salió con ${r.status}: ${r.stderr}`);
  // spawnSync waits for the child, so the children's CPU total grows by exactly this child's CPU.
  return { wallMs, cpuMs: childCpuMs() };
}

let lastChildCpu = 0;
/** CPU time of finished children so far (getrusage RUSAGE_CHILDREN via /proc/self/stat cutime+cstime). */
function childCpuTotalMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime (fields 16 and 17 of proc(5))
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
function childCpuMs(): number {
  const now = childCpuTotalMs();
  const d = now - lastChildCpu;
  lastChildCpu = now;
  return d;
}

const FLOOR_SCRIPT = [
  "const fs = require('node:fs'), crypto = require('node:crypto');",
  'const [key, input, out] = process.argv.slice(1);',
  'const bytes = fs.readFileSync(input);',
  "const sig = crypto.sign('sha256', bytes, crypto.createPrivateKey(fs.readFileSync(key)));",
  "const fd = fs.openSync(out, 'w'); fs.writeSync(fd, bytes); fs.writeSync(fd, sig); fs.fsyncSync(fd); fs.closeSync(fd);",
].join('\n');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function main(): void {
  const runs = Number(process.argv[2] ?? 0) > 0 ? Number(process.argv[2]) : 9;
  if (!fs.existsSync(path.join(root, 'dist', 'node', 'cli.cjs'))) throw new Error('Compile primero: npm run build:node');
  const pki = testPki();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-bench-cli-'));
  const home = path.join(dir, 'home');
  const input = writePlainPdf(path.join(dir, 'una-pagina.pdf'), { pages: 1 });
  const ours = path.join(dir, 'ours.pdf');
  const peer = path.join(dir, 'pdfsig.pdf');
  const floorOut = path.join(dir, 'floor.bin');
  const cases: Case[] = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
    { name: 'casilla --version', cmd: process.execPath, args: [cli, '--version'] },
    { name: 'casilla --help', cmd: process.execPath, args: [cli, '--home', home, '--help'] },
    {
      name: 'casilla sign (1 page, invisible)',
      cmd: process.execPath,
      args: [cli, '--home', home, 'sign', input, '-o', ours, '--p12', pki.p12.rsa, '--password-env', 'BENCH_PW', '--force', '--invisible'],
      env: { BENCH_PW: P12_PASSWORD },
    },
    {
      name: 'casilla sign (1 page, visible stamp)',
      cmd: process.execPath,
      args: [cli, '--home', home, 'sign', input, '-o', ours, '--p12', pki.p12.rsa, '--password-env', 'BENCH_PW', '--force'],
      env: { BENCH_PW: P12_PASSWORD },
    },
    {
      // The least any Node signer does: start Node, read a key already in PEM (no PKCS#12 password, no MAC),
      // RSA-sign the file's bytes and write them with fsync. No PDF is parsed, no CMS built, no audit kept:
      // a floor for what `casilla sign` can reach as a Node process, next to pdfsig in the same run.
      name: 'floor: node, PEM key, RSA sign, write+fsync',
      cmd: process.execPath,
      args: ['-e', FLOOR_SCRIPT, pki.keyPem.rsa, input, floorOut],
    },
    {
      name: 'pdfsig -add-signature (1 page, invisible)',
      cmd: 'pdfsig',
      args: ['-nssdir', pki.nssDir, '-add-signature', '-nick', pki.nssSignerNick, '-kpw', '', input, peer],
      before: () => fs.rmSync(peer, { force: true }),
    },
  ];
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  const loadBefore = os.loadavg();
  try {
    // One warm-up of each (page cache, the data folder's first migration), then the runs interleaved.
    for (const c of cases) runOnce(c);
    for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name)?.push(runOnce(c));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const floor = median((samples.get('node -e 0') ?? []).map((s) => s.wallMs));
  const head = ['command', 'best wall', 'median wall', 'median CPU', 'median / node -e 0'];
  const rows = cases.map((c) => {
    const s = samples.get(c.name) ?? [];
    const wall = s.map((x) => x.wallMs);
    return [
      c.name,
      `${Math.min(...wall).toFixed(0)} ms`,
      `${median(wall).toFixed(0)} ms`,
      `${median(s.map((x) => x.cpuMs)).toFixed(0)} ms`,
      `${(median(wall) / floor).toFixed(2)}×`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`Node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), ${runs} runs each, interleaved`);
  console.log(
    `load average (1/5/15 min) before ${load(loadBefore)}, after ${load(os.loadavg())}; keychain: ${process.env.DBUS_SESSION_BUS_ADDRESS ? 'a D-Bus session (audit entries sealed)' : 'no D-Bus session (seal skipped)'}`,
  );
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

main();
