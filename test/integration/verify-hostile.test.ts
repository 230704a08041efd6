/**
 * Hostile and damaged input: every file must end with a report or an AppError (a clear Spanish error with a
 * stable code), never another exception or a hang. The fuzz part mutates signed PDFs with a fixed seed so a
 * failure can be replayed.
 */
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import type { FileReport } from '../../src-main/core/verify/report';
import { buildTrustStore, type TrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { withXrefStreams, writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';
import { appendUpdate, objectBody, structureOf } from '../helpers/verify-attacks';

let tmp: { dir: string; cleanup: () => void };
let trust: TrustStore;
const at = (n: string) => path.join(tmp.dir, n);
const bases: string[] = [];

beforeAll(async () => {
  tmp = tempDir('verify-hostile-');
  trust = buildTrustStore({ cliFiles: [testPki().rootPem] });
  await signPdf({ input: writePlainPdf(at('plain.pdf')), output: at('one.pdf'), signer: pdfTestSigner('rsa'), role: 'firma' });
  await signPdf({ input: at('one.pdf'), output: at('two.pdf'), signer: pdfTestSigner('ec'), role: 'visto-bueno' });
  await signPdf({
    input: withXrefStreams(at('plain.pdf'), at('xs.pdf')),
    output: at('xs-signed.pdf'),
    signer: pdfTestSigner('rsa'),
    role: 'firma',
  });
  bases.push(at('two.pdf'), at('xs-signed.pdf'));
});
afterAll(() => tmp.cleanup());

/** A report, or the AppError: anything else fails the test. */
async function outcome(file: string): Promise<FileReport | AppError> {
  try {
    return await verifyPdf(file, { trust, online: false });
  } catch (err: unknown) {
    if (err instanceof AppError) return err;
    throw new Error(`${path.basename(file)}: excepción no controlada: ${err instanceof Error ? err.stack : String(err)}`);
  }
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz: mutated signed PDFs', () => {
  it('always end with a verdict or a clear error (150 mutations, seed 4)', async () => {
    const rnd = mulberry32(4);
    const int = (n: number) => Math.floor(rnd() * n);
    const seen = { reports: 0, errors: 0, intactAfterMutation: 0 };
    for (let i = 0; i < 150; i++) {
      const base = fs.readFileSync(bases[i % bases.length]!);
      let data: Buffer;
      const kind = i % 5;
      if (kind === 0) {
        data = Buffer.from(base);
        for (let k = 0, n = 1 + int(8); k < n; k++) data[int(data.length)] = int(256);
      } else if (kind === 1) data = base.subarray(0, int(base.length));
      else if (kind === 2) {
        const p = int(base.length);
        data = Buffer.concat([base.subarray(0, p), Buffer.from(Array.from({ length: 1 + int(64) }, () => int(256))), base.subarray(p)]);
      } else if (kind === 3) {
        // Lying cross-reference: change digits near the end, where the xref table / startxref live.
        data = Buffer.from(base);
        for (let k = 0; k < 4; k++) {
          const p = data.length - 1 - int(Math.min(2000, data.length));
          if (data[p]! >= 0x30 && data[p]! <= 0x39) data[p] = 0x30 + int(10);
        }
      } else {
        // Structural tokens swapped for others.
        const text = base.toString('latin1');
        const tokens = ['obj', 'endobj', 'stream', 'endstream', '<<', '>>', '[', ']', 'R', '/Prev', '/ByteRange', '/Contents'];
        const t = tokens[int(tokens.length)]!;
        let p = text.indexOf(t, int(text.length));
        if (p < 0) p = text.indexOf(t);
        data = Buffer.from(text.slice(0, Math.max(0, p)) + tokens[int(tokens.length)]! + text.slice(p + t.length), 'latin1');
      }
      const file = at(`fuzz-${i}.pdf`);
      fs.writeFileSync(file, data);
      const r = await outcome(file);
      if (r instanceof AppError) {
        seen.errors++;
        expect(r.code).toMatch(/^[A-Z_0-9]+$/);
        expect(r.message.length).toBeGreaterThan(5);
      } else {
        seen.reports++;
        expect(['valid', 'invalid', 'indeterminate']).toContain(r.verdict);
      }
      fs.rmSync(file);
    }
    // Both paths must have been exercised for the test to mean anything. (The reader now reads a startxref a
    // few digits off where the table really is, so fewer lying-xref mutations end in an error than before.)
    expect(seen.reports).toBeGreaterThan(10);
    expect(seen.errors).toBeGreaterThan(5);
  });
});

describe('hostile constructions', () => {
  it('a reference loop in the signature value ends in a clear error or verdict', async () => {
    const s = structureOf(at('one.pdf'));
    const acro = objectBody(at('one.pdf'), s.acroForm!);
    const f = appendUpdate(at('one.pdf'), at('loop.pdf'), [
      { num: 60, body: '61 0 R' },
      { num: 61, body: '60 0 R' },
      { num: 62, body: '<< /FT /Sig /T (Bucle) /V 60 0 R /Kids [62 0 R] >>' },
      { num: s.acroForm!, body: acro.replace(/\/Fields\s*\[([^\]]*)\]/, '/Fields [$1 62 0 R]') },
    ]);
    const r = await outcome(f);
    if (!(r instanceof AppError)) expect(r.verdict).toBe('invalid');
  });

  it('deep nesting in an object is refused by the parser limit', async () => {
    const f = appendUpdate(at('one.pdf'), at('deep.pdf'), [{ num: 63, body: '['.repeat(50_000) + ']'.repeat(50_000) }], '/Info 63 0 R ');
    const r = await outcome(f);
    if (!(r instanceof AppError)) expect(r.signatures[0]?.modificationsAfter).not.toBe('none');
  });

  it('a decompression bomb in the DSS is bounded and the signature still gets a verdict', async () => {
    const bomb = zlib.deflateSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
    const s = structureOf(at('one.pdf'));
    const catalog = objectBody(at('one.pdf'), s.catalog);
    const head = `<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`;
    const f = appendUpdate(at('one.pdf'), at('bomb.pdf'), [
      { num: 64, body: head + bomb.toString('latin1') + '\nendstream' },
      { num: 65, body: '<< /CRLs [64 0 R] /OCSPs [64 0 R] /Certs [64 0 R] >>' },
      { num: s.catalog, body: catalog.replace(/>>\s*$/, ' /DSS 65 0 R >>') },
    ]);
    const r = await outcome(f);
    expect(r).not.toBeInstanceOf(AppError);
    const rep = r as FileReport;
    expect(rep.signatures[0]).toMatchObject({ intact: true, coverage: 'revision' });
    expect(rep.signatures[0]!.revocation.status).toBe('unknown');
  });

  it('a /Prev loop, a truncated file and a lying startxref are clear errors or verdicts', async () => {
    const one = fs.readFileSync(at('one.pdf'));
    const trunc = at('trunc.pdf');
    fs.writeFileSync(trunc, one.subarray(0, one.length - 200));
    const lying = at('lying.pdf');
    fs.writeFileSync(lying, Buffer.from(one.toString('latin1').replace(/startxref\s+\d+\s+%%EOF\s*$/, 'startxref\n9\n%%EOF\n'), 'latin1'));
    const prevLoop = at('prevloop.pdf');
    const text = one.toString('latin1');
    const lastXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
    fs.writeFileSync(
      prevLoop,
      Buffer.from(text.slice(0, lastXref) + text.slice(lastXref).replace(/\/Prev \d+/, `/Prev ${lastXref}`), 'latin1'),
    );
    for (const f of [trunc, lying, prevLoop]) {
      const r = await outcome(f);
      if (!(r instanceof AppError)) expect(r.verdict, f).not.toBe('valid');
    }
  });
});
