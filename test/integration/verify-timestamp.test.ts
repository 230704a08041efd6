import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCms, parseCms } from '../../src-main/core/verify/cms';
import { hashBytes } from '../../src-main/core/verify/digest';
import { checkSignatureTimestamp, checkTimestamp } from '../../src-main/core/verify/timestamp';
import { buildTrustStore, TrustStore } from '../../src-main/core/verify/trust';
import { tempDir } from '../helpers/temp-home';
import { withSignatureTimestamp } from '../helpers/tsa';
import { cmsSign, makePki, tsaToken, type Pki } from '../helpers/verify-pki';

let pki: Pki;
let tmp: { dir: string; cleanup: () => void };
const data = crypto.randomBytes(10_000);

beforeAll(() => {
  tmp = tempDir('verify-ts-');
  pki = makePki(path.join(tmp.dir, 'pki'));
});
afterAll(() => tmp.cleanup());

const trusted = () => buildTrustStore({ cliFiles: [pki.rootPem] });
const hashData = (d: Buffer) => (h: Parameters<typeof hashBytes>[1]) => hashBytes(d, h);

describe('RFC 3161 tokens made by openssl ts', () => {
  it('validates imprint, TSA signature and chain, and reads the time and TSA name', () => {
    const before = Date.now() - 2000;
    const token = tsaToken(pki, crypto.createHash('sha256').update(data).digest('hex'));
    const r = checkTimestamp(token, hashData(data), trusted());
    expect(r, r.problems.join(' / ')).toMatchObject({ imprintMatches: true, intact: true, valid: true, tsa: 'TSA de Prueba' });
    expect(r.time!.getTime()).toBeGreaterThanOrEqual(before);
    expect(r.time!.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
  });

  it('refuses a token over other data (imprint mismatch)', () => {
    const token = tsaToken(pki, crypto.createHash('sha256').update('otra cosa').digest('hex'));
    const r = checkTimestamp(token, hashData(data), trusted());
    expect(r).toMatchObject({ imprintMatches: false, intact: true, valid: false });
  });

  it('uses the hash the token names (SHA-512)', () => {
    const token = tsaToken(pki, crypto.createHash('sha512').update(data).digest('hex'), 'sha512');
    expect(checkTimestamp(token, hashData(data), trusted()).imprintMatches).toBe(true);
  });

  it('is intact but not valid when the TSA is not trusted', () => {
    const token = tsaToken(pki, crypto.createHash('sha256').update(data).digest('hex'));
    const r = checkTimestamp(token, hashData(data), new TrustStore([]));
    expect(r).toMatchObject({ imprintMatches: true, intact: true, valid: false });
  });

  it('detects a tampered TSTInfo (the TSA signature no longer holds)', () => {
    const token = Buffer.from(tsaToken(pki, crypto.createHash('sha256').update(data).digest('hex')));
    // The genTime digits sit inside the TSTInfo; change one of them.
    const m = /20\d{12}Z/.exec(token.toString('latin1'));
    expect(m).not.toBeNull();
    const at = m!.index + 3;
    token[at] = token[at] === 0x30 ? 0x31 : 0x30;
    const r = checkTimestamp(token, hashData(data), trusted());
    expect(r.intact).toBe(false);
    expect(r.valid).toBe(false);
  });

  it('reports garbage as an unreadable token, not a crash', () => {
    const r = checkTimestamp(Buffer.from('basura'), hashData(data), trusted());
    expect(r.valid).toBe(false);
    expect(r.problems[0]).toMatch(/ilegible/);
  });

  it('checks a signature timestamp carried as an unsigned attribute of a CMS signature', () => {
    const content = path.join(tmp.dir, 'c.bin');
    fs.writeFileSync(content, data);
    const signed = parseCms(cmsSign(pki, 'signer', content, path.join(tmp.dir, 'c.p7s'), ['-cades']));
    const sigValue = Buffer.from(signed.signerInfo.signature.valueBlock.valueHexView);
    const token = tsaToken(pki, crypto.createHash('sha256').update(sigValue).digest('hex'));
    // ECDSA signatures are randomized, so this second signature value differs from the first.
    const withTs = parseCms(withSignatureTimestamp(cmsSign(pki, 'ec', content, path.join(tmp.dir, 'c2.p7s'), ['-cades']), token));
    // A token over another signature value (the first CMS) does not fit this one.
    const wrong = checkSignatureTimestamp(withTs, trusted());
    expect(wrong?.imprintMatches).toBe(false);

    const good = parseCms(withSignatureTimestamp(fs.readFileSync(path.join(tmp.dir, 'c.p7s')), token));
    expect(checkCms(good, hashBytes(data, 'sha256')).signatureVerifies).toBe(true);
    const r = checkSignatureTimestamp(good, trusted());
    expect(r, r?.problems.join(' / ')).toMatchObject({ imprintMatches: true, valid: true });
    expect(checkSignatureTimestamp(signed, trusted())).toBeNull();
  });
});
