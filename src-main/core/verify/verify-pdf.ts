/**
 * Verifies every signature of one PDF and builds its FileReport: locate, byte ranges, digest (hashed in
 * place), CMS signature, ESS, timestamp, chain at the signing time, revocation, and what changed after each
 * signature. Failures of one signature never stop the others; a file that cannot be read throws AppError.
 */
import fs from 'node:fs';
import { AppError } from '../../api/result';
import { certificationLevel } from '../pdf/form-fields';
import { openPdf, type PdfDocument } from '../pdf/pdf-document';
import { PdfRef, PdfStream } from '../pdf/pdf-objects';
import { buildChain, type ChainResult } from './chain';
import { certFromDer, type Cert } from './certificate';
import { checkCms, digestOf, parseCms, signerSummary, type CmsCheck, type CmsSignature } from './cms';
import type { HashName } from './algorithms';
import { hashRanges, type ByteRange } from './digest';
import { fetchIssuers } from './issuer-fetch';
import { analyseModifications, type ModificationAnalysis } from './diff';
import { permissionsFor, readLocks } from './diff/permissions';
import { checkCoverage, locateSignatures, signaturesOfEarlierRevisions, type CoverageCheck, type LocatedSignature } from './pdf-signatures';
import {
  deriveFileVerdict,
  deriveSignatureVerdict,
  type FileReport,
  type Reason,
  type RevocationSummary,
  type SignatureFacts,
  type SignatureLevel,
  type SignatureReport,
  type TimeSource,
} from './report';
import { checkRevocation, revocationFromCms, type RevocationData, type RevocationResult } from './revocation';
import { RevisionReader } from './revision-objects';
import { checkSignatureTimestamp, checkTimestamp, type TimestampCheck } from './timestamp';
import type { TrustStore } from './trust';

export type VerifyPdfOptions = {
  trust: TrustStore;
  /** Allow OCSP/CRL requests to the certificates' URLs. */
  online: boolean;
  timeoutMs?: number;
  /** Total time for all online requests of one file (default 20 s); after it, checks continue offline. */
  onlineBudgetMs?: number;
  /** Called after each signature with (done, total). */
  onSignature?: (done: number, total: number) => void;
};

const MAX_DSS_ITEMS = 200;
const MAX_DSS_ITEM_BYTES = 10 * 1024 * 1024;

export async function verifyPdf(file: string, options: VerifyPdfOptions): Promise<FileReport> {
  try {
    return await verifyOpenedPdf(file, options);
  } catch (err: unknown) {
    if (err instanceof AppError) throw err;
    // A damaged file can still trip an unchecked corner of the reader (a NaN offset, a stack overflow on
    // nesting): for the user it is a damaged file, said clearly, not a crash.
    throw new AppError(
      'VERIFY_DAMAGED',
      'El PDF está dañado y no se pudo leer su estructura.',
      { detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) },
      { cause: err },
    );
  }
}

