/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `burst`. The client waits on it so it
 * never exceeds the platform's 6 requests per second; the sandbox uses `tryTake` to answer 429 with the
 * time until the next token as Retry-After.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    readonly ratePerSecond: number,
    options: { burst?: number; now?: () => number } = {},
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.now = options.now ?? Date.now;
    this.burst = options.burst ?? Math.max(1, Math.floor(ratePerSecond));
    this.tokens = this.burst;
    this.last = this.now();
  }

  private readonly now: () => number;

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  /** Takes a token if one is there; otherwise says how long until one will be. */
  tryTake(): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000) };
  }

  /** Waits for a token; rejects with the signal's reason if aborted while waiting. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const r = this.tryTake();
      if (r.ok) return;
      await sleep(r.retryAfterMs, signal);
    }
  }

  /**
   * Pushes the next token at least `ms` into the future (a server said Retry-After): every caller waits, not
   * just one. Several 429s answering the same burst do not add up: the longest wait wins.
   */
  pause(ms: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 1 - (ms / 1000) * this.ratePerSecond);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
