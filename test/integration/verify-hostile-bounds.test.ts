/**
 * Hand-made hostile PDFs against the reader's per-FILE budgets (xref rows, inflated bytes, object-stream cache,
 * distinct signature dictionaries and byte ranges). Each must end with a verdict or a clear Spanish PDF_* error.
 * Time and memory are measured by `npm run bench:hostile`, not asserted here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { openPdf } from '../../src-main/core/pdf/pdf-document';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import type { FileReport } from '../../src-main/core/verify/report';
import { buildTrustStore, type TrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import {
  deepNesting,
  objectStreamBombs,
  sharedSignatureDictionary,
  xrefIndexLie,
  xrefRowsBomb,
  xrefStreamBomb,
} from '../helpers/hostile-pdfs';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

let tmp: { dir: string; cleanup: () => void };
let trust: TrustStore;
const at = (n: string) => path.join(tmp.dir, n);

beforeAll(async () => {
  tmp = tempDir('verify-bounds-');
  trust = buildTrustStore({ cliFiles: [testPki().rootPem] });
  await signPdf({ input: writePlainPdf(at('plain.pdf')), output: at('one.pdf'), signer: pdfTestSigner('rsa'), role: 'firma' });
});
afterAll(() => tmp.cleanup());

async function outcome(file: string): Promise<FileReport | AppError> {
  try {
    return await verifyPdf(file, { trust, online: false });
  } catch (err: unknown) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

function expectLimit(r: FileReport | AppError, detail: RegExp): void {
  expect(r).toBeInstanceOf(AppError);
  const e = r as AppError;
  expect(e.code).toBe('PDF_LIMIT');
  expect(e.message).toMatch(/^El PDF excede un límite de lectura/);
  expect(e.message).toMatch(detail);
}

describe('per-file budgets', () => {
  it('one xref stream of 8 million rows in an 8 KB file is refused before its rows are stored', async () => {
    const f = xrefRowsBomb(at('rows-8m.pdf'), 1, 8_000_000);
    expectLimit(await outcome(f), /entradas de referencias/);
  });

  it('20 sections that each fit the limit but not together are refused (the budget is per file)', async () => {
    const f = xrefRowsBomb(at('rows-20x.pdf'), 20, 400_000);
    expectLimit(await outcome(f), /entradas de referencias en el archivo/);
    // The same sections, fewer of them, are read.
    const ok = openPdf(xrefRowsBomb(at('rows-5x.pdf'), 5, 400_000));
    try {
      expect(ok.reconstructed).toBe(false);
      expect(ok.sections).toHaveLength(6);
      expect(ok.spent.xrefRows).toBe(2_000_002);
      expect(ok.catalog().nameOf('Type')).toBe('Catalog');
    } finally {
      ok.close();
    }
  });

  it('an xref /Index that claims more rows than the stream holds is an error, never a guess', () => {
    const doc = openPdf(xrefIndexLie(at('index-lie.pdf'), 1000));
    try {
      // The lying section is not used: the cross-reference is rebuilt by scanning, and the report says so.
      expect(doc.reconstructed).toBe(true);
      expect(doc.notes.join(' ')).toMatch(/reconstruyó/);
    } finally {
      doc.close();
    }
  });

  it('100 object streams of 64 MB inflated each stop at the per-file inflate budget', async () => {
    const f = objectStreamBombs(at('objstm-100.pdf'), 100, 64);
    expectLimit(await outcome(f), /datos comprimidos en el archivo/);
  });

  it('a few large object streams are read, and the cache stays within its byte budget', () => {
    const doc = openPdf(objectStreamBombs(at('objstm-4.pdf'), 4, 30));
    try {
      const fields = (doc.catalog().get('AcroForm') as { get(k: string): unknown }).get('Fields') as { items: unknown[] };
      for (const ref of fields.items) expect(doc.resolveDict(ref as never)?.nameOf('FT')).toBe('Tx');
      expect(doc.spent.inflatedBytes).toBeGreaterThanOrEqual(4 * 30 * 1024 * 1024);
    } finally {
      doc.close();
    }
  });

  it('an xref stream that inflates past the per-stream limit is PDF_LIMIT', async () => {
    expectLimit(await outcome(xrefStreamBomb(at('xref-bomb.pdf'), 200)), /descomprimido demasiado grande/);
  });

  it('deep nesting is refused by the parser limit', async () => {
    expectLimit(await outcome(deepNesting(at('deep.pdf'), 100_000)), /anidamiento/);
  });

  it('500 signature fields sharing one dictionary are one signature, hashed once', async () => {
    const f = sharedSignatureDictionary(at('one.pdf'), at('shared-500.pdf'), 499);
    const r = await outcome(f);
    expect(r).not.toBeInstanceOf(AppError);
    const rep = r as FileReport;
    expect(rep.signatures).toHaveLength(1);
    expect(rep.signatures[0]?.intact).toBe(true);
    const note = rep.signatures[0]?.notes.find((n) => /mismo diccionario de firma/.test(n.message));
    expect(note?.message).toMatch(/«Copia0»/);
  });
});
