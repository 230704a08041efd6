/**
 * Modification analysis judged by where the signed revision used each overwritten object: the forgeries that
 * pass a check by what an object claims to be, and the honest updates (validation data, metadata, tagging,
 * comments) that must stay allowed. Every fixture is a PDF signed by our signer plus a hand-written update.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../../src-main/core/pdf/pdf-document';
import { listFormFields } from '../../src-main/core/pdf/form-fields';
import { PdfRef } from '../../src-main/core/pdf/pdf-objects';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { isLocked, judgeChange, permissionsFor } from '../../src-main/core/verify/diff/permissions';
import type { SignatureReport } from '../../src-main/core/verify/report';
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
let stamped: string;
let shared: string;

const stream = (num: number, dict: string, data: string) => ({
  num,
  body: `<< ${dict} /Length ${data.length} >>\nstream\n${data}\nendstream`,
});

beforeAll(async () => {
  tmp = tempDir('verify-diff-');
  trust = buildTrustStore({ cliFiles: [testPki().rootPem] });
  signed = at('signed.pdf');
  await signPdf({ input: writePlainPdf(at('plain.pdf')), output: signed, signer: pdfTestSigner('rsa'), role: 'firma' });
  stamped = at('stamped.pdf');
  await signPdf({
    input: writePlainPdf(at('plain-s.pdf')),
    output: stamped,
    signer: pdfTestSigner('rsa'),
    role: 'firma',
    stamp: { page: 1 },
  });
  // Two text fields drawn by one shared appearance stream, then signed.
  const plain = writePlainPdf(at('plain-shared.pdf'));
  const form = appendUpdate(plain, at('shared-form.pdf'), [
    stream(33, '/Type /XObject /Subtype /Form /BBox [0 0 200 20]', 'BT /F1 10 Tf 2 5 Td (vacio) Tj ET'),
    { num: 30, body: '<< /Type /Annot /Subtype /Widget /FT /Tx /T (A) /Rect [72 600 272 620] /P 5 0 R /AP << /N 33 0 R >> >>' },
    { num: 32, body: '<< /Type /Annot /Subtype /Widget /FT /Tx /T (B) /Rect [72 560 272 580] /P 5 0 R /AP << /N 33 0 R >> >>' },
    { num: 31, body: '<< /Fields [30 0 R 32 0 R] >>' },
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R /AcroForm 31 0 R >>' },
    { num: 5, body: objectBody(plain, 5).replace(/>>\s*$/, ' /Annots [30 0 R 32 0 R] >>') },
  ]);
  shared = at('shared-signed.pdf');
  await signPdf({ input: form, output: shared, signer: pdfTestSigner('rsa'), role: 'firma', stamp: { page: 2 } });
});
afterAll(() => tmp.cleanup());

async function firstSig(file: string): Promise<SignatureReport> {
  const report = await verifyPdf(file, { trust, online: false });
  return report.signatures[0]!;
}

function expectRefused(sig: SignatureReport, message: RegExp): void {
  const text = JSON.stringify(sig.changes, null, 1);
  expect(sig.intact, text).toBe(true);
  expect(sig.modificationsAfter, text).toBe('disallowed');
  expect(sig.verdict, text).toBe('invalid');
  expect(
    sig.changes
      .filter((c) => !c.allowed)
      .map((c) => c.message)
      .join('\n'),
    text,
  ).toMatch(message);
}

describe('forgeries judged by where the signed revision used the object', () => {
  it('the page image redefined as an XMP metadata stream (and named as the catalog metadata)', async () => {
    const s = structureOf(signed);
    const catalog = objectBody(signed, s.catalog);
    const f = appendUpdate(signed, at('xmp.pdf'), [
      stream(4, '/Type /Metadata /Subtype /XML', '<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>'),
      { num: s.catalog, body: catalog.replace(/>>\s*$/, ' /Metadata 4 0 R >>') },
    ]);
    expectRefused(await firstSig(f), /recursos \(fuentes, imágenes\) de la página 1/);
  });

  it('a page font replaced by an object carrying /Certs (and the DSS pointing at it)', async () => {
    const s = structureOf(signed);
    const catalog = objectBody(signed, s.catalog);
    const f = appendUpdate(signed, at('certs-font.pdf'), [
      { num: 3, body: '<< /Certs [] /Type /Font /Subtype /Type1 /BaseFont /Courier >>' },
      { num: 50, body: '<< /Certs [] /Font 3 0 R >>' },
      { num: s.catalog, body: catalog.replace(/>>\s*$/, ' /DSS 50 0 R >>') },
    ]);
    const sig = await firstSig(f);
    expectRefused(sig, /recursos \(fuentes, imágenes\) de la página 1/);
    // The DSS itself is a legitimate addition, listed as allowed.
    expect(sig.changes.find((c) => c.kind === 'dss')).toMatchObject({ allowed: true, level: 'validation' });
  });

  it("the signature's own appearance rewritten in place", async () => {
    const doc = openPdf(stamped);
    let apNum: number;
    try {
      const field = listFormFields(doc).find((x) => x.type === 'Sig')!;
      const ap = doc.resolveDict(field.widgets[0]!.dict.get('AP'))!.get('N');
      apNum = (ap as PdfRef).num;
    } finally {
      doc.close();
    }
    const f = appendUpdate(stamped, at('sig-ap.pdf'), [
      stream(apNum, '/Type /XObject /Subtype /Form /BBox [0 0 200 50]', 'BT /F1 12 Tf 2 5 Td (ANULADO) Tj ET'),
    ]);
    expectRefused(await firstSig(f), /Se modificó la firma ya hecha del campo/);
  });

  it('filling one field while overwriting an appearance stream it shares with another field', async () => {
    const f = appendUpdate(shared, at('shared-fill.pdf'), [
      {
        num: 30,
        body: '<< /Type /Annot /Subtype /Widget /FT /Tx /T (A) /V (Juana) /Rect [72 600 272 620] /P 5 0 R /AP << /N 33 0 R >> >>',
      },
      stream(33, '/Type /XObject /Subtype /Form /BBox [0 0 200 20]', 'BT /F1 10 Tf 2 5 Td (PAGADO) Tj ET'),
    ]);
    // The stream is also field B's, whose value did not change: that path is refused.
    expectRefused(await firstSig(f), /Se cambió la apariencia del campo «B» \(sin cambiar su valor\)/);
  });

  it('an object number the signed revision already referred to (dangling) defined later', async () => {
    const page = objectBody(signed, 5);
    // The "signed" document already names XObject 77 0 R, which does not exist yet: a prepared shadow attack.
    const prepared = appendUpdate(writePlainPdf(at('plain-d.pdf')), at('dangling.pdf'), [
      { num: 5, body: page.replace('/Im1 4 0 R', '/Im1 4 0 R /Sh 77 0 R') },
    ]);
    const base = at('dangling-signed.pdf');
    await signPdf({ input: prepared, output: base, signer: pdfTestSigner('rsa'), role: 'firma' });
    const f = appendUpdate(base, at('dangling-filled.pdf'), [
      stream(77, '/Type /XObject /Subtype /Form /BBox [0 0 595 842]', '1 1 1 rg 0 0 595 842 re f'),
    ]);
    const sig = await firstSig(f);
    expectRefused(sig, /recursos \(fuentes, imágenes\) de la página 1/);
    expect(sig.changes.find((c) => !c.allowed)?.object).toBe('77 0 R');
  });
});

describe('honest updates stay allowed, in plain words', () => {
  it('validation data (DSS with an indirect /VRI) and XMP metadata after a signature', async () => {
    const s = structureOf(signed);
    const catalog = objectBody(signed, s.catalog);
    const f = appendUpdate(signed, at('dss.pdf'), [
      stream(60, '', '0'),
      { num: 61, body: '<< /Cert [60 0 R] >>' },
      { num: 62, body: '<< /ABCDEF 61 0 R >>' },
      { num: 63, body: '<< /Certs [60 0 R] /VRI 62 0 R >>' },
      stream(64, '/Type /Metadata /Subtype /XML', '<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>'),
      { num: s.catalog, body: catalog.replace(/>>\s*$/, ' /DSS 63 0 R /Metadata 64 0 R >>') },
    ]);
    const sig = await firstSig(f);
    expect(sig.modificationsAfter, JSON.stringify(sig.changes)).toBe('allowed');
    expect(sig.changes.map((c) => c.message).sort()).toEqual([
      'Se actualizaron los metadatos XMP del documento.',
      'Se agregaron datos de validación (DSS).',
    ]);
  });

  it('a comment after an approval signature is allowed and named; the same after certification level 1 is not', async () => {
    const page = objectBody(signed, 5);
    const update = [
      { num: 43, body: '<< /Type /Annot /Subtype /Text /Rect [72 700 92 720] /Contents (revisar) >>' },
      { num: 5, body: page.replace(/>>\s*$/, ' /Annots [43 0 R] >>') },
    ];
    const sig = await firstSig(appendUpdate(signed, at('comment.pdf'), update));
    expect(sig.modificationsAfter).toBe('allowed');
    expect(sig.changes).toEqual([
      {
        revision: 3,
        object: '5 0 R',
        allowed: true,
        message: 'Se agregó una anotación (Text) en la página 1.',
        kind: 'annotation-added',
        params: { page: 1, subtype: 'Text' },
        level: 'annotations',
      },
    ]);
    const cert = at('cert1.pdf');
    await signPdf({ input: writePlainPdf(at('plain-c1.pdf')), output: cert, signer: pdfTestSigner('rsa'), role: 'firma', certify: 1 });
    expectRefused(
      await firstSig(
        appendUpdate(cert, at('comment-c1.pdf'), [
          { ...update[0]!, num: 43 },
          { num: 5, body: objectBody(cert, 5).replace(/>>\s*$/, ' /Annots [43 0 R] >>') },
        ]),
      ),
      /permite solo agregar datos de validación/,
    );
  });
});

describe('DocMDP and FieldMDP compared in one place', () => {
  const change = (level: 'validation' | 'form' | 'annotations' | 'other', field?: string) => ({
    revision: 2,
    objects: ['1 0 R'],
    level,
    kind: 'field-filled' as const,
    params: {},
    ...(field ? { field } : {}),
  });

  it('levels against certification', () => {
    expect(judgeChange(change('validation'), permissionsFor(1, [])).allowed).toBe(true);
    expect(judgeChange(change('form'), permissionsFor(1, [])).allowed).toBe(false);
    expect(judgeChange(change('form'), permissionsFor(2, [])).allowed).toBe(true);
    expect(judgeChange(change('annotations'), permissionsFor(2, [])).allowed).toBe(false);
    expect(judgeChange(change('annotations'), permissionsFor(3, [])).allowed).toBe(true);
    expect(judgeChange(change('annotations'), permissionsFor(null, [])).allowed).toBe(true);
    expect(judgeChange(change('other'), permissionsFor(null, [])).allowed).toBe(false);
    // A PDF 2.0 lock with /P tightens an uncertified document.
    expect(judgeChange(change('form'), permissionsFor(null, [], 1)).allowed).toBe(false);
  });

  it('/Lock with /All, /Include and /Exclude, children of a locked field included', () => {
    expect(isLocked([{ action: 'All', fields: [] }], 'x')).toBe(true);
    expect(isLocked([{ action: 'Include', fields: ['datos'] }], 'datos.nombre')).toBe(true);
    expect(isLocked([{ action: 'Include', fields: ['datos'] }], 'datosx')).toBe(false);
    expect(isLocked([{ action: 'Exclude', fields: ['notas'] }], 'notas')).toBe(false);
    expect(isLocked([{ action: 'Exclude', fields: ['notas'] }], 'monto')).toBe(true);
    const r = judgeChange(change('form', 'monto'), permissionsFor(null, [{ action: 'Include', fields: ['monto'] }]));
    expect(r).toEqual({ allowed: false, why: 'el campo «monto» está bloqueado por la firma (FieldMDP)' });
  });
});
