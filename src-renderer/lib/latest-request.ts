/**
 * The rule behind the screens' data loading, kept free of React and of the transport so it can be tested under
 * plain Node: of several requests for the same data, only the answer to the newest one is applied. An older
 * request that answers late (a slower `outbox.list` after the filter changed) is aborted and its answer dropped,
 * so it can never overwrite a newer one; after `dispose` (the screen left) nothing is applied at all.
 */
export class LatestRequest<T> {
  private seq = 0;
  private controller: AbortController | null = null;
  private isDisposed = false;

  constructor(private readonly apply: (value: T) => void) {}

  /**
   * Starts a request; aborts the previous one (its signal fires). Resolves true when this answer was applied,
   * false when a newer request started meanwhile or the owner was disposed (the answer is dropped).
   */
  async run(request: (signal: AbortSignal) => Promise<T>): Promise<boolean> {
    const id = ++this.seq;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const value = await request(controller.signal);
    if (this.isDisposed || id !== this.seq) return false;
    this.controller = null;
    this.apply(value);
    return true;
  }

  /**
   * A change made here (the user saved what the request would load) wins over every request in flight: each is
   * aborted and its answer dropped, as if a newer request had started. Requests started after it apply as usual.
   */
  supersede(): void {
    this.seq += 1;
    this.controller?.abort();
    this.controller = null;
  }

  /** The newest request's number; `isCurrent(g)` tells a follow-up (the next page) whether it is still wanted. */
  get generation(): number {
    return this.seq;
  }

  isCurrent(generation: number): boolean {
    return !this.isDisposed && generation === this.seq;
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  dispose(): void {
    this.isDisposed = true;
    this.controller?.abort();
    this.controller = null;
  }
}

/**
 * Calls `refresh` after core events whose topic starts with one of `topics`, at most once per `delayMs` (a
 * sending burst announces a change per message). Returns the function that stops listening.
 */
export function refreshOnEvents(
  subscribe: (fn: (event: { type: string; topic?: string }) => void) => () => void,
  topics: readonly string[],
  refresh: () => void,
  delayMs = 500,
): () => void {
  if (topics.length === 0) return () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = subscribe((e) => {
    if (e.type !== 'changed' || typeof e.topic !== 'string' || !topics.some((p) => e.topic!.startsWith(p))) return;
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      refresh();
    }, delayMs);
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) clearTimeout(timer);
  };
}
