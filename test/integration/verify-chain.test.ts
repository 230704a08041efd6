import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { certsFromPem, type Cert } from '../../src-main/core/verify/certificate';
import { buildChain } from '../../src-main/core/verify/chain';
import { addUserAnchors, anchorsFromFile, buildTrustStore, removeUserAnchor, TrustStore } from '../../src-main/core/verify/trust';
import { tempCore, tempDir } from '../helpers/temp-home';
import { makePki, type Pki } from '../helpers/verify-pki';

let pki: Pki;
let tmp: { dir: string; cleanup: () => void };
const load = (file: string): Cert => certsFromPem(fs.readFileSync(file, 'utf8'))[0]!;
let root: Cert;
let inter: Cert;
let signer: Cert;
// Certificates are made in beforeAll, so "now" is read when a test runs.
const now = () => new Date();

beforeAll(() => {
  tmp = tempDir('verify-chain-');
  pki = makePki(path.join(tmp.dir, 'pki'));
  root = load(pki.rootPem);
  inter = load(pki.interPem);
  signer = load(pki.leaf('signer').cert);
});
afterAll(() => tmp.cleanup());

const trustRoot = () => buildTrustStore({ cliFiles: [pki.rootPem] });

describe('buildChain', () => {
  it('reaches the root through the intermediate carried in the signature', () => {
    const r = buildChain(signer, [signer, inter], trustRoot(), now(), 'signing');
    expect(r, r.problems.join(' / ')).toMatchObject({
      trusted: true,
      chainBroken: false,
      validAtTime: true,
      usageAllowed: true,
      problems: [],
    });
    expect(r.chain.map((c) => c.fingerprint)).toEqual([signer, inter, root].map((c) => c.fingerprint));
  });

  it('is untrusted without anchors, and says which root is missing', () => {
    const r = buildChain(signer, [inter, root], new TrustStore([]), now(), 'signing');
    expect(r.trusted).toBe(false);
    expect(r.chainBroken).toBe(false);
    expect(r.problems.join(' ')).toMatch(/Raiz de Prueba.*no está entre las autoridades/);
  });

  it('is untrusted when the intermediate is missing', () => {
    const r = buildChain(signer, [], trustRoot(), now(), 'signing');
    expect(r.trusted).toBe(false);
    expect(r.problems.join(' ')).toMatch(/No se encontró el certificado emisor/);
  });

  it('accepts an intermediate given as anchor', () => {
    const r = buildChain(signer, [], buildTrustStore({ cliFiles: [pki.interPem] }), now(), 'signing');
    expect(r.trusted).toBe(true);
    expect(r.chain).toHaveLength(2);
  });

  it('checks validity at the given time', () => {
    const r = buildChain(signer, [inter], trustRoot(), new Date('2019-06-01T00:00:00Z'), 'signing');
    expect(r.validAtTime).toBe(false);
    expect(r.problems.join(' ')).toMatch(/no era vigente el 2019-06-01/);
  });

  it('refuses a certificate whose key usage does not allow signing, and a non-TSA for timestamping', () => {
    expect(buildChain(load(pki.leaf('nosign').cert), [inter], trustRoot(), now(), 'signing').usageAllowed).toBe(false);
    expect(buildChain(signer, [inter], trustRoot(), now(), 'timestamping').usageAllowed).toBe(false);
    expect(buildChain(load(pki.leaf('tsa').cert), [inter], trustRoot(), now(), 'timestamping').usageAllowed).toBe(true);
  });

  it('refuses a leaf used as a CA (basic constraints)', () => {
    const dir = tmp.dir;
    execFileSync(
      'openssl',
      ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'sub.key', '-out', 'sub.csr', '-subj', '/CN=Hijo de hoja'],
      { cwd: dir, stdio: 'pipe' },
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        'sub.csr',
        '-CA',
        pki.leaf('signer').cert,
        '-CAkey',
        pki.leaf('signer').key,
        '-set_serial',
        '77',
        '-days',
        '30',
        '-out',
        'sub.pem',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const r = buildChain(load(path.join(dir, 'sub.pem')), [signer, inter], trustRoot(), now(), 'signing');
    expect(r.usageAllowed).toBe(false);
    expect(r.problems.join(' ')).toMatch(/sin ser autoridad certificadora/);
  });

  it('reports a broken chain when a certificate names an issuer whose key did not sign it', () => {
    const dir = tmp.dir;
    // A fake CA with the intermediate's exact name but another key; its leaf carries no key identifiers.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'fake.key',
        '-out',
        'fake.pem',
        '-days',
        '30',
        '-subj',
        '/CN=Intermedia de Prueba/O=Casilla Test',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    execFileSync(
      'openssl',
      ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'forged.key', '-out', 'forged.csr', '-subj', '/CN=Firmante Falso'],
      { cwd: dir, stdio: 'pipe' },
    );
    fs.writeFileSync(
      path.join(dir, 'noaki.cnf'),
      '[e]\nbasicConstraints=CA:false\nkeyUsage=digitalSignature\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n',
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        'forged.csr',
        '-CA',
        'fake.pem',
        '-CAkey',
        'fake.key',
        '-set_serial',
        '99',
        '-days',
        '30',
        '-out',
        'forged.pem',
        '-extfile',
        'noaki.cnf',
        '-extensions',
        'e',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const r = buildChain(load(path.join(dir, 'forged.pem')), [inter], trustRoot(), now(), 'signing');
    expect(r, r.problems.join(' / ')).toMatchObject({ trusted: false, chainBroken: true });
  });
});

