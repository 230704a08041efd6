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
 */
export type FaultSpec = {
  dropAfterCommit: number;
  reset: number;
  status503: number;
  status500: number;
  storm429: number;
  latencyMs: { min: number; max: number } | null;
  seed: number | null;
};

export const NO_FAULTS: FaultSpec = { dropAfterCommit: 0, reset: 0, status503: 0, status500: 0, storm429: 0, latencyMs: null, seed: null };

export class FaultSpecError extends Error {}

const PROBABILITY_KEYS = {
  'drop-after-commit': 'dropAfterCommit',
  reset: 'reset',
  status503: 'status503',
  status500: 'status500',
  storm429: 'storm429',
} as const;

// A spec is a short command-line value; anything longer is a mistake, not a configuration.
const MAX_SPEC_LENGTH = 500;
const MAX_LATENCY_MS = 60_000;

/** Parses a spec; an empty string or "none" means no faults. Throws FaultSpecError with a Spanish message. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = { ...NO_FAULTS };
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return spec;
  if (trimmed.length > MAX_SPEC_LENGTH) throw new FaultSpecError('La especificación de fallos es demasiado larga.');
  for (const part of trimmed.split(',')) {
    const [rawKey, rawValue, ...extra] = part.split('=');
    const key = (rawKey ?? '').trim();
    const value = (rawValue ?? '').trim();
    if (extra.length || !key || !value) throw new FaultSpecError(`Fallo mal escrito: "${part}" (se espera nombre=valor).`);
    if (key in PROBABILITY_KEYS) {
      const p = Number(value);
      if (!/^\d*\.?\d+$/.test(value) || p < 0 || p > 1)
        throw new FaultSpecError(`La probabilidad de ${key} debe estar entre 0 y 1: "${value}".`);
      spec[PROBABILITY_KEYS[key as keyof typeof PROBABILITY_KEYS]] = p;
    } else if (key === 'latency') {
      const m = /^(\d+)(?:-(\d+))?(ms)?$/.exec(value);
      const min = m ? Number(m[1]) : NaN;
      const max = m ? Number(m[2] ?? m[1]) : NaN;
      if (!m || min > max || max > MAX_LATENCY_MS)
        throw new FaultSpecError(`Latencia no válida: "${value}" (p. ej. 50-400ms, máximo ${MAX_LATENCY_MS} ms).`);
      spec.latencyMs = { min, max };
    } else if (key === 'seed') {
      if (!/^\d{1,9}$/.test(value)) throw new FaultSpecError(`Semilla no válida: "${value}" (entero positivo).`);
      spec.seed = Number(value);
    } else {
      throw new FaultSpecError(
        `Fallo desconocido: "${key}". Conocidos: ${[...Object.keys(PROBABILITY_KEYS), 'latency', 'seed'].join(', ')}.`,
      );
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

export type FaultDecision = {
  latencyMs: number;
  before: 'reset' | 'storm429' | 'status503' | 'status500' | null;
  dropAfterCommit: boolean;
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
    const before = reset ? 'reset' : storm ? 'storm429' : s503 ? 'status503' : s500 ? 'status500' : null;
    return { latencyMs: latency, before, dropAfterCommit: drop };
  }
}
