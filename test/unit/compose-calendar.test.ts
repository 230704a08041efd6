import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { addBusinessDays, holidaysFor, isBusinessDay, localDate } from '../../src-main/core/calendar/calendar';
import { OFFICIAL_HOLIDAYS } from '../../src-main/core/calendar/holidays-data';
import { deadlineFrom, deemedServed } from '../../src-main/core/calendar/served';
import { csvCell } from '../../src-main/core/outbox/export-csv';

describe('business days and served dates', () => {
  it("skips weekends and each country's holidays", () => {
    expect(isBusinessDay('CL', '2026-09-18')).toBe(false); // Independencia Nacional, a Friday
    expect(isBusinessDay('PE', '2026-09-18')).toBe(true);
    expect(isBusinessDay('PE', '2026-07-28')).toBe(false);
    expect(isBusinessDay('PE', '2026-01-02')).toBe(false); // public-sector non-working day (D.S. 042-2025-PCM)
    expect(isBusinessDay('CL', '2026-01-02')).toBe(true);
    expect(addBusinessDays('CL', '2026-09-16', 3)).toBe('2026-09-22');
    expect(addBusinessDays('CL', '2026-04-01', 2)).toBe('2026-04-06'); // Viernes Santo in between
    expect(addBusinessDays('PE', '2026-04-01', 2)).toBe('2026-04-07'); // Jueves and Viernes Santo
    expect(() => addBusinessDays('CL', '16/09/2026', 3)).toThrow(RangeError);
  });
  it("Chile: deemed served the third business day after reaching the DDU, counted in Chile's local date", () => {
    // 02:00 UTC on the 17th is still the 16th in Santiago (UTC-3 in September).
    expect(localDate('CL', new Date('2026-09-17T02:00:00Z'))).toBe('2026-09-16');
    expect(deemedServed('CL', '2026-09-17T02:00:00Z', 'delivered')).toEqual({
      deemedServedAt: '2026-09-22',
      basis: 'cl_ley_21806',
    });
    expect(deemedServed('CL', '2026-03-02T15:00:00Z', 'delivered')).toMatchObject({
      deemedServedAt: '2026-03-05',
      basis: 'cl_ds_4_2020',
    });
    expect(deemedServed('CL', null, 'pending')).toEqual({ deemedServedAt: null, basis: null });
    expect(deemedServed('CL', '2026-03-02T15:00:00Z', 'error_permanent_general').deemedServedAt).toBeNull();
  });
  it('Peru: served when deposited', () => {
    expect(deemedServed('PE', '2026-07-27T22:00:00Z', 'delivered').deemedServedAt).toBe('2026-07-27T22:00:00.000Z');
    expect(deemedServed('PE', '2026-07-27T22:00:00Z', 'delivered').basis).toBe('pe_deposited');
    expect(deadlineFrom('PE', '2026-07-27T22:00:00.000Z', 1)).toBe('2026-07-30');
  });
  it('keeps official holidays as data with a source, and the differences with date-holidays are the documented ones', () => {
    const differences: Record<string, { onlyOfficial: string[]; onlyLibrary: string[] }> = {};
    for (const country of ['CL', 'PE'] as const) {
      for (const year of Object.keys(OFFICIAL_HOLIDAYS[country]).map(Number)) {
        const ours = holidaysFor(country, year);
        expect(ours.source).toMatch(/\S{10}/);
        const official = new Set(ours.holidays.map((h) => h.date));
        const library = new Set(
          (new Holidays(country).getHolidays(year) || []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)),
        );
        differences[`${country}-${year}`] = {
          onlyOfficial: [...official].filter((d) => !library.has(d)).sort(),
          onlyLibrary: [...library].filter((d) => !official.has(d)).sort(),
        };
      }
    }
    console.log('holiday differences with date-holidays:', JSON.stringify(differences));
    expect(differences).toEqual({
      'CL-2026': { onlyOfficial: ['2026-04-04'], onlyLibrary: ['2026-04-05'] },
      'PE-2026': { onlyOfficial: ['2026-01-02'], onlyLibrary: ['2026-04-05'] },
    });
    // A year without an official list falls back to the library and says so.
    expect(holidaysFor('CL', 2031).source).toMatch(/^date-holidays/);
    expect(holidaysFor('CL', 2031).holidays.some((h) => h.date === '2031-09-18')).toBe(true);
  });
});

describe('CSV export safe in any spreadsheet', () => {
  it('guards a formula trigger at the start and after any separator, and quotes what needs it', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('Ana,=2+5')).toBe(`"Ana,'=2+5"`);
    expect(csvCell('Ana; +CMD|x')).toBe(`"Ana; '+CMD|x"`);
    expect(csvCell('a\t@SUM(A1)')).toBe(`"a\t'@SUM(A1)"`);
    expect(csvCell('linea\n-5')).toBe(`"linea\n'-5"`);
    expect(csvCell('Pérez-Soto (RUN 12.345.678-5)')).toBe('Pérez-Soto (RUN 12.345.678-5)');
    expect(csvCell('di "hola"')).toBe('"di ""hola"""');
    expect(csvCell(12345678)).toBe('12345678');
    expect(csvCell(null)).toBe('');
  });
});
