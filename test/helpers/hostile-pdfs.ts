/**
 * Test-only: small hand-made hostile PDFs that target the reader's per-file budgets (xref rows, inflated bytes,
 * object-stream cache, shared signature dictionaries). Each is a few KB to a few MB on disk. Used by
 * test/integration/verify-hostile-bounds.test.ts (outcomes) and test/bench/hostile.bench.ts (time and memory).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { appendUpdate, objectBody, structureOf } from './verify-attacks';

type Part = Buffer | string;

class Writer {
  private readonly parts: Buffer[] = [];
  length = 0;
  readonly offsets = new Map<number, number>();
  add(p: Part): void {
    const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    this.parts.push(b);
    this.length += b.length;
  }
  obj(num: number, ...body: Part[]): void {
    this.offsets.set(num, this.length);
    this.add(`${num} 0 obj\n`);
    for (const b of body) this.add(b);
    this.add('\nendobj\n');
  }
  stream(num: number, dict: string, data: Buffer): void {
    this.obj(num, `<< ${dict} /Length ${data.length} >>\nstream\n`, data, '\nendstream');
  }
  write(file: string): string {
    fs.writeFileSync(file, Buffer.concat(this.parts));
    return file;
  }
}

const HEAD = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';

/**
 * `sections` xref streams chained by /Prev, each claiming `rows` rows of width 1 (all free: zeros compress to
 * almost nothing, so 8 million rows are ~8 KB), under a newest small section that defines the catalog.
 */
export function xrefRowsBomb(file: string, sections: number, rows: number): string {
  const w = new Writer();
  w.add(HEAD);
  w.obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  w.obj(2, '<< /Type /Pages /Kids [] /Count 0 >>');
  const data = zlib.deflateSync(Buffer.alloc(rows), { level: 9 });
  let prev: number | null = null;
  for (let i = 0; i < sections; i++) {
    const num = 10 + i;
    const at: number = w.length;
    w.stream(
      num,
      `/Type /XRef /Size ${rows} /W [1 0 0] /Index [0 ${rows}] /Filter /FlateDecode /Root 1 0 R${prev === null ? '' : ` /Prev ${prev}`}`,
      data,
    );
    prev = at;
  }
  const real = Buffer.alloc(10);
  real[0] = 1;
  real.writeUInt32BE(w.offsets.get(1) ?? 0, 1);
  real[5] = 1;
  real.writeUInt32BE(w.offsets.get(2) ?? 0, 6);
  const at = w.length;
  w.stream(9, `/Type /XRef /Size ${rows} /W [1 4 0] /Index [1 2] /Root 1 0 R /Prev ${prev}`, real);
  w.add(`startxref\n${at}\n%%EOF\n`);
  return w.write(file);
}

/** An xref stream whose /Index claims `claimed` rows while its data holds only 3. */
export function xrefIndexLie(file: string, claimed: number): string {
  const w = new Writer();
  w.add(HEAD);
  w.obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  w.obj(2, '<< /Type /Pages /Kids [] /Count 0 >>');
  const rows = Buffer.alloc(3 * 5);
  const put = (i: number, type: number, off: number) => {
    rows[i * 5] = type;
    rows.writeUInt32BE(off, i * 5 + 1);
  };
  put(0, 0, 0);
  put(1, 1, w.offsets.get(1) ?? 0);
  put(2, 1, w.offsets.get(2) ?? 0);
  const at = w.length;
  w.stream(3, `/Type /XRef /Size 4 /W [1 4 0] /Index [0 ${claimed}] /Root 1 0 R`, rows);
  w.add(`startxref\n${at}\n%%EOF\n`);
  return w.write(file);
}

/**
 * `streams` object streams that each inflate to `inflatedMb` MB, each holding a form field listed in the
 * AcroForm: reading the form decodes every one of them. The compressed data is the same for all (each header
 * lists every field number at offset 0), so the file is small.
 */
