/**
 * Verification as the app runs it: builds the trust store (bundled, user, per-call files), verifies each file
 * in turn, and turns a file that cannot be read into an error outcome instead of stopping the batch.
 */
import type { FileOutcome, TrustAnchorInfo } from '../../api/verify';
import { AppError } from '../../api/result';
import type { CoreContext } from '../context';
import { commonName } from './certificate';
import { anchorsFromFolder, buildTrustStore, bundledTrustDir, userAnchors } from './trust';
import { verifyPdfIsolated } from '../isolate/isolated';

export type VerifyFilesInput = { files: string[]; trust: string[]; offline: boolean };

export async function verifyFiles(
  core: Pick<CoreContext, 'settings'> & { home?: string },
  input: VerifyFilesInput,
  hooks: { signal?: AbortSignal; onFile?: (index: number, total: number, file: string) => void } = {},
): Promise<FileOutcome[]> {
  const bundledDir = bundledTrustDir();
  const trust = buildTrustStore({
    ...(bundledDir ? { bundledDir } : {}),
    ...(core.home ? { home: core.home } : {}),
    settings: core.settings,
    cliFiles: input.trust,
  });
  const outcomes: FileOutcome[] = [];
  for (const [i, file] of input.files.entries()) {
    hooks.signal?.throwIfAborted();
    hooks.onFile?.(i, input.files.length, file);
    try {
      // Each file is read in a worker with a memory cap and a time limit (core/isolate).
      outcomes.push({
        file,
        report: await verifyPdfIsolated(file, { trust, online: !input.offline, ...(hooks.signal ? { signal: hooks.signal } : {}) }),
      });
    } catch (err: unknown) {
      if (err instanceof AppError) outcomes.push({ file, error: err.toData() });
      else if (err instanceof RangeError)
        outcomes.push({
          file,
          error: { code: 'PDF_LIMIT', message: 'El PDF excede un límite de lectura (estructura demasiado profunda).' },
        });
      else throw err;
    }
  }
  return outcomes;
}

export function listTrustAnchors(core: Pick<CoreContext, 'settings'> & { home?: string }): TrustAnchorInfo[] {
  const out: TrustAnchorInfo[] = [];
  const dir = bundledTrustDir();
  const info = (source: 'bundled' | 'user') => (c: ReturnType<typeof userAnchors>[number]) =>
    out.push({
      fingerprint: c.fingerprint,
      name: commonName(c.parsed.subject),
      issuer: commonName(c.parsed.issuer),
      validTo: new Date(c.x509.validTo).toISOString(),
      source,
    });
  if (dir) anchorsFromFolder(dir, core.home).anchors.forEach(info('bundled'));
  userAnchors(core.settings).forEach(info('user'));
  return out;
}
