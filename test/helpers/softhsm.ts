/**
 * A SoftHSM2 token made for one test: its own config and token folder (SOFTHSM2_CONF is set for this process
 * and passed to child processes by the caller), the test PKI's RSA and EC keys imported with their
 * certificates (CKA_ID 01 and 02) and the intermediate CA certificate, with `softhsm2-util` and `pkcs11-tool`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SignerName, TestPki } from './pki';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const TOKEN_PIN = '123456';
export const TOKEN_SO_PIN = '12345678';

export type TestToken = { dir: string; conf: string; label: string; env: NodeJS.ProcessEnv; cleanup: () => void };

function derOf(pem: string, out: string): void {
  execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER', '-out', out], { stdio: 'pipe' });
}

export function makeTestToken(pki: TestPki, keys: { name: SignerName; id: string }[], label = 'casilla-prueba'): TestToken {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-softhsm-'));
  const tokens = path.join(dir, 'tokens');
  fs.mkdirSync(tokens);
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  process.env.SOFTHSM2_CONF = conf;
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, stdio: 'pipe' });
  run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', TOKEN_PIN, '--so-pin', TOKEN_SO_PIN]);
  for (const k of keys) {
    run('softhsm2-util', ['--import', pki.keyPem[k.name], '--token', label, '--label', k.name, '--id', k.id, '--pin', TOKEN_PIN]);
    const der = path.join(dir, `${k.name}.der`);
    derOf(pki.certPem[k.name], der);
    run('pkcs11-tool', [
      '--module',
      SOFTHSM_MODULE,
      '--token-label',
      label,
      '--login',
      '--pin',
      TOKEN_PIN,
      '--write-object',
      der,
      '--type',
      'cert',
      '--id',
      k.id,
      '--label',
      k.name,
    ]);
  }
  const inter = path.join(dir, 'inter.der');
  derOf(pki.intermediatePem, inter);
  run('pkcs11-tool', [
    '--module',
    SOFTHSM_MODULE,
    '--token-label',
    label,
    '--login',
    '--pin',
    TOKEN_PIN,
    '--write-object',
    inter,
    '--type',
    'cert',
    '--id',
    'ca01',
    '--label',
    'intermedia',
  ]);
  return { dir, conf, label, env, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
