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
import { OUTBOX_REASON_CODES, type OutboxReason } from '../../src-main/api/outbox';
import { outboxReasonText } from '../../src-main/api/outbox-text';
import { findText, type Dict } from '../../src-main/api/i18n-text';
import { translate } from '../../src-renderer/i18n/core';
import en from '../../src-renderer/i18n/en.json';
import es from '../../src-renderer/i18n/es.json';

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
const absent: FinderVerdict = { kind: 'absent', listed: 3, rol: 12345678 };
const ambiguous: FinderVerdict = { kind: 'ambiguous', candidates: ['a'.repeat(24), 'b'.repeat(24)] };
const unsupported: FinderVerdict = {
  kind: 'unsupported',
  reason: { code: 'citizen_inbox_failed', cause: { code: 'refused', params: { error: 'NOT_FOUND' } } },
};
const unavailable: FinderVerdict = {
  kind: 'unavailable',
  reason: { code: 'citizen_pending_failed', cause: { code: 'server_error', params: { status: 503 } } },
};

const tEs = (k: string, v?: Record<string, string | number>) => translate('es', k, v);
const tEn = (k: string, v?: Record<string, string | number>) => translate('en', k, v);
/** Every code of a reason and the reasons it quotes. */
const codesOf = (r: OutboxReason | undefined): string[] => (r ? [r.code, ...codesOf(r.cause)] : []);

describe('decideUnknown: one rule for an attempt whose outcome is unknown', () => {
  it.each<[string, UnknownFacts, string, string, boolean?]>([
    ['found → adopt, whatever the time', facts(found, { elapsedMs: 3_600_000 }), 'adopt', 'found'],
    ['found after ERR031 → adopt', facts(found, { duplicateConfirmed: true }), 'adopt', 'found'],
    ['ambiguous → the user chooses', facts(ambiguous), 'human', 'several_found'],
    ['absent inside the window → fresh resend', facts(absent), 'resend', 'absent_resend', true],
    [
      'absent an hour later → fresh resend (the list is complete)',
      facts(absent, { elapsedMs: 3_600_000 }),
      'resend',
      'absent_resend',
      true,
    ],
    [
      'absent but ERR031 said it is there → look again',
      facts(absent, { duplicateConfirmed: true }),
      'look-again',
      'duplicate_not_listed_yet',
    ],
    ['absent, ERR031, looked enough → the user', facts(absent, { duplicateConfirmed: true, passes: 5 }), 'human', 'duplicate_not_found'],
    ['cannot search, inside the window → guarded resend', facts(unsupported), 'resend', 'resend_inside_window', false],
    ['cannot search, window passed → the user', facts(unsupported, { elapsedMs: W }), 'human', 'search_failed_too_late'],
    [
      'cannot search, time unknown → the user (never assumed inside)',
      facts(unsupported, { elapsedMs: null }),
      'human',
      'search_failed_time_unknown',
    ],
    ['cannot search, negative time (clock moved) → the user', facts(unsupported, { elapsedMs: -1 }), 'human', 'search_failed_too_late'],
    [
      'cannot search after ERR031 → the user, with the evidence',
      facts(unsupported, { duplicateConfirmed: true }),
      'human',
      'duplicate_without_id',
    ],
    ['could not look now → look again', facts(unavailable, { elapsedMs: 3_600_000 }), 'look-again', 'search_failed'],
    [
      'could not look, passes used, inside window → guarded resend',
      facts(unavailable, { passes: 5 }),
      'resend',
      'resend_inside_window',
      false,
    ],
    [
      'could not look, passes used, window passed → the user',
      facts(unavailable, { passes: 5, elapsedMs: W + 1 }),
      'human',
      'search_failed_too_late',
    ],
  ])('%s', (_name, f, expected, why, fresh) => {
    const d = decideUnknown(f);
    expect(d.do).toBe(expected);
    expect(d.why.code).toBe(why);
    if (d.do === 'resend') expect(d.fresh).toBe(fresh);
    // Every code of the decision (and of the reasons it quotes) has its text in both languages, fully filled.
    // (Looked up in each dictionary alone: the UI's translator would fall back to Spanish for a missing English text.)
    for (const code of codesOf(d.why)) {
      expect(OUTBOX_REASON_CODES).toContain(code);
      for (const dict of [es, en] as Dict[])
        expect(findText(dict, `outbox.reasons.${code}`) ?? findText(dict, `outbox.reasons.${code}_other`), code).toBeDefined();
    }
    for (const t of [tEs, tEn]) expect(outboxReasonText(t, d.why)).not.toMatch(/\{\w+\}|outbox\.reasons/);
  });

  it('the evidence reaches the user, in their language', () => {
    const human = decideUnknown(facts(ambiguous));
    expect(human.why.params).toEqual({ count: 2, candidates: `${'a'.repeat(24)}, ${'b'.repeat(24)}` });
    expect(outboxReasonText(tEn, human.why)).toContain('b'.repeat(24));
    const err031 = decideUnknown(facts(unsupported, { duplicateConfirmed: true }));
    expect(err031.why.cause).toEqual(unsupported.reason);
    expect(outboxReasonText(tEn, err031.why)).toMatch(
      /ERR031.*recipient's inbox: the platform refused the request: The item was not found/,
    );
    expect(outboxReasonText(tEs, err031.why)).toMatch(/ERR031.*bandeja del destinatario/);
    const late = decideUnknown(facts(unavailable, { passes: 5, elapsedMs: 400_400 }));
    expect(late.why.params).toEqual({ seconds: 400 });
    expect(outboxReasonText(tEn, late.why)).toMatch(/400 s.*could duplicate/);
    const gone = decideUnknown(facts(absent));
    expect(gone.why.cause).toEqual({ code: 'not_listed', params: { count: 3, rol: 12345678 } });
    expect(outboxReasonText(tEs, gone.why)).toContain('3 mensajes de la institución');
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
