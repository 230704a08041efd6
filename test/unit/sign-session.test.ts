import { describe, expect, it } from 'vitest';
import type { PdfSigningInfo } from '../../src-main/api/sign';
import { initialsOverlappedWidgets, initialsRect } from '../../src-main/api/stamp-geometry';
import {
  INITIAL_OPTIONS,
  INITIAL_SESSION,
  batchOverlaps,
  displayedRect,
  optionsToProfile,
  overlappedWidgets,
  profileToOptions,
  rectsIntersect,
  signOptionsForCall,
  signSessionReducer as reduce,
  type SignSessionState,
} from '../../src-renderer/features/sign/signSession';

const info = (height: number): PdfSigningInfo => ({
  pages: 2,
  page: { number: 2, width: 595, height, rotate: 0 },
  encrypted: false,
  certificationLevel: null,
  signatureFields: [],
  signatureWidgets: [],
});

describe('Firmar session reducer', () => {
  it('keeps only the answer of the latest page request', () => {
    let s: SignSessionState = reduce(INITIAL_SESSION, { type: 'pdfRequested', requestId: 1 });
    s = reduce(s, { type: 'pdfRequested', requestId: 2 });
    // The newer answer arrives first, then the slow older one: the older is dropped.
    s = reduce(s, { type: 'pdfLoaded', requestId: 2, info: info(842) });
    s = reduce(s, { type: 'pdfLoaded', requestId: 1, info: info(100) });
    expect(s.pdf.info?.page.height).toBe(842);
  });

  it('ignores progress and results of a run that is not the current one', () => {
    let s = reduce(INITIAL_SESSION, { type: 'signStarted', opId: 'a', total: 4 });
    s = reduce(s, { type: 'signProgress', opId: 'old', fraction: 0.9, total: 4 });
    expect(s.run.progress).toEqual({ done: 0, total: 4 });
    s = reduce(s, { type: 'signProgress', opId: 'a', fraction: 0.5, total: 4 });
    expect(s.run.progress).toEqual({ done: 2, total: 4 });
    s = reduce(s, { type: 'signFinished', opId: 'old', results: [], cancelledBatch: 'x' });
    expect(s.run.opId).toBe('a');
    s = reduce(s, { type: 'signFinished', opId: 'a', results: [], cancelledBatch: 'batch-1' });
    expect(s.run).toEqual({ opId: null, progress: null, results: [], cancelledBatch: 'batch-1' });
  });

  it('a failed run says why and frees the button; a new file clears the old results', () => {
    let s = reduce(INITIAL_SESSION, { type: 'signStarted', opId: 'a', total: 1 });
    s = reduce(s, { type: 'signFailed', opId: 'a', error: 'Contraseña incorrecta' });
    expect(s.error).toBe('Contraseña incorrecta');
    expect(s.run.progress).toBeNull();
    s = reduce(s, { type: 'signStarted', opId: 'b', total: 1 });
    expect(s.error).toBeNull();
    s = reduce(s, {
      type: 'signFinished',
      opId: 'b',
      results: [{ input: 'a.pdf', ok: true, output: 'a-firmado.pdf', fieldName: 'S', page: 1, resumed: false }],
      cancelledBatch: null,
    });
    expect(s.run.results).toHaveLength(1);
    s = reduce(s, { type: 'filesAdded', files: [] });
    expect(s.run.results).toEqual([]);
  });

  it('a profile replaces every option (no mix of two profiles); a click places the stamp from the bottom', () => {
    let s = reduce(INITIAL_SESSION, { type: 'options', patch: { cargo: 'Jefe', reason: 'Aprobado' } });
    s = reduce(s, {
      type: 'profileApplied',
      profileId: 'p1',
      options: { role: 'visto-bueno', rect: [10, 20, 100, 50], rectFromTop: true },
    });
    expect(s.options).toEqual({ ...INITIAL_OPTIONS, role: 'visto-bueno', rect: [10, 20, 100, 50], rectFromTop: true });
    expect(s.profileId).toBe('p1');
    expect(displayedRect(s.options, null)).toBeNull();
    expect(displayedRect(s.options, 842)).toEqual([10, 842 - 20 - 50, 100, 50]);
    s = reduce(s, { type: 'placed', rect: [1, 2, 100, 50] });
    expect(s.options.rectFromTop).toBe(false);
    expect(displayedRect(s.options, 842)).toEqual([1, 2, 100, 50]);
  });

  it('builds the sign.start options: no rect when invisible, every page only for a V°B°, TSA only above B-B', () => {
    const o = { ...INITIAL_OPTIONS, rect: [1, 2, 3, 4] as [number, number, number, number], everyPage: true, style: 4 as const };
    expect(signOptionsForCall(o)).toEqual({
      role: 'firma',
      stamp: { invisible: false, page: 'last', everyPage: false, rect: [1, 2, 3, 4], style: 4 },
      level: 'B-B',
    });
    const v = signOptionsForCall({
      ...o,
      role: 'visto-bueno',
      invisible: true,
      level: 'B-T',
      tsaUrl: 'http://127.0.0.1:1/tsa',
      maxFontSize: 8,
    });
    expect(v.stamp).toEqual({ invisible: true, page: 'last', everyPage: true, style: 4, maxFontSize: 8 });
    expect(v).toMatchObject({ tsa: { url: 'http://127.0.0.1:1/tsa' } });
    // A saved TSA profile chosen in LongTermSection goes by id (its password stays in the keychain).
    expect(signOptionsForCall({ ...o, level: 'B-T', tsaUrl: 'perfil:tsa-1' })).toMatchObject({ tsaProfile: 'tsa-1' });
    expect(signOptionsForCall({ ...o, level: 'B-T', tsaUrl: 'perfil:tsa-1' })).not.toHaveProperty('tsa');
  });

  it('rectangles intersect only when they share area', () => {
    expect(rectsIntersect([0, 0, 10, 10], [5, 5, 10, 10])).toBe(true);
    expect(rectsIntersect([0, 0, 10, 10], [10, 0, 10, 10])).toBe(false);
    expect(rectsIntersect([0, 0, 10, 10], [0, 20, 10, 10])).toBe(false);
    expect(rectsIntersect([0, 0, 100, 100], [40, 40, 5, 5])).toBe(true);
  });
});

