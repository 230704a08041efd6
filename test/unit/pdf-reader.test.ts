import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { listSignatures } from '../../src-main/core/pdf/form-fields';
import { openPdf } from '../../src-main/core/pdf/pdf-document';
import { PdfArray, PdfDict, PdfName, PdfRef, PdfString } from '../../src-main/core/pdf/pdf-objects';
import { NeedMoreBytes, PdfParser } from '../../src-main/core/pdf/pdf-parser';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { writePlainPdf, withXrefStreams } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { tempDir } from '../helpers/temp-home';

const tmp = tempDir('casilla-pdf-reader-');
afterAll(() => tmp.cleanup());
const at = (n: string) => path.join(tmp.dir, n);

function parse(text: string) {
  return new PdfParser(Buffer.from(text, 'latin1'), 0, 0, true).value();
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'NO_ERROR';
}

/** Assembles a PDF from object bodies, computing the offsets; `tail` gets the offsets and writes xref/trailer. */
function assemble(objects: Array<[number, string | Buffer]>, tail: (offsets: Map<number, number>, at: number) => string): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.5\n', 'latin1')];
  let len = parts[0]?.length ?? 0;
  const offsets = new Map<number, number>();
  for (const [num, body] of objects) {
    offsets.set(num, len);
    const b = Buffer.concat([
      Buffer.from(`${num} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(b);
    len += b.length;
  }
  parts.push(Buffer.from(tail(offsets, len), 'latin1'));
  return Buffer.concat(parts);
}

const off10 = (n: number | undefined) => String(n ?? 0).padStart(10, '0');

describe('PDF parser', () => {
  it('reads strings, names, references and nested containers', () => {
    const v = parse('<< /Title (a\\(b\\) \\101\\n(c)) /Hex <48 6f6C61> /N#20x 1 /Kids [1 0 R 2 3] /Neg -0.5 /Ok true /Nada null >>');
    expect(v).toBeInstanceOf(PdfDict);
    const d = v as PdfDict;
    expect((d.get('Title') as PdfString).bytes.toString('latin1')).toBe('a(b) A\n(c)');
    expect((d.get('Hex') as PdfString).bytes.toString('latin1')).toBe('Hola');
    expect(d.has('N x')).toBe(true);
    const kids = d.get('Kids') as PdfArray;
    expect(kids.items[0]).toEqual(new PdfRef(1, 0));
    expect(kids.items.slice(1)).toEqual([2, 3]);
    expect(d.get('Neg')).toBe(-0.5);
    expect(d.get('Ok')).toBe(true);
    expect(d.get('Nada')).toBeNull();
    expect((parse('/Type') as PdfName).name).toBe('Type');
  });

  it('asks for more bytes on a cut window, and refuses absurd nesting', () => {
    const cut = new PdfParser(Buffer.from('<< /A (abc', 'latin1'), 0, 0, false);
    expect(() => cut.value()).toThrow(NeedMoreBytes);
    expect(codeOf(() => parse('['.repeat(500) + ']'.repeat(500)))).toBe('PDF_LIMIT');
    expect(codeOf(() => parse('<< /A (sin cerrar'))).toBe('PDF_INVALID');
  });
});

describe('PDF reader', () => {
  it('follows /Prev chains and reports each revision end at the size of the file it came from', async () => {
    const a = writePlainPdf(at('a.pdf'));
    await signPdf({ input: a, output: at('b.pdf'), signer: pdfTestSigner('ec'), role: 'visto-bueno' });
    await signPdf({ input: at('b.pdf'), output: at('c.pdf'), signer: pdfTestSigner('ec'), role: 'firma' });
    const doc = openPdf(at('c.pdf'));
    try {
      expect(doc.revisions().map((r) => r.endOffset)).toEqual([at('c.pdf'), at('b.pdf'), a].map((f) => fs.statSync(f).size));
      expect(doc.sections.map((s) => s.kind)).toEqual(['table', 'table', 'table']);
      expect(doc.pageCount()).toBe(2);
    } finally {
      doc.close();
    }
  });

  it('reads objects inside object streams behind a predictor-encoded xref stream (qpdf output)', () => {
    const xs = withXrefStreams(writePlainPdf(at('p.pdf'), { pages: 5 }), at('xs.pdf'));
    const doc = openPdf(xs);
    try {
      expect(doc.lastXrefKind).toBe('stream');
      // qpdf puts page dictionaries in object streams.
      const compressed = [...Array(doc.objectCount).keys()].filter((n) => doc.xrefEntry(n)?.kind === 'compressed');
      expect(compressed.length).toBeGreaterThan(3);
      expect(doc.pageCount()).toBe(5);
      expect(doc.page(4).mediaBox).toEqual([0, 0, 595, 842]);
    } finally {
      doc.close();
    }
  });

  it('reads a hybrid file: a classic table whose /XRefStm lists an object kept in an object stream', () => {
    const objstm = '5 0 (hibrido)';
    const bytes = assemble(
      [
        [1, '<< /Type /Catalog /Pages 2 0 R >>'],
        [2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
        [3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 300] /Hybrid 5 0 R >>'],
        [4, `<< /Type /ObjStm /N 1 /First 4 /Length ${objstm.length} >>\nstream\n${objstm}\nendstream`],
        [
          6,
          Buffer.concat([
            Buffer.from('<< /Type /XRef /Size 7 /W [1 2 1] /Index [5 1] /Length 4 >>\nstream\n', 'latin1'),
            Buffer.from([2, 0, 4, 0]),
            Buffer.from('\nendstream', 'latin1'),
          ]),
        ],
      ],
      (o, xref) =>
        `xref\n0 7\n0000000000 65535 f \n${[1, 2, 3, 4].map((n) => `${off10(o.get(n))} 00000 n \n`).join('')}0000000000 00000 f \n${off10(o.get(6))} 00000 n \n` +
        `trailer\n<< /Size 7 /Root 1 0 R /XRefStm ${o.get(6)} >>\nstartxref\n${xref}\n%%EOF\n`,
    );
    fs.writeFileSync(at('hybrid.pdf'), bytes);
    const doc = openPdf(at('hybrid.pdf'));
    try {
      const page = doc.page(0);
      expect(page.mediaBox).toEqual([0, 0, 200, 300]);
      expect((doc.resolve(page.dict.get('Hybrid')) as PdfString).text()).toBe('hibrido');
    } finally {
      doc.close();
    }
  });

  it('finds objects whose xref offsets are a few bytes off (as some scanners write them)', () => {
    const good = fs.readFileSync(writePlainPdf(at('offsets.pdf'), { pages: 2 })).toString('latin1');
    // Move every table offset 7 bytes back.
    const damaged = good.replace(
      /^(\d{10}) 00000 n /gm,
      (_m, off: string) => `${String(Math.max(0, Number(off) - 7)).padStart(10, '0')} 00000 n `,
    );
    expect(damaged).not.toBe(good);
    fs.writeFileSync(at('offsets-bad.pdf'), damaged, 'latin1');
    const doc = openPdf(at('offsets-bad.pdf'));
    try {
      expect(doc.pageCount()).toBe(2);
      expect(doc.page(1).mediaBox).toEqual([0, 0, 595, 842]);
    } finally {
      doc.close();
    }
  });

  it('stops at limits instead of hanging or exhausting memory', () => {
    // An object stream that inflates to 200 MB.
    const bomb = zlib.deflateSync(Buffer.alloc(200 * 1024 * 1024, 0x20));
    const bytes = assemble(
      [
        [1, '<< /Type /Catalog /Pages 2 0 R >>'],
        [2, '<< /Type /Pages /Kids [] /Count 0 >>'],
        [
          3,
          Buffer.concat([
            Buffer.from(`<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`, 'latin1'),
            bomb,
            Buffer.from('\nendstream', 'latin1'),
          ]),
        ],
      ],
      (o, xref) =>
        `xref\n0 4\n0000000000 65535 f \n${[1, 2, 3].map((n) => `${off10(o.get(n))} 00000 n \n`).join('')}` +
        `trailer\n<< /Size 5 /Root 1 0 R /Prev ${xref} >>\nstartxref\n${xref}\n%%EOF\n`,
    );
    // Object 4 claims to live in stream 3: reading it must hit the inflate limit.
    fs.writeFileSync(at('bomb.pdf'), bytes);
    const doc = openPdf(at('bomb.pdf')); // the /Prev pointing at itself did not loop
    try {
      expect(doc.sections).toHaveLength(1);
      expect(codeOf(() => doc.streamDecoded(doc.getObject(3) as never))).toBe('PDF_LIMIT');
    } finally {
      doc.close();
    }
    // A table that announces more entries than it has is an error, not an endless loop.
    fs.writeFileSync(at('short-table.pdf'), bytes.toString('latin1').replace('xref\n0 4\n', 'xref\n0 5\n'), 'latin1');
    // ...the table is rebuilt by scanning the objects instead.
    const repaired = openPdf(at('short-table.pdf'));
    expect(repaired.reconstructed).toBe(true);
    repaired.close();
    // A file cut before its pages: the rebuilt catalog leads nowhere, and reading a page says so.
    fs.writeFileSync(at('truncated.pdf'), fs.readFileSync(writePlainPdf(at('t.pdf'))).subarray(0, 400));
    expect(
      codeOf(() => {
        const d = openPdf(at('truncated.pdf'));
        try {
          d.page(0);
        } finally {
          d.close();
        }
      }),
    ).toBe('PDF_INVALID');
    fs.writeFileSync(at('garbage.pdf'), '%PDF-1.7\nsin objetos ni tablas\n');
    expect(codeOf(() => openPdf(at('garbage.pdf')))).toBe('PDF_INVALID');
    fs.writeFileSync(at('empty.pdf'), '');
    expect(codeOf(() => openPdf(at('empty.pdf')))).toBe('PDF_INVALID');
  });
});

describe('damaged offsets and lengths', () => {
  /** A one-revision file whose trailer says `/Prev <prev>` and whose catalog stream has `/Length <len>`. */
  function withPrev(prev: string, len = '2'): Buffer {
    return assemble(
      [
        [1, '<< /Type /Catalog /Pages 2 0 R >>'],
        [2, '<< /Type /Pages /Kids [] /Count 0 >>'],
        [3, `<< /Length ${len} >>\nstream\nab\nendstream`],
      ],
      (o, xref) =>
        `xref\n0 4\n0000000000 65535 f \n${[1, 2, 3].map((n) => `${off10(o.get(n))} 00000 n \n`).join('')}` +
        `trailer\n<< /Size 4 /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xref}\n%%EOF\n`,
    );
  }

  it('refuses non-finite, negative, fractional and out-of-file reads with PDF_INVALID, not a RangeError', () => {
    fs.writeFileSync(at('plain-for-read.pdf'), withPrev('0'));
    const doc = openPdf(at('plain-for-read.pdf'));
    try {
      for (const [pos, len] of [
        [NaN, 4],
        [Infinity, 4],
        [-1, 4],
        [1.5, 4],
        [doc.size + 1, 4],
        [0, NaN],
        [0, -3],
        [0, 2.5],
      ] as const) {
        let caught: unknown;
        try {
          doc.read(pos, len);
        } catch (err) {
          caught = err;
        }
        expect(caught, `read(${pos}, ${len})`).toBeInstanceOf(AppError);
        expect((caught as AppError).code).toBe('PDF_INVALID');
        expect((caught as AppError).message).toMatch(/dañado/);
      }
      // The edges of the file are still readable.
      expect(doc.read(0, 5).toString('latin1')).toBe('%PDF-');
      expect(doc.read(doc.size, 4)).toHaveLength(0);
    } finally {
      doc.close();
    }
  });

  it.each(['-5', '1.5', '.5', '99999999999'])('rebuilds the xref when /Prev is %s instead of failing unreadable', (prev) => {
    fs.writeFileSync(at('bad-prev.pdf'), withPrev(prev));
    const doc = openPdf(at('bad-prev.pdf'));
    try {
      expect(doc.reconstructed).toBe(true);
      expect((doc.getObject(2) as PdfDict).nameOf('Type')).toBe('Pages');
    } finally {
      doc.close();
    }
  });

  it('falls back to endstream when a stream /Length is fractional', () => {
    fs.writeFileSync(at('bad-length.pdf'), withPrev('0', '1.5'));
    const doc = openPdf(at('bad-length.pdf'));
    try {
      const stm = doc.getObject(3);
      expect(doc.streamRaw(stm as never).toString('latin1')).toBe('ab');
    } finally {
      doc.close();
    }
  });
});

describe('signature dictionaries for the verifier', () => {
  it('lists each signature with its byte ranges and CMS bytes, certification flagged', async () => {
    const input = writePlainPdf(at('sigs.pdf'));
    await signPdf({ input, output: at('sigs-1.pdf'), signer: pdfTestSigner('ec'), role: 'firma', certify: 2 });
    await signPdf({ input: at('sigs-1.pdf'), output: at('sigs-2.pdf'), signer: pdfTestSigner('rsa'), role: 'visto-bueno' });
    const doc = openPdf(at('sigs-2.pdf'));
    try {
      const sigs = listSignatures(doc);
      expect(sigs.map((s) => [s.fieldName, s.subFilter, s.certification])).toEqual([
        ['Firma1', 'ETSI.CAdES.detached', true],
        ['VoBo1', 'ETSI.CAdES.detached', false],
      ]);
      const size1 = fs.statSync(at('sigs-1.pdf')).size;
      const [a = 0, b = 0, c = 0, d = 0] = sigs[0]?.byteRange ?? [];
      // The first signature covers exactly the first signed file, minus its /Contents hole.
      expect(a).toBe(0);
      expect(c + d).toBe(size1);
      expect((sigs[1]?.byteRange[2] ?? 0) + (sigs[1]?.byteRange[3] ?? 0)).toBe(doc.size);
      // /Contents is the DER CMS (SEQUENCE) followed by zero padding.
      expect(sigs[0]?.contents[0]).toBe(0x30);
      expect(c - b - 2).toBe((sigs[0]?.contents.length ?? 0) * 2);
    } finally {
      doc.close();
    }
  });
});
