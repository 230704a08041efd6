import { describe, expect, it } from 'vitest';
import {
  decidePoll,
  decideUnknown,
  elapsedSinceUncertain,
  isFinalRecipientStatus,
  matchCandidates,
  type FinderVerdict,
  type UnknownFacts,
} from '../../src-main/core/outbox/decide';

const W = 4 * 60_000;
const facts = (verdict: FinderVerdict, more: Partial<UnknownFacts> = {}): UnknownFacts => ({
  verdict,
  elapsedMs: 10_000,
  windowMs: W,
  passes: 0,
  maxPasses: 5,
  duplicateConfirmed: false,
  ...more,
});
const found: FinderVerdict = { kind: 'found', messageDataId: 'a'.repeat(24), receivedAt: '2026-11-30T00:00:00.000Z' };
const absent: FinderVerdict = { kind: 'absent', evidence: 'lista completa' };
const ambiguous: FinderVerdict = { kind: 'ambiguous', candidates: ['a'.repeat(24), 'b'.repeat(24)] };
const unsupported: FinderVerdict = { kind: 'unsupported', reason: 'página web' };
const unavailable: FinderVerdict = { kind: 'unavailable', reason: '503' };

describe('decideUnknown: one rule for an attempt whose outcome is unknown', () => {
  it.each<[string, UnknownFacts, string, boolean?]>([
    ['found → adopt, whatever the time', facts(found, { elapsedMs: 3_600_000 }), 'adopt'],
    ['found after ERR031 → adopt', facts(found, { duplicateConfirmed: true }), 'adopt'],
    ['ambiguous → the user chooses', facts(ambiguous), 'human'],
    ['absent inside the window → fresh resend', facts(absent), 'resend', true],
    ['absent an hour later → fresh resend (the list is complete)', facts(absent, { elapsedMs: 3_600_000 }), 'resend', true],
    ['absent but ERR031 said it is there → look again', facts(absent, { duplicateConfirmed: true }), 'look-again'],
    ['absent, ERR031, looked enough → the user', facts(absent, { duplicateConfirmed: true, passes: 5 }), 'human'],
    ['cannot search, inside the window → guarded resend', facts(unsupported), 'resend', false],
    ['cannot search, window passed → the user', facts(unsupported, { elapsedMs: W }), 'human'],
    ['cannot search, time unknown → the user (never assumed inside)', facts(unsupported, { elapsedMs: null }), 'human'],
    ['cannot search, negative time (clock moved) → the user', facts(unsupported, { elapsedMs: -1 }), 'human'],
    ['cannot search after ERR031 → the user, with the evidence', facts(unsupported, { duplicateConfirmed: true }), 'human'],
    ['could not look now → look again', facts(unavailable, { elapsedMs: 3_600_000 }), 'look-again'],
    ['could not look, passes used, inside window → guarded resend', facts(unavailable, { passes: 5 }), 'resend', false],
    ['could not look, passes used, window passed → the user', facts(unavailable, { passes: 5, elapsedMs: W + 1 }), 'human'],
  ])('%s', (_name, f, expected, fresh) => {
    const d = decideUnknown(f);
    expect(d.do).toBe(expected);
    if (d.do === 'resend') expect(d.fresh).toBe(fresh);
    expect(d.why.length).toBeGreaterThan(10);
  });

  it('the evidence reaches the user', () => {
    expect(decideUnknown(facts(ambiguous)).why).toContain('b'.repeat(24));
    expect(decideUnknown(facts(unsupported, { duplicateConfirmed: true })).why).toMatch(/ERR031/);
  });
});

describe('elapsedSinceUncertain: never the wall clock alone', () => {
  it.each<[string, { monoMs: number | null; platformMs: number | null; wallMs: number | null }, number | null]>([
    ['only the wall clock → unknown', { monoMs: null, platformMs: null, wallMs: 60_000 }, null],
    ['same process: the monotonic clock', { monoMs: 30_000, platformMs: null, wallMs: null }, 30_000],
    // faketime +10 min during the upload, real clock now: the wall says -9 min, the platform says 1 min.
    ['clock was ahead during the upload: the platform wins', { monoMs: null, platformMs: 60_000, wallMs: -540_000 }, 60_000],
    // The wall clock was put back 10 min since: the platform still says 6 min → outside the window.
    ['clock put back since: the platform says 6 min', { monoMs: null, platformMs: 360_000, wallMs: -240_000 }, 360_000],
    ['the largest trusted measure wins', { monoMs: 200_000, platformMs: 100_000, wallMs: 50_000 }, 200_000],
    ['a wall clock that says longer is believed (safer)', { monoMs: 1_000, platformMs: null, wallMs: 400_000 }, 400_000],
  ])('%s', (_name, m, expected) => {
    expect(elapsedSinceUncertain(m)).toBe(expected);
  });
});

describe('matchCandidates', () => {
  const base = { subject: 'Resolución 1', recipients: [3, 1], sincePlatformMs: 1_000_000, toleranceMs: 2_000, adopted: () => false };
  const m = (id: string, subject: string, at: number, recipients: number[] | null = [1, 3]) => ({
    messageDataId: id.padEnd(24, '0'),
    subject,
    receivedAtMs: at,
    recipients,
  });
  it('same subject, same recipients as a set, not before the attempt, not already adopted', () => {
    const list = [
      m('a', 'Resolución 1', 1_000_500),
      m('b', 'Resolución 2', 1_000_500),
      m('c', 'Resolución 1', 990_000),
      m('d', 'Resolución 1', 1_000_500, [1]),
      m('e', 'Resolución 1', 999_000, null),
      m('f', 'Resolución 1', 1_200_000),
    ];
    expect(matchCandidates(list, base).map((x) => x.messageDataId[0])).toEqual(['a', 'e', 'f']);
    expect(
      matchCandidates(list, { ...base, adopted: (id) => id.startsWith('a') || id.startsWith('e') }).map((x) => x.messageDataId[0]),
    ).toEqual(['f']);
  });
});

describe('status polls', () => {
  it.each([
    ['delivered', true],
    ['error_permanent_no_email', true],
    ['pending', false],
    ['queued_for_review', false],
    ['', false],
    [null, false],
  ])('%s final: %s (an unknown state is never final)', (status, final) => {
    expect(isFinalRecipientStatus(status)).toBe(final);
  });

  it.each([
    [{ outcome: 'answer', recipientsFinal: true, badPolls: 3 }, 'done'],
    [{ outcome: 'answer', recipientsFinal: false, badPolls: 3 }, 'track'],
    [{ outcome: 'rate-limited', recipientsFinal: false, badPolls: 7 }, 'wait'],
    [{ outcome: 'unusable', recipientsFinal: false, badPolls: 0 }, 'track'],
    [{ outcome: 'unusable', recipientsFinal: false, badPolls: 6 }, 'track'],
    [{ outcome: 'unusable', recipientsFinal: false, badPolls: 7 }, 'human'],
  ] as const)('%o → %s', (f, expected) => {
    expect(decidePoll({ ...f, maxBadPolls: 8 }).do).toBe(expected);
  });
});