describe('profiles ↔ Firmar options', () => {
  const imported = {
    id: 'p1',
    updatedAt: '2026-01-01T00:00:00.000Z',
    name: 'Oficina',
    role: 'firma' as const,
    level: 'B-T' as const,
    tsaUrl: 'https://tsa.example.pe/tsr',
    style: 2 as const,
    page: 1,
    everyPage: false,
    rect: [300, 400, 120, 130] as [number, number, number, number],
    fromTop: true,
    reason: 'Conforme',
    roleTitle: 'Jefe',
    maxFontSize: 8,
    wordWrap: 40,
    template: '{name}\nMotivo: {reason}',
    dateStyle: 'dot' as const,
    timeZone: 'America/Lima',
  };

  it('a profile fills every option and saving the options gives the same profile back', () => {
    const o = { ...INITIAL_OPTIONS, ...profileToOptions(imported) };
    expect(o).toMatchObject({
      role: 'firma',
      level: 'B-T',
      tsaUrl: 'https://tsa.example.pe/tsr',
      style: 2,
      rectFromTop: true,
      cargo: 'Jefe',
    });
    const { id, updatedAt, ...fields } = imported;
    expect(id && updatedAt).toBeTruthy();
    expect(optionsToProfile(o, ' Oficina ')).toEqual(fields);
    // A TSA profile is kept by id, and comes back as LongTermSection's value.
    const withTsaProfile = optionsToProfile({ ...o, tsaUrl: 'perfil:tsa-1' }, 'Con TSA');
    expect(withTsaProfile).toMatchObject({ tsaProfile: 'tsa-1' });
    expect(withTsaProfile).not.toHaveProperty('tsaUrl');
    expect(profileToOptions({ ...withTsaProfile, id: 'x', updatedAt: '' }).tsaUrl).toBe('perfil:tsa-1');
    // The Peruvian stamp text goes to the signer with the call.
    expect(signOptionsForCall(o).stamp).toMatchObject({
      rect: [300, 400, 120, 130],
      fromTop: true,
      template: imported.template,
      dateStyle: 'dot',
    });
  });

  it('style 0 is an invisible signature; an invisible profile keeps no rectangle', () => {
    const o = { ...INITIAL_OPTIONS, ...profileToOptions({ ...imported, style: 0 }) };
    expect(o.invisible).toBe(true);
    expect(o.style).toBe(1);
    const saved = optionsToProfile(o, 'Invisible');
    expect(saved.style).toBe(0);
    expect(saved.rect).toBeUndefined();
    expect(signOptionsForCall(o).stamp).not.toHaveProperty('rect');
  });

  it('finds the widgets the stamp covers, on its page only', () => {
    const widgets = [
      { field: 'Firma1', page: 1, rect: [100, 100, 200, 60] as [number, number, number, number], signed: true, pageWidth: 595 },
      { field: 'Firma2', page: 2, rect: [100, 100, 200, 60] as [number, number, number, number], signed: true, pageWidth: 595 },
    ];
    expect(overlappedWidgets(widgets, 1, [150, 120, 10, 10]).map((w) => w.field)).toEqual(['Firma1']);
    expect(overlappedWidgets(widgets, 1, [150, 300, 10, 10])).toEqual([]);
  });

  it('checks every file of a batch on its own page: only the files with a widget under the stamp are named', () => {
    const rect: [number, number, number, number] = [100, 100, 200, 60];
    const pdf = (pageNumber: number, height: number, widgets: Array<{ field: string; page: number; y: number }>): PdfSigningInfo => ({
      ...info(height),
      page: { number: pageNumber, width: 595, height, rotate: 0 },
      signatureWidgets: widgets.map((w) => ({ field: w.field, page: w.page, rect: [100, w.y, 200, 60], signed: true, pageWidth: 595 })),
    });
    const files = [
      { name: 'a.pdf', info: pdf(1, 842, []) }, // nothing there
      { name: 'b.pdf', info: pdf(3, 842, [{ field: 'Firma1', page: 3, y: 120 }]) }, // its last page has a signature at the spot
      { name: 'c.pdf', info: pdf(2, 842, [{ field: 'Firma1', page: 1, y: 120 }]) }, // a signature there, but on another page
      { name: 'd.pdf', info: null }, // not read yet
    ];
    const o = { ...INITIAL_OPTIONS, rect, page: 'last' as const };
    expect(batchOverlaps(files, o)).toEqual([{ name: 'b.pdf', page: 3, widgets: [files[1]!.info!.signatureWidgets[0]], initials: [] }]);
    expect(batchOverlaps(files, { ...o, invisible: true })).toEqual([]);
    expect(batchOverlaps(files, { ...o, rect: null })).toEqual([]);
    // From the top: 100 pt below the top edge is another height on a shorter page (A5, 595 pt high).
    const fromTop = { ...o, rect: [100, 100, 200, 60] as [number, number, number, number], rectFromTop: true };
    const tall = { name: 'a4.pdf', info: pdf(1, 842, [{ field: 'F', page: 1, y: 842 - 160 }]) };
    const short = { name: 'a5.pdf', info: pdf(1, 595, [{ field: 'F', page: 1, y: 842 - 160 }]) };
    expect(batchOverlaps([tall, short], fromTop).map((f) => f.name)).toEqual(['a4.pdf']);
  });

  it("places the V°B°'s initials at the lower-right corner of each page as displayed, and finds what they cover on the other pages only", () => {
    // 60 × 16 pt, 18 pt from the right and bottom edges: the rectangle the signer draws (pades-signer addInitials).
    expect(initialsRect(595)).toEqual([595 - 60 - 18, 18, 60, 16]);
    expect(initialsRect(842)).toEqual([764, 18, 60, 16]);
    const at = (field: string, page: number, rect: [number, number, number, number], pageWidth = 595) => ({
      field,
      page,
      rect,
      signed: true,
      pageWidth,
    });
    const widgets = [
      at('Jefe', 1, [450, 30, 100, 40]), // over the corner of portrait page 1
      at('Stamp', 2, [450, 30, 100, 40]), // the same place on the stamp's page: the initials are not drawn there
      at('Arriba', 3, [450, 34, 100, 40]), // touching the initials' top edge (18 + 16) only
      at('Apaisada', 4, [450, 30, 100, 40], 842), // a landscape page: its corner is further right
      at('Esquina', 4, [700, 0, 142, 20], 842), // …where this one is
    ];
    expect(initialsOverlappedWidgets(widgets, 2).map((w) => w.field)).toEqual(['Jefe', 'Esquina']);
    expect(initialsOverlappedWidgets(widgets, 1).map((w) => w.field)).toEqual(['Stamp', 'Esquina']);
  });

  it('warns of the initials only for a visible V°B° on every page, in every file of the batch, with no place chosen too', () => {
    const pdf = (stampPage: number, widgets: Array<{ field: string; page: number; x: number }>): PdfSigningInfo => ({
      ...info(842),
      pages: 3,
      page: { number: stampPage, width: 595, height: 842, rotate: 0 },
      signatureWidgets: widgets.map((w) => ({ field: w.field, page: w.page, rect: [w.x, 20, 100, 40], signed: true, pageWidth: 595 })),
    });
    const files = [
      { name: 'a.pdf', info: pdf(3, [{ field: 'Jefe', page: 1, x: 480 }]) }, // under the initials of page 1
      { name: 'b.pdf', info: pdf(3, [{ field: 'Jefe', page: 3, x: 480 }]) }, // on the stamp's page: no initials there
      { name: 'c.pdf', info: pdf(3, [{ field: 'Jefe', page: 1, x: 100 }]) }, // page 1, away from the corner
    ];
    const visa = { ...INITIAL_OPTIONS, role: 'visto-bueno' as const, everyPage: true, page: 'last' as const, rect: null };
    expect(batchOverlaps(files, visa)).toEqual([{ name: 'a.pdf', page: 3, widgets: [], initials: [files[0]!.info!.signatureWidgets[0]] }]);
    expect(batchOverlaps(files, { ...visa, everyPage: false })).toEqual([]);
    expect(batchOverlaps(files, { ...visa, role: 'firma' })).toEqual([]);
    expect(batchOverlaps(files, { ...visa, invisible: true })).toEqual([]);
    // The stamp over a signature on its page and the initials over another on page 1: both reported for the file.
    const both = {
      name: 'd.pdf',
      info: pdf(2, [
        { field: 'Jefe', page: 1, x: 480 },
        { field: 'Visto', page: 2, x: 100 },
      ]),
    };
    const placed = batchOverlaps([both], { ...visa, page: 2, rect: [120, 30, 170, 60] });
    expect(placed.map((f) => [f.widgets.map((w) => w.field), f.initials.map((w) => w.field)])).toEqual([[['Visto'], ['Jefe']]]);
  });
});