async function verifyOpenedPdf(file: string, options: VerifyPdfOptions): Promise<FileReport> {
  const doc = openPdf(file);
  let fd: number | null = null;
  try {
    if (doc.isEncrypted()) throw new AppError('VERIFY_ENCRYPTED', 'El PDF está cifrado; no se pueden verificar sus firmas.');
    fd = fs.openSync(file, 'r');
    const reader = new RevisionReader(doc);
    const current = locateSignatures(doc);
    const located = [...current, ...signaturesOfEarlierRevisions(reader, current)];
    const dss = readDss(doc);
    let docMdp: 1 | 2 | 3 | null = null;
    let certifyingSig: number | null = null;
    try {
      const l = certificationLevel(doc);
      docMdp = l === 1 || l === 2 || l === 3 ? l : null;
      const ref = doc.resolveDict(doc.catalog().get('Perms'))?.get('DocMDP');
      certifyingSig = ref instanceof PdfRef ? ref.num : null;
    } catch {
      // An unreadable /Perms is treated as no certification; the changes are still analysed.
    }
    const signatures: SignatureReport[] = [];
    const hash = rangeHasher(fd);
    const onlineCache = new Map<string, Promise<RevocationResult>>();
    const deadline = Date.now() + (options.onlineBudgetMs ?? 20_000);
    for (const sig of located) {
      const report = await verifyOne(doc, hash, reader, sig, dss, docMdp, { ...options, onlineCache, deadline });
      if (sig.alsoFields?.length)
        report.notes.push({
          code: 'COVERAGE_DETAIL',
          message: `El mismo diccionario de firma figura también en los campos ${sig.alsoFields.map((f) => `«${f}»`).join(', ')}.`,
        });
      if (certifyingSig !== null && sig.sigRef?.num === certifyingSig) report.certificationLevel = docMdp;
      signatures.push(report);
      options.onSignature?.(signatures.length, located.length);
    }
    // B-LTA: a valid document timestamp covering a later revision than the signature.
    for (const s of signatures) {
      if (
        s.kind === 'signature' &&
        s.level === 'PAdES-B-LT' &&
        signatures.some((t) => t.kind === 'document-timestamp' && t.intact && t.revision > s.revision)
      )
        s.level = 'PAdES-B-LTA';
    }
    const fileVerdict = deriveFileVerdict(signatures);
    // What the reader tolerated (a startxref a few bytes off, a rebuilt xref) is said, not hidden.
    const readerNotes: Reason[] = doc.notes.map((message) => ({ code: 'READER_NOTE', message }));
    return {
      file,
      verdict: fileVerdict.verdict,
      revisions: reader.revisions.length,
      signatures,
      reasons: [...fileVerdict.reasons, ...readerNotes],
    };
  } finally {
    if (fd !== null) fs.closeSync(fd);
    doc.close();
  }
}

type Dss = { data: RevocationData; certs: Cert[] };

function readDss(doc: PdfDocument): Dss {
  const out: Dss = { data: { ocsps: [], crls: [] }, certs: [] };
  try {
    const dss = doc.resolveDict(doc.catalog().get('DSS'));
    if (!dss) return out;
    const streams = (key: string): Buffer[] => {
      const arr = doc.resolveArray(dss.get(key));
      const res: Buffer[] = [];
      for (const item of (arr?.items ?? []).slice(0, MAX_DSS_ITEMS)) {
        const s = doc.resolve(item);
        if (s instanceof PdfStream) res.push(doc.streamDecoded(s, MAX_DSS_ITEM_BYTES));
      }
      return res;
    };
    out.data.ocsps = streams('OCSPs');
    out.data.crls = streams('CRLs');
    for (const der of streams('Certs')) {
      try {
        out.certs.push(certFromDer(der));
      } catch {
        // A bad certificate in the DSS only means it cannot help build chains.
      }
    }
  } catch {
    // A broken DSS is as good as none: revocation falls back to the CMS and to online checks.
  }
  return out;
}

/** Most bytes hashed for one file (every distinct byte range once): beyond it the file is refused, not slow. */
const MAX_HASHED_BYTES = 2 * 1024 * 1024 * 1024;

type RangeHasher = (ranges: ByteRange[], alg: HashName) => Buffer;

/** Hashes each distinct (ranges, algorithm) once per file, within MAX_HASHED_BYTES. */
function rangeHasher(fd: number): RangeHasher {
  const done = new Map<string, Buffer>();
  let spent = 0;
  return (ranges, alg) => {
    const key = `${alg}:${ranges.map((r) => `${r.start}+${r.length}`).join(',')}`;
    const hit = done.get(key);
    if (hit) return hit;
    spent += ranges.reduce((n, r) => n + r.length, 0);
    if (spent > MAX_HASHED_BYTES)
      throw new AppError('PDF_LIMIT', 'El PDF excede un límite de lectura (demasiados bytes firmados que comprobar).', {
        detail: 'bytes firmados',
      });
    const digest = hashRanges(fd, ranges, alg);
    done.set(key, digest);
    return digest;
  };
}

