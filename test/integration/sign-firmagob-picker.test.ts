/**
 * FirmaGob as a choice of the certificate picker, through the contract the UI uses (keys.list → sign.start),
 * with the built-in sandbox profile: the FirmaGob simulator starts in-process (no `casilla sandbox --firmagob`),
 * the unattended choice signs without a secret, pdfsig calls the signature valid and our verifier chains it to the
 * simulator's State CA; the attended purpose asks for the OTP, refuses without it (nothing written), and signs
 * with the OTP the simulator issues (`sign.firmagob.simulatorOtp`). A real FirmaGob configuration is not
 * replaced by the simulator, and the simulator's OTP is refused there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateChoice, KeysOutputs } from '../../src-main/api/keys';
import type { SignOutputs } from '../../src-main/api/sign';
import type { CoreContext } from '../../src-main/core/context';
import { verifyFiles } from '../../src-main/core/verify/verify-service';
import { createHandlers, dispatch } from '../../src-main/services';
import { embeddedFirmaGob } from '../../src-main/services/firmagob';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfsig } from '../helpers/pdf-judges';
import { testPki } from '../helpers/pki';
import { tempCore, tempDir } from '../helpers/temp-home';

const nss = testPki().nssDir;
const files = tempDir('casilla-fg-picker-');
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

async function firmaGobChoice(): Promise<CertificateChoice | undefined> {
  const r = await dispatch(table, core, 'keys.list', { pkcs11Modules: [], online: false });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as KeysOutputs['keys.list']).certificates.find((c) => c.source === 'firmagob');
}

function startFrom(choice: CertificateChoice, file: string, output: string, password?: string) {
  return dispatch(table, core, 'sign.start', {
    files: [file],
    output,
    certificate: { ...choice.ref, ...(password !== undefined ? { password } : {}) },
    options: { role: 'firma', reason: 'Resolución exenta', stamp: { invisible: false, page: 'last', everyPage: false } },
  });
}

describe('FirmaGob in the certificate picker, with the built-in sandbox profile', () => {
  it('offers the simulator official, unattended: signs with no secret; pdfsig valid, our verifier chains to the State CA', async () => {
    const choice = await firmaGobChoice();
    expect(choice).toMatchObject({
      source: 'firmagob',
      secretKind: 'none',
      blockers: [],
      location: { simulator: true },
      info: { name: 'USUARIO DE PRUEBA FIRMAGOB', nationalId: { kind: 'RUN', number: '22222222' } },
    });
    const input = writePlainPdf(at('oficio.pdf'));
    const out = at('oficio-firmado.pdf');
    const r = await startFrom(choice as CertificateChoice, input, out);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, value: { signed: 1, failed: 0 } });
    const ps = pdfsig(out, nss);
    expect(ps.valid, ps.output).toBe(1);
    expect(ps.output).toContain('USUARIO DE PRUEBA FIRMAGOB RUN 22222222');
    const sim = await embeddedFirmaGob(core);
    const [outcome] = await verifyFiles(core, { files: [out], trust: [sim.rootPemFile], offline: true });
    const sig = outcome?.report?.signatures[0];
    expect(sig, JSON.stringify(outcome)).toMatchObject({ intact: true, trusted: true });
    // The simulator shares `<home>/sandbox` with `casilla sandbox --firmagob`: its State CA is kept there.
    expect(sim.rootPemFile.startsWith(path.join(core.home, 'sandbox'))).toBe(true);
  });

  it('attended: asks for the OTP, refuses without it writing nothing, signs with the OTP the simulator issues', async () => {
    const saved = await dispatch(table, core, 'sign.firmagob.save', {
      baseUrl: 'sandbox:embedded',
      entity: 'Simulador',
      apiKey: 'sandbox',
      run: '11111111',
      purpose: 'Propósito General',
    });
    expect(saved).toMatchObject({ ok: true });
    const choice = (await firmaGobChoice()) as CertificateChoice;
    expect(choice).toMatchObject({ secretKind: 'otp', info: { name: 'FUNCIONARIA DE PRUEBA' }, location: { simulator: true } });
    const input = writePlainPdf(at('atendido.pdf'));
    const out = at('atendido-firmado.pdf');
    const refused = await startFrom(choice, input, out);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FIRMAGOB_OTP_REQUIRED' } });
    expect(!refused.ok && refused.error.message).toMatch(/clave de un solo uso \(OTP\).*No se firmó nada/);
    const wrong = await startFrom(choice, input, out, '000000');
    expect(JSON.stringify(wrong)).toMatch(/OTP/);
    expect(wrong.ok && (wrong.value as SignOutputs['sign.start']).signed).not.toBe(1);
    expect(fs.readdirSync(files.dir).filter((f) => f.startsWith('atendido-firmado'))).toEqual([]);
    const otp = await dispatch(table, core, 'sign.firmagob.simulatorOtp', {});
    expect(otp).toMatchObject({ ok: true, value: { run: '11111111' } });
    const signed = await startFrom(choice, input, out, otp.ok ? (otp.value as SignOutputs['sign.firmagob.simulatorOtp']).otp : '');
    expect(signed, JSON.stringify(signed)).toMatchObject({ ok: true, value: { signed: 1 } });
    expect(pdfsig(out, nss).output).toContain('FUNCIONARIA DE PRUEBA RUN 11111111');
  });

  it('a real FirmaGob configuration is offered as itself, blocked until its secret is saved; no simulator OTP there', async () => {
    await dispatch(table, core, 'sign.firmagob.save', {
      baseUrl: 'https://api.firma.cert.digital.gob.cl',
      entity: 'Municipalidad de Prueba',
      apiKey: 'clave-api-sin-secreto',
      run: '12345678',
      purpose: 'Desatendido',
    });
    const choice = await firmaGobChoice();
    expect(choice).toMatchObject({ label: 'Municipalidad de Prueba', location: { simulator: false } });
    expect(choice?.blockers.map((b) => b.code)).toEqual(['FIRMAGOB_NOT_CONFIGURED']);
    const otp = await dispatch(table, core, 'sign.firmagob.simulatorOtp', {});
    expect(otp).toMatchObject({ ok: false, error: { code: 'FIRMAGOB_NOT_SIMULATOR' } });
    const r = await startFrom(choice as CertificateChoice, writePlainPdf(at('real.pdf')), at('real-firmado.pdf'));
    expect(r).toMatchObject({ ok: false, error: { code: 'FIRMAGOB_NOT_CONFIGURED' } });
    expect(fs.existsSync(at('real-firmado.pdf'))).toBe(false);
  });
});
