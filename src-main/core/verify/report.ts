/**
 * The one verification report: what the UI, `casilla verify --json` and the PDF report show. Every check is
 * data (facts plus reasons with stable codes and Spanish messages); the verdicts are derived from those facts
 * in one place, `deriveSignatureVerdict` and `deriveFileVerdict`, and nowhere else.
 */

export type Verdict = 'valid' | 'invalid' | 'indeterminate';
export type Coverage = 'entire-file' | 'revision' | 'anomalous';
export type ModificationsAfter = 'none' | 'allowed' | 'disallowed';
export type RevocationStatus = 'good' | 'revoked' | 'unknown';
/** Where a revocation answer came from; `none` when nothing could be consulted. */
export type RevocationSource = 'embedded-ocsp' | 'embedded-crl' | 'dss-ocsp' | 'dss-crl' | 'online-ocsp' | 'online-crl' | 'none';
/** Which time the certificate validity was checked at. */
export type TimeSource = 'timestamp' | 'claimed' | 'verification';
/** PAdES baseline level reached (B-B, B-T with a signature timestamp, B-LT with revocation data, B-LTA with a document timestamp after it). */
export type SignatureLevel = 'PAdES-B-B' | 'PAdES-B-T' | 'PAdES-B-LT' | 'PAdES-B-LTA' | 'CMS' | 'document-timestamp';
export type SignatureKind = 'signature' | 'document-timestamp';

export type Reason = { code: string; message: string };

export type Change = {
  /** Revision number (1 = the original file) that made the change. */
  revision: number;
  /** `12 0 R`, or `trailer` / `xref` for structural changes. */
  object: string;
  allowed: boolean;
  /** Plain Spanish: what changed. */
  message: string;
};

export type SignerInfoSummary = { name: string; id: string | null; issuer: string; serial: string };

export type TimestampSummary = { time: string; tsa: string; valid: boolean };

export type RevocationSummary = { status: RevocationStatus; source: RevocationSource; revokedAt?: string; reason?: string };

/** The facts the verdict is derived from; each is filled by the check that owns it. */
export type SignatureFacts = {
  /** The CMS could be parsed and a signer certificate found. */
  cmsParsed: boolean;
  /** Hash of the byte ranges equals the CMS message digest. */
  digestMatches: boolean;
  /** The signature over the signed attributes verifies with the signer's key. */
  signatureVerifies: boolean;
  /** ESS signing-certificate(-v2) names the signer certificate; null when the attribute is absent. */
  essMatches: boolean | null;
  /** SHA-1 or another weak algorithm was used for the digest or the signature. */
  weakAlgorithm: boolean;
  coverage: Coverage;
  modificationsAfter: ModificationsAfter;
  /** A chain to a trust anchor was built with valid signatures along it. */
  trusted: boolean;
  /** A certificate in the chain had a bad signature (not merely an unknown issuer). */
  chainBroken: boolean;
  /** Every certificate in the chain was valid at the signing time. */
  validAtSigningTime: boolean;
  /** Key usage / basic constraints / extended key usage allow this use. */
  usageAllowed: boolean;
  timeSource: TimeSource;
  /** null when there is no signature timestamp. */
  timestampValid: boolean | null;
  revocation: RevocationSummary;
  /** Signing time (ISO) used for revocation comparison. */
  signingTime: string | null;
};

export type SignatureReport = {
  kind: SignatureKind;
  field: string;
  page: number | null;
  revision: number;
  signer: SignerInfoSummary | null;
  claimedTime: string | null;
  timestamp: TimestampSummary | null;
  intact: boolean;
  coverage: Coverage;
  modificationsAfter: ModificationsAfter;
  changes: Change[];
  trusted: boolean;
  revocation: RevocationSummary;
  level: SignatureLevel;
  /** DocMDP level of a certification signature (1 no changes, 2 form fill + signing, 3 also annotations); null for approval signatures. */
  certificationLevel: 1 | 2 | 3 | null;
  /** Which time the chain was checked at: the timestamp's, the claimed one, or now. */
  timeSource: TimeSource;
  verdict: Verdict;
  reasons: Reason[];
  /** Notes that do not change the verdict (algorithm used, where revocation came from...). */
  notes: Reason[];
};

export type FileReport = {
  file: string;
  verdict: Verdict;
  revisions: number;
  signatures: SignatureReport[];
  reasons: Reason[];
};

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
  NO_SIGNATURES: 'El documento no contiene firmas.',
  SIGNATURE_INVALID_IN_FILE: 'Al menos una firma del documento no es válida.',
  SIGNATURE_INDETERMINATE_IN_FILE: 'Al menos una firma del documento no pudo validarse por completo.',
  REVOKED_AFTER_SIGNING: 'El certificado fue revocado después de la firma, que está probada por un sello de tiempo.',
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
  const intact = f.cmsParsed && f.digestMatches && f.signatureVerifies;

  if (!f.cmsParsed) invalid.push(reason('CMS_UNREADABLE'));
  else {
    if (!f.digestMatches) invalid.push(reason('DIGEST_MISMATCH'));
    if (!f.signatureVerifies) invalid.push(reason('SIGNATURE_INVALID'));
  }
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

  if (!f.trusted && !f.chainBroken) indeterminate.push(reason('UNTRUSTED'));
  if (f.revocation.status === 'unknown') indeterminate.push(reason('REVOCATION_UNKNOWN'));
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
  if (signatures.some((s) => s.verdict === 'indeterminate')) return { verdict: 'indeterminate', reasons: [reason('SIGNATURE_INDETERMINATE_IN_FILE')] };
  return { verdict: 'valid', reasons: [] };
}
