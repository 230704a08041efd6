import { describe, expect, it } from 'vitest';
import type { PdfSigningInfo } from '../../src-main/api/sign';
import { defaultRect, rectsIntersect, styleSize, type PageRect } from '../../src-main/api/stamp-geometry';
import { INITIAL_OPTIONS, batchOverlaps, stampRectFor } from '../../src-renderer/features/sign/signSession';

const A4: [number, number] = [595, 842];

describe('default stamp place (api/stamp-geometry defaultRect)', () => {
  it('with nothing in the way: a firma at the lower right, visas in a row above, by style size', () => {
    expect(styleSize()).toEqual([170, 60]);
    expect(styleSize(2)).toEqual([120, 130]);
    expect(styleSize(3)).toEqual([90, 90]);
    expect(styleSize(4)).toEqual([170, 60]);
    expect(defaultRect(A4, 'firma', 0)).toEqual([595 - 170 - 36, 36, 170, 60]);
    expect(defaultRect(A4, 'firma', 3, 2)).toEqual([595 - 120 - 36, 36, 120, 130]);
    // Visas: 36 + 60 + 8 above the bottom, the n-th signature of the file in the n-th place (2 per row on A4).
    expect(defaultRect(A4, 'visto-bueno', 0)).toEqual([36, 104, 170, 60]);
    expect(defaultRect(A4, 'visto-bueno', 1)).toEqual([36 + 176, 104, 170, 60]);
    expect(defaultRect(A4, 'visto-bueno', 2)).toEqual([36, 104 + 66, 170, 60]);
    // Widgets elsewhere on the page change nothing.
    expect(defaultRect(A4, 'firma', 1, undefined, [[36, 600, 200, 60]])).toEqual([389, 36, 170, 60]);
  });

  it('a firma whose corner holds a signature goes up the same column, one stamp height + 6 pt at a time', () => {
    const first: PageRect = [389, 36, 170, 60];
    expect(defaultRect(A4, 'firma', 1, undefined, [first])).toEqual([389, 102, 170, 60]);
    // Two co-signers already there: the third one goes above both.
    expect(defaultRect(A4, 'firma', 2, undefined, [first, [389, 102, 170, 60]])).toEqual([389, 168, 170, 60]);
    // A widget of another shape, partly in the way of the first two places.
    const r = defaultRect(A4, 'firma', 1, undefined, [[300, 50, 150, 100]]);
    expect(r).toEqual([389, 168, 170, 60]);
    expect(rectsIntersect(r, [300, 50, 150, 100])).toBe(false);
  });

  it('a visa skips the places of its row that hold a widget', () => {
    // Someone else's signature where the first visa would go: the visa takes the next place of the row.
    expect(defaultRect(A4, 'visto-bueno', 0, undefined, [[50, 110, 100, 40]])).toEqual([212, 104, 170, 60]);
    // Both places of the first row taken: the next row.
    expect(defaultRect(A4, 'visto-bueno', 0, undefined, [[36, 104, 346, 60]])).toEqual([36, 170, 170, 60]);
  });

  it('a page with no free place inside its margins keeps the first place (the overlap warning then reports it)', () => {
    const column: PageRect = [389, 0, 170, 842]; // a widget the height of the page in the firma's column
    expect(defaultRect(A4, 'firma', 1, undefined, [column])).toEqual([389, 36, 170, 60]);
    const full: PageRect = [0, 0, 595, 842];
    expect(defaultRect(A4, 'visto-bueno', 1, undefined, [full])).toEqual([212, 104, 170, 60]);
    // The top margin bounds the climb: a page 200 pt high has one place above the corner (36 + 66 + 60 ≤ 164), not two.
    const low: [number, number] = [595, 200];
    expect(defaultRect(low, 'firma', 1, undefined, [[389, 36, 170, 60]])).toEqual([389, 102, 170, 60]);
    expect(
      defaultRect(low, 'firma', 2, undefined, [
        [389, 36, 170, 60],
        [389, 102, 170, 60],
      ]),
    ).toEqual([389, 36, 170, 60]);
  });
});

describe('Firmar warns of a stamp not placed only when its default place has no free spot', () => {
  const pdf = (widgets: PageRect[], signed = widgets.length, height = 842): PdfSigningInfo => ({
    pages: 1,
    page: { number: 1, width: 595, height, rotate: 0 },
    encrypted: false,
    certificationLevel: null,
    signatureFields: widgets.map((_, i) => ({ name: `Firma${i + 1}`, signed: i < signed, page: 1 })),
    signatureWidgets: widgets.map((rect, i) => ({ field: `Firma${i + 1}`, page: 1, rect, signed: i < signed, pageWidth: 595 })),
  });

  it('computes the place the signer would use and names the file only when no place is free', () => {
    const o = { ...INITIAL_OPTIONS, rect: null };
    const cosigned = pdf([[389, 36, 170, 60]]);
    expect(stampRectFor(o, cosigned)).toEqual([389, 102, 170, 60]);
    const full = pdf([[389, 0, 170, 842]]);
    const files = [
      { name: 'cosigned.pdf', info: cosigned },
      { name: 'full.pdf', info: full },
    ];
    expect(batchOverlaps(files, o)).toEqual([{ name: 'full.pdf', page: 1, widgets: [full.signatureWidgets[0]], initials: [] }]);
    // A place chosen is still checked as chosen.
    expect(batchOverlaps(files, { ...o, rect: [400, 50, 100, 40] }).map((f) => f.name)).toEqual(['cosigned.pdf', 'full.pdf']);
  });

  it('a visa counts the signatures of the file, as the signer does, to find its place in the row', () => {
    const visa = { ...INITIAL_OPTIONS, role: 'visto-bueno' as const, rect: null };
    // One signed visa in place 0 and an empty field in place 1: the new visa takes place 2 (the next row).
    const info = pdf(
      [
        [36, 104, 170, 60],
        [212, 104, 170, 60],
      ],
      1,
    );
    expect(stampRectFor(visa, info)).toEqual([36, 170, 170, 60]);
    expect(batchOverlaps([{ name: 'a.pdf', info }], visa)).toEqual([]);
  });
});
