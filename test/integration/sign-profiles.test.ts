/**
 * Saved signing profiles on a real SQLite file (core/signing/profiles) and through the real CLI
 * (`casilla profiles …`, `casilla sign --profile`), Firma Perú's parameter JSON imported as a profile, and the
 * warning when a stamp is placed over an existing signature's widget. Signed files are judged by pdfsig, qpdf and
 * mutool; the stamp text by mutool's extraction.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../src-main/api/result';
import { initialsRect } from '../../src-main/api/stamp-geometry';
import { openPdf } from '../../src-main/core/pdf/pdf-document';
import { PdfName } from '../../src-main/core/pdf/pdf-objects';
import { visualRectToUser, type Box } from '../../src-main/core/pdf/page-rotation';
import { inspectPdfForSigning, userRectToVisual } from '../../src-main/core/signing/inspect-pdf';
import {
  findSigningProfile,
  importFirmaPeruProfile,
  listSigningProfiles,
  removeSigningProfile,
  saveSigningProfile,
} from '../../src-main/core/signing/profiles/signing-profiles';
import { findStampOverlaps } from '../../src-main/core/signing/stamp-overlap';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { judge } from '../helpers/pdf-judges';
import { P12_PASSWORD, testPki } from '../helpers/pki';
import { tempCore, tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';
import { writeFirmaPeruParams } from '../helpers/firma-peru-params';

const root = path.resolve(__dirname, '../..');
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-profiles-cli-${process.pid}`, 'cli.cjs');
const pki = testPki();
const tmp = tempDir('casilla-profiles-');
const at = (name: string) => path.join(tmp.dir, name);

/** The parameter file of test/integration/sign-params.test.ts (style 1, page 1, 300 pt from the left, 400 from the top). */
function firmaPeruParams(file: string, extra: Record<string, unknown> = {}): string {
  return writeFirmaPeruParams(at(file), extra);
}

