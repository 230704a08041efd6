/**
 * The words of the Verificar screen for each change code: every kind the verifier can emit has a Spanish and an
 * English text, the texts read as a person would say them, and the page comparison finds the regions that differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change, SignatureReport } from '../../src-main/api/verify';
import { changeText as coreText } from '../../src-main/core/verify/diff/change-text';
import type { ChangeKind } from '../../src-main/core/verify/diff/types';
import en from '../../src-renderer/i18n/en.json';
import es from '../../src-renderer/i18n/es.json';
import { changeText, groupChanges, pagesToCompare } from '../../src-renderer/features/verify/change-words';
import { diffRegions } from '../../src-renderer/features/verify/page-diff';

/** The kinds, read from the ChangeKind union itself and from the core's text table, so a new kind cannot be missed. */
function kindsFromSource(): string[] {
  const types = fs.readFileSync(path.resolve(__dirname, '../../src-main/core/verify/diff/types.ts'), 'utf8');
  const union = /export type ChangeKind =([^;]+);/.exec(types)![1]!;
  const fromUnion = [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!);
  const text = fs.readFileSync(path.resolve(__dirname, '../../src-main/core/verify/diff/change-text.ts'), 'utf8');
  const table = text.slice(text.indexOf('const texts'), text.indexOf('export function changeText'));
  const fromTable = [...table.matchAll(/^ {2}'?([a-z-]+)'?: \{/gm)].map((m) => m[1]!);
  return [...new Set([...fromUnion, ...fromTable])].sort();
}

type Dict = { [k: string]: string | Dict };
/** The renderer's lookup (src-renderer/i18n/index.tsx translate), over the same dictionaries. */
const translator =
  (dict: Dict) =>
  (key: string, vars: Record<string, string | number> = {}): string => {
    let cur: string | Dict | undefined = dict;
    for (const part of key.split('.')) cur = typeof cur === 'object' ? cur[part] : undefined;
    return typeof cur === 'string' ? cur.replace(/\{(\w+)\}/g, (m, n: string) => (n in vars ? String(vars[n]) : m)) : key;
  };
const es_t = translator(es as Dict);
const en_t = translator(en as Dict);
const change = (kind: string, params: Change['params'] = {}, over: Partial<Change> = {}): Change => ({
  revision: 3,
  object: '6 0 R',
  allowed: false,
  message: 'core message',
  kind,
  params,
  level: 'other',
  ...over,
});

describe('change texts in the renderer', () => {
  const kinds = kindsFromSource();

  it('finds the kinds in the source', () => {
    expect(kinds.length).toBeGreaterThan(20);
    expect(kinds).toContain('page-content');
    expect(kinds).toContain('signature-added');
  });

  it.each([
    ['es', es],
    ['en', en],
  ] as const)('every kind has a %s text', (_lang, dict) => {
    const texts = (dict as { verify: { changeKinds: Record<string, string> } }).verify.changeKinds;
    expect(kinds.filter((k) => typeof texts[k] !== 'string' || texts[k].trim() === '')).toEqual([]);
  });

  it('every kind renders with no placeholder left and not as the raw key, in both languages', () => {
    const full = { field: 'Expediente', page: 2, subtype: 'Link', key: 'Ff', object: '9 0 R', detail: 'x' };
    for (const kind of kinds) {
      for (const t of [es_t, en_t]) {
        for (const params of [full, {}]) {
          const text = changeText(t, change(kind, params));
          expect(text, kind).not.toMatch(/[{}]|verify\.changeKinds/);
          expect(text, kind).not.toBe('core message');
          // Object numbers belong to the details view only.
          expect(text, kind).not.toMatch(/\d+ 0 R/);
        }
      }
    }
  });

  it('says what a person reads, in Spanish by default', () => {
    expect(changeText(es_t, change('page-content', { page: 2 }))).toBe('Se modificó el contenido de la página 2.');
    expect(changeText(es_t, change('field-filled', { field: 'Expediente' }))).toBe('Se llenó el campo «Expediente».');
    expect(changeText(en_t, change('page-content', { page: 2 }))).toBe('The content of page 2 was modified.');
    // The renderer's Spanish agrees with the core's (the CLI and PDF report say the same words).
    for (const [kind, params] of [
      ['page-content', { page: 2 }],
      ['field-filled', { field: 'Expediente' }],
      ['page-resources', { page: 1 }],
      ['annotation-added', { subtype: 'Text', page: 1 }],
      ['dss', {}],
    ] as const)
      expect(changeText(es_t, change(kind, params))).toBe(coreText(kind as ChangeKind, params, 'es'));
  });

  it('names the signer of an added signature by the field it signs', () => {
    const sig = { kind: 'signature', field: 'VoBo2', signer: { name: 'MARÍA LÓPEZ', id: null, issuer: 'X', serial: '1' } };
    const text = changeText(es_t, change('signature-added', { field: 'VoBo2' }), [sig as unknown as SignatureReport]);
    expect(text).toBe('Se agregó la firma de MARÍA LÓPEZ (campo VoBo2).');
    expect(changeText(es_t, change('signature-added', { field: 'Otro' }), [sig as unknown as SignatureReport])).toBe(
      'Se agregó una firma en el campo «Otro».',
    );
  });

  it('a change without a code keeps the core message', () => {
    expect(changeText(es_t, { revision: 2, object: '1 0 R', allowed: true, message: 'Mensaje del núcleo' })).toBe('Mensaje del núcleo');
  });

  it('groups the same words of one revision once, keeping every object for the details', () => {
    const groups = groupChanges(es_t, [
      change('page-content', { page: 1 }, { object: '6 0 R' }),
      change('page-content', { page: 1 }, { object: '40 0 R' }),
      change('dss', {}, { object: '50 0 R', allowed: true, revision: 2 }),
      change('page-content', { page: 1 }, { object: '60 0 R', revision: 4 }),
    ]);
    expect(groups.map((g) => [g.revision, g.text, g.objects])).toEqual([
      [2, 'Se agregaron datos de validación (DSS).', ['50 0 R']],
      [3, 'Se modificó el contenido de la página 1.', ['6 0 R', '40 0 R']],
      [4, 'Se modificó el contenido de la página 1.', ['60 0 R']],
    ]);
  });

  it('compares the pages the changes name, or page 1, at most three', () => {
    expect(pagesToCompare([change('dss')])).toEqual([1]);
    expect(pagesToCompare([change('page-content', { page: 5 }), change('page-resources', { page: 2 }), change('x', { page: 5 })])).toEqual([
      2, 5,
    ]);
    expect(pagesToCompare([1, 2, 3, 4, 5].map((page) => change('page-content', { page })))).toEqual([1, 2, 3]);
  });
});

describe('diffRegions', () => {
  const image = (w: number, h: number, paint: (x: number, y: number) => number) => {
    const data = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = paint(x, y);
        data.set([v, v, v, 255], (y * w + x) * 4);
      }
    return { data, width: w, height: h };
  };

  it('finds nothing in equal images and ignores faint noise', () => {
    const a = image(64, 64, () => 255);
    expect(
      diffRegions(
        a,
        image(64, 64, () => 255),
      ),
    ).toEqual([]);
    expect(
      diffRegions(
        a,
        image(64, 64, (x, y) => ((x + y) % 2 ? 240 : 255)),
      ),
    ).toEqual([]);
  });

  it('outlines two separate changed areas as two regions, joining touching blocks', () => {
    const a = image(128, 128, () => 255);
    const b = image(128, 128, (x, y) => ((x >= 4 && x < 40 && y >= 4 && y < 20) || (x >= 100 && y >= 100) ? 0 : 255));
    const regions = diffRegions(a, b);
    expect(regions).toEqual([
      { x: 0, y: 0, w: 48, h: 32 },
      { x: 96, y: 96, w: 32, h: 32 },
    ]);
  });

  it('counts an area only one image covers as different', () => {
    expect(
      diffRegions(
        image(32, 32, () => 255),
        image(32, 48, () => 255),
      ),
    ).toEqual([{ x: 0, y: 32, w: 32, h: 16 }]);
  });
});
