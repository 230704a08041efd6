/**
 * The one verification report: what the UI, `casilla verify --json` and the PDF report show. Every check is
 * data (facts plus reasons with stable codes and Spanish messages); the verdicts are derived from those facts
 * in one place, `deriveSignatureVerdict` and `deriveFileVerdict`, and nowhere else.
 */

import type { Reason, SignatureFacts, SignatureReport, Verdict } from '../../api/verify';

export type {
  Change,
  Coverage,
  FileReport,
  ModificationsAfter,
  Reason,
  RevocationSource,
  RevocationStatus,
  RevocationSummary,
  SignatureFacts,
  SignatureKind,
  SignatureLevel,
  SignatureReport,
  SignerInfoSummary,
  TimeSource,
  TimestampSummary,
  Verdict,
} from '../../api/verify';

const msg = {
  CMS_UNREADABLE: 'La firma no se pudo leer (estructura CMS dañada o sin certificado del firmante).',
  DIGEST_MISMATCH: 'El documento fue modificado: el resumen (hash) del contenido firmado no coincide con el de la firma.',
  SIGNATURE_INVALID: 'La firma criptográfica no es válida para el certificado del firmante.',
  ESS_MISMATCH: 'El atributo signing-certificate no corresponde al certificado del firmante (posible sustitución de certificado).',
  COVERAGE_ANOMALOUS: 'Los rangos de bytes firmados son anómalos: la firma no cubre el documento como corresponde.',
  MODIFICATIONS_DISALLOWED: 'Después de la firma se hicieron cambios no permitidos en el documento.',
  CHAIN_BROKEN: 'Un certificado de la cadena tiene una firma inválida.',
  CERT_NOT_VALID_AT_TIME: 'Un certificado de la cadena no estaba vigente en el momento de la firma.',
  USAGE_NOT_ALLOWED: 'El uso del certificado (key usage / basic constraints) no permite firmar documentos.',
  TIMESTAMP_INVALID: 'El sello de tiempo de la firma no es válido.',
  REVOKED_BEFORE_SIGNING: 'El certificado del firmante estaba revocado al momento de la firma.',
  REVOKED_AFTER_UNPROVEN: 'El certificado del firmante está revocado y no hay sello de tiempo que pruebe que la firma es anterior.',
  UNTRUSTED: 'No se pudo construir una cadena hasta una autoridad de confianza.',
  REVOCATION_UNKNOWN: 'No se pudo determinar si el certificado está revocado.',
  WEAK_ALGORITHM: 'La firma usa un algoritmo débil (SHA-1).',
  CLAIMED_TIME_ONLY: 'La hora de firma es la declarada por el firmante; no hay sello de tiempo que la respalde.',
  ALGORITHM_UNSUPPORTED: 'No se pudo comprobar la firma: algoritmo no soportado.',
  ENCAPSULATED_CONTENT: 'La firma separada (detached) encapsula un contenido propio: no firma solo los bytes del documento.',
  NO_SIGNATURES: 'El documento no contiene firmas.',
  SIGNATURE_INVALID_IN_FILE: 'Al menos una firma del documento no es válida.',
  SIGNATURE_INDETERMINATE_IN_FILE: 'Al menos una firma del documento no pudo validarse por completo.',
  CA_REVOKED: 'Una autoridad certificadora intermedia de la cadena estaba revocada al momento de la firma.',
  REVOKED_AFTER_SIGNING: 'El certificado fue revocado después de la firma, que está probada por un sello de tiempo.',
  REVOCATION_NOT_APPLICABLE:
    'El certificado del firmante es una autoridad de confianza: se confía en él directamente y no se exige consultar su revocación.',
} as const;

export type ReasonCode = keyof typeof msg;

export function reason(code: ReasonCode, extra?: string): Reason {
  return { code, message: extra ? `${msg[code]} ${extra}` : msg[code] };
}

/**
 * The one place a signature's verdict is decided. Invalid: anything proving tampering or a broken
 * signature. Indeterminate: nothing is wrong but something could not be established (trust, revocation,
 * weak algorithm). Valid: everything checks out.
 */