beforeAll(async () => {
  await bundleCli(cliBundle);
  fs.copyFileSync(path.join(root, 'resources/demo/sello.png'), at('sello.png'));
  writePlainPdf(at('doc.pdf'), { pages: 2 });
});
afterAll(() => {
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

function cli(args: string[], lang = 'es_PE.UTF-8') {
  return spawnSync(process.execPath, [cliBundle, '--home', at('home'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, P12PW: P12_PASSWORD, LANG: lang, LC_ALL: '', LC_MESSAGES: '' },
  });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return undefined;
}

describe('signing profiles in the core', () => {
  it('seeds V°B° and Firma; names are unique regardless of case; update, find and remove', async () => {
    const { core, cleanup } = tempCore();
    try {
      const seeded = listSigningProfiles(core);
      expect(seeded.map((p) => [p.name, p.role])).toEqual([
        ['Firma', 'firma'],
        ['V°B°', 'visto-bueno'],
      ]);
      const mesa = saveSigningProfile(core, undefined, {
        name: 'Mesa de partes',
        role: 'visto-bueno',
        reason: 'Recibido',
        style: 4,
        page: 1,
      });
      expect(findSigningProfile(core, 'MESA DE PARTES').id).toBe(mesa.id);
      expect(codeOf(() => saveSigningProfile(core, undefined, { name: 'mesa de partes' }))).toBe('SIGN_PROFILE_NAME_TAKEN');
      const { id, updatedAt, ...fields } = mesa;
      expect(updatedAt).toMatch(/^\d{4}-/);
      const edited = saveSigningProfile(core, id, { ...fields, reason: 'Conforme' });
      expect(edited.reason).toBe('Conforme');
      expect(listSigningProfiles(core)).toHaveLength(3);
      removeSigningProfile(core, 'Mesa de partes');
      expect(codeOf(() => findSigningProfile(core, mesa.id))).toBe('SIGN_PROFILE_NOT_FOUND');
      expect(core.audit.list({ limit: 50 }).map((e) => e.action)).toEqual(
        expect.arrayContaining(['sign.profile.save', 'sign.profile.remove']),
      );
    } finally {
      await cleanup();
    }
  });

  it('keeps a checked copy of the stamp image in the data folder; a file that is no image is refused, nothing saved', async () => {
    const { core, home, cleanup } = tempCore();
    try {
      const p = saveSigningProfile(core, undefined, { name: 'Con sello', imagePath: at('sello.png') });
      expect(path.dirname(p.imagePath ?? '')).toBe(path.join(home, 'stamp-images'));
      expect(fs.readFileSync(p.imagePath ?? '')).toEqual(fs.readFileSync(at('sello.png')));
      expect(fs.statSync(p.imagePath ?? '').mode & 0o777).toBe(0o600);
      fs.writeFileSync(at('falso.png'), 'esto no es una imagen');
      expect(codeOf(() => saveSigningProfile(core, undefined, { name: 'Falso', imagePath: at('falso.png') }))).toBe('SIGN_BAD_IMAGE');
      expect(listSigningProfiles(core).map((x) => x.name)).not.toContain('Falso');
    } finally {
      await cleanup();
    }
  });

  it('removes a kept image once no profile uses it (two profiles sharing one keep it until both are gone)', async () => {
    const { core, home, cleanup } = tempCore();
    try {
      const a = saveSigningProfile(core, undefined, { name: 'Uno', imagePath: at('sello.png') });
      const b = saveSigningProfile(core, undefined, { name: 'Dos', imagePath: at('sello.png') });
      expect(b.imagePath).toBe(a.imagePath);
      const kept = a.imagePath ?? '';
      removeSigningProfile(core, 'Uno');
      expect(fs.existsSync(kept)).toBe(true);
      // Saving "Dos" without its image leaves the image unused: it goes.
      const { id, updatedAt: _u, imagePath: _i, ...rest } = b;
      saveSigningProfile(core, id, rest);
      expect(fs.existsSync(kept)).toBe(false);
      const c = saveSigningProfile(core, undefined, { name: 'Tres', imagePath: at('sello.png') });
      removeSigningProfile(core, 'Tres');
      expect(fs.existsSync(c.imagePath ?? '')).toBe(false);
      expect(fs.readdirSync(path.join(home, 'stamp-images'))).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it("imports Firma Perú's parameter JSON, says which parameters it does not apply, refuses a bad file naming the key", async () => {
    const { core, home, cleanup } = tempCore();
    try {
      const file = firmaPeruParams('oficina.json', { passwordTsa: 'x', colorDelSello: 'azul' });
      const { profile, notApplied } = importFirmaPeruProfile(core, file);
      expect(profile).toMatchObject({
        name: 'oficina',
        role: 'firma',
        level: 'B-B',
        style: 1,
        page: 1,
        rect: [300, 400, 170, 60],
        fromTop: true,
        reason: 'Doy conformidad al informe',
        roleTitle: 'Jefe de Logística',
        maxFontSize: 8,
        wordWrap: 40,
        dateStyle: 'dot',
        timeZone: 'America/Lima',
      });
      expect(profile.template).toContain('Motivo: {reason}');
      expect(path.dirname(profile.imagePath ?? '')).toBe(path.join(home, 'stamp-images'));
      expect(profile.certificateFilter).toBeUndefined(); // ".*" is "any certificate"
      expect(notApplied).toEqual([
        { key: 'visiblePosition', why: 'ui' },
        { key: 'bachtOperation', why: 'ui' },
        { key: 'oneByOne', why: 'ui' },
        { key: 'passwordTsa', why: 'secret' },
        { key: 'colorDelSello', why: 'unknown' },
      ]);
      // Importing again keeps both: the second gets a free name.
      expect(importFirmaPeruProfile(core, file).profile.name).toBe('oficina (2)');

      const before = listSigningProfiles(core).length;
      fs.writeFileSync(at('roto.json'), '{ "signatureStyle": ');
      expect(codeOf(() => importFirmaPeruProfile(core, at('roto.json')))).toBe('SIGN_PARAMS_INVALID');
      const badStyle = firmaPeruParams('malo.json', { signatureStyle: '9' });
      let message = '';
      try {
        importFirmaPeruProfile(core, badStyle);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain('«signatureStyle» inválido');
      expect(listSigningProfiles(core)).toHaveLength(before);
    } finally {
      await cleanup();
    }
  });
});

describe('casilla profiles and casilla sign --profile', () => {
  it('imports the parameter file, lists it, signs with it (pdfsig valid, the profile stamp text), removes it', () => {
    const imported = cli(['--json', 'profiles', 'import', firmaPeruParams('params.json'), '--name', 'Logística']);
    expect(imported.status, imported.stderr + imported.stdout).toBe(0);
    const out = JSON.parse(imported.stdout) as { profile: { name: string }; notApplied: Array<{ key: string }> };
    expect(out.profile.name).toBe('Logística');
    expect(out.notApplied.map((n) => n.key)).toEqual(['visiblePosition', 'bachtOperation', 'oneByOne']);

    const list = cli(['--json', 'profiles', 'list']);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((p) => p.name)).toEqual(['Firma', 'Logística', 'V°B°']);
    const human = cli(['profiles', 'list']);
    expect(human.stdout).toContain('Logística  firma · B-B · estilo 1, página 1, posición 300,400,170,60 (desde arriba)');

    const signed = at('con-perfil.pdf');
    const r = cli(['sign', at('doc.pdf'), '-o', signed, '--p12', pki.p12.rsa, '--password-env', 'P12PW', '--profile', 'logística']);
    expect(r.status, r.stderr).toBe(0);
    judge(signed, pki.nssDir, 1);
    const text = spawnSync('mutool', ['draw', '-F', 'txt', signed, '1'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Motivo: Doy conformidad al informe');
    expect(text).toContain('Jefe de Logística');
    expect(text).toMatch(/Fecha: \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} -05:00/);
    // The stamp went where the profile says: page 1, 400 pt from the top.
    const info = inspectPdfForSigning(signed, 1);
    expect(info.signatureWidgets).toHaveLength(1);
    expect(info.signatureWidgets[0]?.rect).toEqual([300, info.page.height - 400 - 60, 170, 60]);

    const unknown = cli([
      '--json',
      'sign',
      at('doc.pdf'),
      '-o',
      at('nada.pdf'),
      '--p12',
      pki.p12.rsa,
      '--password-env',
      'P12PW',
      '--profile',
      'Nadie',
    ]);
    expect(unknown.status).toBe(2);
    expect((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code).toBe('SIGN_PROFILE_NOT_FOUND');
    expect(fs.existsSync(at('nada.pdf'))).toBe(false);

    const bad = cli(['--json', 'profiles', 'import', firmaPeruParams('mal.json', { signatureLevel: 'X' })]);
    expect(bad.status).toBe(2);
    expect((JSON.parse(bad.stdout) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'SIGN_PARAMS_INVALID',
      message: expect.stringContaining('signatureLevel') as unknown as string,
    });

    expect(cli(['profiles', 'remove', 'Logística']).status).toBe(0);
    expect(cli(['profiles', 'remove', 'Logística']).status).toBe(2);
    expect((JSON.parse(cli(['--json', 'profiles', 'list']).stdout) as Array<{ name: string }>).map((p) => p.name)).toEqual([
      'Firma',
      'V°B°',
    ]);
  });
});

describe('a stamp over an existing signature', () => {
  const sign = (input: string, output: string, extra: string[], lang?: string) =>
    cli(['--json', 'sign', input, '-o', output, '--p12', pki.p12.rsa, '--password-env', 'P12PW', '--page', '1', ...extra], lang);

  it('is reported per page with the widget rectangles; the CLI warns on stderr and in --json, and signs', () => {
    const once = at('una-firma.pdf');
    expect(sign(at('doc.pdf'), once, ['--rect', '100,100,200,60']).status).toBe(0);
    const info = inspectPdfForSigning(once, 1);
    expect(info.signatureWidgets).toEqual([
      { field: expect.any(String) as unknown as string, page: 1, rect: [100, 100, 200, 60], signed: true, pageWidth: 595 },
    ]);
    expect(inspectPdfForSigning(once, 2).signatureWidgets[0]?.page).toBe(1);

    const over = sign(once, at('encima.pdf'), ['--rect', '150,120,200,60']);
    expect(over.status, over.stderr).toBe(0);
    expect(over.stderr).toMatch(/Aviso: el sello en la página 1 de una-firma\.pdf se superpone a la firma «.+»/);
    const warnings = (JSON.parse(over.stdout) as { warnings: Array<{ code: string; page: number; field: string }> }).warnings;
    expect(warnings).toEqual([
      {
        code: 'SIGN_STAMP_OVERLAP',
        file: once,
        page: 1,
        field: info.signatureWidgets[0]?.field,
        signed: true,
        initials: false,
        message: expect.any(String),
      },
    ]);
    judge(at('encima.pdf'), pki.nssDir, 2);
    // In English the same detail: page, file and field.
    const field = info.signatureWidgets[0]!.field;
    const overEn = sign(once, at('encima-en.pdf'), ['--rect', '150,120,200,60'], 'en_US.UTF-8');
    expect(overEn.status, overEn.stderr).toBe(0);
    expect(overEn.stderr).toContain(`Warning: the stamp on page 1 of una-firma.pdf lies over the signature “${field}”.`);
    expect((JSON.parse(overEn.stdout) as { warnings: Array<{ message: string }> }).warnings[0]?.message).toBe(
      `the stamp on page 1 of una-firma.pdf lies over the signature “${field}”.`,
    );

    const apart = sign(once, at('aparte.pdf'), ['--rect', '100,400,200,60']);
    expect(apart.status, apart.stderr).toBe(0);
    expect(apart.stderr).not.toContain('Aviso');
    expect((JSON.parse(apart.stdout) as { warnings: unknown[] }).warnings).toEqual([]);
    // Touching edges is not overlapping; the same place on the other page is not either.
    expect(findStampOverlaps([once], { invisible: false, page: 1, rect: [300, 100, 50, 60] })).toEqual([]);
    expect(findStampOverlaps([once], { invisible: false, page: 2, rect: [100, 100, 200, 60] })).toEqual([]);
    expect(findStampOverlaps([once], { invisible: true, page: 1, rect: [100, 100, 200, 60] })).toEqual([]);
    // Into an existing field the signer draws in that field's widget, whatever place is given: no warning.
    expect(findStampOverlaps([once], { invisible: false, page: 1, rect: [150, 120, 200, 60] }, { role: 'firma', field: 'Vacío' })).toEqual(
      [],
    );
  });

  it('--params placing the stamp (from the top) over the first signature warns too', () => {
    const once = at('una-firma.pdf');
    const h = inspectPdfForSigning(once, 1).page.height;
    // Firma Perú style 4 is 170 × 60 from the top: this puts it over the first widget (100,100,200,60 from the bottom).
    const file = firmaPeruParams('encima.json', { signatureStyle: '4', positionx: '120', positiony: String(h - 150), imageToStamp: '' });
    const r = cli([
      '--json',
      'sign',
      once,
      '-o',
      at('encima-params.pdf'),
      '--p12',
      pki.p12.rsa,
      '--password-env',
      'P12PW',
      '--params',
      file,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { warnings: unknown[] }).warnings).toHaveLength(1);
  });

  it('a V°B° on every page warns when its initials on another page cover a signature; not when they do not, nor for a firma', () => {
    // Three pages, the first turned a quarter (842 pt wide as displayed), with a signature at its lower-right corner.
    writePlainPdf(at('tres.pdf'), { pages: 3 });
    expect(spawnSync('qpdf', ['--rotate=+90:1', at('tres.pdf'), at('tres-rot.pdf')]).status).toBe(0);
    const width = inspectPdfForSigning(at('tres-rot.pdf'), 1).page.width;
    expect(width).toBe(842);
    const [ix, iy] = initialsRect(width);
    const base = at('esquina.pdf');
    expect(sign(at('tres-rot.pdf'), base, ['--rect', `${ix - 40},${iy - 10},70,20`]).status).toBe(0);
    const widget = inspectPdfForSigning(base, 1).signatureWidgets[0]!;
    expect(widget).toMatchObject({ page: 1, pageWidth: 842 });
    const visa = (output: string, page: string, extra: string[] = [], lang?: string) =>
      cli(
        [
          '--json',
          'sign',
          base,
          '-o',
          at(output),
          '--p12',
          pki.p12.rsa,
          '--password-env',
          'P12PW',
          '--every-page',
          '--page',
          page,
          ...extra,
        ],
        lang,
      );

    // The full stamp on the last page, the initials on pages 1 and 2: those of page 1 cover the signature.
    const over = visa('vb-ultima.pdf', 'last', ['--visa']);
    expect(over.status, over.stderr).toBe(0);
    const message = `las iniciales del V°B° en la página 1 de esquina.pdf se superponen a la firma «${widget.field}».`;
    expect(over.stderr).toContain(`Aviso: ${message}`);
    expect((JSON.parse(over.stdout) as { warnings: unknown[] }).warnings).toEqual([
      { code: 'SIGN_STAMP_OVERLAP', file: base, page: 1, field: widget.field, signed: true, initials: true, message },
    ]);
    judge(at('vb-ultima.pdf'), pki.nssDir, 2);
    // The signer drew page 1's initials exactly where the check looked (its /Stamp, mapped back to the page as displayed).
    const doc = openPdf(at('vb-ultima.pdf'));
    const page1 = doc.page(0);
    const stamps = (doc.resolveArray(page1.dict.get('Annots'))?.items ?? [])
      .map((a) => doc.resolveDict(a))
      .filter((a) => a?.get('Subtype') instanceof PdfName && (a.get('Subtype') as PdfName).name === 'Stamp');
    const r = doc.resolveArray(stamps[0]?.get('Rect'))?.items as number[];
    doc.close();
    expect(stamps).toHaveLength(1);
    const drawn = userRectToVisual([r[0]!, r[1]!, r[2]! - r[0]!, r[3]! - r[1]!], page1.mediaBox, page1.rotate);
    expect(drawn.map((v) => Math.round(v * 100) / 100)).toEqual(initialsRect(842));

    const overEn = visa('vb-ultima-en.pdf', 'last', ['--visa'], 'en_US.UTF-8');
    expect(overEn.status, overEn.stderr).toBe(0);
    expect(overEn.stderr).toContain(
      `Warning: the approval (V°B°) initials on page 1 of esquina.pdf lie over the signature “${widget.field}”.`,
    );
    expect(overEn.stderr).not.toMatch(/página|iniciales/);

    // The full stamp on page 1 (where the signature is): the initials go on pages 2 and 3, with nothing under them.
    const apart = visa('vb-primera.pdf', '1', ['--visa']);
    expect(apart.status, apart.stderr).toBe(0);
    expect(apart.stderr).not.toContain('Aviso');
    expect((JSON.parse(apart.stdout) as { warnings: unknown[] }).warnings).toEqual([]);
    // A firma draws no initials, with or without --every-page.
    const firma = visa('firma-todas.pdf', 'last');
    expect(firma.status, firma.stderr).toBe(0);
    expect((JSON.parse(firma.stdout) as { warnings: unknown[] }).warnings).toEqual([]);
    expect(findStampOverlaps([base], { invisible: false, page: 'last', everyPage: true }, { role: 'visto-bueno' })).toHaveLength(1);
    expect(findStampOverlaps([base], { invisible: true, page: 'last', everyPage: true }, { role: 'visto-bueno' })).toEqual([]);
    expect(findStampOverlaps([base], { invisible: false, page: 'last', everyPage: true }, { role: 'firma' })).toEqual([]);
  });

  it('maps widget rectangles back to the displayed page for every rotation', () => {
    const box: Box = [10, 20, 610, 820];
    for (const rot of [0, 90, 180, 270]) {
      const visual: [number, number, number, number] = [50, 70, 200, 60];
      expect(userRectToVisual(visualRectToUser(visual, box, rot), box, rot)).toEqual(visual);
    }
  });
});
