/**
 * Untrusted-file work in a worker thread with a memory cap and a wall-clock limit. A PDF built to exhaust the
 * reader (or one that finds a corner no budget covers) can then only kill its own worker: the caller gets a
 * clear Spanish AppError (VERIFY_TIMEOUT, PDF_TOO_COMPLEX) and the process (the browser-mode host, the embedded
 * sandbox, the CLI) stays alive and keeps answering.
 *
 *   const report = await verifyPdfIsolated(file, { trust, online: false });
 *   const info = await inspectPdfIsolated(file, 1);   // the read a signature needs, before signing
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, CommonErrorCodes } from '../../api/result';
import type { PdfSigningInfo } from '../signing/inspect-pdf';
import type { FileReport } from '../verify/report';
import type { VerifyPdfOptions } from '../verify/verify-pdf';
import type { WorkerReply, WorkerTask } from './tasks';

export const ISOLATION_LIMITS = {
  /** V8 old-generation heap of one worker; Buffers (inflated streams) are bounded by the reader's budgets. */
  maxOldGenerationSizeMb: 1024,
  maxYoungGenerationSizeMb: 64,
  stackSizeMb: 8,
  /** Wall-clock limit of the offline work on one file; online checks add their own budget on top. */
  wallClockMs: 15_000,
} as const;

export type IsolationOptions = {
  wallClockMs?: number;
  /** A lower heap cap than ISOLATION_LIMITS (tests use it to reach the out-of-memory path with a small file). */
  maxHeapMb?: number;
  signal?: AbortSignal;
};

let script: string | null = null;

/**
 * The worker's script: `pdf-worker.cjs` next to this bundle (dist/node, dist/main). Run from the sources
 * (tests, scripts bundled elsewhere) it is bundled once per process with esbuild, a development dependency.
 */
function workerScript(): string {
  if (script && fs.existsSync(script)) return script;
  // Packaged: electron-builder unpacks the worker next to the archive (asarUnpack), where a worker can load it.
  const bundled = path.join(__dirname.replace(/\.asar([\\/]|$)/, '.asar.unpacked$1'), 'pdf-worker.cjs');
  if (fs.existsSync(bundled)) return (script = bundled);
  const candidates = [path.join(__dirname, 'pdf-worker.ts')];
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir))
    candidates.push(path.join(dir, 'src-main/core/isolate/pdf-worker.ts'));
  candidates.push(path.join(process.cwd(), 'src-main/core/isolate/pdf-worker.ts'));
  const entry = candidates.find((c) => fs.existsSync(c));
  if (!entry)
    throw new AppError(CommonErrorCodes.internal, 'No se encontró el lector aislado de PDF (pdf-worker.cjs); reconstruya la aplicación.');
  const out = path.join(os.tmpdir(), `casilla-pdf-worker-${process.pid}-${crypto.randomBytes(4).toString('hex')}.cjs`);
  // Not a static require (the production bundles never include esbuild); resolved from the sources' checkout.
  const esbuild = createRequire(entry)('esbuild') as {
    buildSync(o: Record<string, unknown>): unknown;
  };
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    external: ['electron', 'better-sqlite3', 'keytar'],
    logLevel: 'error',
  });
  process.once('exit', () => fs.rmSync(out, { force: true }));
  return (script = out);
}

/**
 * What a Worker is started with. Built (dist/node, dist/main), a small boot script loads `pdf-worker.cjs` through
 * V8's code cache (pdf-worker-boot.ts); from the sources, the bundle made above runs directly.
 */
function workerEntry(): { script: string; workerData?: { bundle: string } } {
  const script = workerScript();
  const boot = path.join(path.dirname(script), 'pdf-worker-boot.cjs');
  if (path.basename(script) === 'pdf-worker.cjs' && fs.existsSync(boot)) return { script: boot, workerData: { bundle: script } };
  return { script };
}

/** One warm worker kept between files (its start costs ~300 ms); dropped after a minute idle. */
let idle: { worker: Worker; heapMb: number; timer: NodeJS.Timeout } | null = null;
const IDLE_MS = 60_000;
let nextId = 1;

function takeWorker(heapMb: number): Worker {
  if (idle && idle.heapMb === heapMb) {
    const w = idle.worker;
    clearTimeout(idle.timer);
    idle = null;
    w.ref();
    return w;
  }
  const entry = workerEntry();
  const w = new Worker(entry.script, {
    ...(entry.workerData ? { workerData: entry.workerData } : {}),
    resourceLimits: {
      maxOldGenerationSizeMb: heapMb,
      maxYoungGenerationSizeMb: Math.min(heapMb, ISOLATION_LIMITS.maxYoungGenerationSizeMb),
      stackSizeMb: ISOLATION_LIMITS.stackSizeMb,
    },
  });
  // For the worker's whole life: a running task has its own listeners; an idle worker that dies is forgotten.
  w.on('error', () => undefined);
  w.on('exit', () => {
    if (idle?.worker === w) {
      clearTimeout(idle.timer);
      idle = null;
    }
  });
  return w;
}

