import { afterEach, describe, expect, it } from 'vitest';
import { formatSigningDate } from '../../src-main/core/signing/stamp-text';

describe('the stamp date in the machine zone (no Intl.DateTimeFormat)', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  // Both sides of daylight saving time, a date near midnight, a half-hour zone and UTC.
  const dates = ['2026-01-15T03:30:05Z', '2026-07-01T12:00:00Z', '2026-04-05T02:59:59Z', '2026-12-31T23:59:59Z'].map((s) => new Date(s));
  for (const zone of ['America/Santiago', 'America/Lima', 'Asia/Kolkata', 'America/St_Johns', 'UTC']) {
    it(`matches the IANA zone's own formatting in ${zone}`, () => {
      process.env.TZ = zone;
      for (const d of dates) {
        expect(formatSigningDate(d)).toBe(formatSigningDate(d, zone));
        expect(formatSigningDate(d, undefined, 'dot')).toBe(formatSigningDate(d, zone, 'dot'));
      }
    });
  }

  it('writes the offset of the machine zone', () => {
    process.env.TZ = 'America/Lima';
    expect(formatSigningDate(new Date('2026-07-01T12:00:00Z'))).toBe('01/07/2026 07:00:00 -05:00');
    process.env.TZ = 'Asia/Kolkata';
    expect(formatSigningDate(new Date('2026-07-01T12:00:00Z'), undefined, 'dot')).toBe('01.07.2026 17:30:00 +05:30');
  });
});
