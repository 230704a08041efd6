import { afterEach, describe, expect, it, vi } from 'vitest';
import { LatestRequest, refreshOnEvents } from '../../src-renderer/lib/latest-request';

/** A request whose answer the test releases when it wants (to make answers arrive out of order). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('LatestRequest (the rule of useCoreQuery)', () => {
  it('an older, slower outbox.list answer never overwrites a newer one', async () => {
    const shown: string[][] = [];
    const latest = new LatestRequest<string[]>((rows) => shown.push(rows));
    const older = deferred<string[]>();
    const newer = deferred<string[]>();
    const signals: AbortSignal[] = [];
    const first = latest.run((s) => (signals.push(s), older.promise)); // filter "todos"
    const second = latest.run((s) => (signals.push(s), newer.promise)); // filter "fallido"
    expect(signals[0]!.aborted).toBe(true); // the older request is told to stop
    expect(signals[1]!.aborted).toBe(false);
    newer.resolve(['m-fallido']);
    expect(await second).toBe(true);
    older.resolve(['m-1', 'm-2', 'm-fallido']); // arrives last
    expect(await first).toBe(false);
    expect(shown).toEqual([['m-fallido']]);
  });

  it('answers in order are all applied, the newest last', async () => {
    const shown: number[] = [];
    const latest = new LatestRequest<number>((v) => shown.push(v));
    expect(await latest.run(async () => 1)).toBe(true);
    expect(await latest.run(async () => 2)).toBe(true);
    expect(shown).toEqual([1, 2]);
  });

  it('nothing is applied after dispose (the screen was left), and the request in flight is aborted', async () => {
    const shown: number[] = [];
    const latest = new LatestRequest<number>((v) => shown.push(v));
    const d = deferred<number>();
    let signal: AbortSignal | undefined;
    const p = latest.run((s) => ((signal = s), d.promise));
    latest.dispose();
    expect(signal!.aborted).toBe(true);
    d.resolve(7);
    expect(await p).toBe(false);
    expect(shown).toEqual([]);
    expect(latest.disposed).toBe(true);
  });

  it('a local change supersedes the loads in flight (a save made while the preferences load wins over the older load)', async () => {
    const shown: string[] = [];
    const latest = new LatestRequest<string>((locale) => shown.push(locale));
    const slowLoad = deferred<string>();
    let signal: AbortSignal | undefined;
    const load = latest.run((s) => ((signal = s), slowLoad.promise)); // read before the user chose English
    latest.supersede(); // the user saved 'en'
    expect(signal!.aborted).toBe(true);
    slowLoad.resolve('es');
    expect(await load).toBe(false);
    expect(shown).toEqual([]);
    // A load started after the save applies as usual.
    expect(await latest.run(async () => 'en')).toBe(true);
    expect(shown).toEqual(['en']);
    expect(latest.disposed).toBe(false);
  });

  it('a follow-up (the next page) checks that its request is still the newest', async () => {
    const latest = new LatestRequest<number>(() => undefined);
    await latest.run(async () => 1);
    const g = latest.generation;
    expect(latest.isCurrent(g)).toBe(true);
    await latest.run(async () => 2); // the filter changed while the next page was loading
    expect(latest.isCurrent(g)).toBe(false);
  });
});

describe('refreshOnEvents', () => {
  afterEach(() => vi.useRealTimers());
  it('refreshes once per burst of matching events, ignores other topics, and stops when unsubscribed', () => {
    vi.useFakeTimers();
    let listener: ((e: { type: string; topic?: string }) => void) | null = null;
    let unsubscribed = false;
    const subscribe = (fn: (e: { type: string; topic?: string }) => void) => {
      listener = fn;
      return () => {
        unsubscribed = true;
      };
    };
    const refresh = vi.fn();
    const stop = refreshOnEvents(subscribe, ['outbox'], refresh, 500);
    for (let i = 0; i < 20; i++) listener!({ type: 'changed', topic: 'outbox.message' });
    listener!({ type: 'changed', topic: 'settings' });
    listener!({ type: 'progress' });
    expect(refresh).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(refresh).toHaveBeenCalledTimes(1);
    listener!({ type: 'changed', topic: 'settings' });
    vi.advanceTimersByTime(1000);
    expect(refresh).toHaveBeenCalledTimes(1);
    listener!({ type: 'changed', topic: 'outbox' });
    stop();
    vi.advanceTimersByTime(1000);
    expect(refresh).toHaveBeenCalledTimes(1); // the pending refresh was cancelled with the subscription
    expect(unsubscribed).toBe(true);
  });
});
