import { afterEach, describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en.json';
import es from '../../src-renderer/i18n/es.json';
import { errorWording } from '../../src-main/cli/error-text';
import { tx, useCliLocale } from '../../src-main/cli/text';

afterEach(() => useCliLocale('es'));

describe("the CLI's texts", () => {
  it('picks the plural form of the language: one file, two files; un archivo, dos archivos', async () => {
    await useCliLocale('en');
    expect(tx('sign.signed', { count: 1 })).toBe('1 file signed');
    expect(tx('sign.signed', { count: 2 })).toBe('2 files signed');
    expect(tx('sign.summary', { signed: tx('sign.signed', { count: 1 }), count: 0, batch: 'b' })).toBe('1 file signed, 0 failed. Batch b.');
    await useCliLocale('es');
    expect(tx('sign.signed', { count: 1 })).toBe('1 archivo firmado');
    expect(tx('sign.signed', { count: 0 })).toBe('0 archivos firmados');
  });

  it('has every cli key in both languages, with the same variables', () => {
    const keys = (d: object, prefix = ''): Record<string, string> =>
      Object.entries(d).reduce<Record<string, string>>((acc, [k, v]) => {
        if (typeof v === 'string') acc[prefix + k] = v;
        else Object.assign(acc, keys(v as object, `${prefix}${k}.`));
        return acc;
      }, {});
    const esKeys = keys(es.cli);
    const enKeys = keys(en.cli);
    expect(Object.keys(enKeys).sort()).toEqual(Object.keys(esKeys).sort());
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(esKeys)) expect(vars(enKeys[k] ?? ''), k).toEqual(vars(esKeys[k] ?? ''));
  });

  it('words a domain error in English by its code, naming every refused field; in Spanish keeps the core message', async () => {
    const error = {
      code: 'BAD_INPUT',
      message: 'Datos no válidos: url: inválido; username: muy largo',
      details: { issues: [{ path: ['url'] }, { path: ['profile', 'username'] }, { path: ['clientSecret'] }] },
    };
    await useCliLocale('en');
    const word = await errorWording();
    expect(word(error)).toBe(`${en.errors.BAD_INPUT} (url, profile.username, ${en.fields.clientSecret})`);
    expect(word({ code: 'NO_SUCH_CODE_YET', message: 'Mensaje del núcleo' })).toBe('Mensaje del núcleo');
    await useCliLocale('es');
    expect((await errorWording())(error)).toBe(error.message);
  });
});
