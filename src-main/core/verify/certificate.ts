/**
 * One certificate seen three ways: its DER bytes (for hashes and ESS), node:crypto's X509Certificate (for
 * signatures and validity) and pkijs's parse (for names and extensions). Built once per certificate.
 */
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { keyUsageNames } from '../x509/key-usage';

export type Cert = {
  der: Buffer;
  x509: X509Certificate;
  parsed: pkijs.Certificate;
  /** Hex serial, upper case, no leading zeros beyond one byte. */
  serial: string;
  fingerprint: string;
};

/** Parsed certificates by their DER: the same signer and CA certificates recur in every signature of a file. */
const parsedCache = new Map<string, Cert>();

export function certFromDer(der: Uint8Array): Cert {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const hit = parsedCache.get(key);
  if (hit) return hit;
  const cert = parseCert(der);
  if (parsedCache.size >= 256) parsedCache.clear();
  parsedCache.set(key, cert);
  return cert;
}

function parseCert(der: Uint8Array): Cert {
  const buf = Buffer.from(der);
  const x509 = new X509Certificate(buf);
  const asn = asn1js.fromBER(new Uint8Array(buf));
  if (asn.offset === -1) throw new Error('certificado ilegible');
  const parsed = new pkijs.Certificate({ schema: asn.result });
  return { der: buf, x509, parsed, serial: x509.serialNumber.toUpperCase(), fingerprint: x509.fingerprint256 };
}

/** Every certificate in a PEM bundle. */
export function certsFromPem(pem: string): Cert[] {
  const out: Cert[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) out.push(certFromDer(Buffer.from(m[1] ?? '', 'base64')));
  return out;
}

const nameOids: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.42': 'GN',
  '2.5.4.4': 'SN',
  '1.2.840.113549.1.9.1': 'E',
};

/** Name attributes as `[short, value]` pairs, in order. */
export function nameParts(name: pkijs.RelativeDistinguishedNames): Array<[string, string]> {
  return name.typesAndValues.map((tv) => {
    const v = tv.value as asn1js.BaseStringBlock | { valueBlock?: { value?: unknown } };
    const value = 'valueBlock' in v && v.valueBlock && typeof v.valueBlock.value === 'string' ? v.valueBlock.value : '';
    return [nameOids[tv.type] ?? tv.type, value];
  });
}

export function commonName(name: pkijs.RelativeDistinguishedNames): string {
  const parts = nameParts(name);
  return parts.find(([k]) => k === 'CN')?.[1] ?? parts.map(([k, v]) => `${k}=${v}`).join(', ');
}

export function nameAttr(name: pkijs.RelativeDistinguishedNames, short: string): string | null {
  return nameParts(name).find(([k]) => k === short)?.[1] ?? null;
}

export function extension(cert: Cert, oid: string): pkijs.Extension | undefined {
  return cert.parsed.extensions?.find((e) => e.extnID === oid);
}

export const ExtOid = {
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

/** Key usage bits by name; null when the extension is absent (any use allowed). */
export function keyUsage(cert: Cert): Set<string> | null {
  const ext = extension(cert, ExtOid.keyUsage);
  if (!ext) return null;
  const bits = ext.parsedValue as asn1js.BitString | undefined;
  return new Set(keyUsageNames(bits?.valueBlock.valueHexView ?? new Uint8Array()));
}

export function basicConstraints(cert: Cert): { ca: boolean; pathLen: number | null } {
  const ext = extension(cert, ExtOid.basicConstraints);
  const bc = ext?.parsedValue as pkijs.BasicConstraints | undefined;
  if (!bc) return { ca: false, pathLen: null };
  const pl = bc.pathLenConstraint;
  return { ca: Boolean(bc.cA), pathLen: typeof pl === 'number' ? pl : pl instanceof asn1js.Integer ? pl.valueBlock.valueDec : null };
}

export function extKeyUsage(cert: Cert): string[] | null {
  const ext = extension(cert, ExtOid.extKeyUsage);
  const eku = ext?.parsedValue as pkijs.ExtKeyUsage | undefined;
  return eku ? eku.keyPurposes : null;
}

/** URLs from AIA (OCSP) and CRL distribution points. */
export function revocationUrls(cert: Cert): { ocsp: string[]; crl: string[] } {
  const ocsp: string[] = [];
  const crl: string[] = [];
  const aia = extension(cert, ExtOid.authorityInfoAccess)?.parsedValue as pkijs.InfoAccess | undefined;
  for (const d of aia?.accessDescriptions ?? []) {
    if (d.accessMethod === '1.3.6.1.5.5.7.48.1' && d.accessLocation.type === 6) ocsp.push(String(d.accessLocation.value));
  }
  const cdp = extension(cert, ExtOid.crlDistributionPoints)?.parsedValue as pkijs.CRLDistributionPoints | undefined;
  for (const dp of cdp?.distributionPoints ?? []) {
    const names = Array.isArray(dp.distributionPoint) ? dp.distributionPoint : [];
    for (const n of names) if (n instanceof pkijs.GeneralName && n.type === 6) crl.push(String(n.value));
  }
  return { ocsp, crl };
}

export function subjectKeyId(cert: Cert): Buffer | null {
  const ext = extension(cert, ExtOid.subjectKeyId)?.parsedValue as asn1js.OctetString | undefined;
  return ext ? Buffer.from(ext.valueBlock.valueHexView) : null;
}

export function authorityKeyId(cert: Cert): Buffer | null {
  const aki = extension(cert, ExtOid.authorityKeyId)?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;
  return aki?.keyIdentifier ? Buffer.from(aki.keyIdentifier.valueBlock.valueHexView) : null;
}

/** RFC 5280 name matching, simplified: same attributes in order, values compared case-folded with spaces collapsed, whatever string type encodes them. */
export function sameName(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  const norm = (n: pkijs.RelativeDistinguishedNames) =>
    nameParts(n)
      .map(([k, v]) => `${k}=${v.trim().replace(/\s+/g, ' ').toLowerCase()}`)
      .join('\n');
  return norm(a) === norm(b);
}

/** CA Issuers URLs (AIA), where the issuer's certificate can be downloaded when the signature lacks it. */
export function caIssuerUrls(cert: Cert): string[] {
  const aia = extension(cert, ExtOid.authorityInfoAccess)?.parsedValue as pkijs.InfoAccess | undefined;
  return (aia?.accessDescriptions ?? [])
    .filter((d) => d.accessMethod === '1.3.6.1.5.5.7.48.2' && d.accessLocation.type === 6)
    .map((d) => String(d.accessLocation.value));
}
