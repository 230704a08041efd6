/**
 * ERR021 for real: judges the signatures of a PDF attachment with the project's verification core
 * (core/verify: signature location, CMS parsing and checking, embedded revocation). What it rejects:
 * - `altered`: a signature whose byte ranges do not hash to its message digest, whose CMS signature does not
 *   verify, or whose /ByteRange or /Contents is missing or malformed;
 * - `revoked`: a signer certificate that the revocation data embedded in the signature reports revoked.
 * [ours] The sandbox checks revocation offline (embedded data only) and does not judge trust: the platform
 * rejects only what is provably adulterated or revoked, not signatures from unknown authorities.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPdf } from '../core/pdf/pdf-document';
import { sameName, type Cert } from '../core/verify/certificate';
import { checkCms, parseCms } from '../core/verify/cms';
import { locateSignatures } from '../core/verify/pdf-signatures';
import { checkRevocation, revocationFromCms } from '../core/verify/revocation';
import type { AttachmentVerdict, AttachmentVerifier } from './ports';

export class CoreAttachmentVerifier implements AttachmentVerifier {
  async verifyPdf(bytes: Buffer): Promise<AttachmentVerdict> {
    // The PDF reader works on files (random access, bounded memory); the upload is already in memory.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-sbx-pdf-'));
    const file = path.join(dir, 'adjunto.pdf');
    try {
      fs.writeFileSync(file, bytes, { mode: 0o600 });
      let doc;
      try {
        doc = openPdf(file);
      } catch {
        // Unreadable structure is not proof of tampering; the type rules already vetted the header.
        return 'indeterminate';
      }
      try {
        const signatures = locateSignatures(doc).filter((s) => s.kind === 'signature');
        if (signatures.length === 0) return 'unsigned';
        let verdict: AttachmentVerdict = 'valid';
        for (const sig of signatures) {
          const v = await judge(bytes, sig.byteRange, sig.contents);
          if (v === 'altered' || v === 'revoked') return v;
          if (v === 'indeterminate') verdict = 'indeterminate';
        }
        return verdict;
      } catch {
        return 'indeterminate';
      } finally {
        doc.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function judge(bytes: Buffer, byteRange: [number, number, number, number] | null, contents: Buffer | null): Promise<AttachmentVerdict> {
  if (!byteRange || !contents) return 'altered';
  const [a, b, c, d] = byteRange;
  if (a !== 0 || b > c || c + d > bytes.length) return 'altered';
  let cms;
  try {
    cms = parseCms(contents);
  } catch {
    return 'altered';
  }
  if (!cms.digestHash) return 'indeterminate';
  const digest = crypto.createHash(cms.digestHash).update(bytes.subarray(a, a + b)).update(bytes.subarray(c, c + d)).digest();
  const check = checkCms(cms, digest);
  if (!cms.signer) return 'indeterminate';
  if (!check.digestMatches || !check.signatureVerifies) return 'altered';
  const issuer = findIssuer(cms.signer, cms.certificates);
  const revocation = await checkRevocation(cms.signer, issuer, [{ data: revocationFromCms(cms), kind: 'embedded' }], { online: false });
  return revocation.status === 'revoked' ? 'revoked' : 'valid';
}

function findIssuer(cert: Cert, pool: readonly Cert[]): Cert | null {
  return pool.find((c) => c !== cert && sameName(c.parsed.subject, cert.parsed.issuer)) ?? null;
}
