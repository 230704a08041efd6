/**
 * What the user sees before signing: who the certificate belongs to (name, national id found in the subject),
 * who issued it, its validity and key usage; plus the checks that refuse a certificate that must not sign.
 */
import crypto from 'node:crypto';
import { keyUsageNames } from '../x509/key-usage';
import { AppError } from '../../api/result';
import { child, children, explicit, octets, oid, parseDer, type Node } from './der';
import { SignErrorCodes } from './sign-errors';

export type NationalId = { kind: 'DNI' | 'RUC' | 'RUN' | 'OTRO'; number: string };

export type CertificateSummary = {
  name: string;
  /** The subject's organisation, when present. */
  organization: string | null;
  nationalId: NationalId | null;
  issuer: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  keyUsage: string[];
  keyAlgorithm: 'RSA' | 'EC' | 'RSA-PSS' | 'otro';
  fingerprintSha256: string;
};

const ATTR = {
  cn: '2.5.4.3',
  serialNumber: '2.5.4.5',
  o: '2.5.4.10',
  givenName: '2.5.4.42',
  surname: '2.5.4.4',
  uid: '0.9.2342.19200300.100.1.1',
} as const;

/** A Name's attributes by type (the first of each), read with the small DER reader (der.ts), not pkijs. */
function attrs(name: Node): Map<string, string> {
  const m = new Map<string, string>();
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const type = oid(child(atv, 0));
      if (!m.has(type)) m.set(type, directoryString(child(atv, 1)));
    }
  }
  return m;
}

/** The text of a DirectoryString-like value; '' for a value that is not a string type. */
function directoryString(v: Node): string {
  if (v.idBlock.tagClass !== 1 || v.idBlock.isConstructed) return '';
  const bytes = Buffer.from(v.content);
  switch (v.idBlock.tagNumber) {
    case 12: // UTF8String
      return bytes.toString('utf8');
    case 30: // BMPString: UTF-16 big endian
      return bytes.length % 2 ? '' : Buffer.from(bytes).swap16().toString('utf16le');
    case 28: {
      // UniversalString: UTF-32 big endian
      let s = '';
      for (let i = 0; i + 3 < bytes.length; i += 4) s += String.fromCodePoint(bytes.readUInt32BE(i) & 0x1fffff);
      return s;
    }
    case 18: // NumericString
    case 19: // PrintableString
    case 20: // TeletexString
    case 21: // VideotexString
    case 22: // IA5String
    case 26: // VisibleString
    case 25: // GraphicString
    case 27: // GeneralString
      return bytes.toString('latin1');
    default:
      return '';
  }
}

/** tbsCertificate's fields by name (version is optional, so positions shift by one without it). */
function tbsFields(der: Buffer): { issuer: Node; subject: Node; extensions: Node[] } {
  const fields = children(child(parseDer(der), 0));
  const v = fields[0]?.idBlock.tagClass === 3 && fields[0].idBlock.tagNumber === 0 ? 1 : 0;
  const issuer = fields[v + 2];
  const subject = fields[v + 4];
  if (!issuer || !subject) throw new Error('certificado sin emisor o sujeto');
  const ext = fields.slice(v + 6).find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 3);
  return { issuer, subject, extensions: ext ? children(explicit(ext, 3)) : [] };
}

