import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src-main/api/contract';
import type { SignOutputs } from '../../src-main/api/sign';
import type { CoreContext } from '../../src-main/core/context';
import { createHandlers, dispatch } from '../../src-main/services';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { withEmptySignatureField, writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { judge } from '../helpers/pdf-judges';
import { P12_PASSWORD, testPki } from '../helpers/pki';
import { tempCore, tempDir } from '../helpers/temp-home';

const pki = testPki();
const files = tempDir('casilla-sign-svc-');
const at = (n: string) => path.join(files.dir, n);
let core: CoreContext;
let cleanup: () => Promise<void>;
const table = createHandlers();

beforeAll(() => {
  ({ core, cleanup } = tempCore());
});
afterAll(async () => {
  await cleanup();
  files.cleanup();
});

describe('sign.* through the contract (the path the UI takes)', () => {
  it('inspects a certificate: holder, id, issuer, and why it cannot sign', async () => {
    const ok = await dispatch(table, core, 'sign.inspectCertificate', { p12Path: pki.p12.rsa, password: P12_PASSWORD });
    expect(ok).toMatchObject({
      ok: true,
      value: {
        name: 'JUAN PÉREZ QUISPE',
        nationalId: { kind: 'DNI', number: '45678912' },
        issuer: 'Casilla Intermedia de Prueba',
        problem: null,
      },
    });
    const expired = await dispatch(table, core, 'sign.inspectCertificate', { p12Path: pki.p12.expired, password: P12_PASSWORD });
    expect(expired).toMatchObject({ ok: true, value: { problem: { code: 'CERT_EXPIRED' } } });
    const wrong = await dispatch(table, core, 'sign.inspectCertificate', { p12Path: pki.p12.ec, password: 'no' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'CERT_BAD_PASSWORD' } });
  });

  it('signs a batch with progress; one bad file does not stop the rest; a cancelled batch resumes', async () => {
    const inputs = ['uno', 'dos', 'tres'].map((n) => writePlainPdf(at(`${n}.pdf`), { title: n }));
    fs.writeFileSync(at('malo.pdf'), 'no es un pdf');
    const batch = [inputs[0], at('malo.pdf'), inputs[1], inputs[2]];
    fs.mkdirSync(at('salida'));
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const input = {
      files: batch,
      outDir: at('salida'),
      certificate: { p12Path: pki.p12.ec, password: P12_PASSWORD },
      options: { role: 'visto-bueno', reason: 'Revisado' },
      batchId: 'lote-1',
    };
    // Cancel as soon as the third file starts: the first two are done (one signed, one failed).
    const first = await dispatch(table, core, 'sign.start', input, {
      opId: 'op1',
      signal: controller.signal,
      onProgress: (e) => {
        events.push(e);
        if (e.values?.index === 3) controller.abort();
      },
    });
    expect(first.ok).toBe(true);
    const v1 = (first as { ok: true; value: SignOutputs['sign.start'] }).value;
    expect(v1.cancelled).toBe(true);
    expect(v1.results.map((r) => r.ok)).toEqual([true, false]);
    expect(events.every((e) => e.opId === 'op1' && e.method === 'sign.start' && e.stage === 'sign.file')).toBe(true);
    expect(events.some((e) => e.fraction === 0.25)).toBe(true);
    expect(fs.readdirSync(at('salida')).sort()).toEqual(['uno-firmado.pdf']);

    const signedBefore = fs.readFileSync(at('salida/uno-firmado.pdf'));
    const second = await dispatch(table, core, 'sign.start', input);
    const v2 = (second as { ok: true; value: SignOutputs['sign.start'] }).value;
    expect(v2.cancelled).toBe(false);
    expect(v2.results.map((r) => (r.ok ? (r.resumed ? 'resumed' : 'signed') : r.error.code))).toEqual([
      'resumed',
      'PDF_INVALID',
      'signed',
      'signed',
    ]);
    expect(fs.readFileSync(at('salida/uno-firmado.pdf')).equals(signedBefore)).toBe(true);
    for (const n of ['uno', 'dos', 'tres']) judge(at(`salida/${n}-firmado.pdf`), pki.nssDir, 1);
    // One audit entry per signature, never the password.
    const audit = core.audit.list({ limit: 50, action: 'sign' });
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(core.audit.list({ limit: 100 }))).not.toContain(P12_PASSWORD);
  });

  it('remembers a certificate with its password in the OS keychain and signs without asking again', async () => {
    const added = await dispatch(table, core, 'sign.certificates.add', {
      p12Path: pki.p12.rsa,
      password: P12_PASSWORD,
      rememberPassword: true,
      label: 'Mi DNIe',
    });
    expect(added).toMatchObject({ ok: true, value: { label: 'Mi DNIe', rememberPassword: true, info: { name: 'JUAN PÉREZ QUISPE' } } });
    const id = (added as { ok: true; value: { id: string } }).value.id;
    const list = await dispatch(table, core, 'sign.certificates.list', {});
    expect(list).toMatchObject({ ok: true, value: [{ id, label: 'Mi DNIe' }] });
    // The database holds no password; the keychain does.
    expect(JSON.stringify(core.settings.get('sign.certificates'))).not.toContain(P12_PASSWORD);
    const input = writePlainPdf(at('recordado.pdf'));
    const signed = await dispatch(table, core, 'sign.start', {
      files: [input],
      output: at('recordado-ok.pdf'),
      certificate: { certificateId: id },
    });
    expect(signed).toMatchObject({ ok: true, value: { signed: 1, failed: 0 } });
    judge(at('recordado-ok.pdf'), pki.nssDir, 1);
    expect(await dispatch(table, core, 'sign.certificates.remove', { id })).toMatchObject({ ok: true });
    const after = await dispatch(table, core, 'sign.start', {
      files: [input],
      output: at('recordado-2.pdf'),
      certificate: { certificateId: id },
    });
    expect(after).toMatchObject({ ok: false, error: { code: 'SIGN_CERT_NOT_FOUND' } });
  });

  it('describes a PDF for the Firmar screen: pages, displayed size, fields, certification', async () => {
    const input = writePlainPdf(at('info.pdf'), { pages: 3 });
    const rotated = at('info-rot.pdf');
    execFileSync('qpdf', ['--rotate=+90:3', input, rotated]);
    const withField = withEmptySignatureField(rotated, at('info-field.pdf'), 'Jefe');
    const signed = at('info-signed.pdf');
    await signPdf({ input: withField, output: signed, signer: pdfTestSigner('ec'), role: 'visto-bueno', certify: 2 });
    const r = await dispatch(table, core, 'sign.inspectPdf', { path: signed, page: 'last' });
    expect(r).toEqual({
      ok: true,
      value: {
        pages: 3,
        page: { number: 3, width: 842, height: 595, rotate: 90 },
        encrypted: false,
        certificationLevel: 2,
        signatureFields: [
          { name: 'Jefe', signed: false, page: 1 },
          { name: 'VoBo1', signed: true, page: 3 },
        ],
        // Existing signature widgets as displayed (x, y, width, height): the empty field's /Rect [300 100 520 170]
        // on the upright page 1, and the visa's stamp on page 3, turned with the page's /Rotate 90.
        signatureWidgets: [
          { field: 'Jefe', page: 1, rect: [300, 100, 220, 70], signed: false, pageWidth: 595 },
          { field: 'VoBo1', page: 3, rect: [36, 104, 170, 60], signed: true, pageWidth: 842 },
        ],
      },
    });
    const bad = await dispatch(table, core, 'sign.inspectPdf', { path: at('no-existe.pdf') });
    expect(bad).toMatchObject({ ok: false, error: { code: 'SIGN_FILE_UNREADABLE' } });
  });

  it('rejects bad input at the contract with BAD_INPUT', async () => {
    const r = await dispatch(table, core, 'sign.start', { files: [], certificate: { p12Path: 'x.p12' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const two = await dispatch(table, core, 'sign.start', {
      files: ['a.pdf', 'b.pdf'],
      output: 'o.pdf',
      certificate: { p12Path: 'x.p12', password: 'x' },
    });
    expect(two).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
