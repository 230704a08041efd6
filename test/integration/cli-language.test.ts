import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en.json';
import { bundleCli } from '../helpers/cli-bundle';
import { tempDir } from '../helpers/temp-home';

const root = path.resolve(__dirname, '../..');
// Bundled next to node_modules so the native externals resolve; rebuilt from the current sources.
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-cli-language-${process.pid}`, 'cli.cjs');
const tmp = tempDir('casilla-cli-language-');
const pdf = path.join(root, 'resources', 'demo', 'ejemplo.pdf');
const p12 = path.join(root, 'resources', 'demo', 'demo-firmante.p12');
const output = path.join(tmp.dir, 'firmado.pdf');

beforeAll(async () => {
  await bundleCli(cliBundle);
});
afterAll(() => {
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

/** `casilla sign` of the demo PDF with the demo PKCS#12, its password read from `passwordEnv`. */
function sign(lang: string, passwordEnv: string, json = false) {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '', CASILLA_WRONG_PW: 'no-es-esta' };
  delete env['CASILLA_NOT_SET'];
  const args = ['--home', path.join(tmp.dir, 'home'), ...(json ? ['--json'] : []), 'sign', pdf, '-o', output, '--p12', p12];
  const r = spawnSync(process.execPath, [cliBundle, ...args, '--password-env', passwordEnv], { encoding: 'utf8', env });
  expect(fs.existsSync(output), 'nothing is written').toBe(false);
  return r;
}

function jsonError(stdout: string) {
  return JSON.parse(stdout) as { ok: boolean; error: { code: string; message: string }; exitCode: number };
}

describe('the CLI words errors in its language', () => {
  it('in English (LANG=en_US): a missing environment variable and a wrong PKCS#12 password, codes and exit codes kept', () => {
    const missing = sign('en_US.UTF-8', 'CASILLA_NOT_SET');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('The environment variable CASILLA_NOT_SET is not set.');
    const missingJson = sign('en_US.UTF-8', 'CASILLA_NOT_SET', true);
    expect(missingJson.status).toBe(2);
    expect(missingJson.stderr).toBe('');
    expect(jsonError(missingJson.stdout)).toEqual({
      ok: false,
      error: { code: 'BAD_USAGE', message: 'The environment variable CASILLA_NOT_SET is not set.' },
      exitCode: 2,
    });

    const wrong = sign('en_US.UTF-8', 'CASILLA_WRONG_PW');
    expect(wrong.status).toBe(1);
    expect(en.errors.CERT_BAD_PASSWORD).toBe('The certificate password is wrong.');
    expect(wrong.stderr.trim()).toBe('The certificate password is wrong. [CERT_BAD_PASSWORD]');
    const wrongJson = sign('en_US.UTF-8', 'CASILLA_WRONG_PW', true);
    expect(wrongJson.status).toBe(1);
    expect(jsonError(wrongJson.stdout)).toEqual({
      ok: false,
      error: { code: 'CERT_BAD_PASSWORD', message: 'The certificate password is wrong.' },
      exitCode: 1,
    });
  });

  it("in Spanish (LANG=es_PE): the core's and the CLI's own Spanish messages, same codes and exit codes", () => {
    const missing = sign('es_PE.UTF-8', 'CASILLA_NOT_SET');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('La variable de entorno CASILLA_NOT_SET no está definida.');
    const wrong = sign('es_PE.UTF-8', 'CASILLA_WRONG_PW');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim()).toBe('La contraseña del certificado no es correcta. [CERT_BAD_PASSWORD]');
    const wrongJson = sign('es_PE.UTF-8', 'CASILLA_WRONG_PW', true);
    expect(jsonError(wrongJson.stdout).error).toEqual({
      code: 'CERT_BAD_PASSWORD',
      message: 'La contraseña del certificado no es correcta.',
    });
  });

  it('verify: a file that could not be read is said in English by its code, in Spanish by the core; exit 2 both', () => {
    const notPdf = path.join(tmp.dir, 'notas.pdf');
    fs.writeFileSync(notPdf, 'esto no es un PDF\n');
    const verify = (lang: string) =>
      spawnSync(process.execPath, [cliBundle, '--home', path.join(tmp.dir, 'home'), 'verify', notPdf], {
        encoding: 'utf8',
        env: { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '' },
      });
    const inEnglish = verify('en_US.UTF-8');
    expect(inEnglish.status).toBe(2);
    expect(inEnglish.stdout).toContain(`COULD NOT BE READ — ${en.errors.PDF_INVALID} [PDF_INVALID]`);
    expect(inEnglish.stdout).not.toContain('cabecera');
    const inSpanish = verify('es_PE.UTF-8');
    expect(inSpanish.status).toBe(2);
    expect(inSpanish.stdout).toContain('NO SE PUDO LEER — El PDF está dañado o no es un PDF (falta la cabecera %PDF). [PDF_INVALID]');
  });
});