export function objectStreamBombs(file: string, streams: number, inflatedMb: number): string {
  const w = new Writer();
  w.add(HEAD);
  const fields = Array.from({ length: streams }, (_, i) => 1000 + i);
  w.obj(1, `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${fields.map((n) => `${n} 0 R`).join(' ')}] >> >>`);
  w.obj(2, '<< /Type /Pages /Kids [] /Count 0 >>');
  const header = fields.map((n) => `${n} 0`).join(' ') + '\n';
  const body = Buffer.alloc(inflatedMb * 1024 * 1024, 0x20);
  body.write(header + '<< /FT /Tx /T (campo) >>', 0, 'latin1');
  const data = zlib.deflateSync(body, { level: 9 });
  const streamNum = (i: number) => 10 + i;
  for (let i = 0; i < streams; i++)
    w.stream(streamNum(i), `/Type /ObjStm /N ${streams} /First ${header.length} /Filter /FlateDecode`, data);
  // xref stream: objects 0..2 (free, 1, 2), the object streams, then the fields as compressed objects.
  const xrefNum = 10 + streams;
  const rows: Buffer[] = [];
  const row = (type: number, f1: number, f2: number) => {
    const b = Buffer.alloc(7);
    b[0] = type;
    b.writeUInt32BE(f1, 1);
    b.writeUInt16BE(f2, 5);
    rows.push(b);
  };
  row(0, 0, 65535);
  row(1, w.offsets.get(1) ?? 0, 0);
  row(1, w.offsets.get(2) ?? 0, 0);
  for (let i = 0; i < streams; i++) row(1, w.offsets.get(streamNum(i)) ?? 0, 0);
  const xrefAt = w.length;
  row(1, xrefAt, 0);
  for (let i = 0; i < streams; i++) row(2, streamNum(i), i);
  const index = `[0 3 10 ${streams + 1} 1000 ${streams}]`;
  w.stream(xrefNum, `/Type /XRef /Size ${1000 + streams} /W [1 4 2] /Index ${index} /Root 1 0 R`, Buffer.concat(rows));
  w.add(`startxref\n${xrefAt}\n%%EOF\n`);
  return w.write(file);
}

/** A signed PDF updated with `fields` more signature fields, all pointing at the first signature's dictionary. */
export function sharedSignatureDictionary(signed: string, file: string, fields: number): string {
  const s = structureOf(signed);
  if (s.sigValue === null || s.acroForm === null) throw new Error('el PDF no tiene firma');
  const acro = objectBody(signed, s.acroForm);
  const first = Math.max(s.size, 100);
  const objects = Array.from({ length: fields }, (_, i) => ({
    num: first + i,
    body: `<< /FT /Sig /T (Copia${i}) /V ${s.sigValue} 0 R /Rect [0 0 0 0] /Subtype /Widget /F 2 >>`,
  }));
  const refs = objects.map((o) => `${o.num} 0 R`).join(' ');
  return appendUpdate(signed, file, [
    ...objects,
    { num: s.acroForm, body: acro.replace(/\/Fields\s*\[([^\]]*)\]/, `/Fields [$1 ${refs}]`) },
  ]);
}

/** Arrays nested `depth` deep in the catalog's /Extra entry. */
export function deepNesting(file: string, depth: number): string {
  const w = new Writer();
  w.add(HEAD);
  w.obj(1, `<< /Type /Catalog /Pages 2 0 R /Extra ${'['.repeat(depth)}${']'.repeat(depth)} >>`);
  w.obj(2, '<< /Type /Pages /Kids [] /Count 0 >>');
  const at = w.length;
  w.add(
    `xref\n0 3\n0000000000 65535 f \n${String(w.offsets.get(1)).padStart(10, '0')} 00000 n \n${String(w.offsets.get(2)).padStart(10, '0')} 00000 n \n`,
  );
  w.add(`trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`);
  return w.write(file);
}

/** An xref stream that inflates to `mb` MB (more than the per-stream limit when mb > 64). */
export function xrefStreamBomb(file: string, mb: number): string {
  const w = new Writer();
  w.add(HEAD);
  w.obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  w.obj(2, '<< /Type /Pages /Kids [] /Count 0 >>');
  const data = zlib.deflateSync(Buffer.alloc(mb * 1024 * 1024), { level: 9 });
  const at = w.length;
  w.stream(3, '/Type /XRef /Size 4 /W [1 4 0] /Filter /FlateDecode /Root 1 0 R', data);
  w.add(`startxref\n${at}\n%%EOF\n`);
  return w.write(file);
}
