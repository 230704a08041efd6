/**
 * What the embedded stamp font costs per signature: for a one-page PDF, signs invisibly, with a visible stamp, and
 * with a V°B° stamp plus initials on 9 more pages, and prints the bytes each adds besides the /Contents hole and
 * its time (best wall time and mean CPU time of N in one process, after a first run that also reads and parses the font: that first cost is
 * printed on its own). For the record, the time `require('fontkit')` takes in a fresh process.
 *
 *   npm run bench:stamp
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signPdf, type SignPdfOptions } from '../../src-main/core/signing/pades-signer';
import { stampTrueType } from '../../src-main/core/signing/stamp-font';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';

const RUNS = 20;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-bench-stamp-'));
  const one = writePlainPdf(path.join(dir, 'one.pdf'));
  const ten = writePlainPdf(path.join(dir, 'ten.pdf'), { pages: 10 });
  const signer = pdfTestSigner('rsa');
  const named = { ...signer, summary: { ...signer.summary, name: 'José Núñez Ibáñez' } };
  const base = { signer: named, reason: 'Conformidad V°B° — Peñalolén, 2º piso' };

  const t0 = process.hrtime.bigint();
  stampTrueType();
  const fontLoadMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const cases: Array<[string, string, Partial<SignPdfOptions>]> = [
    ['invisible', one, { role: 'firma', stamp: { invisible: true } }],
    ['visible stamp (firma)', one, { role: 'firma' }],
    ['V°B° + initials on 9 pages', ten, { role: 'visto-bueno', stamp: { everyPage: true, page: 1 } }],
  ];
  const rows: string[] = [];
  for (const [label, input, extra] of cases) {
    const out = path.join(dir, 'out.pdf');
    let best = Infinity;
    let extraBytes = 0;
    // One unmeasured run first: each case is measured warm.
    await signPdf({ input, output: out, ...base, ...extra } as SignPdfOptions);
    const cpu = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      fs.rmSync(out, { force: true });
      const t = process.hrtime.bigint();
      const r = await signPdf({ input, output: out, ...base, ...extra } as SignPdfOptions);
      best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
      extraBytes = r.bytesAdded - (r.signatureBytes * 2 + 2);
    }
    const used = process.cpuUsage(cpu);
    rows.push(`| ${label} | ${extraBytes} | ${best.toFixed(1)} ms | ${((used.user + used.system) / 1000 / RUNS).toFixed(1)} ms |`);
  }
  const fk = spawnSync(
    process.execPath,
    ['-e', "const t=performance.now();require('fontkit');console.log((performance.now()-t).toFixed(0))"],
    {
      encoding: 'utf8',
    },
  );
  console.log(`Stamp font read and parsed once per process: ${fontLoadMs.toFixed(1)} ms`);
  console.log(`require('fontkit') in a fresh process (not used at run time): ${fk.stdout.trim() || fk.stderr.trim()} ms\n`);
  console.log(`| signature | bytes added besides the /Contents hole | best wall of ${RUNS} | mean CPU |`);
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
