import { describe, expect, it } from 'vitest';
import {
  formatRun,
  isValidDni,
  isValidRuc,
  isValidRun,
  isValidRunBody,
  parseRun,
  parseRuc,
  rucFromDni,
  runCheckDigit,
} from '../../src-main/core/casilla/identifiers';

describe('Chile RUN/RUT', () => {
  it('accepts the test RUNs of the real platform in every spelling', () => {
    for (const s of ['33333333-3', '33.333.333-3', '333333333', ' 33333351-1 ', '33.333.351-1']) {
      expect(isValidRun(s), s).toBe(true);
    }
    expect(parseRun('33.333.351-1')).toEqual({ ok: true, value: { body: 33333351, checkDigit: '1' } });
  });

  it('computes check digits including K and 0', () => {
    expect(runCheckDigit(12345678)).toBe('5');
    expect(runCheckDigit(10000013)).toBe('K');
    expect(runCheckDigit(1009)).toBe('K');
    expect(runCheckDigit(6)).toBe('K');
    expect(runCheckDigit(76086428)).toBe('5');
    expect(runCheckDigit(5126663)).toBe('3');
    // 11 − (s mod 11) = 11 must map to '0': find a small body with that property and round-trip it.
    const zeroBody = Array.from({ length: 200 }, (_, i) => i + 1).find((b) => runCheckDigit(b) === '0');
    expect(zeroBody).toBeDefined();
    expect(isValidRun(`${zeroBody}-0`)).toBe(true);
  });

  it('accepts K in either case, rejects wrong digits, bad dots and out-of-range bodies', () => {
    expect(isValidRun('10.000.013-k')).toBe(true);
    expect(isValidRun('10000013-K')).toBe(true);
    expect(parseRun('33333333-4')).toEqual({ ok: false, problem: 'check-digit' });
    expect(parseRun('33333351-K')).toEqual({ ok: false, problem: 'check-digit' });
    expect(parseRun('3.3333.333-3')).toEqual({ ok: false, problem: 'format' });
    expect(parseRun('')).toEqual({ ok: false, problem: 'empty' });
    expect(parseRun('123456789-0').ok).toBe(false);
    expect(parseRun('0-0').ok).toBe(false);
    expect(parseRun('12a45678-5').ok).toBe(false);
    expect(parseRun('9'.repeat(500)).ok).toBe(false);
  });

  it('formats with and without dots', () => {
    expect(formatRun(12345678)).toBe('12.345.678-5');
    expect(formatRun(10000013, { dots: false })).toBe('10000013-K');
    expect(formatRun(1009)).toBe('1.009-K');
  });

  it('checks API bodies (rol_unico)', () => {
    expect(isValidRunBody(33333333)).toBe(true);
    expect(isValidRunBody(99_999_999)).toBe(true);
    expect(isValidRunBody(100_000_000)).toBe(false);
    expect(isValidRunBody(0)).toBe(false);
    expect(isValidRunBody(1.5)).toBe(false);
    expect(isValidRunBody('33333333')).toBe(false);
  });
});

describe('Peru DNI and RUC', () => {
  it('DNI is exactly 8 digits', () => {
    expect(isValidDni('46027897')).toBe(true);
    expect(isValidDni('01234567')).toBe(true);
    expect(isValidDni('4602789')).toBe(false);
    expect(isValidDni('460278970')).toBe(false);
    expect(isValidDni('4602789a')).toBe(false);
  });

  it('RUC check digit and prefixes', () => {
    expect(isValidRuc('20512333797')).toBe(true);
    expect(isValidRuc('20100123453')).toBe(true);
    expect(isValidRuc('10460278975')).toBe(true);
    expect(isValidRuc('17123456785')).toBe(true);
    expect(isValidRuc('15123456782')).toBe(true);
    expect(parseRuc('20512333798')).toEqual({ ok: false, problem: 'check-digit' });
    expect(parseRuc('30512333797')).toEqual({ ok: false, problem: 'prefix' });
    expect(parseRuc('2051233379')).toEqual({ ok: false, problem: 'format' });
  });

  it('builds a natural person RUC from a DNI', () => {
    expect(rucFromDni('46027897')).toBe('10460278975');
    expect(isValidRuc(rucFromDni('00000001'))).toBe(true);
    expect(() => rucFromDni('123')).toThrow(RangeError);
  });
});

describe('Peru DNI verification character, CE, and one token per identifier', () => {
  it('computes the DNI verification character in both printed forms', async () => {
    const { dniCheckCharacters, parseDniWithCheck } = await import('../../src-main/core/casilla/identifiers');
    // 10117410 → Σ 3,2,7,6,5,4,3,2 = 70, 70 mod 11 = 4 → "2" or "G" (as printed on the card).
    expect(dniCheckCharacters('10117410')).toEqual({ digit: '2', letter: 'G' });
    // 40123456 → 89 mod 11 = 1 → "5" or "J".
    expect(dniCheckCharacters('40123456')).toEqual({ digit: '5', letter: 'J' });
    expect(parseDniWithCheck('10117410-2')).toEqual({ ok: true, value: '10117410' });
    expect(parseDniWithCheck('10117410 g')).toEqual({ ok: true, value: '10117410' });
    expect(parseDniWithCheck('10117410-3')).toEqual({ ok: false, problem: 'check-digit' });
    expect(parseDniWithCheck('40123456-4')).toEqual({ ok: false, problem: 'check-digit' });
    expect(parseDniWithCheck('4012345-6')).toEqual({ ok: false, problem: 'format' });
  });
  it('reads a CE as nine digits and compacts spaces, dots and every dash into one token', async () => {
    const { compactIdentifier, parseCe } = await import('../../src-main/core/casilla/identifiers');
    expect(parseCe('001234567')).toEqual({ ok: true, value: '001234567' });
    expect(parseCe('00123456')).toEqual({ ok: false, problem: 'format' });
    expect(compactIdentifier(' 12 345 678 5 ')).toBe('123456785');
    expect(compactIdentifier('12.345.678‐k')).toBe('12345678K');
    expect(compactIdentifier('12\u00a0345\u00a0678–5')).toBe('123456785');
    expect(compactIdentifier('9'.repeat(10_000)).length).toBeLessThanOrEqual(64);
  });
});
