/**
 * Test-only: appends hand-written incremental updates to a signed PDF (classic xref table), the raw material
 * of incremental saving attacks, shadow attacks and signature wrapping.
 */
import fs from 'node:fs';
import { openPdf } from '../../src-main/core/pdf/pdf-document';

export type RawObject = { num: number; body: string };

/** Appends one revision defining `objects` (bodies written verbatim), with `trailerExtra` added to the trailer (a `/Root` there replaces the current one). */
export function appendUpdate(input: string, output: string, objects: RawObject[], trailerExtra = ''): string {
  const doc = openPdf(input);
  const prev = doc.startxref;
  const size = Math.max(doc.objectCount, ...objects.map((o) => o.num + 1));
  const root = doc.trailer.get('Root');
  const rootText = root && typeof root === 'object' && 'num' in root ? `${root.num} 0 R` : '1 0 R';
  const isStream = doc.lastXrefKind === 'stream';
  doc.close();
  const original = fs.readFileSync(input);
  const parts: Buffer[] = [original];
  let offset = original.length;
  if (original[original.length - 1] !== 0x0a) {
    parts.push(Buffer.from('\n'));
    offset++;
  }
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, offset);
    const b = Buffer.from(`${o.num} 0 obj\n${o.body}\nendobj\n`, 'latin1');
    parts.push(b);
    offset += b.length;
  }
  const xrefAt = offset;
  let table = 'xref\n';
  for (const o of [...objects].sort((a, b) => a.num - b.num))
    table += `${o.num} 1\n${String(offsets.get(o.num)).padStart(10, '0')} 00000 n \n`;
  // A table may not follow an xref stream as /Prev in strict readers, but every reader here accepts it.
  void isStream;
  const rootEntry = trailerExtra.includes('/Root') ? '' : `/Root ${rootText} `;
  table += `trailer\n<< /Size ${size} ${rootEntry}/Prev ${prev} ${trailerExtra}>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  parts.push(Buffer.from(table, 'latin1'));
  fs.writeFileSync(output, Buffer.concat(parts));
  return output;
}

/** The body of an indirect object as written in the newest revision (for small objects only). */
export function objectBody(file: string, num: number): string {
  const doc = openPdf(file);
  try {
    const e = doc.xrefEntry(num);
    if (e?.kind !== 'offset') throw new Error(`objeto ${num} no está en una tabla clásica`);
    const text = doc.read(e.offset, 64 * 1024).toString('latin1');
    const start = text.indexOf('obj') + 3;
    const end = text.indexOf('endobj', start);
    return text.slice(start, end).trim();
  } finally {
    doc.close();
  }
}

/** The object numbers of the catalog and of the interactive form, as the newest revision sees them. */
export function structureOf(file: string): { catalog: number; acroForm: number | null; size: number; sigValue: number | null } {
  const doc = openPdf(file);
  try {
    const root = doc.trailer.get('Root');
    const catalog = root && typeof root === 'object' && 'num' in root ? root.num : 1;
    const af = doc.catalog().get('AcroForm');
    const acroForm = af && typeof af === 'object' && 'num' in af ? af.num : null;
    const fields = doc.resolveArray(doc.resolveDict(af)?.get('Fields'));
    const first = doc.resolveDict(fields?.items[0]);
    const v = first?.get('V');
    return { catalog, acroForm, size: doc.objectCount, sigValue: v && typeof v === 'object' && 'num' in v ? v.num : null };
  } finally {
    doc.close();
  }
}
