import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { listFormFields } from '../../src-main/core/pdf/form-fields';
import { openPdf } from '../../src-main/core/pdf/pdf-document';
import { signPdf, type SignPdfOptions } from '../../src-main/core/signing/pades-signer';
import { writePlainPdf, withEmptySignatureField, withXrefStreams } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { P12_PASSWORD, testPki } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

const pki = testPki();
const tmp = tempDir('casilla-sign-');
afterAll(() => tmp.cleanup());
const at = (name: string) => path.join(tmp.dir, name);
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function sign(input: string, output: string, extra: Partial<SignPdfOptions> = {}) {
  return signPdf({ input, output, signer: pdfTestSigner('rsa'), role: 'visto-bueno', ...extra });
}

/** The output must start with every byte of the input: an incremental update changes nothing before it. */
function expectAppendedOnly(input: string, output: string): void {
  const a = fs.readFileSync(input);
  const b = fs.readFileSync(output);
  expect(b.length).toBeGreaterThan(a.length);
  expect(b.subarray(0, a.length).equals(a)).toBe(true);
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

describe('PAdES signing judged by pdfsig, qpdf and mutool', () => {
  it('visa, visa, then firma: every signature stays valid and trusted', async () => {
    const input = writePlainPdf(at('memo.pdf'), { pages: 3 });
    const before = sha(input);
    await sign(input, at('memo-v1.pdf'), { roleTitle: 'Jefe de Logística' });
    await signPdf({ input: at('memo-v1.pdf'), output: at('memo-v2.pdf'), signer: pdfTestSigner('ec'), role: 'visto-bueno' });
    const res = await signPdf({
      input: at('memo-v2.pdf'),
      output: at('memo-firmado.pdf'),
      signer: pdfTestSigner('pss'),
      pss: true,
      role: 'firma',
      reason: 'Aprobado',
      location: 'Lima',
    });
    expect(sha(input)).toBe(before);
    expectAppendedOnly(at('memo-v2.pdf'), at('memo-firmado.pdf'));
    expectAppendedOnly(input, at('memo-v1.pdf'));
    const verdict = judge(at('memo-firmado.pdf'), pki.nssDir, 3, 1);
    expect(verdict.fields).toEqual(['VoBo1', 'VoBo2', 'Firma1']);
    expect(res).toMatchObject({ fieldName: 'Firma1', page: 3, level: 'B-B' });
    // The stamp (field, widget, appearance, AcroForm and page updates) stays small besides the /Contents hole.
    expect(res.bytesAdded - res.signatureBytes * 2).toBeLessThan(30 * 1024);
    expect(fs.readdirSync(tmp.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('signs files with cross-reference and object streams, answering with an xref stream', async () => {
    const input = withXrefStreams(writePlainPdf(at('plain-for-xs.pdf'), { pages: 2 }), at('xs.pdf'));
    const doc = openPdf(input);
    expect(doc.lastXrefKind).toBe('stream');
    doc.close();
    await sign(input, at('xs-v1.pdf'));
    await sign(at('xs-v1.pdf'), at('xs-v2.pdf'), { role: 'firma', digest: 'sha512', signer: pdfTestSigner('ec') });
    expectAppendedOnly(input, at('xs-v1.pdf'));
    const out = openPdf(at('xs-v2.pdf'));
    expect(out.lastXrefKind).toBe('stream');
    expect(out.revisions()).toHaveLength(3);
    out.close();
    judge(at('xs-v2.pdf'), pki.nssDir, 2);
  });

  it('signs into an existing empty field made by mutool, without creating another', async () => {
    const input = withEmptySignatureField(writePlainPdf(at('plain-for-field.pdf')), at('with-field.pdf'), 'FirmaJefe');
    const res = await sign(input, at('field-signed.pdf'), { field: 'FirmaJefe', role: 'firma', reason: 'Conforme' });
    expect(res.fieldName).toBe('FirmaJefe');
    expect(res.page).toBe(1);
    const verdict = judge(at('field-signed.pdf'), pki.nssDir, 1);
    expect(verdict.fields).toEqual(['FirmaJefe']);
    await expectCode(sign(at('field-signed.pdf'), at('again.pdf'), { field: 'FirmaJefe' }), 'SIGN_FIELD_ALREADY_SIGNED');
    await expectCode(sign(input, at('nofield.pdf'), { field: 'NoExiste' }), 'SIGN_FIELD_NOT_FOUND');
    expect(fs.existsSync(at('again.pdf'))).toBe(false);
    // A field whose widget is a separate kid annotation (not merged into the field dictionary).
    const kid = withEmptySignatureField(writePlainPdf(at('plain-for-kid.pdf'), { pages: 2 }), at('with-kid.pdf'), 'Gerencia', {
      separateWidget: true,
    });
    const kidRes = await sign(kid, at('kid-signed.pdf'), { field: 'Gerencia', role: 'firma' });
    expect(kidRes).toMatchObject({ fieldName: 'Gerencia', page: 1 });
    expect(judge(at('kid-signed.pdf'), pki.nssDir, 1).fields).toEqual(['Gerencia']);
    const doc = openPdf(at('kid-signed.pdf'));
    try {
      const [field] = listFormFields(doc);
      expect(field?.widgets[0]?.dict.has('AP')).toBe(true);
    } finally {
      doc.close();
    }
  });

  it('adds a visa to a PDF first signed by pdfsig -add-signature; both stay valid', async () => {
    const input = writePlainPdf(at('plain-for-pdfsig.pdf'));
    execFileSync('pdfsig', ['-nssdir', pki.nssDir, '-add-signature', '-nick', pki.nssSignerNick, '-kpw', '', input, at('by-pdfsig.pdf')], {
      stdio: 'pipe',
    });
    judge(at('by-pdfsig.pdf'), pki.nssDir, 1);
    await sign(at('by-pdfsig.pdf'), at('by-pdfsig-visa.pdf'), { signer: pdfTestSigner('ec'), digest: 'sha384' });
    expectAppendedOnly(at('by-pdfsig.pdf'), at('by-pdfsig-visa.pdf'));
    judge(at('by-pdfsig-visa.pdf'), pki.nssDir, 2);
  });

  it('adds a visa after mutool signed the document into its field; both stay valid', async () => {
    const input = withEmptySignatureField(writePlainPdf(at('plain-for-mutool.pdf')), at('for-mutool.pdf'), 'Jefatura');
    const fieldObj =
      execFileSync('mutool', ['show', input, 'trailer/Root/AcroForm/Fields'], { encoding: 'utf8' }).match(/(\d+) 0 R/)?.[1] ?? '';
    execFileSync('mutool', ['sign', '-s', pki.p12Legacy.rsa, '-P', P12_PASSWORD, '-o', at('by-mutool.pdf'), input, fieldObj], {
      stdio: 'pipe',
    });
    judge(at('by-mutool.pdf'), pki.nssDir, 1);
    await sign(at('by-mutool.pdf'), at('by-mutool-visa.pdf'), { signer: pdfTestSigner('ec') });
    expectAppendedOnly(at('by-mutool.pdf'), at('by-mutool-visa.pdf'));
    expect(judge(at('by-mutool-visa.pdf'), pki.nssDir, 2).fields).toEqual(['Jefatura', 'VoBo1']);
  });

  it('certifies with DocMDP P=2, then accepts a visa; refuses any signature after P=1', async () => {
    const input = writePlainPdf(at('plain-for-cert.pdf'));
    await sign(input, at('cert2.pdf'), { role: 'firma', certify: 2 });
    await sign(at('cert2.pdf'), at('cert2-visa.pdf'), { signer: pdfTestSigner('ec') });
    judge(at('cert2-visa.pdf'), pki.nssDir, 2);
    await expectCode(sign(at('cert2-visa.pdf'), at('cert-again.pdf'), { certify: 2 }), 'SIGN_CERTIFY_NOT_FIRST');
    await sign(input, at('cert1.pdf'), { role: 'firma', certify: 1 });
    judge(at('cert1.pdf'), pki.nssDir, 1);
    await expectCode(sign(at('cert1.pdf'), at('cert1-visa.pdf')), 'SIGN_DOC_CERTIFIED_LOCKED');
    expect(fs.existsSync(at('cert1-visa.pdf'))).toBe(false);
  });

  it('makes invisible signatures, visa initials on every page, and stamps with an image', async () => {
    const input = writePlainPdf(at('plain-4p.pdf'), { pages: 4 });
    const inv = await sign(input, at('invisible.pdf'), { stamp: { invisible: true } });
    expect(inv.page).toBeNull();
    const every = await sign(at('invisible.pdf'), at('every.pdf'), { stamp: { everyPage: true, page: 2, rect: [300, 40, 200, 70] } });
    expect(every.page).toBe(2);
    const png = fs.readFileSync(path.join(__dirname, '../../resources/demo/sello.png'));
    await sign(at('every.pdf'), at('image.pdf'), { role: 'firma', stamp: { image: png } });
    judge(at('image.pdf'), pki.nssDir, 3);
    // Pages 1, 3 and 4 got the visa's initials; page 2 its full stamp; page 4 also the invisible and the firma widgets.
    const doc = openPdf(at('image.pdf'));
    const annotsPerPage = [0, 1, 2, 3].map((i) => doc.resolveArray(doc.page(i).dict.get('Annots'))?.items.length ?? 0);
    doc.close();
    expect(annotsPerPage).toEqual([1, 1, 1, 3]);
    const mutoolPng = execFileSync('mutool', ['info', '-I', at('image.pdf')], { encoding: 'utf8' });
    expect(mutoolPng).toMatch(/Images \(\d+\)/);
  });

  it('stamps a JPEG as is (DCTDecode) and refuses an image that is neither PNG nor JPEG', async () => {
    const input = writePlainPdf(at('plain-jpeg.pdf'));
    execFileSync('pdftoppm', ['-jpeg', '-r', '20', '-singlefile', path.join(__dirname, '../../resources/demo/ejemplo.pdf'), at('foto')]);
    const jpeg = fs.readFileSync(at('foto.jpg'));
    const res = await sign(input, at('jpeg.pdf'), { role: 'firma', stamp: { image: jpeg } });
    judge(at('jpeg.pdf'), pki.nssDir, 1);
    const list = execFileSync('pdfimages', ['-list', at('jpeg.pdf')], { encoding: 'utf8' });
    expect(list).toMatch(/\s166\s+234\s+rgb\s+3\s+8\s+jpeg/);
    // The JPEG bytes are embedded unchanged, so the revision grows by about the JPEG's size.
    expect(res.bytesAdded - res.signatureBytes * 2).toBeLessThan(jpeg.length + 30 * 1024);
    await expectCode(sign(input, at('gif.pdf'), { stamp: { image: Buffer.from('GIF89a........') } }), 'SIGN_BAD_IMAGE');
  });

  it('refuses encrypted PDFs and non-PDF input with clear errors, leaving no output', async () => {
    const input = writePlainPdf(at('plain-for-enc.pdf'));
    execFileSync('qpdf', ['--encrypt', 'u', 'o', '256', '--', input, at('enc.pdf')]);
    await expectCode(sign(at('enc.pdf'), at('enc-out.pdf')), 'PDF_ENCRYPTED');
    fs.writeFileSync(at('not.pdf'), 'hola, esto no es un PDF');
    await expectCode(sign(at('not.pdf'), at('not-out.pdf')), 'PDF_INVALID');
    await expectCode(sign(input, at('plain-for-enc.pdf')), 'SIGN_OUTPUT_SAME_AS_INPUT');
    await expectCode(sign(input, at('p9.pdf'), { stamp: { page: 9 } }), 'SIGN_PAGE_OUT_OF_RANGE');
    await expectCode(sign(input, at('no-such-dir/out.pdf')), 'SIGN_OUTPUT_UNWRITABLE');
    expect(fs.readdirSync(tmp.dir).filter((f) => /enc-out|not-out|p9|\.part$/.test(f))).toEqual([]);
  });

  // LibreOffice is not installed on the build machines: varied writers' output is produced with qpdf and mutool.
  it('signs inputs shaped by other writers: linearized, linearized with object streams, QDF, mutool clean/create', async () => {
    const plain = writePlainPdf(at('plain-writers.pdf'), { pages: 3 });
    const variants: Array<[string, string[]]> = [
      ['lin.pdf', ['qpdf', '--linearize', plain]],
      ['linxs.pdf', ['qpdf', '--linearize', '--object-streams=generate', plain]],
      ['qdf.pdf', ['qpdf', '--qdf', plain]],
      ['clean.pdf', ['mutool', 'clean', '-gggg', '-z', plain]],
    ];
    for (const [name, [cmd = '', ...args]] of variants) execFileSync(cmd, [...args, at(name)]);
    fs.writeFileSync(
      at('page.txt'),
      '%%MediaBox 0 0 612 792\nBT /Helv 12 Tf 72 700 Td (Hecho con mutool create) Tj ET\n%%Font Helv Helvetica\n',
    );
    execFileSync('mutool', ['create', '-o', at('created.pdf'), at('page.txt')]);
    for (const name of [...variants.map((v) => v[0]), 'created.pdf']) {
      await sign(at(name), at(`${name}-v.pdf`));
      await sign(at(`${name}-v.pdf`), at(`${name}-f.pdf`), { role: 'firma', signer: pdfTestSigner('ec') });
      expectAppendedOnly(at(name), at(`${name}-v.pdf`));
      judge(at(`${name}-f.pdf`), pki.nssDir, 2);
    }
  });

  it('keeps stamps upright on rotated pages (mutool reads their text left to right)', async () => {
    const input = writePlainPdf(at('plain-rot.pdf'), { pages: 3 });
    execFileSync('qpdf', ['--rotate=+90:1', '--rotate=+180:2', '--rotate=+270:3', input, at('rot.pdf')]);
    await sign(at('rot.pdf'), at('rot-1.pdf'), { stamp: { page: 1, everyPage: true } });
    await sign(at('rot-1.pdf'), at('rot-2.pdf'), { role: 'firma', stamp: { page: 2 } });
    await sign(at('rot-2.pdf'), at('rot-3.pdf'), { role: 'firma', stamp: { page: 3, rect: [300, 40, 200, 60] } });
    judge(at('rot-3.pdf'), pki.nssDir, 3);
    for (const page of ['1', '2', '3']) {
      const stext = execFileSync('mutool', ['draw', '-F', 'stext', '-o', '-', at('rot-3.pdf'), page], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const lines = stext
        .split('<line')
        .slice(1)
        .map((l) => ({ dir: /dir="([^"]*)"/.exec(l)?.[1], text: [...l.matchAll(/ c="([^"]*)"/g)].map((m) => m[1]).join('') }));
      const stampLines = lines.filter((l) => l.text.includes('JUAN') || l.text.includes('V°B°'));
      expect(stampLines.length).toBeGreaterThan(0);
      expect(stampLines.every((l) => l.dir === '1 0')).toBe(true);
    }
  });

  it('signs files with a damaged cross-reference (wrong startxref), appending a complete xref', async () => {
    const plain = writePlainPdf(at('plain-dmg.pdf'), { pages: 2 });
    const xs = withXrefStreams(plain, at('xs-for-dmg.pdf'));
    for (const [name, src] of [
      ['dmg-table.pdf', plain],
      ['dmg-stream.pdf', xs],
    ] as const) {
      fs.writeFileSync(at(name), fs.readFileSync(src, 'latin1').replace(/startxref\s+\d+/g, 'startxref\n123'), 'latin1');
      const doc = openPdf(at(name));
      expect(doc.reconstructed).toBe(true);
      doc.close();
      await sign(at(name), at(`${name}-v.pdf`));
      await sign(at(`${name}-v.pdf`), at(`${name}-f.pdf`), { role: 'firma', signer: pdfTestSigner('ec') });
      expectAppendedOnly(at(name), at(`${name}-v.pdf`));
      judge(at(`${name}-f.pdf`), pki.nssDir, 2);
    }
  });

  it('signs with a legacy 3DES PKCS#12 and SHA-384 RSA-PSS', async () => {
    expect(P12_PASSWORD).toBeTruthy();
    const input = writePlainPdf(at('plain-legacy.pdf'));
    await sign(input, at('legacy.pdf'), { signer: pdfTestSigner('pss', true), pss: true, digest: 'sha384', role: 'firma' });
    judge(at('legacy.pdf'), pki.nssDir, 1, 1);
  });
});
