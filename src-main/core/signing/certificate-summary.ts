/**
 * What the user sees before signing: who the certificate belongs to (name, national id found in the subject),
 * who issued it, its validity and key usage; plus the checks that refuse a certificate that must not sign.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { keyUsageNames } from '../x509/key-usage';
import { AppError } from '../../api/result';
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

function attrs(name: pkijs.RelativeDistinguishedNames): Map<string, string> {
  const m = new Map<string, string>();
  for (const tv of name.typesAndValues) {
    const v = tv.value as unknown as { valueBlock?: { value?: unknown } };
    const text = typeof v.valueBlock?.value === 'string' ? v.valueBlock.value : '';
    if (!m.has(tv.type)) m.set(tv.type, text);
  }
  return m;
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

function keyUsageOf(cert: pkijs.Certificate): string[] {
  const ext = cert.extensions?.find((e) => e.extnID === '2.5.29.15');
  if (!ext) return [];
  const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  if (!(parsed.result instanceof asn1js.BitString)) return [];
  return keyUsageNames(parsed.result.valueBlock.valueHexView);
}

export function summarizeCertificate(der: Buffer): CertificateSummary {
  const cert = pkijs.Certificate.fromBER(der);
  const x509 = new crypto.X509Certificate(der);
  const subject = attrs(cert.subject);
  const issuer = attrs(cert.issuer);
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
    keyUsage: keyUsageOf(cert),
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
