/**
 * What the sandbox needs from the signing and verification cores, as small interfaces so the sandbox runs
 * (unsigned receipts, no ERR021) when those cores are absent, and uses the real ones when they are wired in.
 */

/** Signs a receipt PDF with the sandbox's own certificate; returns the signed file (an incremental update). */
export interface ReceiptSigner {
  signReceipt(pdf: Buffer): Promise<Buffer>;
}

/**
 * Judges a PDF attachment's signatures for ERR021: `unsigned` and `valid` pass; `altered` (bytes changed since
 * signing) and `revoked` (a signer certificate revoked) are rejected; `indeterminate` passes, because the
 * platform rejects only what it can show is adulterated or revoked.
 */
export type AttachmentVerdict = 'unsigned' | 'valid' | 'altered' | 'revoked' | 'indeterminate';

export interface AttachmentVerifier {
  verifyPdf(bytes: Buffer): Promise<AttachmentVerdict>;
}
