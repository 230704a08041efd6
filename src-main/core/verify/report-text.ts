/**
 * The report as plain lines for `casilla verify` (terminal), in the user's language (Spanish by default,
 * English), with plural forms, times in the user's time zone with the UTC offset, and each file by the name the
 * user knows (an upload's original name, never its internal path). The words are the PDF report's
 * (`report-words.ts`), so both say the same thing.
 */
import type { FileOutcome, SignatureReport } from '../../api/verify';
import { displayName } from './report-pdf';
import { changeMessage, countOf, reasonText, reportTime, reportWords, type ReportLocale, type ReportWords } from './report-words';

/** Spanish verdict words (kept for callers that print a verdict on its own). */
export const verdictWord = reportWords('es').verdict;

/** The file as the user knows it: its name, and the folder when it is not an upload of the browser mode. */
function shownName(file: string): string {
  const d = displayName(file);
  return d.folder ? `${d.name} (${d.folder})` : d.name;
}

export function formatOutcome(o: FileOutcome, locale: ReportLocale = { lang: 'es' }): string {
  const w = reportWords(locale.lang);
  if (!o.report) return `${shownName(o.file)}: ${w.unreadable} — ${o.error.message} [${o.error.code}]`;
  const r = o.report;
  const lines = [
    `${shownName(o.file)}: ${w.verdict[r.verdict]} (${countOf(locale.lang, r.revisions, w.revisions)}, ${countOf(locale.lang, r.signatures.length, w.signatures)})`,
  ];
  for (const reason of r.reasons) if (r.signatures.length === 0) lines.push(`  ${reasonText(reason, locale.lang)}`);
  r.signatures.forEach((s, i) => lines.push(...formatSignature(s, i + 1, w, locale)));
  return lines.join('\n');
}

function formatSignature(s: SignatureReport, n: number, w: ReportWords, locale: ReportLocale): string[] {
  const what = s.kind === 'document-timestamp' ? w.docTimestamp : w.signature;
  const out = [`  ${what} ${n} «${s.field}»${s.page ? `, ${w.page} ${s.page}` : ''}, ${w.revision} ${s.revision}: ${w.verdict[s.verdict]}`];
  if (s.signer)
    out.push(`    ${w.lineSigner}: ${s.signer.name}${s.signer.id ? ` (${s.signer.id})` : ''}, ${w.issuedBy} ${s.signer.issuer}`);
  const time = s.timestamp?.time ?? s.claimedTime;
  if (time)
    out.push(
      `    ${w.lineTime}: ${reportTime(time, locale.timeZone)} (${w.timeSource[s.timeSource]}${s.timestamp ? `, TSA ${s.timestamp.tsa}${s.timestamp.valid ? '' : ` ${w.tsaBad}`}` : ''})`,
    );
  out.push(
    `    ${w.lineIntact}: ${s.intact ? w.yes : w.NO}; ${w.lineCovers}: ${w.coverage[s.coverage]}; ${w.lineChanges}: ${w.mods[s.modificationsAfter]}; ${w.lineLevel}: ${s.level}`,
  );
  out.push(
    `    ${w.lineTrust}: ${s.trusted ? w.yes : w.no}; ${w.lineRevocation}: ${w.revocationLong[s.revocation.status]}${s.revocation.revokedAt ? ` ${w.on} ${reportTime(s.revocation.revokedAt, locale.timeZone)}` : ''} (${w.source[s.revocation.source]})`,
  );
  for (const r of s.reasons) out.push(`    - ${reasonText(r, locale.lang)}`);
  for (const c of s.changes)
    out.push(
      `    · ${w.revisionCap} ${c.revision}, ${c.object}: ${changeMessage(c, locale.lang)} [${c.allowed ? w.allowed : w.notAllowed}]`,
    );
  return out;
}
