/**
 * Signs delivery receipts with the project's PAdES signer (core/signing) and the sandbox's own certificate:
 * an invisible signature, as an incremental update of the generated receipt.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summarizeCertificate } from '../core/signing/certificate-summary';
import { signPdf, type Signer } from '../core/signing/pades-signer';
import type { ReceiptSigner } from './ports';
import { loadOrCreateReceiptCertificate } from './receipt-certificate';

export class CoreReceiptSigner implements ReceiptSigner {
  private constructor(private readonly signer: Signer) {}

  static async open(dataDir: string): Promise<CoreReceiptSigner> {
    const c = await loadOrCreateReceiptCertificate(dataDir);
    return new CoreReceiptSigner({
      privateKey: c.privateKey,
      certificate: c.certificate,
      chain: [],
      summary: summarizeCertificate(c.certificate),
    });
  }

  async signReceipt(pdf: Buffer): Promise<Buffer> {
    // The signer streams file to file (constant memory for big documents); a receipt is tiny, so a temp dir.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-sbx-receipt-'));
    try {
      const input = path.join(dir, 'comprobante.pdf');
      const output = path.join(dir, 'comprobante-firmado.pdf');
      fs.writeFileSync(input, pdf, { mode: 0o600 });
      await signPdf({
        input,
        output,
        signer: this.signer,
        role: 'firma',
        reason: 'Comprobante de envío',
        location: 'Sandbox de la casilla',
        stamp: { invisible: true },
      });
      return fs.readFileSync(output);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