/**
 * Starts the worker now, idle, so that its start (a thread, Node's bootstrap, the reader) overlaps the caller's
 * own work: signing opens the certificate meanwhile. Never throws: the task that needs it reports any problem.
 */
export function prewarmPdfWorker(): void {
  if (idle) return;
  try {
    const heapMb = ISOLATION_LIMITS.maxOldGenerationSizeMb;
    keepWorker(takeWorker(heapMb), heapMb);
  } catch {
    // Reported by the first task instead (e.g. the worker's script is missing).
  }
}

function keepWorker(worker: Worker, heapMb: number): void {
  if (idle) {
    void worker.terminate();
    return;
  }
  // An idle worker must not keep the process alive (the CLI exits when its work is done).
  worker.unref();
  const timer = setTimeout(() => {
    if (idle?.worker === worker) idle = null;
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idle = { worker, heapMb, timer };
}

function run<T>(
  task: WorkerTask,
  limitMs: number,
  what: string,
  options: IsolationOptions & { onProgress?: (done: number, total: number) => void },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    options.signal?.throwIfAborted();
    const heapMb = Math.min(options.maxHeapMb ?? Infinity, ISOLATION_LIMITS.maxOldGenerationSizeMb);
    const worker = takeWorker(heapMb);
    const id = nextId++;
    let settled = false;
    /** `reuse`: the worker answered and is healthy; otherwise it is terminated. */
    const settle = (fn: () => void, reuse = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reuse) keepWorker(worker, heapMb);
      else void worker.terminate();
      fn();
    };
    const name = path.basename(task.file);
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            task.kind === 'verify'
              ? new AppError(
                  'VERIFY_TIMEOUT',
                  `La verificación de «${name}» superó el límite de ${Math.round(limitMs / 1000)} s y se detuvo: el PDF es demasiado complejo o está construido para agotar recursos.`,
                  { file: task.file, limitMs },
                )
              : new AppError(
                  'PDF_TOO_COMPLEX',
                  `La lectura de «${name}» superó el límite de ${Math.round(limitMs / 1000)} s y se detuvo: el PDF es demasiado complejo.`,
                  { file: task.file, limitMs },
                ),
          ),
        ),
      limitMs,
    );
    const onAbort = (): void => settle(() => reject(new AppError(CommonErrorCodes.cancelled, 'Operación cancelada.')));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onMessage = (m: WorkerReply): void => {
      if (m.id !== id) return;
      if (m.ok === true) settle(() => resolve(m.value as T), true);
      else if (m.ok === false) settle(() => reject(new AppError(m.error.code, m.error.message, m.error.details)), true);
      else options.onProgress?.(m.progress.done, m.progress.total);
    };
    const onError = (err: Error & { code?: string }): void =>
      settle(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new AppError(
                'PDF_TOO_COMPLEX',
                `${what} de «${name}» superó el límite de memoria (${heapMb} MB) y se detuvo: el PDF es demasiado complejo.`,
                { file: task.file },
              )
            : new AppError('PDF_TOO_COMPLEX', `${what} de «${name}» falló: ${err.message}`, { file: task.file }, { cause: err }),
        ),
      );
    const onExit = (code: number): void =>
      settle(() =>
        reject(new AppError('PDF_TOO_COMPLEX', `${what} de «${name}» terminó inesperadamente (código ${code}).`, { file: task.file })),
      );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, task });
  });
}

/** `verifyPdf` in a worker: same options and report; VERIFY_TIMEOUT / PDF_TOO_COMPLEX when a limit is hit. */
export function verifyPdfIsolated(file: string, options: VerifyPdfOptions & IsolationOptions): Promise<FileReport> {
  const onlineMs = options.online ? (options.onlineBudgetMs ?? 20_000) : 0;
  const limit = (options.wallClockMs ?? ISOLATION_LIMITS.wallClockMs) + onlineMs;
  const task: WorkerTask = {
    kind: 'verify',
    file,
    anchors: options.trust.anchors.map((a) => ({ der: a.cert.der, source: a.source })),
    online: options.online,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onlineBudgetMs !== undefined ? { onlineBudgetMs: options.onlineBudgetMs } : {}),
  };
  return run<FileReport>(task, limit, 'La verificación', {
    ...options,
    ...(options.onSignature ? { onProgress: options.onSignature } : {}),
  });
}

/** `inspectPdfForSigning` in a worker: every read the signer makes of a file, bounded before signing it. */
export function inspectPdfIsolated(file: string, page: number | 'last' = 1, options: IsolationOptions = {}): Promise<PdfSigningInfo> {
  return run<PdfSigningInfo>({ kind: 'inspect', file, page }, options.wallClockMs ?? ISOLATION_LIMITS.wallClockMs, 'La lectura', options);
}
