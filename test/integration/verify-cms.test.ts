import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { certsFromPem } from '../../src-main/core/verify/certificate';
import { checkCms, parseCms, signerSummary } from '../../src-main/core/verify/cms';
import { tempDir } from '../helpers/temp-home';
import { cmsSign, makePki, type Pki } from '../helpers/verify-pki';

let pki: Pki;
let tmp: { dir: string; cleanup: () => void };
let content: string;

beforeAll(() => {
  tmp = tempDir('verify-cms-');
  pki = makePki(path.join(tmp.dir, 'pki'));
  content = path.join(tmp.dir, 'content.bin');
  fs.writeFileSync(content, crypto.randomBytes(50_000));
});
afterAll(() => tmp.cleanup());

function sign(leaf: Parameters<typeof cmsSign>[1], extra: string[] = ['-cades']): Buffer {
  return cmsSign(pki, leaf, content, path.join(tmp.dir, `${leaf}-${extra.join('')}.p7s`), extra);
}

function digestOf(data: Buffer, cms: ReturnType<typeof parseCms>): Buffer {
  return crypto
    .createHash(cms.digestHash ?? 'sha256')
    .update(data)
    .digest();
}

describe('CMS made by openssl cms -sign', () => {
  it('verifies an RSA SHA-256 CAdES signature and names the signer', () => {
    const cms = parseCms(sign('signer'));
    const r = checkCms(cms, digestOf(fs.readFileSync(content), cms));
    expect(r).toMatchObject({
      digestMatches: true,
      signatureVerifies: true,
      essMatches: true,
      weakAlgorithm: false,
      algorithm: 'RSA SHA256',
    });
    expect(r.claimedTime).toBeInstanceOf(Date);
    expect(cms.certificates).toHaveLength(2);
    expect(signerSummary(cms.signer!)).toMatchObject({
      name: 'Juana Perez Firmante',
      id: 'PNOPE-12345678',
      issuer: 'Intermedia de Prueba',
    });
  });

  it('reports a digest mismatch when one byte of the content changed', () => {
    const cms = parseCms(sign('signer'));
    const data = fs.readFileSync(content);
    data[1234] = (data[1234] ?? 0) ^ 1;
    const r = checkCms(cms, digestOf(data, cms));
    expect(r.digestMatches).toBe(false);
    // The signature over the attributes is still the signer's: only the content is wrong.
    expect(r.signatureVerifies).toBe(true);
  });

  it('verifies ECDSA P-256 and RSA-PSS', () => {
    for (const [leaf, extra, alg] of [
      ['ec', ['-cades'], 'ECDSA SHA256'],
      ['pss', ['-cades', '-keyopt', 'rsa_padding_mode:pss'], 'RSA-PSS SHA256'],
    ] as const) {
      const cms = parseCms(sign(leaf, [...extra]));
      const r = checkCms(cms, digestOf(fs.readFileSync(content), cms));
      expect(r, leaf).toMatchObject({ digestMatches: true, signatureVerifies: true, algorithm: alg });
    }
  });

  it('flags SHA-1 as weak', () => {
    const cms = parseCms(sign('signer', ['-md', 'sha1']));
    const r = checkCms(cms, digestOf(fs.readFileSync(content), cms));
    expect(r).toMatchObject({ digestMatches: true, signatureVerifies: true, weakAlgorithm: true });
  });

  it('detects a substituted certificate (same issuer and serial, another key)', () => {
    const der = sign('signer');
    const real = certsFromPem(fs.readFileSync(pki.leaf('signer').cert, 'utf8'))[0]!;
    // A twin: same subject, issuer and serial, different key, signed by the same CA.
    const dir = tmp.dir;
    execFileSync(
      'openssl',
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'twin.key',
        '-out',
        'twin.csr',
        '-subj',
        '/CN=Juana Perez Firmante/serialNumber=PNOPE-12345678',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        'twin.csr',
        '-CA',
        pki.interPem,
        '-CAkey',
        pki.interKey,
        '-set_serial',
        '0x' + real.serial,
        '-days',
        '30',
        '-out',
        'twin.pem',
        '-extfile',
        path.join(pki.dir, 'pki.cnf'),
        '-extensions',
        'v3_signer',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const twin = certsFromPem(fs.readFileSync(path.join(dir, 'twin.pem'), 'utf8'))[0]!;
    const at = der.indexOf(real.der);
    expect(at).toBeGreaterThan(0);
    let swapped: Buffer;
    if (twin.der.length === real.der.length) swapped = Buffer.concat([der.subarray(0, at), twin.der, der.subarray(at + real.der.length)]);
    else return expect.fail(`twin certificate length differs (${twin.der.length} vs ${real.der.length}); regenerate`);
    const cms = parseCms(swapped);
    expect(cms.signer?.fingerprint).toBe(twin.fingerprint);
    const r = checkCms(cms, digestOf(fs.readFileSync(content), cms));
    expect(r.digestMatches).toBe(true);
    expect(r.signatureVerifies).toBe(false);
    expect(r.essMatches).toBe(false);
  });

  it('reports a missing signer certificate instead of crashing', () => {
    const cms = parseCms(sign('signer', ['-nocerts']));
    expect(cms.signer).toBeNull();
    const r = checkCms(cms, digestOf(fs.readFileSync(content), cms));
    expect(r.signatureVerifies).toBe(false);
    expect(r.problems.join(' ')).toMatch(/no está incluido/);
  });

  it('parses BER with indefinite lengths (openssl cms -stream) through the full parser', () => {
    const der = sign('signer', ['-cades', '-stream']);
    // 0x30 0x80: a SEQUENCE of indefinite length, which the DER fast path hands over.
    expect([der[0], der[1]]).toEqual([0x30, 0x80]);
    const cms = parseCms(der);
    expect(checkCms(cms, digestOf(fs.readFileSync(content), cms))).toMatchObject({
      digestMatches: true,
      signatureVerifies: true,
      essMatches: true,
    });
    expect(cms.certificates).toHaveLength(2);
  });

  it('accepts the zero padding a PDF /Contents hole leaves after the CMS', () => {
    const der = sign('signer');
    const cms = parseCms(Buffer.concat([der, Buffer.alloc(4000)]));
    expect(checkCms(cms, digestOf(fs.readFileSync(content), cms)).signatureVerifies).toBe(true);
  });

  it('rejects garbage, truncation and deep nesting with a clear error', () => {
    const der = sign('signer');
    const nested = Buffer.concat([Buffer.from(Array.from({ length: 5000 }, () => [0x30, 0x80]).flat()), Buffer.alloc(10000)]);
    for (const bad of [Buffer.from('not a cms at all'), der.subarray(0, der.length / 2), Buffer.alloc(0), nested]) {
      let caught: unknown;
      try {
        parseCms(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('VERIFY_CMS_UNREADABLE');
    }
  });
});
