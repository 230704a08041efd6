import { describe, expect, it } from 'vitest';
import { OUTBOX_REASON_DEPTH } from '../../src-main/api/outbox';
import { readEvent, storedDetail } from '../../src-main/core/outbox/outbox-repository';

describe('outbox timeline entries: code and sentence in one column', () => {
  it('keeps the Spanish sentence first (LIKE queries still match) and reads the code and parameters back', () => {
    const stored = storedDetail({ code: 'accepted', params: { messageDataId: 'abc' }, message: 'aceptado como abc' })!;
    expect(stored.startsWith('aceptado como abc')).toBe(true);
    expect(readEvent({ at: 'x', state: 'accepted', detail: stored })).toEqual({
      at: 'x',
      state: 'accepted',
      detail: 'aceptado como abc',
      code: 'accepted',
      params: { messageDataId: 'abc' },
    });
  });
  it('reads an entry written before codes as its sentence, and a damaged or unknown suffix as the sentence alone', () => {
    expect(readEvent({ at: 'x', state: 'queued', detail: 'cancelado por el usuario' })).toEqual({
      at: 'x',
      state: 'queued',
      detail: 'cancelado por el usuario',
    });
    expect(readEvent({ at: 'x', state: 'queued', detail: 'texto\u001e{no json' })).toEqual({ at: 'x', state: 'queued', detail: 'texto' });
    expect(readEvent({ at: 'x', state: 'queued', detail: 'texto\u001e{"code":"not_a_code"}' })).toEqual({
      at: 'x',
      state: 'queued',
      detail: 'texto',
    });
    expect(storedDetail('frase sin código')).toBe('frase sin código');
    expect(storedDetail(null)).toBeNull();
  });
  it('keeps the reason (nested causes included) as codes, and reads back only what this version knows', () => {
    const reason = {
      code: 'search_failed' as const,
      cause: { code: 'citizen_pending_failed' as const, cause: { code: 'server_error' as const, params: { status: 503 } } },
    };
    const stored = storedDetail({ code: 'look_again', message: 'no se pudo buscar en la casilla: …', reason })!;
    expect(readEvent({ at: 'x', state: 'queued', detail: stored })).toEqual({
      at: 'x',
      state: 'queued',
      detail: 'no se pudo buscar en la casilla: …',
      code: 'look_again',
      reason,
    });
    // A reason of a newer version (unknown code) is left out; the entry and its sentence stay.
    const newer = 'frase\u001e{"code":"look_again","reason":{"code":"from_the_future"}}';
    expect(readEvent({ at: 'x', state: 'queued', detail: newer })).toEqual({
      at: 'x',
      state: 'queued',
      detail: 'frase',
      code: 'look_again',
    });
    // An unknown cause is cut at that level; parameters other than strings and numbers are dropped.
    const odd = 'f\u001e{"code":"needs_human","reason":{"code":"search_failed","params":{"x":{"y":1},"n":2},"cause":{"code":"zzz"}}}';
    expect(readEvent({ at: 'x', state: 'q', detail: odd }).reason).toEqual({ code: 'search_failed', params: { n: 2 } });
    // Nesting is bounded: a stored chain deeper than OUTBOX_REASON_DEPTH is cut.
    let deep: Record<string, unknown> = { code: 'timeout' };
    for (let i = 0; i < 50; i++) deep = { code: 'search_failed', cause: deep };
    const read = readEvent({ at: 'x', state: 'q', detail: `f\u001e${JSON.stringify({ code: 'look_again', reason: deep })}` }).reason;
    let depth = 0;
    for (let r = read; r; r = r.cause) depth++;
    expect(depth).toBe(OUTBOX_REASON_DEPTH);
  });
});
