/**
 * Builds an incremental update: new and changed objects, then a cross-reference section of the same kind as
 * the file's newest one (a classic table or an uncompressed xref stream) with /Prev pointing at it, then
 * `startxref` and `%%EOF`. Earlier bytes are never touched: the result is appended after the original file.
 */
import { PdfArray, PdfDict, PdfName, PdfRef, type PdfValue } from './pdf-objects';
import type { PdfDocument } from './pdf-document';
import { numberToken, serialize } from './pdf-serializer';

export type UpdateObject =
  { num: number; gen: number; value: PdfValue } | { num: number; gen: number; stream: { dict: PdfDict; data: Buffer } };

export type IncrementalUpdate = {
  /** The bytes to append after the original file. */
  bytes: Buffer;
  /** Offset of each written object inside `bytes` (add the original size for the file offset). */
  objectOffsets: Map<number, number>;
};

/** Hands out object numbers above everything the file uses. */
export class ObjectNumbers {
  private next: number;
  constructor(doc: PdfDocument) {
    this.next = doc.objectCount;
  }
  allocate(): number {
    return this.next++;
  }
  get size(): number {
    return this.next;
  }
}

export function buildIncrementalUpdate(doc: PdfDocument, objects: UpdateObject[], numbers: ObjectNumbers): IncrementalUpdate {
  const chunks: Buffer[] = [];
  let length = 0;
  const push = (b: Buffer | string): void => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    chunks.push(buf);
    length += buf.length;
  };
  // The original may not end with an end-of-line; the new revision must start on its own line.
  const last = doc.read(doc.size - 1, 1)[0];
  if (last !== 0x0a && last !== 0x0d) push('\n');

  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, length);
    if ('stream' in o) {
      const dict = o.stream.dict.clone().set('Length', o.stream.data.length);
      push(`${o.num} ${o.gen} obj\n${serialize(dict)}\nstream\n`);
      push(o.stream.data);
      push('\nendstream\nendobj\n');
    } else {
      push(`${o.num} ${o.gen} obj\n${serialize(o.value)}\nendobj\n`);
    }
  }

  const old = doc.trailer;
  const carried = new PdfDict();
  for (const key of ['Root', 'Info', 'ID'] as const) {
    const v = old.get(key);
    if (v !== undefined) carried.set(key, v);
  }
  carried.set('Prev', doc.startxref);
  const gens = new Map(objects.map((o) => [o.num, o.gen]));

  if (doc.lastXrefKind === 'stream') {
    const xrefNum = numbers.allocate();
    const xrefOffset = doc.size + length;
    offsets.set(xrefNum, length);
    gens.set(xrefNum, 0);
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const maxOffset = xrefOffset;
    const w1 = maxOffset > 0xffffffff ? 8 : 4;
    const rows = Buffer.alloc(nums.length * (1 + w1 + 2));
    nums.forEach((n, i) => {
      const base = i * (1 + w1 + 2);
      rows[base] = 1;
      const off = doc.size + (offsets.get(n) ?? 0);
      if (w1 === 8) rows.writeBigUInt64BE(BigInt(off), base + 1);
      else rows.writeUInt32BE(off, base + 1);
      rows.writeUInt16BE(gens.get(n) ?? 0, base + 1 + w1);
    });
    const dict = carried.clone();
    dict.set('Type', new PdfName('XRef'));
    dict.set('Size', numbers.size);
    dict.set('W', new PdfArray([1, w1, 2]));
    dict.set('Index', new PdfArray(runs(nums).flatMap(([s, c]) => [s, c])));
    dict.set('Length', rows.length);
    push(`${xrefNum} 0 obj\n${serialize(dict)}\nstream\n`);
    push(rows);
    push(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`);
  } else {
    const xrefOffset = doc.size + length;
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    let table = 'xref\n';
    for (const [start, count] of runs(nums)) {
      table += `${start} ${count}\n`;
      for (let n = start; n < start + count; n++) {
        table += `${String(doc.size + (offsets.get(n) ?? 0)).padStart(10, '0')} ${String(gens.get(n) ?? 0).padStart(5, '0')} n\r\n`;
      }
    }
    carried.set('Size', numbers.size);
    push(table + `trailer\n${serialize(carried)}\nstartxref\n${numberToken(xrefOffset)}\n%%EOF\n`);
  }
  return { bytes: Buffer.concat(chunks, length), objectOffsets: offsets };
}

/** Sorted numbers → [start, count] runs of consecutive numbers. */
function runs(nums: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of nums) {
    const lastRun = out[out.length - 1];
    if (lastRun && lastRun[0] + lastRun[1] === n) lastRun[1]++;
    else out.push([n, 1]);
  }
  return out;
}

export { PdfRef };
