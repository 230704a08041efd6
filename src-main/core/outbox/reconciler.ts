/**
 * Looks for a message whose upload ended with an unknown outcome, using only what the platform offers:
 * `citizenPending/{rol_unico}` of one of its recipients gives the citizen's `access_url`; asked with the
 * institution's credentials (same origin only), the sandbox answers there the list of this institution's
 * messages to that citizen ([ours], see src-main/sandbox/README.md). The real platform's access_url is a web
 * page: the verdict is then `unsupported`, and the sender falls back to a resend inside the duplicate window
 * (ERR031 guards it) or to the user.
 */
import type { OutboxReason } from '../../api/outbox';
import type { Outcome } from '../casilla/classify';
import { matchCandidates, type FinderVerdict, type PlatformListing } from './decide';
import type { OutboxTransport } from './transport';

export type FindTarget = {
  subject: string;
  recipients: readonly number[];
  /** The platform's time at the first uncertain attempt (or our best bound for it). */
  sincePlatformMs: number;
  /** Extra tolerance on `sincePlatformMs`: small when it came from the platform's Date, large when guessed. */
  toleranceMs: number;
  /** True when the id is already another local message's. */
  adopted: (messageDataId: string) => boolean;
};

/** The list must reach back at least this far before `sincePlatformMs` for "not there" to mean "not stored". */
const COVERAGE_MS = 60_000;

export async function findOnPlatform(transport: OutboxTransport, target: FindTarget, signal?: AbortSignal): Promise<FinderVerdict> {
  const rol = target.recipients[0];
  if (rol === undefined) return { kind: 'unsupported', reason: { code: 'no_recipients' } };
  const pending = await transport.citizenPending(rol, signal ? { signal } : {});
  if (pending.kind !== 'accepted') return notLooked(pending, 'citizen_pending_failed');
  const inbox = await transport.citizenInbox(pending.value.access_url, signal ? { signal } : {});
  if (inbox.kind !== 'accepted') return notLooked(inbox, 'citizen_inbox_failed');
  const listing: PlatformListing[] = [];
  for (const m of inbox.value.messages) {
    const t = Date.parse(m.received_at);
    if (Number.isNaN(t)) continue;
    listing.push({ messageDataId: m.message_data_id, subject: m.subject, receivedAtMs: t, recipients: m.recipients ?? null });
  }
  const found = matchCandidates(listing, target);
  if (found.length === 1)
    return { kind: 'found', messageDataId: found[0]!.messageDataId, receivedAt: new Date(found[0]!.receivedAtMs).toISOString() };
  if (found.length > 1) return { kind: 'ambiguous', candidates: found.map((m) => m.messageDataId) };
  // "Not there" only counts when the list is complete back to before the uncertain attempt.
  const oldest = listing.reduce((min, m) => Math.min(min, m.receivedAtMs), Infinity);
  const truncated = inbox.value.messages.length >= 500;
  if (truncated && oldest > target.sincePlatformMs - target.toleranceMs - COVERAGE_MS)
    return { kind: 'unsupported', reason: { code: 'list_too_short' } };
  return { kind: 'absent', listed: listing.length, rol };
}

/** Which step of the search failed (`step`), and why (the call's classified outcome). */
function notLooked(
  o: Exclude<Outcome<unknown>, { kind: 'accepted' }>,
  step: 'citizen_pending_failed' | 'citizen_inbox_failed',
): FinderVerdict {
  const at = (cause: OutboxReason): OutboxReason => ({ code: step, cause });
  switch (o.kind) {
    case 'permanent':
      return { kind: 'unsupported', reason: at({ code: 'refused', params: { error: o.code } }) };
    case 'rate-limited':
      return { kind: 'unavailable', reason: at({ code: 'rate_limited' }), retryAfterMs: o.retryAfterMs };
    case 'retryable':
    case 'unknown-outcome':
      return { kind: 'unavailable', reason: at(o.why) };
  }
}
