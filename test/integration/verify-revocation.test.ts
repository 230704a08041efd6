import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certsFromPem, revocationUrls, type Cert } from '../../src-main/core/verify/certificate';
import { readCrl } from '../../src-main/core/verify/crl';
import { checkCms, parseCms } from '../../src-main/core/verify/cms';
import { checkRevocation, revocationFromCms } from '../../src-main/core/verify/revocation';
import { cmsWithRevocationInfo } from '../helpers/verify-cms';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { buildTrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { verifyPkiSigner } from '../helpers/verify-signer';
import { freePort, startCrlServer, startOcspResponder } from '../helpers/ocsp-responder';
import { tempDir } from '../helpers/temp-home';
import { makePki, type Pki } from '../helpers/verify-pki';

let pki: Pki;
let tmp: { dir: string; cleanup: () => void };
let ocsp: Awaited<ReturnType<typeof startOcspResponder>>;
let crlServer: Awaited<ReturnType<typeof startCrlServer>>;
let deadPort: number;
const load = (file: string): Cert => certsFromPem(fs.readFileSync(file, 'utf8'))[0]!;
let inter: Cert;

beforeAll(async () => {
  tmp = tempDir('verify-rev-');
  const [ocspPort, crlPort] = [await freePort(), await freePort()];
  deadPort = await freePort();
  pki = makePki(path.join(tmp.dir, 'pki'), { ocspUrl: `http://127.0.0.1:${ocspPort}/`, crlUrl: `http://127.0.0.1:${crlPort}/ca.crl` });
  inter = load(pki.interPem);
  ocsp = await startOcspResponder(pki, ocspPort);
  crlServer = await startCrlServer(() => pki.crlDer, crlPort);
});
afterAll(async () => {
  await ocsp?.stop();
  await crlServer?.stop();
  tmp.cleanup();
});

describe('online OCSP with openssl ocsp on 127.0.0.1', () => {
  it('answers good for a valid certificate', async () => {
    const r = await checkRevocation(load(pki.leaf('signer').cert), inter, [], { online: true });
    expect(r, r.problems.join(' / ')).toMatchObject({ status: 'good', source: 'online-ocsp' });
  });

  it('answers revoked with the revocation date', async () => {
    const r = await checkRevocation(load(pki.leaf('revoked').cert), inter, [], { online: true });
    expect(r.status).toBe('revoked');
    expect(r.source).toBe('online-ocsp');
    expect(Math.abs(Date.parse(r.revokedAt!) - Date.now())).toBeLessThan(10 * 60_000);
  });
});

describe('CRL', () => {
  it('falls back to the CRL served on 127.0.0.1 when OCSP does not answer', async () => {
    const leaf = load(pki.leaf('revoked').cert);
    expect(revocationUrls(leaf).crl).toEqual([crlServer.url]);
    // The OCSP responder goes away: the CRL must decide.
    await ocsp.stop();
    try {
      const before = crlServer.hits();
      const r = await checkRevocation(leaf, inter, [], { online: true, timeoutMs: 2000 });
      expect(r, r.problems.join(' / ')).toMatchObject({ status: 'revoked', source: 'online-crl' });
      expect(crlServer.hits()).toBe(before + 1);
      expect(r.problems.join(' ')).toMatch(/OCSP/);
      const good = await checkRevocation(load(pki.leaf('signer').cert), inter, [], { online: true, timeoutMs: 2000 });
      expect(good).toMatchObject({ status: 'good', source: 'online-crl' });
    } finally {
      const port = Number(new URL(ocsp.url).port);
      ocsp = await startOcspResponder(pki, port);
    }
  });

  it('refuses a CRL not signed by the issuer', () => {
    const der = Buffer.from(fs.readFileSync(pki.crlDer));
    der[der.length - 10] = (der[der.length - 10] ?? 0) ^ 0xff;
    expect(readCrl(der, load(pki.leaf('revoked').cert), inter)).toMatchObject({ status: 'unknown' });
    // The same CRL checked against another issuer key.
    expect(readCrl(fs.readFileSync(pki.crlDer), load(pki.leaf('revoked').cert), load(pki.rootPem)).status).toBe('unknown');
  });

  it('reads the revocation date openssl reads, from DER (walked) and from BER (decoded whole), and fails closed when cut', () => {
    const der = Buffer.from(fs.readFileSync(pki.crlDer));
    const leaf = load(pki.leaf('revoked').cert);
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', pki.crlDer, '-noout', '-text'], { encoding: 'utf8' });
    const serial = leaf.serial.replace(/^0+/, '');
    const block = text.split(/Serial Number:\s*/).find((b) => b.trim().toUpperCase().replace(/^0+/, '').startsWith(serial));
    const when = /Revocation Date:\s*(.+GMT)/.exec(block ?? '')?.[1];
    expect(when, text).toBeDefined();
    const dated = readCrl(der, leaf, inter);
    expect(dated.status).toBe('revoked');
    expect(dated.revokedAt?.getTime()).toBe(Date.parse(when!));
    // The outer SEQUENCE with an indefinite length (BER): the DER walker gives up, the full decoder answers the same.
    const outer = der[1]! & 0x7f;
    const ber = Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(2 + (der[1]! & 0x80 ? outer : 0)), Buffer.from([0, 0])]);
    expect(readCrl(ber, leaf, inter)).toMatchObject({ status: 'revoked', revokedAt: dated.revokedAt });
    expect(readCrl(ber, load(pki.leaf('signer').cert), inter).status).toBe('good');
    expect(readCrl(der.subarray(0, der.length - 40), leaf, inter)).toMatchObject({ status: 'unknown' });
  });
});

