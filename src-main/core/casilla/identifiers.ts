/**
 * Personal and tax identifiers of Chile (RUN/RUT) and Peru (DNI, RUC): parse, validate, format.
 * The casilla API only receives the RUN body (no check digit), so the client is the only place where a
 * mistyped number can be caught; every function here is pure and never throws on user input.
 */

/** A Chilean RUN/RUT split into its body (1..99,999,999) and its check digit ('0'-'9' or 'K'). */
export type RunNumber = { body: number; checkDigit: string };

export type IdentifierProblem = 'empty' | 'format' | 'range' | 'check-digit' | 'prefix';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: IdentifierProblem };

const RUN_MAX_BODY = 99_999_999;
// Longest sensible RUN text: "99.999.999-K" plus some stray spaces; anything longer is rejected before parsing.
const MAX_INPUT_LENGTH = 32;

/** The check digit of a RUN body: weights 2..7 cycling from the right, 11 → '0', 10 → 'K'. */
export function runCheckDigit(body: number): string {
  let sum = 0;
  let weight = 2;
  let rest = Math.trunc(body);
  while (rest > 0) {
    sum += (rest % 10) * weight;
    rest = Math.trunc(rest / 10);
    weight = weight === 7 ? 2 : weight + 1;
  }
  const check = 11 - (sum % 11);
  if (check === 11) return '0';
  if (check === 10) return 'K';
  return String(check);
}

/**
 * Parses "12.345.678-5", "12345678-5", "123456785" or "12345678-k". Without a dash the last character is the
 * check digit. Dots must group thousands correctly when present.
 */
export function parseRun(input: string): ParseResult<RunNumber> {
  const text = input.trim().toUpperCase();
  if (text.length === 0) return { ok: false, problem: 'empty' };
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, problem: 'format' };
  const m = /^(\d{1,3}(?:\.\d{3})+|\d+)-?([0-9K])$/.exec(text);
  if (!m) return { ok: false, problem: 'format' };
  const digits = m[1]!.replace(/\./g, '');
  if (digits.length > 8 || /^0/.test(digits)) return { ok: false, problem: digits.length > 8 ? 'range' : 'format' };
  const body = Number(digits);
  if (body < 1 || body > RUN_MAX_BODY) return { ok: false, problem: 'range' };
  const checkDigit = m[2]!;
  if (runCheckDigit(body) !== checkDigit) return { ok: false, problem: 'check-digit' };
  return { ok: true, value: { body, checkDigit } };
}

export function isValidRun(input: string): boolean {
  return parseRun(input).ok;
}

/** "12.345.678-5" (with dots) or "12345678-5". */
export function formatRun(body: number, options: { dots?: boolean } = {}): string {
  const digits = String(Math.trunc(body));
  const grouped = options.dots === false ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${grouped}-${runCheckDigit(body)}`;
}

/** A RUN body as the API wants it (`rol_unico`): an integer 1..99,999,999. */
export function isValidRunBody(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= RUN_MAX_BODY;
}

/** Peru DNI: exactly 8 digits (leading zeros are part of the number, so it stays a string). */
export function parseDni(input: string): ParseResult<string> {
  const text = input.trim();
  if (text.length === 0) return { ok: false, problem: 'empty' };
  if (!/^\d{8}$/.test(text)) return { ok: false, problem: 'format' };
  return { ok: true, value: text };
}

export function isValidDni(input: string): boolean {
  return parseDni(input).ok;
}

const RUC_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const RUC_PREFIXES = new Set(['10', '15', '17', '20']);

/** The RUC check digit of its first ten digits: (11 − (Σ dᵢ·wᵢ mod 11)) mod 10. */
export function rucCheckDigit(firstTen: string): number {
  let sum = 0;
  for (let i = 0; i < RUC_WEIGHTS.length; i++) sum += Number(firstTen[i]) * RUC_WEIGHTS[i]!;
  return (11 - (sum % 11)) % 10;
}

/** Peru RUC: 11 digits, prefix 10/15/17/20, last digit the check digit. */
export function parseRuc(input: string): ParseResult<string> {
  const text = input.trim();
  if (text.length === 0) return { ok: false, problem: 'empty' };
  if (!/^\d{11}$/.test(text)) return { ok: false, problem: 'format' };
  if (!RUC_PREFIXES.has(text.slice(0, 2))) return { ok: false, problem: 'prefix' };
  if (rucCheckDigit(text.slice(0, 10)) !== Number(text[10])) return { ok: false, problem: 'check-digit' };
  return { ok: true, value: text };
}

export function isValidRuc(input: string): boolean {
  return parseRuc(input).ok;
}

/** The RUC of a natural person: 10 + DNI + check digit. */
export function rucFromDni(dni: string): string {
  const parsed = parseDni(dni);
  if (!parsed.ok) throw new RangeError(`DNI no válido: ${dni}`);
  const firstTen = `10${parsed.value}`;
  return firstTen + String(rucCheckDigit(firstTen));
}