function rangesOf(sig: LocatedSignature, size: number): ByteRange[] | null {
  const br = sig.byteRange;
  if (!br) return null;
  const [s1, l1, s2, l2] = br;
  if (s1 + l1 > size || s2 + l2 > size) return null;
  return [
    { start: s1, length: l1 },
    { start: s2, length: l2 },
  ];
}

async function verifyOne(
  doc: PdfDocument,
  hash: RangeHasher,
  reader: RevisionReader,
  sig: LocatedSignature,
  dss: Dss,
  docMdp: 1 | 2 | 3 | null,
  options: VerifyPdfOptions & { onlineCache: Map<string, Promise<RevocationResult>>; deadline: number },
): Promise<SignatureReport> {
  const notes: Reason[] = [];
  const coverage: CoverageCheck = checkCoverage(doc, reader, sig);
  for (const p of coverage.problems) notes.push({ code: 'COVERAGE_DETAIL', message: p });
  const ranges = rangesOf(sig, doc.size);

  let cms: CmsSignature | null = null;
  try {
    if (!sig.contents) throw new AppError('VERIFY_CMS_UNREADABLE', 'La firma no tiene /Contents.');
    cms = parseCms(sig.contents);
  } catch (err: unknown) {
    notes.push({ code: 'CMS_DETAIL', message: err instanceof Error ? err.message : String(err) });
  }

  let cmsCheck: CmsCheck | null = null;
  let encapsulated = false;
  let tsCheck: TimestampCheck | null = null;
  const signerCert: Cert | null = cms?.signer ?? null;
  if (cms && sig.kind === 'document-timestamp') {
    tsCheck = checkTimestamp(sig.contents ?? Buffer.alloc(0), (h) => (ranges ? hash(ranges, h) : Buffer.alloc(0)), options.trust);
  } else if (cms) {
    let digest = ranges && cms.digestHash ? hash(ranges, cms.digestHash) : Buffer.alloc(0);
    // adbe.pkcs7.sha1: the CMS encapsulates the SHA-1 of the byte ranges and signs that content.
    let encapsulatedMatches = true;
    if (sig.subFilter === 'adbe.pkcs7.sha1') {
      const sha1 = ranges ? hash(ranges, 'sha1') : Buffer.alloc(0);
      encapsulatedMatches = cms.eContent !== null && cms.eContent.equals(sha1);
      if (!encapsulatedMatches)
        notes.push({ code: 'CMS_DETAIL', message: 'El contenido encapsulado no es el SHA-1 de los bytes firmados.' });
      digest = cms.digestHash && cms.eContent ? digestOf(cms.digestHash, cms.eContent) : Buffer.alloc(0);
    } else if (cms.eContent !== null && sig.kind === 'signature' && cms.digestHash) {
      // An enveloping CMS is acceptable only when what it envelops is exactly the signed bytes.
      encapsulated = !digestOf(cms.digestHash, cms.eContent).equals(digest);
    }
    cmsCheck = checkCms(cms, digest);
    if (!encapsulatedMatches) cmsCheck.digestMatches = false;
    for (const p of cmsCheck.problems) notes.push({ code: 'CMS_DETAIL', message: p });
    if (cmsCheck.algorithm) notes.push({ code: 'ALGORITHM', message: `Algoritmo de firma: ${cmsCheck.algorithm}.` });
    tsCheck = checkSignatureTimestamp(cms, options.trust);
  }
  if (tsCheck) for (const p of tsCheck.problems) notes.push({ code: 'TIMESTAMP_DETAIL', message: p });

  const claimed = cmsCheck?.claimedTime?.toISOString() ?? sig.claimedTime;
  let timeSource: TimeSource;
  let at: Date;
  if (tsCheck?.valid && tsCheck.time) {
    timeSource = 'timestamp';
    at = tsCheck.time;
  } else if (sig.kind === 'document-timestamp' && tsCheck?.time) {
    timeSource = 'timestamp';
    at = tsCheck.time;
  } else if (claimed) {
    timeSource = 'claimed';
    at = new Date(claimed);
  } else {
    timeSource = 'verification';
    at = new Date();
  }

  let chain: ChainResult | null = null;
  if (sig.kind === 'document-timestamp') chain = tsCheck?.chain ?? null;
  else if (signerCert && cms) {
    chain = buildChain(signerCert, [...cms.certificates, ...dss.certs], options.trust, at, 'signing');
    const top = chain.chain[chain.chain.length - 1];
    if (!chain.trusted && !chain.chainBroken && options.online && top && Date.now() < options.deadline) {
      const fetched = await fetchIssuers(top, Math.max(1, Math.min(options.timeoutMs ?? 5000, options.deadline - Date.now())));
      for (const p of fetched.problems) notes.push({ code: 'CHAIN_DETAIL', message: p });
      if (fetched.certs.length)
        chain = buildChain(signerCert, [...cms.certificates, ...dss.certs, ...fetched.certs], options.trust, at, 'signing');
    }
  }
  if (chain && sig.kind !== 'document-timestamp') for (const p of chain.problems) notes.push({ code: 'CHAIN_DETAIL', message: p });

  let revocation: RevocationSummary = { status: 'unknown', source: 'none' };
  let caRevokedBeforeSigning = false;
  if (signerCert && chain) {
    const issuer = chain.chain[1] ?? null;
    const embedded: Array<{ data: RevocationData; kind: 'embedded' | 'dss' }> = [];
    if (cms) embedded.push({ data: revocationFromCms(cms), kind: 'embedded' });
    embedded.push({ data: dss.data, kind: 'dss' });
    const r = await checkRevocation(signerCert, issuer, embedded, {
      online: options.online,
      onlineCache: options.onlineCache,
      deadline: options.deadline,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    revocation = { status: r.status, source: r.source, ...(r.revokedAt ? { revokedAt: r.revokedAt } : {}) };
    for (const p of r.problems) notes.push({ code: 'REVOCATION_DETAIL', message: p });
    // Intermediate CAs below the anchor: only a definite "revoked" counts; "unknown" for a CA is a note, as
    // most CAs publish their own status only in their parent's CRL.
    for (let i = 1; i + 1 < chain.chain.length; i++) {
      const ca = chain.chain[i];
      const parent = chain.chain[i + 1];
      if (!ca || !parent || options.trust.anchorFor(ca)) continue;
      const cr = await checkRevocation(ca, parent, embedded, {
        online: options.online,
        onlineCache: options.onlineCache,
        deadline: options.deadline,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      if (cr.status !== 'revoked') continue;
      const revokedAt = cr.revokedAt ? Date.parse(cr.revokedAt) : NaN;
      const name = signerSummary(ca).name;
      if (!Number.isFinite(revokedAt) || revokedAt <= at.getTime()) {
        caRevokedBeforeSigning = true;
        notes.push({
          code: 'REVOCATION_DETAIL',
          message: `La autoridad «${name}» está revocada desde ${cr.revokedAt ?? 'fecha desconocida'} (${cr.source}).`,
        });
      } else
        notes.push({ code: 'REVOCATION_DETAIL', message: `La autoridad «${name}» fue revocada después de la firma (${cr.revokedAt}).` });
    }
  }

  let mods: ModificationAnalysis = { modificationsAfter: 'none', changes: [], truncated: false };
  if (coverage.revision !== null && coverage.coverage !== 'entire-file') {
    try {
      // Changes after a certification signature are judged by its level; after approval signatures, by the
      // document's certification if any (a later approval cannot relax it).
      // The lock as signed: a later revision cannot lift it.
      const signedRev = coverage.revision;
      const lock = readLocks(reader, signedRev, reader.dictAt(sig.fieldRef ?? undefined, signedRev), sig.sigDict);
      mods = analyseModifications(reader, coverage.revision, permissionsFor(docMdp, lock.locks, lock.p));
    } catch (err: unknown) {
      mods = {
        modificationsAfter: 'disallowed',
        truncated: false,
        changes: [
          {
            revision: coverage.revision + 1,
            object: 'xref',
            allowed: false,
            message: `No se pudieron analizar las revisiones posteriores: ${err instanceof Error ? err.message : String(err)}`,
          },
        ],
      };
    }
    if (mods.truncated) notes.push({ code: 'CHANGES_TRUNCATED', message: 'La lista de cambios es muy larga; se muestran los primeros.' });
  }

  // The chain ends at the end certificate itself: the signer (or TSA) certificate is a configured anchor.
  const signerIsAnchor = chain !== null && chain.trusted && chain.chain.length === 1 && chain.anchor === chain.chain[0];
  const facts: SignatureFacts =
    sig.kind === 'document-timestamp'
      ? {
          cmsParsed: cms !== null,
          digestMatches: Boolean(tsCheck?.imprintMatches),
          signatureVerifies: Boolean(tsCheck?.intact),
          essMatches: null,
          weakAlgorithm: cms?.digestHash === 'sha1',
          coverage: coverage.coverage,
          modificationsAfter: mods.modificationsAfter,
          trusted: Boolean(chain?.trusted),
          chainBroken: Boolean(chain?.chainBroken),
          validAtSigningTime: chain ? chain.validAtTime : true,
          usageAllowed: chain ? chain.usageAllowed : true,
          timeSource,
          timestampValid: null,
          revocation,
          caRevokedBeforeSigning,
          signerIsAnchor,
          signingTime: at.toISOString(),
        }
      : {
          cmsParsed: cms !== null && signerCert !== null,
          digestMatches: Boolean(cmsCheck?.digestMatches),
          signatureVerifies: Boolean(cmsCheck?.signatureVerifies),
          digestUnchecked: Boolean(cmsCheck?.digestUnchecked),
          signatureUnchecked: Boolean(cmsCheck?.signatureUnchecked),
          encapsulatedContent: encapsulated,
          essMatches: cmsCheck?.essMatches ?? null,
          weakAlgorithm: Boolean(cmsCheck?.weakAlgorithm),
          coverage: coverage.coverage,
          modificationsAfter: mods.modificationsAfter,
          trusted: Boolean(chain?.trusted),
          chainBroken: Boolean(chain?.chainBroken),
          validAtSigningTime: chain ? chain.validAtTime : true,
          usageAllowed: chain ? chain.usageAllowed : true,
          timeSource,
          // A token that is intact but from an untrusted TSA does not make the signature invalid: the time
          // simply falls back to the claimed one.
          timestampValid: tsCheck === null ? null : tsCheck.intact && tsCheck.imprintMatches ? (tsCheck.valid ? true : null) : false,
          revocation,
          caRevokedBeforeSigning,
          signerIsAnchor,
          signingTime: at.toISOString(),
        };
  const derived = deriveSignatureVerdict(facts);
  let level: SignatureLevel =
    sig.kind === 'document-timestamp' ? 'document-timestamp' : sig.subFilter === 'ETSI.CAdES.detached' ? 'PAdES-B-B' : 'CMS';
  if (level === 'PAdES-B-B' && tsCheck) level = 'PAdES-B-T';
  if (level === 'PAdES-B-T' && (revocation.source.startsWith('dss') || revocation.source.startsWith('embedded'))) level = 'PAdES-B-LT';

  return {
    kind: sig.kind,
    field: sig.field,
    page: sig.page,
    revision: coverage.revision ?? 0,
    signer: signerCert ? signerSummary(signerCert) : null,
    claimedTime: claimed ?? null,
    timestamp: tsCheck && tsCheck.time ? { time: tsCheck.time.toISOString(), tsa: tsCheck.tsa, valid: tsCheck.valid } : null,
    intact: derived.intact,
    coverage: coverage.coverage,
    modificationsAfter: mods.modificationsAfter,
    changes: mods.changes,
    trusted: facts.trusted,
    revocation,
    level,
    certificationLevel: null,
    timeSource,
    verdict: derived.verdict,
    reasons: derived.reasons,
    notes: [...derived.notes, ...notes],
  };
}