describe('embedded data and offline mode', () => {
  it('uses embedded CRLs first and never touches the network', async () => {
    const before = crlServer.hits();
    const r = await checkRevocation(
      load(pki.leaf('revoked').cert),
      inter,
      [{ data: { ocsps: [], crls: [fs.readFileSync(pki.crlDer)] }, kind: 'dss' }],
      { online: false },
    );
    expect(r).toMatchObject({ status: 'revoked', source: 'dss-crl' });
    expect(crlServer.hits()).toBe(before);
  });

  it('is unknown offline without embedded data', async () => {
    const r = await checkRevocation(load(pki.leaf('signer').cert), inter, [], { online: false });
    expect(r).toMatchObject({ status: 'unknown', source: 'none' });
    expect(r.problems.join(' ')).toMatch(/desactivada/);
  });

  it('is unknown, within the timeout, when the servers are unreachable', async () => {
    const dir = path.join(tmp.dir, 'dead');
    const dead = makePki(dir, { ocspUrl: `http://127.0.0.1:${deadPort}/`, crlUrl: `http://127.0.0.1:${deadPort}/x.crl` });
    const r = await checkRevocation(load(dead.leaf('signer').cert), load(dead.interPem), [], { online: true, timeoutMs: 1000 });
    expect(r.status).toBe('unknown');
    expect(r.problems.join(' ')).toMatch(/no se pudo conectar/);
  });
});

describe('adbe-revocationInfoArchival inside the CMS', () => {
  it('is read and used before anything else, offline', async () => {
    const content = Buffer.from('contenido firmado');
    const cms = parseCms(cmsWithRevocationInfo(pki, 'revoked', content, { crls: [fs.readFileSync(pki.crlDer)] }));
    expect(checkCms(cms, crypto.createHash('sha256').update(content).digest())).toMatchObject({
      digestMatches: true,
      signatureVerifies: true,
    });
    const data = revocationFromCms(cms);
    expect(data.crls).toHaveLength(1);
    const r = await checkRevocation(cms.signer!, inter, [{ data, kind: 'embedded' }], { online: false });
    expect(r).toMatchObject({ status: 'revoked', source: 'embedded-crl' });
  });
});

describe('online checks per file', () => {
  it('ask the network once per certificate, however many signatures it made', async () => {
    const other = makePki(path.join(tmp.dir, 'once'), { crlUrl: crlServer.url });
    const plain = writePlainPdf(path.join(tmp.dir, 'once.pdf'));
    await signPdf({ input: plain, output: path.join(tmp.dir, 'once-1.pdf'), signer: verifyPkiSigner(other, 'signer'), role: 'firma' });
    await signPdf({
      input: path.join(tmp.dir, 'once-1.pdf'),
      output: path.join(tmp.dir, 'once-2.pdf'),
      signer: verifyPkiSigner(other, 'signer'),
      role: 'visto-bueno',
    });
    const before = crlServer.hits();
    const r = await verifyPdf(path.join(tmp.dir, 'once-2.pdf'), {
      trust: buildTrustStore({ cliFiles: [other.rootPem] }),
      online: true,
      timeoutMs: 2000,
    });
    expect(r.signatures).toHaveLength(2);
    // The served CRL belongs to another CA: both answers are unknown, from one request.
    expect(r.signatures.map((s) => s.revocation.status)).toEqual(['unknown', 'unknown']);
    expect(crlServer.hits()).toBe(before + 1);
  });

  it("stop asking once the file's online budget is spent", async () => {
    const before = crlServer.hits();
    const r = await verifyPdf(path.join(tmp.dir, 'once-2.pdf'), {
      trust: buildTrustStore({ cliFiles: [path.join(tmp.dir, 'once', 'root.pem')] }),
      online: true,
      onlineBudgetMs: 0,
    });
    expect(crlServer.hits()).toBe(before);
    expect(r.signatures[0]!.notes.map((n) => n.message)).toContain('Se agotó el tiempo total de consultas en línea para este archivo.');
  });
});
