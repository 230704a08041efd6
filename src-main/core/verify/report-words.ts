/**
 * The words of the verification reports (the terminal text and the PDF) in the user's language: Spanish by
 * default, English. Plural forms through `Intl.PluralRules` (CLDR), times in the user's time zone with the UTC
 * offset, reasons and changes from their codes (the Spanish message the verifier wrote is the fallback).
 */
import type { Change, Reason, RevocationSource, Verdict } from '../../api/verify';
import { changeText } from './diff/change-text';
import type { ChangeKind } from './diff/types';
import { zonedParts, type ZonedParts } from '../zoned-time';

export type ReportLang = 'es' | 'en';

export type ReportLocale = { lang: ReportLang; timeZone?: string | undefined };

type Plural = { one: string; other: string };

const words = {
  es: {
    title: 'Informe de verificación de firmas',
    generated: (when: string) => `Casilla Desktop · generado el ${when}`,
    verdict: { valid: 'VÁLIDO', invalid: 'NO VÁLIDO', indeterminate: 'INDETERMINADO' } as Record<Verdict, string>,
    unreadable: 'NO SE PUDO LEER',
    files: { one: 'archivo', other: 'archivos' },
    validN: { one: 'válido', other: 'válidos' },
    invalidN: { one: 'no válido', other: 'no válidos' },
    indeterminateN: { one: 'indeterminado', other: 'indeterminados' },
    unreadableN: { one: 'ilegible', other: 'ilegibles' },
    revisions: { one: 'revisión', other: 'revisiones' },
    signatures: { one: 'firma', other: 'firmas' },
    col: { signer: 'Firmante', time: 'Hora', intact: 'Íntegra', trusted: 'Confianza', revocation: 'Revocación', verdict: 'Veredicto' },
    yes: 'sí',
    no: 'no',
    NO: 'NO',
    unknownSigner: 'desconocido',
    docTimestamp: 'Sello de tiempo del documento',
    signature: 'Firma',
    issuedBy: 'emitido por',
    field: 'campo',
    page: 'página',
    revision: 'revisión',
    revisionCap: 'Revisión',
    revocationShort: { good: 'no revocado', revoked: 'REVOCADO', unknown: 'sin dato' },
    revocationLong: { good: 'no revocado', revoked: 'REVOCADO', unknown: 'desconocida' },
    allowed: 'permitido',
    notAllowed: 'NO PERMITIDO',
    coverage: {
      'entire-file': 'todo el archivo',
      revision: 'una revisión (hay actualizaciones posteriores)',
      anomalous: 'ANÓMALA',
    },
    mods: { none: 'ninguno', allowed: 'solo permitidos', disallowed: 'NO PERMITIDOS' },
    timeSource: { timestamp: 'sello de tiempo', claimed: 'declarada por el firmante', verification: 'hora de verificación' },
    tsaBad: 'no válida o no confiable',
    source: {
      'embedded-ocsp': 'OCSP incluido en la firma',
      'embedded-crl': 'CRL incluida en la firma',
      'dss-ocsp': 'OCSP del DSS del documento',
      'dss-crl': 'CRL del DSS del documento',
      'online-ocsp': 'consulta OCSP en línea',
      'online-crl': 'CRL descargada',
      none: 'sin fuente',
    } as Record<RevocationSource, string>,
    lineSigner: 'Firmante',
    lineTime: 'Hora',
    lineIntact: 'Íntegra',
    lineCovers: 'cubre',
    lineChanges: 'cambios posteriores',
    lineLevel: 'nivel',
    lineTrust: 'Confianza',
    lineRevocation: 'revocación',
    on: 'el',
    footer: 'Verificación PAdES: integridad, firma, cadena de confianza, hora, revocación y cambios posteriores.',
    pageOf: (i: number, n: number) => `página ${i} de ${n}`,
    thumbSigned: (p: number) => `Pág. ${p}: firmada`,
    thumbNow: (p: number) => `Pág. ${p}: ahora`,
    thumbChanged: 'cambió después de la firma',
    thumbSame: 'sin cambios después de la firma',
    thumbUnavailable: 'miniatura no disponible',
    thumbMore: (n: number) => `(${n} páginas más no se muestran)`,
    thumbReason: {
      'no-page': 'la página no existe en esa revisión',
      objects: 'la página usa demasiados objetos',
      bytes: 'la página pesa demasiado',
      image: 'imagen demasiado grande',
      depth: 'recursos anidados demasiado profundo',
      filter: 'filtro de compresión no soportado',
      content: 'contenido de página demasiado grande',
      time: 'se agotó el tiempo para copiarla',
      unreadable: 'no se pudo leer la página',
      budget: 'el informe ya alcanzó su límite de miniaturas',
    },
  },
  en: {
    title: 'Signature verification report',
    generated: (when: string) => `Casilla Desktop · generated on ${when}`,
    verdict: { valid: 'VALID', invalid: 'NOT VALID', indeterminate: 'INDETERMINATE' } as Record<Verdict, string>,
    unreadable: 'COULD NOT BE READ',
    files: { one: 'file', other: 'files' },
    validN: { one: 'valid', other: 'valid' },
    invalidN: { one: 'not valid', other: 'not valid' },
    indeterminateN: { one: 'indeterminate', other: 'indeterminate' },
    unreadableN: { one: 'unreadable', other: 'unreadable' },
    revisions: { one: 'revision', other: 'revisions' },
    signatures: { one: 'signature', other: 'signatures' },
    col: { signer: 'Signer', time: 'Time', intact: 'Intact', trusted: 'Trusted', revocation: 'Revocation', verdict: 'Verdict' },
    yes: 'yes',
    no: 'no',
    NO: 'NO',
    unknownSigner: 'unknown',
    docTimestamp: 'Document timestamp',
    signature: 'Signature',
    issuedBy: 'issued by',
    field: 'field',
    page: 'page',
    revision: 'revision',
    revisionCap: 'Revision',
    revocationShort: { good: 'not revoked', revoked: 'REVOKED', unknown: 'no data' },
    revocationLong: { good: 'not revoked', revoked: 'REVOKED', unknown: 'unknown' },
    allowed: 'allowed',
    notAllowed: 'NOT ALLOWED',
    coverage: { 'entire-file': 'the whole file', revision: 'one revision (later updates exist)', anomalous: 'ANOMALOUS' },
    mods: { none: 'none', allowed: 'allowed only', disallowed: 'NOT ALLOWED' },
    timeSource: { timestamp: 'timestamp', claimed: 'claimed by the signer', verification: 'verification time' },
    tsaBad: 'not valid or not trusted',
    source: {
      'embedded-ocsp': 'OCSP embedded in the signature',
      'embedded-crl': 'CRL embedded in the signature',
      'dss-ocsp': "OCSP from the document's DSS",
      'dss-crl': "CRL from the document's DSS",
      'online-ocsp': 'online OCSP query',
      'online-crl': 'downloaded CRL',
      none: 'no source',
    } as Record<RevocationSource, string>,
    lineSigner: 'Signer',
    lineTime: 'Time',
    lineIntact: 'Intact',
    lineCovers: 'covers',
    lineChanges: 'later changes',
    lineLevel: 'level',
    lineTrust: 'Trusted',
    lineRevocation: 'revocation',
    on: 'on',
    footer: 'PAdES verification: integrity, signature, chain of trust, time, revocation and later changes.',
    pageOf: (i: number, n: number) => `page ${i} of ${n}`,
    thumbSigned: (p: number) => `P. ${p}: as signed`,
    thumbNow: (p: number) => `P. ${p}: now`,
    thumbChanged: 'changed after the signature',
    thumbSame: 'unchanged after the signature',
    thumbUnavailable: 'thumbnail not available',
    thumbMore: (n: number) => `(${n} more pages not shown)`,
    thumbReason: {
      'no-page': 'the page does not exist in that revision',
      objects: 'the page uses too many objects',
      bytes: 'the page is too heavy',
      image: 'image too large',
      depth: 'resources nested too deep',
      filter: 'unsupported compression filter',
      content: 'page content too large',
      time: 'ran out of time copying it',
      unreadable: 'the page could not be read',
      budget: 'the report reached its thumbnail limit',
    },
  },
} as const;

