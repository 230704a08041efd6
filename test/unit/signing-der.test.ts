import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { summarizeCertificate } from '../../src-main/core/signing/certificate-summary';
import { children, der, explicit, integer, octets, oid, parseDer, type Node } from '../../src-main/core/signing/der';
import { openPkcs12 } from '../../src-main/core/signing/keys/pkcs12/open-pkcs12';
import { keyUsageNames } from '../../src-main/core/x509/key-usage';
import { P12_PASSWORD, testPki } from '../helpers/pki';

/** The same tree as asn1js reads it: tag, constructed or not, the element's bytes, children in order. */
function sameAsAsn1js(ours: Node, theirs: asn1js.AsnType): void {
  expect(ours.idBlock.tagClass).toBe(theirs.idBlock.tagClass);
  expect(ours.idBlock.tagNumber).toBe(theirs.idBlock.tagNumber);
  expect(Buffer.from(ours.valueBeforeDecodeView).equals(Buffer.from(theirs.valueBeforeDecodeView))).toBe(true);
  if (theirs instanceof asn1js.ObjectIdentifier) expect(oid(ours)).toBe(theirs.valueBlock.toString());
  if (theirs instanceof asn1js.Integer && theirs.valueBlock.valueHexView.length <= 6)
    expect(integer(ours)).toBe(theirs.valueBlock.valueDec);
  const theirKids = theirs instanceof asn1js.Constructed ? theirs.valueBlock.value : null;
  expect(ours.idBlock.isConstructed).toBe(theirKids !== null);
  if (theirKids) {
    expect(ours.items.length).toBe(theirKids.length);
    ours.items.forEach((c, i) => sameAsAsn1js(c, theirKids[i]!));
  }
}

