/**
 * `npm run bench:csv -- 100000 1000000`: imports generated CSVs of that many rows (RUT with check digit and a
 * quoted name, CRLF) through the streaming importer and prints time, rows per second and peak RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recipientRulesFor } from '../../src-main/core/casilla/backends';
import { runCheckDigit } from '../../src-main/core/casilla/identifiers';
import { importRecipientsCsvFile } from '../../src-main/core/compose/recipients-csv';

async function main(): Promise<void> {
  const counts = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-bench-csv-'));
  const rules = recipientRulesFor({ backendUrl: 'x' });
  console.log('| rows | file | import | rows/s | peak RSS |\n|---|---|---|---|---|');
  try {
    for (const n of counts.length ? counts : [100_000, 1_000_000]) {
      const file = path.join(dir, `${n}.csv`);
      const fd = fs.openSync(file, 'w');
      let buf = 'RUT;Nombre\r\n';
      for (let i = 0; i < n; i++) {
        const body = 1_000_000 + i;
        buf += `${body}-${runCheckDigit(body)};"Persona ${i}"\r\n`;
        if (buf.length > 1 << 20) {
          fs.writeSync(fd, buf);
          buf = '';
        }
      }
      fs.writeSync(fd, buf);
      fs.closeSync(fd);
      let peak = process.memoryUsage().rss;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const t0 = performance.now();
      const r = await importRecipientsCsvFile(file, rules);
      const ms = performance.now() - t0;
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      if (r.recipients.length !== n) throw new Error(`expected ${n} recipients, got ${r.recipients.length}`);
      const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
      console.log(`| ${n} | ${mb(fs.statSync(file).size)} | ${(ms / 1000).toFixed(1)} s | ${Math.round(n / (ms / 1000))} | ${mb(peak)} |`);
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