export type ReportWords = (typeof words)[ReportLang];
export type ThumbFailure = keyof ReportWords['thumbReason'];

export function reportWords(lang: ReportLang): ReportWords {
  return words[lang];
}

const pluralRules = { es: new Intl.PluralRules('es'), en: new Intl.PluralRules('en') };

/** "1 revisión", "2 revisiones", "1 signature"... (CLDR: Spanish and English have one and other). */
export function countOf(lang: ReportLang, n: number, forms: Plural): string {
  return `${n} ${pluralRules[lang].select(n) === 'one' ? forms.one : forms.other}`;
}

/** English texts of the verifier's reason codes (the Spanish ones are what the verifier wrote). */
const reasonEn: Record<string, string> = {
  CMS_UNREADABLE: 'The signature could not be read (damaged CMS structure or no signer certificate).',
  DIGEST_MISMATCH: "The document was modified: the hash of the signed content does not match the signature's.",
  SIGNATURE_INVALID: "The cryptographic signature does not verify with the signer's certificate.",
  ESS_MISMATCH: "The signing-certificate attribute does not match the signer's certificate (possible certificate substitution).",
  COVERAGE_ANOMALOUS: 'The signed byte ranges are anomalous: the signature does not cover the document as it should.',
  MODIFICATIONS_DISALLOWED: 'Changes that are not allowed were made to the document after the signature.',
  CHAIN_BROKEN: 'A certificate in the chain has an invalid signature.',
  CERT_NOT_VALID_AT_TIME: 'A certificate in the chain was not in force at signing time.',
  USAGE_NOT_ALLOWED: "The certificate's usage (key usage / basic constraints) does not allow signing documents.",
  TIMESTAMP_INVALID: "The signature's timestamp is not valid.",
  REVOKED_BEFORE_SIGNING: "The signer's certificate was revoked at signing time.",
  REVOKED_AFTER_UNPROVEN: "The signer's certificate is revoked and no timestamp proves that the signature came first.",
  UNTRUSTED: 'No chain could be built up to a trusted authority.',
  REVOCATION_UNKNOWN: 'Whether the certificate is revoked could not be determined.',
  WEAK_ALGORITHM: 'The signature uses a weak algorithm (SHA-1).',
  CLAIMED_TIME_ONLY: 'The signing time is the one the signer claims; no timestamp backs it.',
  ALGORITHM_UNSUPPORTED: 'The signature could not be checked: unsupported algorithm.',
  ENCAPSULATED_CONTENT: "The detached signature encapsulates content of its own: it does not sign only the document's bytes.",
  NO_SIGNATURES: 'The document contains no signatures.',
  SIGNATURE_INVALID_IN_FILE: 'At least one signature in the document is not valid.',
  SIGNATURE_INDETERMINATE_IN_FILE: 'At least one signature in the document could not be fully validated.',
  CA_REVOKED: 'An intermediate certification authority in the chain was revoked at signing time.',
  REVOKED_AFTER_SIGNING: 'The certificate was revoked after the signature, which a timestamp proves.',
  REVOCATION_NOT_APPLICABLE: "The signer's certificate is a trust anchor: it is trusted directly and its revocation is not required.",
};

export function reasonText(r: Reason, lang: ReportLang): string {
  return lang === 'en' ? (reasonEn[r.code] ?? r.message) : r.message;
}

export function changeMessage(c: Change, lang: ReportLang): string {
  if (lang === 'es' || !c.kind) return c.message;
  try {
    return changeText(c.kind as ChangeKind, c.params ?? {}, lang);
  } catch {
    return c.message;
  }
}

/** "30/11/2026 09:15:02 UTC-05:00" (es) or "30/11/2026, 09:15:02 UTC-05:00" in the given IANA time zone (the system's by default). */
export function reportTime(iso: string | Date, timeZone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  let z: ZonedParts;
  try {
    z = zonedParts(d, timeZone);
  } catch {
    return reportTime(d); // an unknown time zone name: the system's
  }
  return `${z.day}/${z.month}/${z.year} ${z.hour}:${z.minute}:${z.second} UTC${z.offset}`;
}
