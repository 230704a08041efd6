/**
 * The report in plain Spanish lines, shared by `casilla verify` (terminal) and the PDF report, so both say
 * exactly the same thing.
 */
import type { FileOutcome, SignatureReport, Verdict } from '../../api/verify';

export const verdictWord: Record<Verdict, string> = { valid: 'VÁLIDO', invalid: 'NO VÁLIDO', indeterminate: 'INDETERMINADO' };
const coverageWord = {
  'entire-file': 'todo el archivo',
  revision: 'una revisión (hay actualizaciones posteriores)',
  anomalous: 'ANÓMALA',
} as const;
const modsWord = { none: 'ninguno', allowed: 'solo permitidos', disallowed: 'NO PERMITIDOS' } as const;
const timeWord = { timestamp: 'sello de tiempo', claimed: 'declarada por el firmante', verification: 'hora de verificación' } as const;

const revocationWord = { good: 'no revocado', revoked: 'REVOCADO', unknown: 'desconocida' } as const;
const sourceWord = {
  'embedded-ocsp': 'OCSP incluido en la firma',
  'embedded-crl': 'CRL incluida en la firma',
  'dss-ocsp': 'OCSP del DSS del documento',
  'dss-crl': 'CRL del DSS del documento',
  'online-ocsp': 'consulta OCSP en línea',
  'online-crl': 'CRL descargada',
  none: 'sin fuente',
} as const;

export function formatOutcome(o: FileOutcome): string {
  if (!o.report) return `${o.file}: NO SE PUDO LEER — ${o.error.message} [${o.error.code}]`;
  const r = o.report;
  const lines = [`${r.file}: ${verdictWord[r.verdict]} (${r.revisions} revisiones, ${r.signatures.length} firmas)`];
  for (const reason of r.reasons) if (r.signatures.length === 0) lines.push(`  ${reason.message}`);
  r.signatures.forEach((s, i) => lines.push(...formatSignature(s, i + 1)));
  return lines.join('\n');
}

function formatSignature(s: SignatureReport, n: number): string[] {
  const what = s.kind === 'document-timestamp' ? 'Sello de tiempo del documento' : 'Firma';
  const out = [`  ${what} ${n} «${s.field}»${s.page ? `, página ${s.page}` : ''}, revisión ${s.revision}: ${verdictWord[s.verdict]}`];
  if (s.signer) out.push(`    Firmante: ${s.signer.name}${s.signer.id ? ` (${s.signer.id})` : ''}, emitido por ${s.signer.issuer}`);
  const time = s.timestamp?.time ?? s.claimedTime;
  if (time)
    out.push(
      `    Hora: ${time} (${timeWord[s.timeSource]}${s.timestamp ? `, TSA ${s.timestamp.tsa}${s.timestamp.valid ? '' : ' no válida o no confiable'}` : ''})`,
    );
  out.push(
    `    Íntegra: ${s.intact ? 'sí' : 'NO'}; cubre: ${coverageWord[s.coverage]}; cambios posteriores: ${modsWord[s.modificationsAfter]}; nivel: ${s.level}`,
  );
  out.push(
    `    Confianza: ${s.trusted ? 'sí' : 'no'}; revocación: ${revocationWord[s.revocation.status]}${s.revocation.revokedAt ? ` el ${s.revocation.revokedAt}` : ''} (${sourceWord[s.revocation.source]})`,
  );
  for (const r of s.reasons) out.push(`    - ${r.message}`);
  for (const c of s.changes)
    out.push(`    · Revisión ${c.revision}, ${c.object}: ${c.message} [${c.allowed ? 'permitido' : 'NO PERMITIDO'}]`);
  return out;
}
