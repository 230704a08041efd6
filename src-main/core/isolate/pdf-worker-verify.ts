/**
 * The verification half of the PDF worker, loaded on the first `verify` task. Built as its own file
 * (`pdf-worker-verify.cjs`, scripts/build.mjs), so a worker that only reads PDFs before signing neither reads nor
 * initializes the verifier (pkijs, the trust lists' XML signatures); from the sources it is bundled in.
 */
import { certFromDer } from '../verify/certificate';
import { TrustStore, type AnchorSource } from '../verify/trust';
import { verifyPdf } from '../verify/verify-pdf';
import type { WorkerTask } from './tasks';

export function runVerify(
  task: Extract<WorkerTask, { kind: 'verify' }>,
  onSignature: (done: number, total: number) => void,
): Promise<unknown> {
  const trust = new TrustStore(task.anchors.map((a) => ({ cert: certFromDer(a.der), source: a.source as AnchorSource })));
  return verifyPdf(task.file, {
    trust,
    online: task.online,
    ...(task.timeoutMs !== undefined ? { timeoutMs: task.timeoutMs } : {}),
    ...(task.onlineBudgetMs !== undefined ? { onlineBudgetMs: task.onlineBudgetMs } : {}),
    onSignature,
  });
}
