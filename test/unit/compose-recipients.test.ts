import { describe, expect, it } from 'vitest';
import { rucFromDni } from '../../src-main/core/casilla/identifiers';
import { parseRecipient, parseRecipientList } from '../../src-main/core/compose/recipients';
import { decodeCsv, importRecipientsCsv, splitCsv } from '../../src-main/core/compose/recipients-csv';

describe('recipients as typed', () => {
  it('reads RUN/RUT with or without dots and dash, DNI and a person RUC', () => {
    expect(parseRecipient('12.345.678-5')).toMatchObject({ rolUnico: 12345678, kind: 'RUN', label: 'RUN 12.345.678-5' });
    expect(parseRecipient('123456785')).toMatchObject({ rolUnico: 12345678, kind: 'RUN' });
    expect(parseRecipient('33333351-1')).toMatchObject({ rolUnico: 33333351 });
    expect(parseRecipient('45678912')).toMatchObject({ rolUnico: 45678912, kind: 'DNI' });
    // RUC 10 + DNI + check digit addresses the person by the DNI inside it.
    expect(parseRecipient(rucFromDni('45678912'))).toMatchObject({ kind: 'RUC', rolUnico: 45678912 });
  });
  it('refuses a wrong check digit, a company RUC and garbage, saying why', () => {
    expect(parseRecipient('12.345.678-9', 3)).toMatchObject({ code: 'RUN_CHECK_DIGIT', line: 3 });
    expect(parseRecipient('20512333797')).toMatchObject({ code: 'RUC_NOT_PERSON' });
    expect(parseRecipient('20512333798')).toMatchObject({ code: 'RUC_CHECK_DIGIT' });
    expect(parseRecipient('hola')).toMatchObject({ code: 'FORMAT' });
  });
  it('merges duplicates and keeps line numbers of problems', () => {
    const r = parseRecipientList('33.333.333-3\n33333333-3, 12.345.678-9\n\n33333351-1');
    expect(r.recipients.map((x) => x.rolUnico)).toEqual([33333333, 33333351]);
    expect(r.duplicates).toBe(1);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, input: '12.345.678-9' })]);
  });
});

describe('recipients from CSV', () => {
  it('decodes Latin-1 when the bytes are not UTF-8, and drops a UTF-8 BOM', () => {
    expect(decodeCsv(Buffer.from('Núñez', 'latin1'))).toEqual({ text: 'Núñez', encoding: 'latin1' });
    expect(decodeCsv(Buffer.from('\uFEFFNúñez', 'utf8'))).toEqual({ text: 'Núñez', encoding: 'utf-8' });
  });
  it('splits quoted cells with delimiters, doubled quotes and line breaks', () => {
    const rows = splitCsv('a;"b;c";"di ""jo"""\r\n"x\ny";z\n', ';');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b;c', 'di "jo"'] },
      { line: 2, cells: ['x\ny', 'z'] },
    ]);
  });
  it('finds the identifier and name columns by header, with ; or ,', () => {
    const semi = importRecipientsCsv(Buffer.from('Nombre;RUT\nAna;33.333.333-3\nJosé;12.345.678-9\n', 'utf8'));
    expect(semi).toMatchObject({ delimiter: ';', header: true, rows: 2 });
    expect(semi.recipients).toEqual([expect.objectContaining({ rolUnico: 33333333, label: 'Ana (RUN 33.333.333-3)' })]);
    expect(semi.problems).toEqual([expect.objectContaining({ line: 3, code: 'RUN_CHECK_DIGIT' })]);
    const comma = importRecipientsCsv(Buffer.from('33333333-3,Ana\n33333351-1,Luis\n33333333-3,Ana\n'));
    expect(comma).toMatchObject({ delimiter: ',', header: false, duplicates: 1 });
    expect(comma.recipients.map((r) => r.label)).toEqual(['Ana (RUN 33.333.333-3)', 'Luis (RUN 33.333.351-1)']);
  });
  it('survives a broken file: empty, only a header, binary noise', () => {
    expect(importRecipientsCsv(Buffer.alloc(0)).recipients).toEqual([]);
    expect(importRecipientsCsv(Buffer.from('RUN;Nombre\n')).recipients).toEqual([]);
    const noise = importRecipientsCsv(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a, 0x80, 0x81]));
    expect(noise.recipients).toEqual([]);
    expect(noise.problems.length).toBeGreaterThan(0);
  });
});
