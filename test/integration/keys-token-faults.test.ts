/**
 * Token failures that SoftHSM2 cannot stage by itself, through a real PKCS#11 module compiled here
 * (test/fixtures-src/pkcs11-fault-shim.c) that forwards to a SoftHSM2 token made in the test and misbehaves on
 * purpose: a locked PIN (refused at login, or announced by the token's flags), a token pulled out while it signs
 * (CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT), and a token that does not answer within --token-timeout. Each is
 * driven through the real CLI, gives its Spanish message and code, exits 1 and writes nothing; the same shim with
 * no fault signs normally (so the failures are the faults', not the shim's).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFaultShim, type ShimFault } from '../helpers/pkcs11-fault-shim';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { testPki } from '../helpers/pki';
import { makeTestToken, TOKEN_PIN, type TestToken } from '../helpers/softhsm';
import { tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-token-faults-cli-${process.pid}`, 'cli.cjs');
const pki = testPki();
const tmp = tempDir('casilla-token-faults-');
const at = (name: string) => path.join(tmp.dir, name);
let token: TestToken;
let shim: ReturnType<typeof buildFaultShim>;

beforeAll(async () => {
  token = makeTestToken(pki, [{ name: 'rsa', id: '01' }]);
  shim = buildFaultShim();
  await bundleCli(cliBundle);
}, 120_000);
afterAll(() => {
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  shim.cleanup();
  token.cleanup();
  tmp.cleanup();
});

function signThroughShim(name: string, fault: ShimFault | 'none', extra: string[] = [], sleepMs?: number) {
  const input = writePlainPdf(at(`${name}.pdf`));
  const output = at(`${name}-firmado.pdf`);
  const r = spawnSync(
    process.execPath,
    [
      cliBundle,
      '--home',
      at('home'),
      'sign',
      input,
      '-o',
      output,
      '--pkcs11-module',
      shim.module,
      '--cert-id',
      '01',
      '--pin-env',
      'TOKEN_PIN',
      ...extra,
    ],
    {
      encoding: 'utf8',
      env: { ...token.env, TOKEN_PIN, ...(fault === 'none' ? {} : shim.env(fault, sleepMs)) },
    },
  );
  const leftovers = fs.readdirSync(tmp.dir).filter((f) => f.startsWith(`${name}-firmado`));
  return { ...r, output, leftovers };
}

describe('token failures through a faulty PKCS#11 module over SoftHSM2', () => {
  it('without a fault the shim is a working token: the signature is written', () => {
    const r = signThroughShim('sano', 'none');
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(r.output).includes(Buffer.from('/ByteRange'))).toBe(true);
  });

  it('a PIN locked at login: KEY_PIN_LOCKED in Spanish, exit 1, nothing written', () => {
    const r = signThroughShim('bloqueado', 'pin-locked');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('está bloqueado por demasiados intentos');
    expect(r.stderr).toContain('PUK');
    expect(r.stderr).toContain('[KEY_PIN_LOCKED]');
    expect(r.leftovers).toEqual([]);
  });

  it('a token that reports its PIN locked is not even asked to log in: KEY_PIN_LOCKED, nothing written', () => {
    const r = signThroughShim('bloqueado-flag', 'pin-locked-flag');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`El PIN del token «${token.label}» está bloqueado`);
    expect(r.stderr).toContain('[KEY_PIN_LOCKED]');
    expect(r.leftovers).toEqual([]);
  });

  it.each([
    ['removed', 'retirado'],
    ['not-present', 'ausente'],
  ] as const)('a token pulled out while signing (%s): KEY_TOKEN_REMOVED, exit 1, nothing written', (fault, name) => {
    const r = signThroughShim(name, fault);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Se retiró el token o la tarjeta «${token.label}»`);
    expect(r.stderr).toContain('Vuelva a insertarlo');
    expect(r.stderr).toContain('[KEY_TOKEN_REMOVED]');
    expect(r.leftovers).toEqual([]);
  });

  it('a token slower than --token-timeout: KEY_TOKEN_TIMEOUT naming the wait, exit 1, nothing written', () => {
    const r = signThroughShim('lento', 'slow-sign', ['--token-timeout', '1'], 4000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`El token «${token.label}» no respondió en 1 s`);
    expect(r.stderr).toContain('[KEY_TOKEN_TIMEOUT]');
    expect(r.leftovers).toEqual([]);
  });

  it('--token-timeout outside 0–600 s is a usage error', () => {
    const r = signThroughShim('plazo', 'none', ['--token-timeout', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--token-timeout espera segundos');
  });
});
