/**
 * Attack classes from the PDF signature literature, each built on a PDF signed by our signer, and the
 * legitimate changes that must stay allowed. Every attack must end as a disallowed change (or anomalous
 * coverage) and an invalid verdict, with the change named in Spanish.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import type { FileReport, SignatureReport } from '../../src-main/core/verify/report';
import { buildTrustStore, type TrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';
import { appendUpdate, objectBody, structureOf } from '../helpers/verify-attacks';

let tmp: { dir: string; cleanup: () => void };
let trust: TrustStore;
const at = (n: string) => path.join(tmp.dir, n);
let signed: string;
let formSigned: string;

beforeAll(async () => {
  tmp = tempDir('verify-attacks-');
  trust = buildTrustStore({ cliFiles: [testPki().rootPem] });
  signed = at('signed.pdf');
  await signPdf({ input: writePlainPdf(at('plain.pdf')), output: signed, signer: pdfTestSigner('rsa'), role: 'firma' });
  // A form with a text field, signed: the base of the form-filling cases.
  const plain2 = writePlainPdf(at('plain-form.pdf'));
  const withForm = appendUpdate(plain2, at('form.pdf'), [
    { num: 30, body: '<< /Type /Annot /Subtype /Widget /FT /Tx /T (Nombre) /Rect [72 600 300 620] /P 5 0 R /F 4 >>' },
    { num: 31, body: '<< /Fields [30 0 R] >>' },
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R /AcroForm 31 0 R >>' },
    {
      num: 5,
      body: objectBody(plain2, 5).replace(/>>\s*$/, ' /Annots [30 0 R] >>'),
    },
  ]);
  formSigned = at('form-signed.pdf');
  await signPdf({ input: withForm, output: formSigned, signer: pdfTestSigner('rsa'), role: 'firma', stamp: { page: 2 } });
});
afterAll(() => tmp.cleanup());

const first = async (file: string): Promise<{ report: FileReport; sig: SignatureReport }> => {
  const report = await verifyPdf(file, { trust, online: false });
  return { report, sig: report.signatures[0]! };
};

function expectDisallowed(sig: SignatureReport, message: RegExp): void {
  const text = JSON.stringify(sig.changes, null, 1);
  expect(sig.intact, text).toBe(true);
  expect(sig.modificationsAfter, text).toBe('disallowed');
  expect(sig.verdict).toBe('invalid');
  expect(sig.reasons.map((r) => r.code)).toContain('MODIFICATIONS_DISALLOWED');
  expect(
    sig.changes
      .filter((c) => !c.allowed)
      .map((c) => c.message)
      .join('\n'),
    text,
  ).toMatch(message);
}

describe('attacks are reported as disallowed', () => {
  it('incremental saving attack: page content replaced', async () => {
    const f = appendUpdate(signed, at('isa.pdf'), [
      { num: 6, body: '<< /Length 44 >>\nstream\nBT /F1 18 Tf 72 720 Td (PAGAR 1000000) Tj ET\nendstream' },
    ]);
    const { sig } = await first(f);
    expectDisallowed(sig, /contenido de la página 1/);
    expect(sig.changes.find((c) => c.object === '6 0 R')).toMatchObject({ revision: 3, allowed: false });
  });

  it('shadow hide: an overlay added to the page contents', async () => {
    const page = objectBody(signed, 5);
    const f = appendUpdate(signed, at('hide.pdf'), [
      { num: 40, body: '<< /Length 36 >>\nstream\n1 1 1 rg 0 0 595 842 re f\nendstream' },
      { num: 5, body: page.replace(/\/Contents\s+6 0 R/, '/Contents [6 0 R 40 0 R]') },
    ]);
    const { sig } = await first(f);
    expectDisallowed(sig, /Se modificó el contenido de la página 1/);
  });

  it('shadow replace: a font swapped', async () => {
    const f = appendUpdate(signed, at('font.pdf'), [
      { num: 3, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>' },
    ]);
    expectDisallowed((await first(f)).sig, /recursos \(fuentes, imágenes\) de la página 1/);
  });

  it('shadow hide-and-replace: the catalog and page tree replaced', async () => {
    const s = structureOf(signed);
    const catalog = objectBody(signed, s.catalog);
    const f = appendUpdate(
      signed,
      at('replace.pdf'),
      [
        { num: 41, body: '<< /Type /Pages /Kids [7 0 R] /Count 1 >>' },
        { num: 42, body: catalog.replace(/\/Pages\s+2 0 R/, '/Pages 41 0 R') },
      ],
      '/Root 42 0 R ',
    );
    expectDisallowed((await first(f)).sig, /árbol de páginas/);
  });

  it('annotation over the content of a document certified at level 2', async () => {
    const base = at('annot-cert2.pdf');
    await signPdf({ input: writePlainPdf(at('plain-a2.pdf')), output: base, signer: pdfTestSigner('rsa'), role: 'firma', certify: 2 });
    const page = objectBody(base, 5);
    const f = appendUpdate(base, at('annot.pdf'), [
      { num: 43, body: '<< /Type /Annot /Subtype /FreeText /Rect [72 700 400 740] /Contents (ANULADO) /DA (/Helv 18 Tf 0 g) >>' },
      {
        num: 5,
        body: page.includes('/Annots') ? page.replace(/\/Annots\s*\[/, '/Annots [43 0 R ') : page.replace(/>>\s*$/, ' /Annots [43 0 R] >>'),
      },
    ]);
    expectDisallowed(
      (await first(f)).sig,
      /Se agregó una anotación \(FreeText\) en la página 1\. No permitido: la certificación del documento permite solo llenar formularios y firmar/,
    );
  });

  it('a different /AcroForm', async () => {
    const s = structureOf(signed);
    const catalog = objectBody(signed, s.catalog);
    const f = appendUpdate(signed, at('acro.pdf'), [
      { num: 44, body: '<< /Fields [] >>' },
      { num: s.catalog, body: catalog.replace(/\/AcroForm\s+\d+ 0 R/, '/AcroForm 44 0 R') },
    ]);
    const { report, sig } = await first(f);
    // The signature is gone from the new form, but it is still found in the revision it signed.
    expect(report.signatures).toHaveLength(1);
    expect(sig.field).toMatch(/ya no figura/);
    expectDisallowed(sig, /se quitaron o reemplazaron campos/);
  });

  it('signature wrapping: the signature dictionary redefined in a later revision', async () => {
    const s = structureOf(signed);
    const body = objectBody(signed, s.sigValue!);
    const f = appendUpdate(signed, at('wrap.pdf'), [{ num: s.sigValue!, body: body.replace(/>>\s*$/, ' /Name (Otra persona) >>') }]);
    expectDisallowed((await first(f)).sig, /Se modificó la firma ya hecha del campo/);
  });

  it('bytes appended after the last revision that are not an update make the coverage anomalous', async () => {
    const f = at('tail.pdf');
    fs.writeFileSync(
      f,
      Buffer.concat([fs.readFileSync(signed), Buffer.from('6 0 obj\n<< /Length 10 >>\nstream\nBT ET q Q\nendstream\nendobj\n')]),
    );
    const { sig } = await first(f);
    expect(sig).toMatchObject({ intact: true, coverage: 'anomalous', verdict: 'invalid' });
    expect(sig.reasons.map((r) => r.code)).toContain('COVERAGE_ANOMALOUS');
  });

  it.each([
    ['a first range that does not start at 0', (a: number[]) => [a[0]! + 1, a[1]!, a[2]!, a[3]!]],
    ['a second range that stops short of the revision end (uncovered bytes)', (a: number[]) => [a[0]!, a[1]!, a[2]!, a[3]! - 7]],
    ['a hole wider than /Contents', (a: number[]) => [a[0]!, a[1]! - 3, a[2]!, a[3]!]],
  ])('signature wrapping: %s is anomalous', async (_name, change) => {
    const data = fs.readFileSync(signed);
    const text = data.toString('latin1');
    const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text)!;
    const nums = change([1, 2, 3, 4].map((i) => Number(m[i])));
    // Same length as the original so no other byte moves.
    let replacement = `/ByteRange [${nums.join(' ')}]`;
    replacement = replacement.replace(']', ' '.repeat(Math.max(0, m[0].length - replacement.length)) + ']');
    expect(replacement.length).toBe(m[0].length);
    const f = at(`br-${nums.join('-')}.pdf`);
    fs.writeFileSync(
      f,
      Buffer.concat([data.subarray(0, m.index), Buffer.from(replacement, 'latin1'), data.subarray(m.index + m[0].length)]),
    );
    const { sig } = await first(f);
    expect(sig.coverage).toBe('anomalous');
    expect(sig.verdict).toBe('invalid');
  });

  it('universal signature forgery: a signature without /ByteRange or /Contents is invalid, never valid', async () => {
    const s = structureOf(signed);
    const acro = objectBody(signed, s.acroForm!);
    const page = objectBody(signed, 7);
    const f = appendUpdate(signed, at('usf.pdf'), [
      { num: 45, body: '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Contents <> >>' },
      { num: 46, body: '<< /Type /Annot /Subtype /Widget /FT /Sig /T (Falsa) /V 45 0 R /Rect [0 0 0 0] /P 7 0 R >>' },
      { num: s.acroForm!, body: acro.replace(/\/Fields\s*\[/, '/Fields [46 0 R ').replace(/\[46 0 R ([^\]]*)\]/, '[$1 46 0 R]') },
      {
        num: 7,
        body: page.includes('/Annots')
          ? page.replace(/\/Annots\s*\[([^\]]*)\]/, '/Annots [$1 46 0 R]')
          : page.replace(/>>\s*$/, ' /Annots [46 0 R] >>'),
      },
    ]);
    const { report } = await first(f);
    const forged = report.signatures.find((x) => x.field === 'Falsa');
    expect(forged).toMatchObject({ intact: false, coverage: 'anomalous', verdict: 'invalid' });
    expect(report.verdict).toBe('invalid');
  });
});

describe('legitimate changes stay allowed', () => {
  it('form filling after an approval signature', async () => {
    const f = appendUpdate(formSigned, at('filled.pdf'), [
      { num: 30, body: '<< /Type /Annot /Subtype /Widget /FT /Tx /T (Nombre) /V (Juana Perez) /Rect [72 600 300 620] /P 5 0 R /F 4 >>' },
    ]);
    const { sig } = await first(f);
    expect(sig.modificationsAfter, JSON.stringify(sig.changes)).toBe('allowed');
    expect(sig.changes).toEqual([
      {
        revision: 4,
        object: '30 0 R',
        allowed: true,
        message: 'Se llenó el campo «Nombre».',
        kind: 'field-filled',
        params: { field: 'Nombre' },
        level: 'form',
      },
    ]);
  });

  it('form filling with a regenerated appearance stream', async () => {
    const ap = 'BT /Helv 12 Tf 2 4 Td (Juana Perez) Tj ET';
    const f = appendUpdate(formSigned, at('filled-ap.pdf'), [
      { num: 95, body: `<< /Type /XObject /Subtype /Form /BBox [0 0 228 20] /Length ${ap.length} >>\nstream\n${ap}\nendstream` },
      {
        num: 30,
        body: '<< /Type /Annot /Subtype /Widget /FT /Tx /T (Nombre) /V (Juana Perez) /AP << /N 95 0 R >> /Rect [72 600 300 620] /P 5 0 R /F 4 >>',
      },
    ]);
    const { sig } = await first(f);
    expect(sig.modificationsAfter, JSON.stringify(sig.changes)).toBe('allowed');
    expect(sig.changes).toHaveLength(2);
  });

  it('form filling refused after a certification that allows no changes (DocMDP 1)', async () => {
    const base = at('form-cert1.pdf');
    await signPdf({ input: at('form.pdf'), output: base, signer: pdfTestSigner('rsa'), role: 'firma', certify: 1, stamp: { page: 2 } });
    const f = appendUpdate(base, at('filled-cert1.pdf'), [
      { num: 30, body: '<< /Type /Annot /Subtype /Widget /FT /Tx /T (Nombre) /V (Juana Perez) /Rect [72 600 300 620] /P 5 0 R /F 4 >>' },
    ]);
    expectDisallowed((await first(f)).sig, /certificación del documento permite solo agregar datos de validación/);
  });

  it('another signature after a certification at level 2', async () => {
    const base = at('cert2.pdf');
    await signPdf({ input: writePlainPdf(at('plain-c2.pdf')), output: base, signer: pdfTestSigner('rsa'), role: 'firma', certify: 2 });
    await signPdf({ input: base, output: at('cert2-visa.pdf'), signer: pdfTestSigner('ec'), role: 'visto-bueno' });
    const { report } = await first(at('cert2-visa.pdf'));
    expect(report.signatures[0]).toMatchObject({
      intact: true,
      coverage: 'revision',
      modificationsAfter: 'allowed',
      certificationLevel: 2,
    });
    expect(report.signatures[1]).toMatchObject({ intact: true, coverage: 'entire-file', certificationLevel: null });
  });
});