describe('the signing DER reader', () => {
  const pki = testPki();

  it('reads certificates and a CMS signature exactly as asn1js does', () => {
    for (const pem of [pki.certPem.rsa, pki.certPem.ec]) {
      const d = Buffer.from(new crypto.X509Certificate(fs.readFileSync(pem)).raw);
      sameAsAsn1js(parseDer(d), asn1js.fromBER(d).result);
      expect(der(parseDer(d)).equals(d)).toBe(true);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-der-'));
    try {
      fs.writeFileSync(path.join(dir, 'm.txt'), 'hola');
      execFileSync(
        'openssl',
        [
          'cms',
          '-sign',
          '-binary',
          '-in',
          'm.txt',
          '-signer',
          pki.certPem.rsa,
          '-inkey',
          pki.keyPem.rsa,
          '-outform',
          'DER',
          '-out',
          'm.p7s',
        ],
        { cwd: dir },
      );
      const cms = fs.readFileSync(path.join(dir, 'm.p7s'));
      sameAsAsn1js(parseDer(cms), asn1js.fromBER(cms).result);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads BER: indefinite lengths and constructed OCTET STRINGs, as NSS writes PKCS#12', () => {
    // SEQUENCE (indefinite) { OCTET STRING constructed (indefinite) { "ab", "c" }, INTEGER -2 }
    const ber = Buffer.from('308024800402616204016300000201fe0000', 'hex');
    const root = parseDer(ber);
    expect(children(root)).toHaveLength(2);
    expect(octets(children(root)[0]).toString()).toBe('abc');
    expect(integer(children(root)[1])).toBe(-2);
    expect(der(root).equals(ber)).toBe(true);
  });

  it('opens a PKCS#12 exported by NSS (pk12util, BER with indefinite lengths)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-der-'));
    try {
      const out = path.join(dir, 'nss.p12');
      execFileSync('pk12util', ['-o', out, '-n', pki.nssSignerNick, '-d', pki.nssDir, '-W', P12_PASSWORD, '-K', ''], { stdio: 'pipe' });
      const bytes = fs.readFileSync(out);
      expect(bytes.subarray(0, 2).toString('hex')).toBe('3080'); // really indefinite-length BER
      const opened = openPkcs12(bytes, P12_PASSWORD);
      const sig = crypto.sign('sha256', Buffer.from('hola'), opened.privateKey);
      expect(crypto.verify('sha256', Buffer.from('hola'), new crypto.X509Certificate(opened.certificate).publicKey, sig)).toBe(true);
      expect(() => openPkcs12(bytes, 'otra')).toThrow(expect.objectContaining({ code: 'CERT_BAD_PASSWORD' }) as AppError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes object identifiers with large arcs and refuses malformed ones', () => {
    expect(oid(parseDer(Buffer.from('0603883703', 'hex')))).toBe('2.999.3');
    expect(oid(parseDer(Buffer.from('06092a864886f70d010701', 'hex')))).toBe('1.2.840.113549.1.7.1');
    expect(() => oid(parseDer(Buffer.from('06022a86', 'hex')))).toThrow(); // last byte continues
    expect(() => oid(parseDer(Buffer.from('020101', 'hex')))).toThrow('OBJECT IDENTIFIER');
  });

  it('fails on truncated, oversized or too deeply nested input instead of reading past it', () => {
    expect(() => parseDer(Buffer.from('3005020101', 'hex'))).toThrow('excede');
    expect(() => parseDer(Buffer.from('30', 'hex'))).toThrow('truncados');
    expect(() => parseDer(Buffer.from('3085ffffffffff', 'hex'))).toThrow('demasiado grande');
    expect(() => parseDer(Buffer.from('3080020101', 'hex'))).toThrow('truncados'); // no end-of-contents
    expect(() => parseDer(Buffer.from('0480', 'hex'))).toThrow('primitivo');
    expect(() => parseDer(Buffer.alloc(200, 0x30).fill(0x80, 1, 200))).toThrow();
    const deep = Buffer.concat([Buffer.from('3080'.repeat(100), 'hex'), Buffer.from('0000'.repeat(100), 'hex')]);
    expect(() => parseDer(deep)).toThrow('anidamiento');
    expect(() => explicit(parseDer(Buffer.from('a0020500', 'hex')), 1)).toThrow('[1]');
  });
});

/** The summary's name fields as pkijs reads them (the reference the DER reader replaced). */
function pkijsNames(der: Buffer): { subject: Record<string, string>; issuer: Record<string, string>; keyUsage: string[] } {
  const cert = pkijs.Certificate.fromBER(der);
  const names = (n: pkijs.RelativeDistinguishedNames) => {
    const m: Record<string, string> = {};
    for (const tv of n.typesAndValues) {
      const v = tv.value as unknown as { valueBlock?: { value?: unknown } };
      m[tv.type] ??= typeof v.valueBlock?.value === 'string' ? v.valueBlock.value : '';
    }
    return m;
  };
  const ku = cert.extensions?.find((e) => e.extnID === '2.5.29.15');
  const bits = ku ? asn1js.fromBER(ku.extnValue.valueBlock.valueHexView).result : null;
  return {
    subject: names(cert.subject),
    issuer: names(cert.issuer),
    keyUsage: bits instanceof asn1js.BitString ? keyUsageNames(bits.valueBlock.valueHexView) : [],
  };
}

describe('the certificate summary without pkijs', () => {
  const pki = testPki();

  function certs(): Array<[string, Buffer]> {
    const out: Array<[string, Buffer]> = Object.entries(pki.certPem).map(([k, pem]) => [
      k,
      Buffer.from(new crypto.X509Certificate(fs.readFileSync(pem)).raw),
    ]);
    // BMPString and UTF8String subjects with accents and ñ (string_mask), a Chilean RUN in serialNumber.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-der-'));
    try {
      for (const mask of ['pkix', 'utf8only']) {
        fs.writeFileSync(path.join(dir, 'req.cnf'), `[req]\ndistinguished_name=dn\nstring_mask=${mask}\n[dn]\n`);
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            'k.pem',
            '-out',
            'c.pem',
            '-days',
            '30',
            '-config',
            'req.cnf',
            '-utf8',
            '-subj',
            '/C=CL/O=Ministerio de Prueba/serialNumber=12.345.678-5/GN=JOSÉ/SN=ÑANDÚ/CN=JOSÉ ÑANDÚ',
            '-addext',
            'keyUsage=critical,digitalSignature,nonRepudiation',
          ],
          { cwd: dir, stdio: 'pipe' },
        );
        out.push([mask, Buffer.from(new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'c.pem'))).raw)]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return out;
  }

  it('reads names, national ids and key usage as pkijs did', () => {
    const all = certs();
    expect(all.length).toBeGreaterThan(5);
    for (const [label, d] of all) {
      const s = summarizeCertificate(d);
      const ref = pkijsNames(d);
      expect({ label, name: s.name, issuer: s.issuer, org: s.organization, keyUsage: s.keyUsage }).toEqual({
        label,
        name: ref.subject['2.5.4.3'] ?? expect.any(String),
        issuer: ref.issuer['2.5.4.3'] ?? expect.any(String),
        org: ref.subject['2.5.4.10'] ?? null,
        keyUsage: ref.keyUsage,
      });
    }
    const bmp = summarizeCertificate(all.find(([l]) => l === 'pkix')![1]);
    expect(bmp).toMatchObject({
      name: 'JOSÉ ÑANDÚ',
      organization: 'Ministerio de Prueba',
      nationalId: { kind: 'RUN', number: '12.345.678-5' },
    });
    expect(bmp.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
  });

  it('refuses what is not a certificate', () => {
    expect(() => summarizeCertificate(Buffer.from('300302010a', 'hex'))).toThrow();
  });
});
