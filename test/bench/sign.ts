/**
 * Signing benchmark: for ~1 MB, 20 MB and 100 MB PDFs generated here, prints our sign time, the node:crypto
 * SHA-256 time of the same bytes (the floor: signing must at least read and hash the file), poppler's
 * `pdfsig -add-signature` on the same file (the peer), and our peak RSS. Each signing runs in a fresh child
 * process so its peak RSS is its own.
 *
 *   npm run bench:sign            (sizes in MB can be given: npm run bench:sign -- 1 20 100 200)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki } from '../helpers/pki';

const RUNS = 3;

async function child(input: string, output: string): Promise<void> {
  const signer = pdfTestSigner('rsa');
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(output, { force: true });
    const t0 = process.hrtime.bigint();
    await signPdf({ input, output, signer, role: 'firma', reason: 'Benchmark' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ ms: Math.min(...times), maxRssKb }) + '\n');
}

async function hashFloor(file: string): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const h = crypto.createHash('sha256');
    await new Promise<void>((resolve, reject) => {
      fs.createReadStream(file, { highWaterMark: 1 << 20 })
        .on('data', (c) => h.update(c))
        .on('end', () => resolve())
        .on('error', reject);
    });
    h.digest();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

function pdfsigTime(input: string, output: string, nssDir: string, nick: string): number {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(output, { force: true });
    const t0 = process.hrtime.bigint();
    execFileSync('pdfsig', ['-nssdir', nssDir, '-add-signature', '-nick', nick, '-kpw', '', input, output], { stdio: 'pipe' });
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3] ?? '', process.argv[4] ?? '');
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const mbs = sizes.length ? sizes : [1, 20, 100];
  const pki = testPki();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-bench-sign-'));
  const rows: string[][] = [];
  try {
    for (const mb of mbs) {
      const input = writePlainPdf(path.join(dir, `in-${mb}.pdf`), { pages: 10, paddingBytes: mb * 1024 * 1024 });
      const size = fs.statSync(input).size;
      const floor = await hashFloor(input);
      const r = spawnSync(process.execPath, [process.argv[1] ?? '', '--child', input, path.join(dir, `ours-${mb}.pdf`)], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(r.stderr);
      const ours = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; maxRssKb: number };
      const peer = pdfsigTime(input, path.join(dir, `pdfsig-${mb}.pdf`), pki.nssDir, pki.nssSignerNick);
      rows.push([
        `${(size / 1048576).toFixed(1)} MB`,
        `${ours.ms.toFixed(0)} ms`,
        `${floor.toFixed(0)} ms`,
        `${(ours.ms / floor).toFixed(1)}×`,
        `${peer.toFixed(0)} ms`,
        `${(peer / ours.ms).toFixed(1)}×`,
        `${(ours.maxRssKb / 1024).toFixed(0)} MB`,
      ]);
      for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const head = ['file', 'casilla sign', 'sha256 floor', 'ours/floor', 'pdfsig -add-signature', 'pdfsig/ours', 'our peak RSS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), best of ${RUNS}; RSA-2048, SHA-256, visible stamp`,
  );
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
