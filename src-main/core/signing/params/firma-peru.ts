/**
 * Firma Perú's parameter JSON (the file institutions already keep for the official signer) → a signing
 * profile. Values may come as strings or numbers, as in the files Firma Perú produces. Everything is checked
 * and bounded; an unusable value is an error naming the key, in Spanish, and nothing is signed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../api/result';
import type { PadesLevel } from '../ltv';
import { PERU_TEMPLATE } from '../stamp-text';
import { checkTsaUrl } from './tsa-url';

export type SignatureStyle = 0 | 1 | 2 | 3 | 4;

export type SigningProfile = {
  name: string;
  level: PadesLevel;
  reason?: string;
  roleTitle?: string;
  tsa?: { url: string; username?: string };
  stamp: {
    invisible: boolean;
    style?: 1 | 2 | 3 | 4;
    page: number | 'last';
    /** x, y (from the top of the page), width, height in PDF points. */
    rect?: [number, number, number, number];
    fromTop?: boolean;
    maxFontSize?: number;
    wordWrap?: number;
    imagePath?: string;
    template: string;
    dateStyle: 'dot';
    timeZone: string;
  };
  /** Only certificates whose subject or issuer contains this text (case-insensitive) may sign with it. */
  certificateFilter?: string;
  /** The official places the stamp by hand (the app asks; the CLI uses positionx/positiony). */
  visiblePosition: boolean;
  batch: boolean;
  oneByOne: boolean;
};

export type ImportedParams = { profile: SigningProfile; tsaPassword?: string };

export const MAX_PARAMS_BYTES = 64 * 1024;
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/** Stamp sizes per style (points): horizontal, vertical, image only, text only. */
export const STYLE_SIZES: Record<1 | 2 | 3 | 4, [number, number]> = { 1: [170, 60], 2: [120, 130], 3: [90, 90], 4: [170, 60] };

const LEVELS: Record<string, PadesLevel> = { B: 'B-B', T: 'B-T', LT: 'B-LT', LTA: 'B-LTA' };

function bad(key: string, why: string): AppError {
  return new AppError('SIGN_PARAMS_INVALID', `Parámetro «${key}» inválido: ${why}.`, { key });
}

function str(v: unknown, key: string, max = 500): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw bad(key, 'debe ser texto');
  const s = String(v);
  if (s.length > max) throw bad(key, `más de ${max} caracteres`);
  return s;
}

function num(v: unknown, key: string, min: number, max: number): number | undefined {
  const s = str(v, key, 20);
  if (s === undefined) return undefined;
  const n = Number(s.replace(',', '.'));
  if (!Number.isFinite(n) || n < min || n > max) throw bad(key, `se espera un número entre ${min} y ${max}`);
  return n;
}

function bool(v: unknown, key: string): boolean {
  const s = str(v, key, 10)?.toLowerCase();
  if (s === undefined || s === 'false' || s === '0' || s === 'no') return false;
  if (s === 'true' || s === '1' || s === 'si' || s === 'sí') return true;
  throw bad(key, 'se espera true o false');
}

/** Reads and converts a parameter file; `imageToStamp` paths are relative to the file. */
export function readFirmaPeruParams(file: string, name = path.basename(file, path.extname(file))): ImportedParams {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.size > MAX_PARAMS_BYTES) throw bad('archivo', `pesa más de ${MAX_PARAMS_BYTES / 1024} KB`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('SIGN_PARAMS_INVALID', `No se pudo leer el archivo de parámetros ${file}.`, { file }, { cause: err });
  }
  return parseFirmaPeruParams(text, { baseDir: path.dirname(path.resolve(file)), name });
}

