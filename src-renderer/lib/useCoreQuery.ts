import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MethodInput, MethodName, MethodOutput } from '../../src-main/api/contract';
import type { ApiErrorData, Result } from '../../src-main/api/result';
import { call, subscribe } from '../api';
import { LatestRequest, refreshOnEvents } from './latest-request';

export type CoreQuery<T> = {
  /** The newest answer's value (kept while a refresh runs, so the screen does not blink). */
  data: T | undefined;
  /** The newest answer's error, as data (render it with `errorText`). */
  error: ApiErrorData | null;
  loading: boolean;
  /** Asks again now; resolves once the answer is applied (or dropped as stale). */
  reload: () => Promise<void>;
  /** Replaces the value locally (an appended page, an optimistic edit); a later answer overrides it. */
  setData: (update: (current: T | undefined) => T | undefined) => void;
  /** The generation of the newest request: pass it to `isCurrent` before applying a follow-up answer. */
  generation: () => number;
  isCurrent: (generation: number) => boolean;
};

/**
 * One contract method's answer for a screen. Asks again when `input` changes (compared as JSON) or when the
 * core announces a change on one of `refreshOn`'s topics (e.g. `outbox`); an older answer that arrives after a
 * newer request started is dropped, never shown. `input` null: nothing is asked (the form is not ready).
 */
export function useCoreQuery<M extends MethodName>(
  method: M,
  input: MethodInput<M> | null,
  options: { refreshOn?: readonly string[] } = {},
): CoreQuery<MethodOutput<M>> {
  const [data, setDataState] = useState<MethodOutput<M> | undefined>(undefined);
  const [error, setError] = useState<ApiErrorData | null>(null);
  const [loading, setLoading] = useState(input !== null);
  const key = input === null ? null : JSON.stringify(input);
  const inputRef = useRef(input);
  inputRef.current = input;

  const latest = useRef<LatestRequest<Result<MethodOutput<M>>> | null>(null);
  const make = () =>
    new LatestRequest<Result<MethodOutput<M>>>((r) => {
      setLoading(false);
      if (r.ok) {
        setDataState(r.value);
        setError(null);
      } else setError(r.error);
    });
  latest.current ??= make();
  useEffect(() => {
    // React's development double mount disposes once: a remounted screen gets a fresh one.
    if (latest.current!.disposed) latest.current = make();
    const l = latest.current!;
    return () => l.dispose();
  }, []);

  const reload = useCallback(async () => {
    const current = inputRef.current;
    if (current === null) return;
    setLoading(true);
    await latest.current!.run(() => call(method, current));
  }, [method]);

  useEffect(() => {
    if (key !== null) void reload();
  }, [key, reload]);

  const topics = (options.refreshOn ?? []).join('|');
  useEffect(() => refreshOnEvents(subscribe, topics ? topics.split('|') : [], () => void reload()), [topics, reload]);

  const setData = useCallback((update: (current: MethodOutput<M> | undefined) => MethodOutput<M> | undefined) => {
    setDataState(update);
  }, []);
  const generation = useCallback(() => latest.current!.generation, []);
  const isCurrent = useCallback((g: number) => latest.current!.isCurrent(g), []);
  return { data, error, loading, reload, setData, generation, isCurrent };
}

/** What `useLatest` returns: the call, and `supersede` to drop every answer still in flight. */
export type Latest = (<T>(request: (signal: AbortSignal) => Promise<T>) => Promise<T | undefined>) & { supersede: () => void };

/**
 * For a call the user starts (verify these files, save this form) rather than data the screen shows: the returned
 * function resolves to the answer, or to `undefined` when a newer call started meanwhile, `supersede` was called
 * (a local change wins over the answers in flight) or the screen was left, so an older, slower answer is never
 * applied over a newer one.
 */
export function useLatest(): Latest {
  const ref = useRef<LatestRequest<unknown> | null>(null);
  ref.current ??= new LatestRequest<unknown>(() => undefined);
  useEffect(() => {
    if (ref.current!.disposed) ref.current = new LatestRequest<unknown>(() => undefined);
    const l = ref.current!;
    return () => l.dispose();
  }, []);
  return useMemo(() => {
    const latest = async <T>(request: (signal: AbortSignal) => Promise<T>) => {
      let value: T | undefined;
      const applied = await ref.current!.run(async (signal) => (value = await request(signal)));
      return applied ? value : undefined;
    };
    return Object.assign(latest, { supersede: () => ref.current!.supersede() });
  }, []);
}
