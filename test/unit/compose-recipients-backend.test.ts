import { describe, expect, it } from 'vitest';
import { CASILLA_UNICA, recipientRulesFor } from '../../src-main/core/casilla/backends';
import { rucFromDni } from '../../src-main/core/casilla/identifiers';
import { parseRecipient, parseRecipientList, type RecipientRules } from '../../src-main/core/compose/recipients';
import { importRecipientsCsv } from '../../src-main/core/compose/recipients-csv';

const chile = recipientRulesFor({ backendUrl: 'https://casilla.example.cl' });
const peru: RecipientRules = { accepts: ['DNI', 'RUC', 'CE'], platform: 'una casilla peruana' };

describe('recipients per backend', () => {
  it('CasillaÚnica declares RUN/RUT only', () => {
    expect(CASILLA_UNICA.identifiers).toEqual(['RUN']);
    expect(chile.accepts).toEqual(['RUN']);
  });
  it('refuses a DNI offered to CasillaÚnica, saying a DNI is not a RUN, even with or without its check character', () => {
    const plain = parseRecipient('40123456', 1, undefined, chile);
    expect(plain).toMatchObject({ code: 'NOT_ACCEPTED' });
    expect((plain as { message: string }).message).toMatch(/DNI.*no es un RUN.*CasillaÚnica.*solo acepta RUN\/RUT/);
    // The done-when case: neither a valid RUN (40.123.456 takes K) nor a valid DNI check (5 or J).
    const wrong = parseRecipient('40123456-4', 1, undefined, chile);
    expect(wrong).toMatchObject({ code: 'RUN_CHECK_DIGIT' });
    expect((wrong as { message: string }).message).toMatch(/40\.123\.456 lleva K.*un DNI no es un RUN/);
    const withCheck = parseRecipient('40123456-5', 1, undefined, chile);
    expect(withCheck).toMatchObject({ code: 'NOT_ACCEPTED' });
    expect((withCheck as { message: string }).message).toMatch(/DNI peruano con su dígito de verificación/);
  });
  it('refuses a RUC (person or company) and a CE-looking number for CasillaÚnica', () => {
    expect(parseRecipient(rucFromDni('45678912'), 1, undefined, chile)).toMatchObject({ code: 'NOT_ACCEPTED' });
    expect(parseRecipient('20512333797', 1, undefined, chile)).toMatchObject({ code: 'NOT_ACCEPTED' });
    expect(parseRecipient('20512333798', 1, undefined, chile)).toMatchObject({ code: 'RUC_CHECK_DIGIT' });
  });
  it('takes a RUN in every spelling as one token, never split into several ids', () => {
    for (const spelled of ['12.345.678-5', '12345678-5', '123456785', '12 345 678 5', '12 345 678-5', '12.345.678‐5'])
      expect(parseRecipient(spelled, 1, undefined, chile)).toMatchObject({ kind: 'RUN', rolUnico: 12345678 });
    const list = parseRecipientList('12 345 678 5\n33.333.333-3; 33333351-1', chile);
    expect(list.problems).toEqual([]);
    expect(list.recipients.map((r) => r.rolUnico)).toEqual([12345678, 33333333, 33333351]);
  });
  it('validates Peruvian identifiers with their check digits for a Peruvian backend', () => {
    expect(parseRecipient('40123456', 1, undefined, peru)).toMatchObject({ kind: 'DNI', rolUnico: 40123456 });
    expect(parseRecipient('40123456-5', 1, undefined, peru)).toMatchObject({ kind: 'DNI', rolUnico: 40123456 });
    expect(parseRecipient('40123456-J', 1, undefined, peru)).toMatchObject({ kind: 'DNI' });
    expect(parseRecipient('40123456-4', 1, undefined, peru)).toMatchObject({ code: 'DNI_CHECK_DIGIT' });
    expect(parseRecipient(rucFromDni('45678912'), 1, undefined, peru)).toMatchObject({ kind: 'RUC', rolUnico: 45678912 });
    expect(parseRecipient('001234567', 1, undefined, peru)).toMatchObject({ kind: 'CE' });
    const run = parseRecipient('12.345.678-5', 1, undefined, peru);
    expect(run).toMatchObject({ code: 'NOT_ACCEPTED' });
    expect((run as { message: string }).message).toMatch(/RUN chileno/);
  });
  it('keeps the names of a CSV visible with each recipient', () => {
    const csv = importRecipientsCsv(Buffer.from('RUT;Nombre\n33.333.333-3;Ana Pérez\n40123456;Luis\n'), chile);
    expect(csv.recipients).toEqual([expect.objectContaining({ name: 'Ana Pérez', label: 'Ana Pérez (RUN 33.333.333-3)' })]);
    expect(csv.problems).toEqual([expect.objectContaining({ line: 3, code: 'NOT_ACCEPTED' })]);
  });
});