/** Finds the Peruvian DNI/RUC or Chilean RUN in a subject serialNumber (free form or ETSI `IDCPE-…`). */
export function nationalIdFrom(values: string[]): NationalId | null {
  for (const raw of values) {
    const v = raw.trim();
    const labelled = /\b(DNI|RUC|RUN|RUT)\b[\s:#-]*([0-9][0-9.]*(?:-[0-9kK])?)/i.exec(v);
    if (labelled?.[1] && labelled[2]) {
      const kind = labelled[1].toUpperCase();
      return { kind: kind === 'RUT' ? 'RUN' : (kind as 'DNI' | 'RUC' | 'RUN'), number: labelled[2] };
    }
    const etsi = /^(IDC|PNO|TIN|PAS)([A-Z]{2})-(.+)$/.exec(v);
    const body = (etsi?.[3] ?? v).trim();
    if (/^\d{1,2}\.?\d{3}\.?\d{3}-[\dkK]$/.test(body)) return { kind: 'RUN', number: body };
    if (/^(10|15|17|20)\d{9}$/.test(body)) return { kind: 'RUC', number: body };
    if (/^\d{8}$/.test(body)) return { kind: 'DNI', number: body };
  }
  return null;
}

function keyUsageOf(extensions: Node[]): string[] {
  const ext = extensions.find((e) => oid(child(e, 0)) === '2.5.29.15');
  if (!ext) return [];
  // Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING (a BIT STRING) }
  const bits = parseDer(octets(children(ext).at(-1)));
  if (bits.idBlock.tagClass !== 1 || bits.idBlock.tagNumber !== 3 || bits.idBlock.isConstructed) return [];
  return keyUsageNames(bits.content.subarray(1)); // after the unused-bits count
}

export function summarizeCertificate(der: Buffer): CertificateSummary {
  // Node's X509Certificate checks the whole structure (and throws on a broken one) before our reader walks it.
  const x509 = new crypto.X509Certificate(der);
  const tbs = tbsFields(der);
  const subject = attrs(tbs.subject);
  const issuer = attrs(tbs.issuer);
  const personal = [subject.get(ATTR.givenName), subject.get(ATTR.surname)].filter(Boolean).join(' ');
  const name = subject.get(ATTR.cn) ?? (personal || x509.subject);
  const idCandidates = [subject.get(ATTR.serialNumber), subject.get(ATTR.uid), subject.get(ATTR.cn)].filter((v): v is string => Boolean(v));
  const keyType = x509.publicKey.asymmetricKeyType;
  return {
    name,
    organization: subject.get(ATTR.o) ?? null,
    nationalId: nationalIdFrom(idCandidates),
    issuer: issuer.get(ATTR.cn) ?? x509.issuer,
    serialNumber: x509.serialNumber,
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    keyUsage: keyUsageOf(tbs.extensions),
    keyAlgorithm: keyType === 'rsa' ? 'RSA' : keyType === 'ec' ? 'EC' : keyType === 'rsa-pss' ? 'RSA-PSS' : 'otro',
    fingerprintSha256: x509.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}

/**
 * Refuses a certificate that must not sign now: outside its validity, or whose key usage (when present)
 * lacks nonRepudiation.
 */
export function assertUsableForSigning(summary: CertificateSummary, now = new Date()): void {
  if (now < new Date(summary.validFrom)) {
    throw new AppError(
      SignErrorCodes.notYetValid,
      `El certificado de ${summary.name} aún no es válido (desde ${summary.validFrom.slice(0, 10)}).`,
      { validFrom: summary.validFrom },
    );
  }
  if (now > new Date(summary.validTo)) {
    throw new AppError(SignErrorCodes.expired, `El certificado de ${summary.name} venció el ${summary.validTo.slice(0, 10)}.`, {
      validTo: summary.validTo,
    });
  }
  // A document signature needs nonRepudiation (contentCommitment): a certificate with only digitalSignature is
  // an authentication certificate (the DNIe carries one beside its signing certificate).
  if (summary.keyUsage.length > 0 && !summary.keyUsage.includes('nonRepudiation')) {
    throw new AppError(
      SignErrorCodes.keyUsage,
      summary.keyUsage.includes('digitalSignature')
        ? `El certificado de ${summary.name} es de autenticación: no tiene el uso «no repudio» que exige la firma de documentos.`
        : `El certificado de ${summary.name} no permite firmar (uso de clave: ${summary.keyUsage.join(', ')}).`,
      { keyUsage: summary.keyUsage },
    );
  }
}
