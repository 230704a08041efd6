import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recipientRulesFor } from '../../src-main/core/casilla/backends';
import { runCheckDigit } from '../../src-main/core/casilla/identifiers';
import { importRecipientsCsvFile, MAX_CSV_BYTES, MAX_PROBLEMS_KEPT, sniffEncoding } from '../../src-main/core/compose/recipients-csv';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, bytes: Buffer) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};
const chile = recipientRulesFor({ backendUrl: 'x' });
const TEXT = 'RUN;Nombre\r\n33.333.333-3;Ana Núñez\r\n33333351-1;José Peña\r\n';

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

describe('streaming CSV import', () => {
  it.each([
    ['utf-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]), 'utf-8'],
    ['utf-8', Buffer.from(TEXT, 'utf8'), 'utf-8'],
    ['latin-1', Buffer.from(TEXT, 'latin1'), 'latin1'],
    [
      'utf-16le with BOM (Excel "Unicode text")',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT.replace(/;/g, '\t'), 'utf16le')]),
      'utf-16le',
    ],
    ['utf-16le without BOM', Buffer.from(TEXT, 'utf16le'), 'utf-16le'],
    ['utf-16be with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), 'utf-16be'],
    ['utf-16be without BOM', utf16be(TEXT), 'utf-16be'],
  ])('reads %s with its names intact', async (_label, bytes, encoding) => {
    const r = await importRecipientsCsvFile(write(`${encoding}-${bytes.length}.csv`, bytes), chile);
    expect(r.encoding).toBe(encoding);
    expect(r.header).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.recipients.map((x) => x.label)).toEqual(['Ana Núñez (RUN 33.333.333-3)', 'José Peña (RUN 33.333.351-1)']);
  });

  it('falls back to Latin-1 when a non-UTF-8 byte appears past the first chunks', async () => {
    const rows = ['RUN;Nombre'];
    for (let i = 0; i < 120_000; i++) rows.push(`${1_000_000 + i}-${runCheckDigit(1_000_000 + i)};Persona ${i}`);
    rows.push(`33.333.333-3;Peña`);
    const p = write('late-latin1.csv', Buffer.from(rows.join('\n'), 'latin1'));
    expect(fs.statSync(p).size).toBeGreaterThan(2 * 1024 * 1024);
    const r = await importRecipientsCsvFile(p, chile);
    expect(r.encoding).toBe('latin1');
    expect(r.recipients.at(-1)?.label).toBe('Peña (RUN 33.333.333-3)');
  });

  // 1,000,000 rows take about 30 s on our shared 2-core machine (`npm run bench:csv`); the test stays above the
  // 125,000 rows where the old importer overflowed the stack.
  it('imports 130,000 rows without a stack overflow, keeping every valid row and bounding the problems kept', async () => {
    const n = 130_000;
    const out = fs.openSync(path.join(dir, 'many.csv'), 'w');
    let buf = 'RUT,nombre\r\n';
    for (let i = 0; i < n; i++) {
      const body = 1_000_000 + i;
      // Every 100th row has a wrong check digit; quoted names with the separator inside, CRLF throughout.
      const dv = i % 100 === 0 ? (runCheckDigit(body) === '1' ? '2' : '1') : runCheckDigit(body);
      buf += `${body}-${dv},"Apellido, Nombre ${i}"\r\n`;
      if (buf.length > 1 << 20) {
        fs.writeSync(out, buf);
        buf = '';
      }
    }
    fs.writeSync(out, buf);
    fs.closeSync(out);
    const r = await importRecipientsCsvFile(path.join(dir, 'many.csv'), chile);
    expect(r.rows).toBe(n);
    expect(r.problemCount).toBe(n / 100);
    expect(r.problems).toHaveLength(MAX_PROBLEMS_KEPT);
    expect(r.problems[0]).toMatchObject({ line: 2, code: 'RUN_CHECK_DIGIT' });
    expect(r.recipients).toHaveLength(n - n / 100);
    expect(r.recipients[0]).toMatchObject({ rolUnico: 1_000_001, name: 'Apellido, Nombre 1' });
    expect(r.recipients.at(-1)).toMatchObject({ rolUnico: 1_000_000 + n - 1 });
  }, 120_000);

  it('refuses a file above the limit before reading it, saying its size and the limit', async () => {
    const p = path.join(dir, 'huge.csv');
    fs.writeFileSync(p, 'RUN\n');
    fs.truncateSync(p, MAX_CSV_BYTES + 1);
    await expect(importRecipientsCsvFile(p)).rejects.toMatchObject({
      code: 'CSV_TOO_LARGE',
      message: expect.stringMatching(/128\.0 MB.*máximo es 128 MB/),
    });
  });

  it('sniffs UTF-16 by its zero bytes and leaves 8-bit text undecided', () => {
    expect(sniffEncoding(Buffer.from('12345678-5\n', 'utf16le')).encoding).toBe('utf-16le');
    expect(sniffEncoding(Buffer.from('12345678-5\n', 'latin1')).encoding).toBeNull();
  });
});
