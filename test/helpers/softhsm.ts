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

/** Imports a PKCS#8 key and its certificate (PEM files) under one CKA_ID; `keyPem` null imports a certificate only. */
export function addToToken(token: TestToken, item: { keyPem: string | null; certPem: string; id: string; label: string }): void {
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env: token.env, stdio: 'pipe' });
  if (item.keyPem)
    run('softhsm2-util', ['--import', item.keyPem, '--token', token.label, '--label', item.label, '--id', item.id, '--pin', TOKEN_PIN]);
  const der = path.join(token.dir, `${item.label}-${item.id}.der`);
  derOf(item.certPem, der);
  run('pkcs11-tool', [
    '--module',
    SOFTHSM_MODULE,
    '--token-label',
    token.label,
    '--login',
    '--pin',
    TOKEN_PIN,
    '--write-object',
    der,
    '--type',
    'cert',
    '--id',
    item.id,
    '--label',
    item.label,
  ]);
}

/** An empty initialized token in its own SoftHSM2 folder. */
export function makeEmptyToken(label = 'casilla-prueba'): TestToken {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-softhsm-'));
  const tokens = path.join(dir, 'tokens');
  fs.mkdirSync(tokens);
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  process.env.SOFTHSM2_CONF = conf;
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', TOKEN_PIN, '--so-pin', TOKEN_SO_PIN], {
    env,
    stdio: 'pipe',
  });
  return { dir, conf, label, env, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function makeTestToken(pki: TestPki, keys: { name: SignerName; id: string }[], label = 'casilla-prueba'): TestToken {
  const token = makeEmptyToken(label);
  for (const k of keys) addToToken(token, { keyPem: pki.keyPem[k.name], certPem: pki.certPem[k.name], id: k.id, label: k.name });
  addToToken(token, { keyPem: null, certPem: pki.intermediatePem, id: 'ca01', label: 'intermedia' });
  return token;
}
