/**
 * Injected faults, for tests and for trying the client's resilience. One textual spec, parsed by ONE
 * function, used by `--faults` and by `PUT /sandbox/faults`:
 *
 *   drop-after-commit=0.2,reset=0.1,latency=50-400ms,status503=0.1,status500=0.05,storm429=0.3,seed=7
 *
 * Probabilities are 0..1 per request. `reset` destroys the socket before anything is stored; `drop-after-commit`
 * stores the message then destroys the socket before any answer (sendMessage only); `latency` delays every
 * answer by a uniform amount in the range; `storm429` answers 429 with Retry-After as if over the rate limit.
 * `seed` makes the sequence of decisions repeatable.
 *
 * Faults that behave like a real platform behind a gateway (sendMessage only; the message IS stored first):
 * `store-then-502` / `store-then-503` / `store-then-429` answer that status after committing, `store-then-hang`
 * commits and never answers (the client's timeout or a kill ends it), `store-then-garbage` commits and answers
 * 200 with a body that is not the platform's JSON. `hang` never answers and stores nothing. `status-garbage`
 * makes messageStatus answer 200 with a web page.
 * `ignore-idempotency-key=1` makes the sandbox ignore `Idempotency-Key` like the real platform (ERR031 is then
 * the only duplicate guard). `no-inbox=1` makes the citizen's access_url a web page, as on the real platform, so
 * the outbox cannot search for a lost message and must fall back to ERR031 inside the window, or the user.
 */
export type FaultSpec = {
  dropAfterCommit: number;
  reset: number;
  status503: number;
  status500: number;
  storm429: number;
  latencyMs: { min: number; max: number } | null;
  seed: number | null;
  storeThen502: number;
  storeThen503: number;
  storeThen429: number;
  storeThenHang: number;
  storeThenGarbage: number;
  hang: number;
  /** messageStatus answers 200 with a web page instead of its JSON. */
  statusGarbage: number;
  ignoreIdempotencyKey: boolean;
  /** The citizen's access_url answers a web page, like the real platform's: nothing to search. */
  noInbox: boolean;
};

export const NO_FAULTS: FaultSpec = {
  dropAfterCommit: 0,
  reset: 0,
  status503: 0,
  status500: 0,
  storm429: 0,
  latencyMs: null,
  seed: null,
  storeThen502: 0,
  storeThen503: 0,
  storeThen429: 0,
  storeThenHang: 0,
  storeThenGarbage: 0,
  hang: 0,
  statusGarbage: 0,
  ignoreIdempotencyKey: false,
  noInbox: false,
};

/** Why a spec was refused: a code with its parameters (worded by the CLI in the user's language) and a Spanish message. */
export type FaultSpecProblem = 'tooLong' | 'malformed' | 'probability' | 'latency' | 'flag' | 'seed' | 'unknown';

export class FaultSpecError extends Error {
  constructor(
    readonly problem: FaultSpecProblem,
    readonly params: Record<string, string | number>,
    message: string,
  ) {
    super(message);
  }
}

const PROBABILITY_KEYS = {
  'drop-after-commit': 'dropAfterCommit',
  reset: 'reset',
  status503: 'status503',
  status500: 'status500',
  storm429: 'storm429',
  'store-then-502': 'storeThen502',
  'store-then-503': 'storeThen503',
  'store-then-429': 'storeThen429',
  'store-then-hang': 'storeThenHang',
  'store-then-garbage': 'storeThenGarbage',
  hang: 'hang',
  'status-garbage': 'statusGarbage',
} as const;

// A spec is a short command-line value; anything longer is a mistake, not a configuration.
const MAX_SPEC_LENGTH = 500;
const MAX_LATENCY_MS = 60_000;

