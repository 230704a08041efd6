import type { z } from 'zod';
import type { ValidationIssue } from '../../src-main/api/result';
import { issuesText, type T } from '../i18n/core';

export type Validation<V> = { ok: true; value: V } | { ok: false; issues: ValidationIssue[]; text: string };

/**
 * A form checked with the contract's own schema before it is sent, its problems worded in the user's language
 * (the same wording as a `BAD_INPUT` from the core).
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, t: T): Validation<z.output<S>> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues.map((i) => ({ ...(i as unknown as ValidationIssue), path: i.path.map(String) }));
  return { ok: false, issues, text: issuesText(t, issues) };
}