describe('trust anchors', () => {
  it('loads bundled anchors from a folder and ignores an empty or missing one', () => {
    const folder = path.join(tmp.dir, 'bundled');
    fs.mkdirSync(folder);
    expect(buildTrustStore({ bundledDir: folder }).anchors).toHaveLength(0);
    expect(buildTrustStore({ bundledDir: path.join(tmp.dir, 'nope') }).anchors).toHaveLength(0);
    fs.copyFileSync(pki.rootPem, path.join(folder, 'root.pem'));
    const store = buildTrustStore({ bundledDir: folder });
    expect(store.anchors.map((a) => a.source)).toEqual(['bundled']);
    expect(buildChain(signer, [inter], store, now(), 'signing').trusted).toBe(true);
  });

  it('keeps user anchors in the settings of a real data folder', async () => {
    const { core, cleanup } = tempCore();
    try {
      expect(addUserAnchors(core.settings, fs.readFileSync(pki.rootPem, 'utf8'))).toEqual(['Raiz de Prueba']);
      expect(addUserAnchors(core.settings, fs.readFileSync(pki.rootPem, 'utf8'))).toEqual([]);
      const store = buildTrustStore({ settings: core.settings });
      expect(store.anchors).toHaveLength(1);
      expect(buildChain(signer, [inter], store, now(), 'signing').trusted).toBe(true);
      expect(removeUserAnchor(core.settings, root.fingerprint)).toBe(true);
      expect(buildTrustStore({ settings: core.settings }).anchors).toHaveLength(0);
    } finally {
      await cleanup();
    }
  });

  it('reads DER and PEM --trust files and rejects a file with no certificate', () => {
    const der = path.join(tmp.dir, 'root.der');
    execFileSync('openssl', ['x509', '-in', pki.rootPem, '-outform', 'DER', '-out', der]);
    expect(anchorsFromFile(der)[0]?.fingerprint).toBe(root.fingerprint);
    const junk = path.join(tmp.dir, 'junk.pem');
    fs.writeFileSync(junk, 'hola');
    expect(() => anchorsFromFile(junk)).toThrow(AppError);
    expect(() => anchorsFromFile(path.join(tmp.dir, 'missing.pem'))).toThrow(/No se pudo leer/);
  });
});
