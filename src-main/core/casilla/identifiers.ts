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

const DNI_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;
const DNI_CHECK_DIGITS = '65432110987';
const DNI_CHECK_LETTERS = 'KJIHGFEDCBA';

/**
 * The verification character printed after a DNI (the "dígito de verificación" of the CUI): weights 3,2,7,6,5,4,3,2,
 * r = Σ mod 11, then the r-th character of the digit table or of the letter table (both forms are in use).
 */
export function dniCheckCharacters(dni: string): { digit: string; letter: string } {
  let sum = 0;
  for (let i = 0; i < DNI_WEIGHTS.length; i++) sum += Number(dni[i]) * DNI_WEIGHTS[i]!;
  const r = sum % 11;
  return { digit: DNI_CHECK_DIGITS[r]!, letter: DNI_CHECK_LETTERS[r]! };
}

/** A DNI with its verification character: "40123456-5", "40123456 5", "40123456J". */
export function parseDniWithCheck(input: string): ParseResult<string> {
  const text = compactIdentifier(input);
  if (text.length === 0) return { ok: false, problem: 'empty' };
  const m = /^(\d{8})([0-9A-K])$/.exec(text);
  if (!m) return { ok: false, problem: 'format' };
  const expected = dniCheckCharacters(m[1]!);
  if (m[2] !== expected.digit && m[2] !== expected.letter) return { ok: false, problem: 'check-digit' };
  return { ok: true, value: m[1]! };
}

/** Peru's carné de extranjería (CE): 9 digits (the current card); it carries no check digit. */
export function parseCe(input: string): ParseResult<string> {
  const text = compactIdentifier(input);
  if (text.length === 0) return { ok: false, problem: 'empty' };
  if (!/^\d{9}$/.test(text)) return { ok: false, problem: 'format' };
  return { ok: true, value: text };
}

/**
 * One identifier as one token: Unicode-normalized, upper-cased, with every space (also non-breaking), dot and
 * dash (also typographic dashes) removed. "12 345 678 5", "12.345.678-5" and "12345678‐5" all become
 * "123456785"; the last character of a RUN is then its check digit. Overlong input is cut to a length no valid
 * identifier reaches, so it is refused, never parsed at length.
 */
export function compactIdentifier(input: string): string {
  const cut = input.slice(0, 64);
  // NFKC only when there is something beyond ASCII to fold (full-width digits, odd dashes): the common case is plain.
  return (/^[\x20-\x7e]*$/.test(cut) ? cut : cut.normalize('NFKC')).toUpperCase().replace(/[\s.\-\u2010-\u2015\u2212\u00a0]/g, '');
}
