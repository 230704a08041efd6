/**
 * ERR021 for real: a PDF attachment's signatures are judged by the project's verifier (core/verify
 * `verifyPdf`), and its report is reduced to what the platform rejects:
 * - `altered`: any signature not intact (digest or CMS signature fails, unreadable CMS), with anomalous byte
 *   ranges, or followed by disallowed modifications (shadow attacks included);
 * - `revoked`: any signer certificate reported revoked.
 * [ours] The sandbox verifies offline (revocation data embedded in the file only) and with an empty trust
 * store: the platform rejects what is provably adulterated or revoked, not signatures of unknown authorities.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTrustStore, type TrustStore } from '../core/verify/trust';
import { verifyPdfIsolated } from '../core/isolate/isolated';
import type { AttachmentVerdict, AttachmentVerifier } from './ports';

const ALTERED_REASONS = new Set([
  'CMS_UNREADABLE',
  'DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
  'COVERAGE_ANOMALOUS',
  'MODIFICATIONS_DISALLOWED',
  'ESS_MISMATCH',
]);
// Per attachment: enough for a document with many signatures, short enough that a request cannot hang on it.
const VERIFY_TIMEOUT_MS = 10_000;

export type AttachmentVerifierOptions = {
  /** Fetch OCSP/CRL from the certificates' URLs (default false: embedded revocation data only). */
  online?: boolean;
  /** Anchors for chain building (default none); revocation of a signer needs its issuer, found via the chain. */
  trust?: TrustStore;
};

export class CoreAttachmentVerifier implements AttachmentVerifier {
  private readonly trust: TrustStore;
  private readonly online: boolean;

  constructor(options: AttachmentVerifierOptions = {}) {
    this.trust = options.trust ?? buildTrustStore({});
    this.online = options.online ?? false;
  }

  async verifyPdf(bytes: Buffer): Promise<AttachmentVerdict> {
    // The verifier reads files (random access, bounded memory); the upload is already in memory.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-sbx-pdf-'));
    const file = path.join(dir, 'adjunto.pdf');
    try {
      fs.writeFileSync(file, bytes, { mode: 0o600 });
      let report;
      try {
        // In a worker with a memory cap and a time limit: a hostile attachment cannot take the sandbox down.
        report = await verifyPdfIsolated(file, { trust: this.trust, online: this.online, timeoutMs: VERIFY_TIMEOUT_MS });
      } catch {
        // An unreadable or encrypted structure is not proof of tampering; the type rules vetted the header.
        return 'indeterminate';
      }
      const signatures = report.signatures.filter((s) => s.kind === 'signature');
      if (signatures.length === 0) return 'unsigned';
      for (const s of signatures) {
        if (
          !s.intact ||
          s.coverage === 'anomalous' ||
          s.modificationsAfter === 'disallowed' ||
          s.reasons.some((r) => ALTERED_REASONS.has(r.code))
        )
          return 'altered';
      }
      if (signatures.some((s) => s.revocation.status === 'revoked')) return 'revoked';
      return signatures.every((s) => s.intact) ? 'valid' : 'indeterminate';
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
