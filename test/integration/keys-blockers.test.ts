/**
 * Certificates that must not sign, on a real SoftHSM2 token: one without nonRepudiation (an authentication
 * certificate, digitalSignature only), an expired one, and one revoked per a local OCSP responder (`openssl ocsp`).
 * `casilla certs list` shows each with its reason, and `casilla sign` refuses each (exit 1, nothing written) even
 * when named explicitly with --cert-id; a good certificate on the same token still signs.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { freePort, startOcspResponder } from '../helpers/ocsp-responder';
import { testPki } from '../helpers/pki';
import { addToToken, makeEmptyToken, SOFTHSM_MODULE, TOKEN_PIN, type TestToken } from '../helpers/softhsm';
import { tempDir } from '../helpers/temp-home';
import { makePki, type Pki } from '../helpers/verify-pki';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'test-results', `casilla-keys-blockers-${process.pid}`, 'cli.cjs');
const tmp = tempDir('casilla-blockers-');
const at = (name: string) => path.join(tmp.dir, name);
let token: TestToken;
let pki: Pki;
let ocsp: { url: string; stop: () => Promise<void> };

beforeAll(async () => {
  const port = await freePort();
  pki = makePki(at('pki'), { ocspUrl: `http://127.0.0.1:${port}/` });
  ocsp = await startOcspResponder(pki, port);
  // An authentication certificate: digitalSignature without nonRepudiation, like the DNIe's second certificate.
  const dir = pki.dir;
  fs.writeFileSync(path.join(dir, 'auth.ext'), 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n');
  execFileSync(
    'openssl',
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'auth.key', '-out', 'auth.csr', '-subj', '/CN=Ana Solo Autenticacion'],
    { cwd: dir, stdio: 'pipe' },
  );
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      'auth.csr',
      '-CA',
      'inter.pem',
      '-CAkey',
      'inter.key',
      '-set_serial',
      '9001',
      '-days',
      '3650',
      '-extfile',
      'auth.ext',
      '-out',
      'auth.pem',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  const old = testPki();
  token = makeEmptyToken('casilla-motivos');
  addToToken(token, { keyPem: path.join(dir, 'auth.key'), certPem: path.join(dir, 'auth.pem'), id: '11', label: 'autenticacion' });
  addToToken(token, { keyPem: old.keyPem.expired, certPem: old.certPem.expired, id: '12', label: 'vencido' });
  addToToken(token, { keyPem: pki.leaf('revoked').key, certPem: pki.leaf('revoked').cert, id: '13', label: 'revocado' });
  addToToken(token, { keyPem: pki.leaf('signer').key, certPem: pki.leaf('signer').cert, id: '14', label: 'vigente' });
  addToToken(token, { keyPem: null, certPem: pki.interPem, id: 'ca', label: 'intermedia' });
  await bundleCli(cliBundle);
}, 180_000);
afterAll(async () => {
  await ocsp.stop();
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  token.cleanup();
  tmp.cleanup();
});

/** Asynchronous: nothing in this process must block while the CLI talks to the OCSP responder. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBundle, '--home', at('home'), ...args], { env: { ...token.env, TOKEN_PIN }, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Listed = {
  certificates: {
    info: { name: string };
    location: { objectId: string };
    blockers: { code: string; message: string }[];
    warnings: { code: string }[];
  }[];
};

describe('certificates that cannot sign', () => {
  it('certs list names the reason of each: no nonRepudiation, expired, revoked (OCSP); the good one has none', async () => {
    const r = await cli(['--json', 'certs', 'list', '--pkcs11-module', SOFTHSM_MODULE, '--no-defaults']);
    expect(r.status, r.stderr).toBe(0);
    const byId = new Map((JSON.parse(r.stdout) as Listed).certificates.map((c) => [c.location.objectId, c]));
    expect(byId.get('11')?.blockers.map((b) => b.code)).toEqual(['CERT_KEY_USAGE']);
    expect(byId.get('11')?.blockers[0]?.message).toMatch(/no repudio/);
    expect(byId.get('12')?.blockers.map((b) => b.code)).toEqual(['CERT_EXPIRED']);
    expect(byId.get('13')?.blockers.map((b) => b.code)).toEqual(['CERT_REVOKED']);
    expect(byId.get('13')?.blockers[0]?.message).toMatch(/revocado el \d{4}-\d{2}-\d{2} \(según OCSP\)/);
    expect(byId.get('14')?.blockers).toEqual([]);
    // The test roots are not national anchors: a warning, not a block.
    expect(byId.get('14')?.warnings.map((w) => w.code)).toContain('CERT_CHAIN_UNTRUSTED');
    // Signing choices first, blocked ones after.
    expect((JSON.parse(r.stdout) as Listed).certificates[0]?.location.objectId).toBe('14');
    const human = await cli(['certs', 'list', '--pkcs11-module', SOFTHSM_MODULE, '--no-defaults']);
    expect(human.stdout.match(/NO PUEDE FIRMAR/g)).toHaveLength(3);
  });

  it('sign refuses each of them by id with exit 1 and writes nothing; the good one signs', async () => {
    const input = writePlainPdf(at('doc.pdf'));
    for (const [id, pattern] of [
      ['11', /no repudio/],
      ['12', /venció/],
      ['13', /revocado/],
    ] as const) {
      const out = at(`doc-${id}.pdf`);
      const r = await cli(['sign', input, '-o', out, '--pkcs11-module', SOFTHSM_MODULE, '--cert-id', id, '--pin-env', 'TOKEN_PIN']);
      expect(r.status, `${id}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(fs.existsSync(out)).toBe(false);
    }
    // The valid certificate on the same token signs.
    const ok = await cli([
      'sign',
      input,
      '-o',
      at('doc-ok.pdf'),
      '--pkcs11-module',
      SOFTHSM_MODULE,
      '--cert-id',
      '14',
      '--pin-env',
      'TOKEN_PIN',
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(fs.existsSync(at('doc-ok.pdf'))).toBe(true);
  });
});
