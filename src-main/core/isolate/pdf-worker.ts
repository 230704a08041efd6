/**
 * Worker-thread entry: reads one untrusted PDF (verification, or the read a signature needs) and posts the
 * result. Runs under the caller's resource limits; the caller terminates it on time-out or reuses it (warm)
 * for the next file when it answered. Bundled on its own as
 * `pdf-worker.cjs` next to the CLI and the Electron main (scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../api/result';
import { inspectPdfForSigning } from '../signing/inspect-pdf';
import { WORKER_ANSWERED, type WorkerReply, type WorkerTask } from './tasks';

let current = 0;

async function run(task: WorkerTask): Promise<unknown> {
  switch (task.kind) {
    case 'verify': {
      // Loaded on the first verification: a worker that only reads PDFs before signing never pays for the
      // verifier (pkijs, the trust lists' XML signatures). Built, it is a file of its own (pdf-worker-verify.cjs).
      const { runVerify } = await import('./pdf-worker-verify');
      return runVerify(task, (done, total) => parentPort?.postMessage({ id: current, progress: { done, total } } satisfies WorkerReply));
    }
    case 'inspect':
      return inspectPdfForSigning(task.file, task.page);
  }
}

/** Tasks arrive one at a time (the caller never sends a second before the first is answered). */
parentPort?.on('message', (msg: { id: number; task: WorkerTask }) => {
  current = msg.id;
  run(msg.task).then(
    (value) => {
      parentPort?.postMessage({ id: msg.id, ok: true, value } satisfies WorkerReply);
      answered();
    },
    (err: unknown) => {
      const error = isAppError(err) // by shape: the verifier is a bundle of its own, with its own AppError class
        ? err.toData()
        : err instanceof RangeError
          ? { code: 'PDF_LIMIT', message: 'El PDF excede un límite de lectura (estructura demasiado profunda).' }
          : { code: 'VERIFY_DAMAGED', message: 'El PDF está dañado y no se pudo leer su estructura.', details: { detail: String(err) } };
      parentPort?.postMessage({ id: msg.id, ok: false, error } satisfies WorkerReply);
      answered();
    },
  );
});

/** Tells the boot (pdf-worker-boot.ts), if it loaded this bundle, that a task was answered: the worker is idle. */
function answered(): void {
  const hook = (globalThis as Record<symbol, unknown>)[WORKER_ANSWERED];
  if (typeof hook === 'function') (hook as () => void)();
}
