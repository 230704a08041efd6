/**
 * PKCS#11 end to end with a real SoftHSM2 token made here (RSA and EC keys of the test PKI, certificates
 * imported with pkcs11-tool): `casilla certs list` shows both, a visa (RSA-PSS on the token) and a firma (ECDSA on
 * the token) are judged valid and trusted by pdfsig, qpdf and mutool; a wrong PIN is refused with exit 1 and
 * writes nothing; the key source signs RSA PKCS#1 v1.5, RSA-PSS and ECDSA that node:crypto verifies.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nssSource } from '../../src-main/core/signing/keys/nss/nss-source';
import { Pkcs11Source, unloadPkcs11Modules } from '../../src-main/core/signing/keys/pkcs11/pkcs11-source';
import type { SignatureScheme } from '../../src-main/core/signing/signature-algorithms';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { testPki } from '../helpers/pki';
import { makeTestToken, SOFTHSM_MODULE, TOKEN_PIN, type TestToken } from '../helpers/softhsm';
import { tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-keys-cli-${process.pid}`, 'cli.cjs');
const pki = testPki();
const tmp = tempDir('casilla-keys-');
const at = (name: string) => path.join(tmp.dir, name);
let token: TestToken;

beforeAll(async () => {
  token = makeTestToken(pki, [
    { name: 'rsa', id: '01' },
    { name: 'ec', id: '02' },
  ]);
  await bundleCli(cliBundle);
}, 120_000);
afterAll(() => {
  unloadPkcs11Modules();
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  token.cleanup();
  tmp.cleanup();
});

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cliBundle, '--home', at('home'), ...args], {
    encoding: 'utf8',
    env: { ...token.env, TOKEN_PIN, ...env },
  });
}

describe('PKCS#11 tokens (SoftHSM2)', () => {
  it('certs list shows the RSA and the EC certificate of the token, both able to sign', () => {
    const r = cli(['--json', 'certs', 'list', '--pkcs11-module', SOFTHSM_MODULE, '--no-defaults', '--offline']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      certificates: {
        source: string;
        info: { name: string; keyAlgorithm: string };
        blockers: unknown[];
        location: { objectId: string; tokenLabel: string };
      }[];
    };
    const byId = new Map(out.certificates.map((c) => [c.location.objectId, c]));
    expect(byId.get('01')?.info).toMatchObject({ name: 'JUAN PÉREZ QUISPE', keyAlgorithm: 'RSA' });
    expect(byId.get('02')?.info).toMatchObject({ name: 'ROSA HUAMÁN', keyAlgorithm: 'EC' });
    expect(byId.get('01')?.blockers).toEqual([]);
    expect(byId.get('02')?.blockers).toEqual([]);
    expect(byId.get('01')?.location.tokenLabel).toBe(token.label);
    // The intermediate CA on the token is chain material, not a signing choice.
    expect(byId.has('ca01')).toBe(false);
    const human = cli(['certs', 'list', '--pkcs11-module', SOFTHSM_MODULE, '--no-defaults', '--offline']);
    expect(human.stdout).toContain('JUAN PÉREZ QUISPE');
    expect(human.stdout).toContain('ROSA HUAMÁN');
  });

  it('visa with the RSA key (RSA-PSS on the token), firma with the EC key: pdfsig says valid and trusted', () => {
    const input = writePlainPdf(at('oficio.pdf'), { pages: 2 });
    const visa = cli([
      'sign',
      input,
      '-o',
      at('visado.pdf'),
      '--visa',
      '--pss',
      '--pkcs11-module',
      SOFTHSM_MODULE,
      '--token-label',
      token.label,
      '--cert-id',
      '01',
      '--pin-env',
      'TOKEN_PIN',
    ]);
    expect(visa.status, visa.stderr).toBe(0);
    const firma = cli([
      'sign',
      at('visado.pdf'),
      '-o',
      at('firmado.pdf'),
      '--pkcs11-module',
      SOFTHSM_MODULE,
      '--cert-id',
      '02',
      '--pin-env',
      'TOKEN_PIN',
    ]);
    expect(firma.status, firma.stderr).toBe(0);
    const verdict = judge(at('firmado.pdf'), pki.nssDir, 2, 1);
    expect(verdict.output).toContain('JUAN PÉREZ QUISPE');
    expect(verdict.output).toContain('ROSA HUAMÁN');
    // Our own verifier agrees on every fact but revocation (offline: not known, hence INDETERMINADO, not NO VÁLIDO).
    const v = cli(['--json', 'verify', at('firmado.pdf'), '--trust', pki.rootPem, '--offline']);
    const report = JSON.parse(v.stdout) as { signatures?: { intact: boolean; trusted: boolean; reasons: { code: string }[] }[] };
    expect(report.signatures).toHaveLength(2);
    for (const sig of report.signatures ?? []) {
      expect(sig).toMatchObject({ intact: true, trusted: true });
      expect(sig.reasons.map((r) => r.code)).toEqual(['REVOCATION_UNKNOWN']);
    }
    const audit = cli(['--json', 'audit', 'list', '--action', 'sign']);
    expect(JSON.parse(audit.stdout)).toHaveLength(2);
  });

  it('a wrong PIN is refused with exit 1, a Spanish message, and nothing written', () => {
    const input = writePlainPdf(at('pin.pdf'));
    const r = cli(['sign', input, '-o', at('pin-firmado.pdf'), '--pkcs11-module', SOFTHSM_MODULE, '--cert-id', '01', '--pin-env', 'BAD'], {
      BAD: '000000',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/PIN incorrecto/);
    expect(r.stderr).toContain('KEY_PIN_INCORRECT');
    expect(fs.existsSync(at('pin-firmado.pdf'))).toBe(false);
    expect(fs.readdirSync(tmp.dir).filter((f) => f.includes('pin-firmado'))).toEqual([]);
  });

  it('several signing certificates and no --cert-id: a usage error naming them; an unknown token label: a clear error', () => {
    const input = writePlainPdf(at('ambiguo.pdf'));
    const r = cli(['sign', input, '-o', at('ambiguo-firmado.pdf'), '--pkcs11-module', SOFTHSM_MODULE, '--pin-env', 'TOKEN_PIN']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--cert-id: 0[12] .*0[12]/);
    const t = cli(['sign', input, '-o', at('x.pdf'), '--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'otro', '--pin-env', 'TOKEN_PIN']);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain('No se encontró un token con etiqueta «otro»');
    // In English, worded from the code, with the connected tokens (their labels and slots) as data.
    const en = cli(
      ['sign', input, '-o', at('x.pdf'), '--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'otro', '--pin-env', 'TOKEN_PIN'],
      {
        LANG: 'en_US.UTF-8',
        LC_ALL: '',
        LC_MESSAGES: '',
      },
    );
    expect(en.status).toBe(1);
    expect(en.stderr).toMatch(/The token given \(label or slot\) was not found\. Connected tokens: «[^»]+» \(\d+\)/);
    expect(en.stderr).toContain('KEY_TOKEN_NOT_FOUND');
    expect(en.stderr).not.toContain('No se encontró');
    const m = cli(['sign', input, '-o', at('x.pdf'), '--pkcs11-module', at('no-existe.so'), '--pin-env', 'TOKEN_PIN']);
    expect(m.status).toBe(2);
    expect(m.stderr).toContain('No se pudo cargar el módulo PKCS#11');
    expect(fs.existsSync(at('x.pdf'))).toBe(false);
  });

  it('the key source signs RSA PKCS#1 v1.5, RSA-PSS and ECDSA on the token, verifiable with the certificate', async () => {
    const source = new Pkcs11Source(SOFTHSM_MODULE);
    const listed = (await source.list()).filter((c) => c.hasKey);
    expect(listed).toHaveLength(2);
    const data = Buffer.from('atributos firmados de prueba');
    for (const c of listed) {
      const opened = await source.open(c.ref, TOKEN_PIN);
      const pub = new crypto.X509Certificate(opened.certificate).publicKey;
      const schemes: SignatureScheme[] = opened.key.keyType === 'ec' ? ['ecdsa'] : ['rsa-pkcs1', 'rsa-pss'];
      for (const scheme of schemes) {
        for (const digest of ['sha256', 'sha384'] as const) {
          const sig = await opened.key.sign(data, digest, scheme);
          const key =
            scheme === 'rsa-pss'
              ? { key: pub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: digest === 'sha256' ? 32 : 48 }
              : pub;
          expect(crypto.verify(digest, data, key, sig), `${scheme} ${digest}`).toBe(true);
        }
      }
      await opened.key.close();
      await opened.key.close(); // twice is harmless
      await expect(opened.key.sign(data, 'sha256', schemes[0] as SignatureScheme)).rejects.toThrow(/sesión con el token ya se cerró/);
    }
  });

  it('the NSS store (softoken over a cert9.db folder) lists its certificates and signs with the key it holds', async () => {
    const source = nssSource(pki.nssDir);
    expect(source).not.toBeNull();
    const listed = (await source?.list()) ?? [];
    expect(listed.find((c) => c.summary.name === 'Casilla Raiz de Prueba')?.hasKey).toBe(false);
    const mine = listed.find((c) => c.hasKey);
    expect(mine?.summary.name).toBe('JUAN PÉREZ QUISPE');
    expect(mine?.source).toBe('nss');
    const opened = await source?.open(mine?.ref ?? '', '');
    const data = Buffer.from('firma desde el almacén NSS');
    const sig = await opened?.key.sign(data, 'sha256', 'rsa-pkcs1');
    expect(
      crypto.verify('sha256', data, new crypto.X509Certificate(opened?.certificate ?? Buffer.alloc(0)).publicKey, sig ?? Buffer.alloc(0)),
    ).toBe(true);
    await opened?.key.close();
  });
});
