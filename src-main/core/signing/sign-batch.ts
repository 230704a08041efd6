/**
 * Signs many files with one opened certificate: a result per file, one bad file does not stop the rest, and
 * a cancelled or crashed batch can be resumed (files already signed, whose output still exists, are skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ApiErrorData } from '../../api/result';
import { AppError, CommonErrorCodes } from '../../api/result';
import { inspectPdfIsolated } from '../isolate/isolated';
import type { PadesLevel } from './pades-levels';
import { signPdf, type SignPdfOptions } from './pades-signer';
import { traceMark } from '../trace';

export type BatchItemResult =
  | { input: string; ok: true; output: string; fieldName: string; page: number | null; resumed: boolean }
  | { input: string; ok: false; error: ApiErrorData };

export type BatchState = { files: string[]; done: Record<string, string> };

/** Where a batch remembers progress between runs (the settings table in the app). */
export type BatchStateStore = { load(id: string): BatchState | undefined; save(id: string, state: BatchState): void };

export type BatchOptions = {
  batchId: string;
  files: string[];
  /** Output for one input: `-o` for a single file, or `<out-dir>/<name>-firmado.pdf`. */
  outputs: string[];
  sign: Omit<SignPdfOptions, 'input' | 'output' | 'signal' | 'onProgress' | 'level'> & { level?: PadesLevel };
  store: BatchStateStore;
  signal?: AbortSignal;
  onProgress?: (p: { index: number; total: number; file: string; fraction: number }) => void;
  /** Called after each file, e.g. for the audit log. */
  onResult?: (r: BatchItemResult) => void;
};

/** `<dir>/<name>-firmado.pdf`, with `-2`, `-3`… when two inputs of one batch share a name. */
export function defaultOutputs(files: string[], outDir?: string): string[] {
  const used = new Set<string>();
  return files.map((f) => {
    const dir = outDir ?? path.dirname(f);
    const stem = path.basename(f).replace(/\.pdf$/i, '');
    let candidate = path.join(dir, `${stem}-firmado.pdf`);
    for (let i = 2; used.has(candidate); i++) candidate = path.join(dir, `${stem}-firmado-${i}.pdf`);
    used.add(candidate);
    return candidate;
  });
}

export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof AppError) return err.toData();
  if (err instanceof Error && err.name === 'AbortError') return { code: CommonErrorCodes.cancelled, message: 'Operación cancelada.' };
  return { code: CommonErrorCodes.internal, message: `Error inesperado: ${err instanceof Error ? err.message : String(err)}` };
}

export async function signBatch(opts: BatchOptions): Promise<{ results: BatchItemResult[]; cancelled: boolean }> {
  const state: BatchState = opts.store.load(opts.batchId) ?? { files: opts.files, done: {} };
  const results: BatchItemResult[] = [];
  const total = opts.files.length;
  for (let index = 0; index < total; index++) {
    const input = opts.files[index] ?? '';
    const output = opts.outputs[index] ?? '';
    opts.onProgress?.({ index, total, file: input, fraction: 0 });
    if (opts.signal?.aborted) return { results, cancelled: true };
    let result: BatchItemResult;
    if (state.done[input] === output && fs.existsSync(output)) {
      result = { input, ok: true, output, fieldName: '', page: null, resumed: true };
    } else {
      try {
        // The file may come from anyone: its structure is first read in a bounded worker (core/isolate).
        await inspectPdfIsolated(input, 1, opts.signal ? { signal: opts.signal } : {});
        traceMark('input inspected (worker)');
        const one = {
          ...opts.sign,
          input,
          output,
          ...(opts.signal ? { signal: opts.signal } : {}),
          onProgress: (fraction: number) => opts.onProgress?.({ index, total, file: input, fraction }),
        };
        const level = opts.sign.level ?? 'B-B';
        // B-B and B-T are one signature; the LTV code (and the verifier behind it) loads only for B-LT/B-LTA.
        const r =
          level === 'B-B' || level === 'B-T'
            ? await signPdf({ ...one, level })
            : await (await import('./ltv')).signPdfAtLevel({ ...one, level });
        result = { input, ok: true, output: r.output, fieldName: r.fieldName, page: r.page, resumed: false };
        state.done[input] = output;
        opts.store.save(opts.batchId, state);
      } catch (err) {
        if (opts.signal?.aborted) return { results, cancelled: true };
        result = { input, ok: false, error: toErrorData(err) };
      }
    }
    results.push(result);
    opts.onResult?.(result);
    opts.onProgress?.({ index, total, file: input, fraction: 1 });
  }
  return { results, cancelled: false };
}
