/**
 * The verifier sees files as their producers wrote them: revisions are groups of xref sections by byte position
 * (a linearized original is one revision, not two), and what real readers tolerate (a startxref a few bytes
 * off, no end-of-line after %%EOF, trailing garbage) is read without rebuilding the xref, and said in a note.
 * pdfsig judges the same files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../../src-main/core/pdf/pdf-document';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import type { FileReport } from '../../src-main/core/verify/report';
import { RevisionReader } from '../../src-main/core/verify/revision-objects';
import { buildTrustStore, type TrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfsig } from '../helpers/pdf-judges';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki, type TestPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

let pki: TestPki;
let tmp: { dir: string; cleanup: () => void };
let trust: TrustStore;
const at = (n: string) => path.join(tmp.dir, n);

beforeAll(() => {
  pki = testPki();
  tmp = tempDir('verify-structure-');
  trust = buildTrustStore({ cliFiles: [pki.rootPem] });
});
afterAll(() => tmp.cleanup());

async function signTwice(input: string, name: string): Promise<string> {
  await signPdf({ input, output: at(`${name}-1.pdf`), signer: pdfTestSigner('rsa'), role: 'visto-bueno' });
  await signPdf({ input: at(`${name}-1.pdf`), output: at(`${name}-2.pdf`), signer: pdfTestSigner('ec'), role: 'firma' });
  return at(`${name}-2.pdf`);
}

function expectAllValid(r: FileReport, file: string, revisions: number): void {
  expect(r.revisions).toBe(revisions);
  expect(r.signatures.map((s) => [s.intact, s.coverage, s.modificationsAfter])).toEqual([
    [true, 'revision', 'allowed'],
    [true, 'entire-file', 'none'],
  ]);
  expect(r.signatures.map((s) => s.revision)).toEqual([revisions - 1, revisions]);
  const ref = pdfsig(file, pki.nssDir);
  expect(ref.count, ref.output).toBe(2);
  expect(ref.valid, ref.output).toBe(2);
}

describe('revisions grouped by byte position', () => {
  it.each([
    ['linearized', ['--linearize']],
    ['linearized with object streams', ['--linearize', '--object-streams=generate']],
  ])('a %s original is one revision (its first-page section is not an update)', async (_label, flags) => {
    const plain = writePlainPdf(at('plain-lin.pdf'), { pages: 3 });
    const lin = at(`lin${flags.length}.pdf`);
    execFileSync('qpdf', [...flags, plain, lin]);
    const doc = openPdf(lin);
    try {
      // Two sections (first page, main), one revision.
      expect(doc.sections.length).toBe(2);
      const revs = new RevisionReader(doc).revisions;
      expect(revs).toHaveLength(1);
      expect(revs[0]?.sections).toHaveLength(2);
      expect(revs[0]?.endOffset).toBe(doc.size);
    } finally {
      doc.close();
    }
    const signed = await signTwice(lin, `lin${flags.length}`);
    expectAllValid(await verifyPdf(signed, { trust, online: false }), signed, 3);
  });
});

describe('tolerated like real readers, and said', () => {
  /** The plain file with its startxref value moved by `delta`. */
  function shifted(delta: number, name: string): string {
    const text = fs.readFileSync(writePlainPdf(at(`plain-${name}.pdf`), { pages: 2 }), 'latin1');
    const out = text.replace(/startxref\s+(\d+)/, (_m, n: string) => `startxref\n${Number(n) + delta}`);
    fs.writeFileSync(at(`${name}.pdf`), out, 'latin1');
    return at(`${name}.pdf`);
  }

  it.each([
    ['one byte early', -1],
    ['ten bytes late', 10],
  ])('a startxref %s is read where the table is, without rebuilding, and noted', async (label, delta) => {
    const file = shifted(delta, `off${delta}`);
    const doc = openPdf(file);
    try {
      expect(doc.reconstructed).toBe(false);
      expect(doc.sections[0]?.declaredOffset).toBe((doc.sections[0]?.offset ?? 0) + delta);
      expect(doc.notes.join(' ')).toMatch(/startxref apunta al byte \d+, pero la tabla de referencias está en el byte \d+/);
    } finally {
      doc.close();
    }
    // The verifier's report carries the note (the file has no signatures yet).
    const unsigned = await verifyPdf(file, { trust, online: false });
    expect(unsigned.reasons.find((x) => x.code === 'READER_NOTE')?.message, label).toMatch(/startxref apunta al byte/);
    // Signed by us: our updates point at where the table really is, and every signature is valid.
    const signed = await signTwice(file, `off${delta}`);
    expectAllValid(await verifyPdf(signed, { trust, online: false }), signed, 3);
  });

  it('no end-of-line after %%EOF and trailing garbage after it are read as they are', async () => {
    const text = fs.readFileSync(writePlainPdf(at('plain-eol.pdf'), { pages: 2 }), 'latin1');
    fs.writeFileSync(at('no-eol.pdf'), text.replace(/%%EOF\s*$/, '%%EOF'), 'latin1');
    fs.writeFileSync(at('garbage.pdf'), text + '\0\0\0basura de un programa de correo\r\n', 'latin1');
    for (const name of ['no-eol', 'garbage']) {
      const doc = openPdf(at(`${name}.pdf`));
      expect(doc.reconstructed, name).toBe(false);
      doc.close();
      const signed = await signTwice(at(`${name}.pdf`), name);
      expectAllValid(await verifyPdf(signed, { trust, online: false }), signed, 3);
    }
  });
});
