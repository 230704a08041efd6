/**
 * Builds an incremental update: new and changed objects, then a cross-reference section of the same kind as
 * the file's newest one (a classic table or an uncompressed xref stream) with /Prev pointing at it, then
 * `startxref` and `%%EOF`. Earlier bytes are never touched: the result is appended after the original file.
 */
import { PdfArray, PdfDict, PdfName, type PdfValue } from './pdf-objects';
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
  // After a reconstruction the old chain cannot be trusted: this section lists every object and has no /Prev.
  const full = doc.reconstructed ? doc.allEntries() : null;
  if (!full) carried.set('Prev', doc.startxref);
  const rows = new Map<number, XrefRow>();
  if (full) {
    rows.set(0, { type: 0, f1: 0, f2: 65535 });
    for (const [num, e] of full) {
      if (e.kind === 'offset') rows.set(num, { type: 1, f1: e.offset, f2: e.gen });
      else if (e.kind === 'compressed') rows.set(num, { type: 2, f1: e.stream, f2: e.index });
    }
  }
  for (const o of objects) rows.set(o.num, { type: 1, f1: doc.size + (offsets.get(o.num) ?? 0), f2: o.gen });
  const needsStream = doc.lastXrefKind === 'stream' || [...rows.values()].some((r) => r.type === 2);

  if (needsStream) {
    const xrefNum = numbers.allocate();
    const xrefOffset = doc.size + length;
    offsets.set(xrefNum, length);
    rows.set(xrefNum, { type: 1, f1: xrefOffset, f2: 0 });
    const nums = [...rows.keys()].sort((a, b) => a - b);
    const w1 = xrefOffset > 0xffffffff ? 8 : 4;
    const rowLen = 1 + w1 + 2;
    const data = Buffer.alloc(nums.length * rowLen);
    nums.forEach((n, i) => {
      const r = rows.get(n) ?? { type: 0, f1: 0, f2: 0 };
      const base = i * rowLen;
      data[base] = r.type;
      if (w1 === 8) data.writeBigUInt64BE(BigInt(r.f1), base + 1);
      else data.writeUInt32BE(r.f1, base + 1);
      data.writeUInt16BE(r.f2, base + 1 + w1);
    });
    const dict = carried.clone();
    dict.set('Type', new PdfName('XRef'));
    dict.set('Size', numbers.size);
    dict.set('W', new PdfArray([1, w1, 2]));
    dict.set('Index', new PdfArray(runs(nums).flatMap(([s, c]) => [s, c])));
    dict.set('Length', data.length);
    push(`${xrefNum} 0 obj\n${serialize(dict)}\nstream\n`);
    push(data);
    push(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`);
  } else {
    const xrefOffset = doc.size + length;
    const nums = [...rows.keys()].sort((a, b) => a - b);
    let table = 'xref\n';
    for (const [start, count] of runs(nums)) {
      table += `${start} ${count}\n`;
      for (let n = start; n < start + count; n++) {
        const r = rows.get(n) ?? { type: 0, f1: 0, f2: 0 };
        table += `${String(r.f1).padStart(10, '0')} ${String(r.f2).padStart(5, '0')} ${r.type === 1 ? 'n' : 'f'}\r\n`;
      }
    }
    carried.set('Size', numbers.size);
    push(table + `trailer\n${serialize(carried)}\nstartxref\n${numberToken(xrefOffset)}\n%%EOF\n`);
  }
  return { bytes: Buffer.concat(chunks, length), objectOffsets: offsets };
}

/** One cross-reference row: type 0 free, 1 at a file offset (f1) with generation f2, 2 in object stream f1 at index f2. */
type XrefRow = { type: 0 | 1 | 2; f1: number; f2: number };

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
