/**
 * The outbox's decisions as pure functions (no I/O, no clock of their own), tested as tables in
 * test/unit/outbox-decide.test.ts. The sender (outbox-sender.ts) gathers the facts, calls these, and records
 * what they say.
 */

import type { OutboxReason } from '../../api/outbox';

/** The platform's duplicate window (ERR031) and the part of it we dare to use: a resend must land inside. */
export const PLATFORM_DUPLICATE_WINDOW_MS = 5 * 60_000;

/**
 * Recipient states that end the follow-up. Anything else — `pending`, or a value this version does not know —
 * keeps the message tracked: an unknown state is never taken as final. Defined with the documented list in api/delivery.
 */
export { FINAL_RECIPIENT_STATUSES, isFinalRecipientStatus } from '../../api/delivery';

/**
 * How long ago the first uncertain attempt began, judged without trusting the wall clock alone: the largest of
 * the measurements we have, each of which can only be trusted to not UNDER-state the time when it exists:
 *  - `monoMs`: our monotonic clock, when this same process made the attempt;
 *  - `platformMs`: the platform's clock now minus the platform's clock at the attempt (both from its `Date`);
 *  - `wallMs`: the wall clock (moves with the user, NTP or faketime), used only on top of one of the others.
 * With neither monotonic nor platform measurement, the time is unknown (null): never "inside the window".
 */
export function elapsedSinceUncertain(m: { monoMs: number | null; platformMs: number | null; wallMs: number | null }): number | null {
  const trusted = [m.monoMs, m.platformMs].filter((x): x is number => x !== null && Number.isFinite(x));
  if (trusted.length === 0) return null;
  const all = m.wallMs !== null && Number.isFinite(m.wallMs) ? [...trusted, m.wallMs] : trusted;
  return Math.max(...all);
}

/** What looking for the message on the platform found (reconciler.ts). */
export type FinderVerdict =
  | { kind: 'found'; messageDataId: string; receivedAt: string }
  /**
   * The platform's list for a recipient covers the whole time since the first uncertain attempt, and it is not
   * there: `listed` messages of the institution were in recipient `rol`'s list.
   */
  | { kind: 'absent'; listed: number; rol: number }
  | { kind: 'ambiguous'; candidates: string[] }
  /** The platform offers no list we can read (the real platform's web inbox), or the list does not reach back far enough. */
  | { kind: 'unsupported'; reason: OutboxReason }
  /** Could not look right now (network, 5xx, rate limit). */
  | { kind: 'unavailable'; reason: OutboxReason; retryAfterMs?: number };

export type UnknownFacts = {
  verdict: FinderVerdict;
  /** From `elapsedSinceUncertain`; null = cannot tell. */
  elapsedMs: number | null;
  /** The part of the platform's duplicate window a resend may use (default 4 of the 5 minutes). */
  windowMs: number;
  /** Looks so far for this uncertainty, and how many we allow before asking the user. */
  passes: number;
  maxPasses: number;
  /** The last resend inside the window was answered ERR031: the platform says it has this content. */
  duplicateConfirmed: boolean;
};

/** Every decision says why as a code with parameters (api/outbox.ts `OUTBOX_REASON_CODES`), worded by the UI and the CLI. */
export type UnknownDecision =
  | { do: 'adopt'; messageDataId: string; receivedAt: string; why: OutboxReason }
  /** `fresh`: nothing is on the platform, the uncertainty is over; otherwise a resend ERR031 still guards. */
  | { do: 'resend'; fresh: boolean; why: OutboxReason }
  | { do: 'look-again'; why: OutboxReason }
  | { do: 'human'; why: OutboxReason };

/** One rule for an attempt whose outcome is unknown: find it, or resend only when no second copy can result. */
export function decideUnknown(f: UnknownFacts): UnknownDecision {
  const v = f.verdict;
  switch (v.kind) {
    case 'found':
      return {
        do: 'adopt',
        messageDataId: v.messageDataId,
        receivedAt: v.receivedAt,
        why: { code: 'found', params: { messageDataId: v.messageDataId } },
      };
    case 'ambiguous':
      return {
        do: 'human',
        why: { code: 'several_found', params: { count: v.candidates.length, candidates: v.candidates.join(', ') } },
      };
    case 'absent': {
      const evidence: OutboxReason = { code: 'not_listed', params: { count: v.listed, rol: v.rol } };
      if (f.duplicateConfirmed) {
        // The platform said ERR031 but its list does not show it yet: look again, then ask.
        return f.passes < f.maxPasses
          ? { do: 'look-again', why: { code: 'duplicate_not_listed_yet' } }
          : { do: 'human', why: { code: 'duplicate_not_found', cause: evidence } };
      }
      return { do: 'resend', fresh: true, why: { code: 'absent_resend', cause: evidence } };
    }
    case 'unavailable':
      if (f.passes < f.maxPasses) return { do: 'look-again', why: { code: 'search_failed', cause: v.reason } };
      return unsupported(f, v.reason);
    case 'unsupported':
      return unsupported(f, v.reason);
  }
}

function unsupported(f: UnknownFacts, reason: OutboxReason): UnknownDecision {
  if (f.duplicateConfirmed) return { do: 'human', why: { code: 'duplicate_without_id', cause: reason } };
  if (f.elapsedMs !== null && f.elapsedMs >= 0 && f.elapsedMs < f.windowMs)
    return { do: 'resend', fresh: false, why: { code: 'resend_inside_window', cause: reason } };
  return {
    do: 'human',
    why:
      f.elapsedMs === null
        ? { code: 'search_failed_time_unknown', cause: reason }
        : { code: 'search_failed_too_late', params: { seconds: Math.round(f.elapsedMs / 1000) }, cause: reason },
  };
}

/** A message in the platform's per-citizen list. */
export type PlatformListing = { messageDataId: string; subject: string; receivedAtMs: number; recipients: number[] | null };

/**
 * Which listed messages can be ours: same subject, same recipient set (when listed), received no earlier than
 * the first uncertain attempt (less a tolerance for the second-resolution dates), and not already the platform
 * id of another local message.
 */
export function matchCandidates(
  listing: readonly PlatformListing[],
  target: {
    subject: string;
    recipients: readonly number[];
    sincePlatformMs: number;
    toleranceMs: number;
    adopted: (id: string) => boolean;
  },
): PlatformListing[] {
  const want = [...new Set(target.recipients)].sort((a, b) => a - b).join(',');
  return listing.filter(
    (m) =>
      m.subject === target.subject &&
      (m.recipients === null || [...new Set(m.recipients)].sort((a, b) => a - b).join(',') === want) &&
      m.receivedAtMs >= target.sincePlatformMs - target.toleranceMs &&
      !target.adopted(m.messageDataId),
  );
}

/** Status polls: after this many unusable answers in a row (404, HTML, refusals), the user is told. */
export const MAX_BAD_POLLS = 8;

export type PollFacts = {
  outcome: 'answer' | 'unusable' | 'rate-limited';
  recipientsFinal: boolean;
  badPolls: number;
  maxBadPolls: number;
};

export type PollDecision = { do: 'done' } | { do: 'track' } | { do: 'wait' } | { do: 'human' };

export function decidePoll(f: PollFacts): PollDecision {
  switch (f.outcome) {
    case 'answer':
      return f.recipientsFinal ? { do: 'done' } : { do: 'track' };
    case 'rate-limited':
      return { do: 'wait' };
    case 'unusable':
      return f.badPolls + 1 >= f.maxBadPolls ? { do: 'human' } : { do: 'track' };
  }
}