export function parseFirmaPeruParams(text: string, opts: { baseDir: string; name: string }): ImportedParams {
  if (Buffer.byteLength(text) > MAX_PARAMS_BYTES) throw bad('archivo', `pesa más de ${MAX_PARAMS_BYTES / 1024} KB`);
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new AppError('SIGN_PARAMS_INVALID', 'El archivo de parámetros no es JSON válido.', {}, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('archivo', 'se espera un objeto JSON');
  const p = raw as Record<string, unknown>;

  const format = str(p.signatureFormat, 'signatureFormat') ?? 'PAdES';
  if (format.toUpperCase() !== 'PADES') throw bad('signatureFormat', `solo se firma PDF en PAdES (se recibió «${format}»)`);
  const levelText = (str(p.signatureLevel, 'signatureLevel') ?? 'B').toUpperCase().replace(/^B-/, '');
  const level = LEVELS[levelText];
  if (!level) throw bad('signatureLevel', 'se espera B, T, LT o LTA');

  const styleN = num(p.signatureStyle, 'signatureStyle', 0, 4) ?? 1;
  if (!Number.isInteger(styleN)) throw bad('signatureStyle', 'se espera 0, 1, 2, 3 o 4');
  const style = styleN as SignatureStyle;

  const pageN = num(p.stampPage, 'stampPage', 0, 100_000);
  if (pageN !== undefined && !Number.isInteger(pageN)) throw bad('stampPage', 'se espera un número de página');
  const x = num(p.positionx, 'positionx', 0, 14_400);
  const y = num(p.positiony, 'positiony', 0, 14_400);
  const textSize = num(p.stampTextSize, 'stampTextSize', 3, 72);
  const wrap = num(p.stampWordWrap, 'stampWordWrap', 5, 500);

  const tsaUrl = str(p.webTsa, 'webTsa', 2048);
  if (tsaUrl) checkTsaUrl(tsaUrl, 'webTsa');
  if (tsaUrl === undefined && (level === 'B-T' || level === 'B-LT' || level === 'B-LTA'))
    throw bad('webTsa', `el nivel ${levelText} necesita un servidor de sellado de tiempo`);

  let imagePath: string | undefined;
  const image = str(p.imageToStamp, 'imageToStamp', 4096);
  if (image) {
    if (/^https?:\/\//i.test(image))
      throw bad('imageToStamp', 'la imagen debe ser un archivo local (descárguela y escriba su ruta): no se descarga nada al firmar');
    imagePath = path.resolve(opts.baseDir, image);
    const st = fs.statSync(imagePath, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size > MAX_IMAGE_BYTES)
      throw bad('imageToStamp', `no se encuentra la imagen ${imagePath} (o pesa más de 8 MB)`);
  }
  if (style === 3 && !imagePath) throw bad('imageToStamp', 'el estilo 3 (solo imagen) necesita una imagen');

  const stamp: SigningProfile['stamp'] = {
    invisible: style === 0,
    page: pageN === undefined || pageN === 0 ? 'last' : pageN,
    template: PERU_TEMPLATE,
    dateStyle: 'dot',
    timeZone: 'America/Lima',
  };
  if (style !== 0) stamp.style = style;
  if (x !== undefined && y !== undefined && style !== 0) {
    const [w, h] = STYLE_SIZES[style];
    stamp.rect = [x, y, w, h];
    stamp.fromTop = true;
  }
  if (textSize !== undefined) stamp.maxFontSize = textSize;
  if (wrap !== undefined) stamp.wordWrap = Math.round(wrap);
  if (imagePath) stamp.imagePath = imagePath;

  const profile: SigningProfile = {
    name: opts.name.slice(0, 100) || 'Firma Perú',
    level,
    stamp,
    visiblePosition: bool(p.visiblePosition, 'visiblePosition'),
    batch: bool(p.bachtOperation ?? p.batchOperation, 'bachtOperation'),
    oneByOne: bool(p.oneByOne, 'oneByOne'),
  };
  const reason = str(p.signatureReason, 'signatureReason');
  if (reason) profile.reason = reason;
  const role = str(p.role, 'role');
  if (role) profile.roleTitle = role;
  const filter = str(p.certificateFilter, 'certificateFilter');
  if (filter && filter !== '.*') profile.certificateFilter = filter;
  const out: ImportedParams = { profile };
  if (tsaUrl) {
    profile.tsa = { url: tsaUrl };
    const user = str(p.userTsa, 'userTsa');
    if (user) profile.tsa.username = user;
    const password = str(p.passwordTsa, 'passwordTsa');
    if (password) out.tsaPassword = password;
  }
  return out;
}

/**
 * What `visiblePosition`, `bachtOperation` and `oneByOne` mean for a command-line run of `inputs` files (the app
 * gives visiblePosition its own meaning: the official clicks the page). Refuses what the file forbids (several
 * files when bachtOperation is false) and returns, as codes the CLI words in its language (`cli.sign.paramsNote.*`),
 * what the run does differently from the Firma Perú signer; nothing is silently ignored.
 */
/**
 * What a run with Firma Perú parameters does differently: the stamp's place from the file's positionx/positiony
 * (`visiblePositionFromFile`) or the default place (`visiblePositionDefault`) where the signer would ask with the
 * mouse; `oneByOne` files signed one after another without a confirmation each.
 */
export type ParamsRunNote = { code: 'visiblePositionFromFile' } | { code: 'visiblePositionDefault' } | { code: 'oneByOne'; inputs: number };

export function paramsRunNotes(profile: SigningProfile, run: { inputs: number; rectGiven: boolean }): ParamsRunNote[] {
  if (!profile.batch && run.inputs > 1)
    throw new AppError(
      'SIGN_PARAMS_BATCH',
      `Los parámetros dicen bachtOperation=false (un documento por vez) y se indicaron ${run.inputs} archivos: firme uno solo o ponga bachtOperation en true.`,
      { key: 'bachtOperation', inputs: run.inputs },
    );
  const notes: ParamsRunNote[] = [];
  if (profile.visiblePosition && !run.rectGiven && !profile.stamp.invisible)
    notes.push({ code: profile.stamp.rect ? 'visiblePositionFromFile' : 'visiblePositionDefault' });
  if (profile.oneByOne && run.inputs > 1) notes.push({ code: 'oneByOne', inputs: run.inputs });
  return notes;
}
