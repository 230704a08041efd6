/** The messages between `isolated.ts` and `pdf-worker.ts` (plain data: structured-clone safe). */
import type { ApiErrorData } from '../../api/result';

export type WorkerTask =
  | {
      kind: 'verify';
      file: string;
      anchors: Array<{ der: Uint8Array; source: string }>;
      online: boolean;
      timeoutMs?: number;
      onlineBudgetMs?: number;
    }
  | { kind: 'inspect'; file: string; page: number | 'last' };

export type WorkerReply = { id: number } & (
  { ok: true; value: unknown } | { ok: false; error: ApiErrorData } | { ok?: undefined; progress: { done: number; total: number } }
);

/** Global hook the worker's boot sets (pdf-worker-boot.ts) and the worker calls after each answer. */
export const WORKER_ANSWERED = Symbol.for('casilla.pdfWorker.answered');