/** Parses a spec; an empty string or "none" means no faults. Throws FaultSpecError (a problem code and a Spanish message). */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = { ...NO_FAULTS };
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return spec;
  if (trimmed.length > MAX_SPEC_LENGTH)
    throw new FaultSpecError('tooLong', { max: MAX_SPEC_LENGTH }, 'La especificación de fallos es demasiado larga.');
  for (const part of trimmed.split(',')) {
    const [rawKey, rawValue, ...extra] = part.split('=');
    const key = (rawKey ?? '').trim();
    const value = (rawValue ?? '').trim();
    if (extra.length || !key || !value)
      throw new FaultSpecError('malformed', { part }, `Fallo mal escrito: "${part}" (se espera nombre=valor).`);
    if (key in PROBABILITY_KEYS) {
      const p = Number(value);
      if (!/^\d*\.?\d+$/.test(value) || p < 0 || p > 1)
        throw new FaultSpecError('probability', { key, value }, `La probabilidad de ${key} debe estar entre 0 y 1: "${value}".`);
      spec[PROBABILITY_KEYS[key as keyof typeof PROBABILITY_KEYS]] = p;
    } else if (key === 'latency') {
      const m = /^(\d+)(?:-(\d+))?(ms)?$/.exec(value);
      const min = m ? Number(m[1]) : NaN;
      const max = m ? Number(m[2] ?? m[1]) : NaN;
      if (!m || min > max || max > MAX_LATENCY_MS)
        throw new FaultSpecError(
          'latency',
          { value, max: MAX_LATENCY_MS },
          `Latencia no válida: "${value}" (p. ej. 50-400ms, máximo ${MAX_LATENCY_MS} ms).`,
        );
      spec.latencyMs = { min, max };
    } else if (key === 'ignore-idempotency-key' || key === 'no-inbox') {
      if (!/^(1|0|true|false)$/.test(value)) throw new FaultSpecError('flag', { key, value }, `${key} debe ser 1 o 0: "${value}".`);
      spec[key === 'no-inbox' ? 'noInbox' : 'ignoreIdempotencyKey'] = value === '1' || value === 'true';
    } else if (key === 'seed') {
      if (!/^\d{1,9}$/.test(value)) throw new FaultSpecError('seed', { value }, `Semilla no válida: "${value}" (entero positivo).`);
      spec.seed = Number(value);
    } else {
      const known = [...Object.keys(PROBABILITY_KEYS), 'latency', 'seed', 'ignore-idempotency-key', 'no-inbox'].join(', ');
      throw new FaultSpecError('unknown', { key, known }, `Fallo desconocido: "${key}". Conocidos: ${known}.`);
    }
  }
  return spec;
}

/** The spec back in its textual form (what GET /sandbox/faults shows). */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  for (const [name, field] of Object.entries(PROBABILITY_KEYS)) if (spec[field] > 0) parts.push(`${name}=${spec[field]}`);
  if (spec.latencyMs) parts.push(`latency=${spec.latencyMs.min}-${spec.latencyMs.max}ms`);
  if (spec.seed !== null) parts.push(`seed=${spec.seed}`);
  if (spec.ignoreIdempotencyKey) parts.push('ignore-idempotency-key=1');
  if (spec.noInbox) parts.push('no-inbox=1');
  return parts.length ? parts.join(',') : 'none';
}

/** mulberry32: tiny, fast, good enough to make a fault sequence repeatable from a seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type AfterStore = 'drop' | 'status502' | 'status503' | 'status429' | 'hang' | 'garbage';

export type FaultDecision = {
  latencyMs: number;
  before: 'reset' | 'storm429' | 'status503' | 'status500' | 'hang' | null;
  dropAfterCommit: boolean;
  /** messageStatus answers a web page. */
  statusGarbage: boolean;
  /** What a sendMessage that stored its message answers instead of 200 (`drop` = dropAfterCommit). */
  afterStore: AfterStore | null;
};

/** Holds the current spec and draws decisions from it; replacing the spec restarts the seeded sequence. */
export class FaultInjector {
  private random: () => number = Math.random;
  private current: FaultSpec = NO_FAULTS;

  constructor(spec: FaultSpec = NO_FAULTS) {
    this.set(spec);
  }

  get spec(): FaultSpec {
    return this.current;
  }

  set(spec: FaultSpec): void {
    this.current = spec;
    this.random = spec.seed === null ? Math.random : mulberry32(spec.seed);
  }

  /** One decision per request; every probability is drawn every time so a seed gives a stable sequence. */
  decide(): FaultDecision {
    const s = this.current;
    const r = () => this.random();
    const latency = s.latencyMs ? s.latencyMs.min + Math.floor(r() * (s.latencyMs.max - s.latencyMs.min + 1)) : 0;
    const reset = r() < s.reset;
    const storm = r() < s.storm429;
    const s503 = r() < s.status503;
    const s500 = r() < s.status500;
    const drop = r() < s.dropAfterCommit;
    // Drawn after the original ones, so an old seed keeps its old sequence for the original faults.
    const hang = r() < s.hang;
    const after: [number, AfterStore][] = [
      [s.storeThen502, 'status502'],
      [s.storeThen503, 'status503'],
      [s.storeThen429, 'status429'],
      [s.storeThenHang, 'hang'],
      [s.storeThenGarbage, 'garbage'],
    ];
    let afterStore: AfterStore | null = drop ? 'drop' : null;
    for (const [p, kind] of after) if (r() < p && afterStore === null) afterStore = kind;
    const statusGarbage = r() < s.statusGarbage;
    const before = reset ? 'reset' : storm ? 'storm429' : s503 ? 'status503' : s500 ? 'status500' : hang ? 'hang' : null;
    return { latencyMs: latency, before, dropAfterCommit: drop, afterStore, statusGarbage };
  }
}
