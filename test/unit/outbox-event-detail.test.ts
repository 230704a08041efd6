import { describe, expect, it } from 'vitest';
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
});
