/**
 * Results and errors that cross a process or network boundary. Errors travel as data with a stable
 * code the UI maps to text (i18n key `errors.<code>`); `message` is a Spanish fallback for logs and CLI.
 */
export type ApiErrorData = {
  code: string;
  message: string;
  /** Optional structured detail (field names, line numbers); never secrets. */
  details?: Record<string, unknown>;
};

/**
 * One input problem of a `BAD_INPUT` error (in `details.issues`): the field's path, zod's issue code and limits
 * (so the UI can word it in the user's language) and `message`, the Spanish text for logs and the CLI. A
 * refinement of the contract carries its own code in `params.code` (e.g. `INSECURE_URL`, `LOCK_AFTER_WARNING`).
 */
export type ValidationIssue = {
  path: string[];
  message: string;
  code: string;
  origin?: string;
  format?: string;
  expected?: string;
  minimum?: number;
  maximum?: number;
  inclusive?: boolean;
  exact?: boolean;
  divisor?: number;
  keys?: string[];
  values?: (string | number)[];
  params?: Record<string, unknown>;
};

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

/** Error codes shared by every domain; domains add their own (`SIGN_*`, `VERIFY_*`, `ERR0xx`...). */
export const CommonErrorCodes = {
  badInput: 'BAD_INPUT',
  unknownMethod: 'UNKNOWN_METHOD',
  notFound: 'NOT_FOUND',
  internal: 'INTERNAL',
  cancelled: 'CANCELLED',
  keychainUnavailable: 'KEYCHAIN_UNAVAILABLE',
} as const;

/** A failure the domain expects and explains; anything else becomes `INTERNAL`. */
export class AppError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  toData(): ApiErrorData {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/**
 * An AppError by shape, not by class: code bundled twice (the PDF worker loads the verifier as a bundle of its
 * own) has two AppError classes, and `instanceof` would call the other one's errors unknown.
 */
export function isAppError(err: unknown): err is AppError {
  return (
    err instanceof Error &&
    err.name === 'AppError' &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { toData?: unknown }).toData === 'function'
  );
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string, details?: Record<string, unknown>): { ok: false; error: ApiErrorData } {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}
