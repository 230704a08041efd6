/**
 * The worker thread's first script in the built app (`pdf-worker-boot.cjs`): loads `pdf-worker.cjs` (the bundle
 * named in `workerData.bundle`) through V8's code cache, as the CLI's launcher does for its commands, so a cold
 * worker does not parse and compile the reader again at every start. The cache is written after the worker has
 * answered its first task (the bytecode then includes the reader's functions), while it is idle.
 */
import { workerData } from 'node:worker_threads';
import { loadWithCodeCache } from '../code-cache';
import { WORKER_ANSWERED } from './tasks';

const { bundle } = workerData as { bundle: string };
const loaded = loadWithCodeCache(bundle);
if (loaded.cacheMissed) {
  let saved = false;
  (globalThis as Record<symbol, unknown>)[WORKER_ANSWERED] = () => {
    if (saved) return;
    saved = true;
    setImmediate(() => loaded.saveCache());
  };
}