export function deriveSignatureVerdict(f: SignatureFacts): { verdict: Verdict; intact: boolean; reasons: Reason[]; notes: Reason[] } {
  const invalid: Reason[] = [];
  const indeterminate: Reason[] = [];
  const notes: Reason[] = [];
  const intact = f.cmsParsed && f.digestMatches && f.signatureVerifies && !f.encapsulatedContent;

  if (!f.cmsParsed) invalid.push(reason('CMS_UNREADABLE'));
  else {
    // A check we could not run (unsupported algorithm) proves nothing either way.
    if (!f.digestMatches && !f.digestUnchecked) invalid.push(reason('DIGEST_MISMATCH'));
    if (!f.signatureVerifies && !f.signatureUnchecked && !f.digestUnchecked) invalid.push(reason('SIGNATURE_INVALID'));
    if ((f.digestUnchecked && !f.digestMatches) || (f.signatureUnchecked && !f.signatureVerifies))
      indeterminate.push(reason('ALGORITHM_UNSUPPORTED'));
  }
  if (f.encapsulatedContent) invalid.push(reason('ENCAPSULATED_CONTENT'));
  if (f.essMatches === false) invalid.push(reason('ESS_MISMATCH'));
  if (f.coverage === 'anomalous') invalid.push(reason('COVERAGE_ANOMALOUS'));
  if (f.modificationsAfter === 'disallowed') invalid.push(reason('MODIFICATIONS_DISALLOWED'));
  if (f.chainBroken) invalid.push(reason('CHAIN_BROKEN'));
  if (f.timestampValid === false) invalid.push(reason('TIMESTAMP_INVALID'));
  if (!f.usageAllowed) invalid.push(reason('USAGE_NOT_ALLOWED'));

  // A certificate outside its validity at a time proven by a timestamp is a fact; at a claimed time it is
  // only as good as the signer's clock, so it cannot prove the opposite either.
  if (!f.validAtSigningTime) (f.timeSource === 'timestamp' ? invalid : indeterminate).push(reason('CERT_NOT_VALID_AT_TIME'));

  if (f.revocation.status === 'revoked') {
    const revokedAt = f.revocation.revokedAt ? Date.parse(f.revocation.revokedAt) : NaN;
    const signedAt = f.signingTime ? Date.parse(f.signingTime) : NaN;
    if (Number.isFinite(revokedAt) && Number.isFinite(signedAt) && revokedAt > signedAt) {
      if (f.timeSource === 'timestamp' && f.timestampValid === true) notes.push(reason('REVOKED_AFTER_SIGNING'));
      else indeterminate.push(reason('REVOKED_AFTER_UNPROVEN'));
    } else invalid.push(reason('REVOKED_BEFORE_SIGNING'));
  }

  if (f.caRevokedBeforeSigning) invalid.push(reason('CA_REVOKED'));
  if (!f.trusted && !f.chainBroken) indeterminate.push(reason('UNTRUSTED'));
  // RFC 5280 §6.1: a trust anchor is trusted as configured, not validated, so its revocation status is not required.
  if (f.revocation.status === 'unknown') {
    if (f.signerIsAnchor && f.trusted) notes.push(reason('REVOCATION_NOT_APPLICABLE'));
    else indeterminate.push(reason('REVOCATION_UNKNOWN'));
  }
  if (f.weakAlgorithm) indeterminate.push(reason('WEAK_ALGORITHM'));
  if (f.timeSource === 'claimed') notes.push(reason('CLAIMED_TIME_ONLY'));

  if (invalid.length) return { verdict: 'invalid', intact, reasons: [...invalid, ...indeterminate], notes };
  if (indeterminate.length) return { verdict: 'indeterminate', intact, reasons: indeterminate, notes };
  return { verdict: 'valid', intact, reasons: [], notes };
}

/** The file's verdict from its signatures: the worst one wins; a file with no signature is not valid. */
export function deriveFileVerdict(signatures: ReadonlyArray<Pick<SignatureReport, 'verdict'>>): { verdict: Verdict; reasons: Reason[] } {
  if (signatures.length === 0) return { verdict: 'indeterminate', reasons: [reason('NO_SIGNATURES')] };
  if (signatures.some((s) => s.verdict === 'invalid')) return { verdict: 'invalid', reasons: [reason('SIGNATURE_INVALID_IN_FILE')] };
  if (signatures.some((s) => s.verdict === 'indeterminate'))
    return { verdict: 'indeterminate', reasons: [reason('SIGNATURE_INDETERMINATE_IN_FILE')] };
  return { verdict: 'valid', reasons: [] };
}
