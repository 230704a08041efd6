/**
 * Signs a PDF with a PAdES baseline signature (B-B, or B-T with a timestamp) as an incremental update.
 *
 * The flow: read only what is needed (trailer, catalog, target page, form) → build the new revision with the
 * signature field, widget, appearance and a fixed-size /Contents hole → copy the input to a temp file next to
 * the output while hashing it (one pass, constant memory) → append the revision, hash the two byte ranges →
 * build the CMS → fill the hole in place → fsync → rename. The input is never written, and no earlier byte of
 * the document changes, so earlier signatures stay valid.
 *
 * Failures are AppErrors (PDF_*, SIGN_*, CERT_*); on any failure the temp file is removed and no output exists.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import { defaultRect, initialsRect } from '../../api/stamp-geometry';
import { openPdf, type PdfDocument } from '../pdf/pdf-document';
import { certificationLevel, listFormFields, signedFields, type FormField } from '../pdf/form-fields';
import { buildIncrementalUpdate, ObjectNumbers, type UpdateObject } from '../pdf/incremental-writer';
import { PdfArray, PdfDict, PdfRaw, PdfRef, type PdfValue } from '../pdf/pdf-objects';
import { pdf } from '../pdf/pdf-serializer';
import { appearanceMatrix, visualRectToUser, visualSize } from '../pdf/page-rotation';
import { formXObjectDict, stampAppearance } from '../pdf/stamp-appearance';
import { buildCadesSignature } from './cades-builder';
import { annotationPages, signatureWidgetsOf } from './inspect-pdf';
import type { CertificateSummary } from './certificate-summary';
import { abandonTempOutput, commitTempOutput, createTempOutput, openForWrite } from './safe-output';
import { SignErrorCodes } from './sign-errors';
import type { KeyHandle } from './keys/key-source';
import { schemeFor, type DigestName } from './signature-algorithms';
import { StampFontUse } from './stamp-font';
import { loadStampImage } from './stamp-image';
import { DEFAULT_TEMPLATES, fillTemplate, initialsOf, ROLE_TITLES, stampValues, type SignRole } from './stamp-text';
import { requestTimestamp, type TsaConfig } from './tsa-client';

/**
 * Who signs: a certificate with its chain and either an in-process key (`privateKey`, PKCS#12) or a
 * `KeyHandle` from a key source (`keys/`: a token, the NSS store, a remote service). The signer never
 * learns where the key lives.
 */
export type Signer = {
  certificate: Buffer;
  chain: Buffer[];
  summary: CertificateSummary;
} & ({ privateKey: crypto.KeyObject; key?: undefined } | { key: KeyHandle; privateKey?: undefined });

/**
 * A CMS made elsewhere (FirmaGob's hash mode, a TSA for a document timestamp): given the digest of the two byte
 * ranges, `provide` returns the CMS to embed. A failure is thrown as is and nothing is written.
 */
export type ExternalCms = {
  /** Bytes to reserve in /Contents. */
  estimate: number;
  subFilter: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached' | 'ETSI.RFC3161';
  provide: (digest: Buffer, signal?: AbortSignal) => Promise<Buffer>;
};

/** A signer whose key is not in this process: only what the stamp shows is known beforehand. */
export type ExternalSigner = { external: ExternalCms; summary: CertificateSummary | null };

export type StampOptions = {
  invisible?: boolean;
  /** 1-based page number or 'last' (default: last). */
  page?: number | 'last';
  /** x, y, width, height in PDF points from the lower-left corner of the page as displayed (after /Rotate). */
  rect?: [number, number, number, number];
  image?: Buffer;
  /** Visa: small initials on every other page, the full stamp on the chosen one. */
  everyPage?: boolean;
  template?: string;
  timeZone?: string;
  /** Firma Perú's signature styles: 1 image beside text, 2 image above text, 3 image only, 4 text only. */
  style?: 1 | 2 | 3 | 4;
  /** `rect`'s y is the distance from the page's top edge to the stamp's top (Firma Perú's positiony). */
  fromTop?: boolean;
  maxFontSize?: number;
  wordWrap?: number;
  dateStyle?: 'slash' | 'dot';
};

export type SignPdfOptions = {
  input: string;
  output: string;
  signer: Signer | ExternalSigner;
  role: SignRole;
  /** DocMDP permission of a certification signature: 1 no changes, 2 forms and signatures, 3 also annotations. */
  certify?: 1 | 2 | 3;
  digest?: DigestName;
  /** Sign RSA keys with RSA-PSS instead of PKCS#1 v1.5. */
  pss?: boolean;
  reason?: string;
  location?: string;
  /** Cargo shown on the stamp. */
  roleTitle?: string;
  stamp?: StampOptions;
  /** Sign into this existing empty signature field instead of creating one. */
  field?: string;
  level?: 'B-B' | 'B-T';
  tsa?: TsaConfig;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  now?: Date;
};

export type SignPdfResult = {
  output: string;
  fieldName: string;
  /** 1-based page of the stamp, null when invisible. */
  page: number | null;
  level: 'B-B' | 'B-T';
  bytesAdded: number;
  signatureBytes: number;
};

const COPY_CHUNK = 4 << 20;

export async function signPdf(opts: SignPdfOptions): Promise<SignPdfResult> {
  if (path.resolve(opts.input) === path.resolve(opts.output)) {
    throw new AppError(SignErrorCodes.outputExists, 'El archivo de salida no puede ser el mismo que el de entrada.');
  }
  const doc = openPdf(opts.input);
  try {
    return await signOpened(doc, opts);
  } finally {
    doc.close();
  }
}

type Prepared = {
  objects: UpdateObject[];
  numbers: ObjectNumbers;
  sigNum: number;
  fieldName: string;
  page: number | null;
};

async function signOpened(doc: PdfDocument, opts: SignPdfOptions): Promise<SignPdfResult> {
  if (doc.isEncrypted())
    throw new AppError(SignErrorCodes.pdfEncrypted, 'Los PDF cifrados o protegidos con contraseña aún no se pueden firmar.');
  const level = opts.level ?? 'B-B';
  if (level === 'B-T' && !opts.tsa)
    throw new AppError('SIGN_TSA_MISSING', 'El nivel B-T necesita la dirección de un servidor de sellado de tiempo (TSA).');
  const digest = opts.digest ?? 'sha256';
  const now = opts.now ?? new Date();
  if ('external' in opts.signer) {
    return signWithHole(doc, opts, opts.signer.external.estimate, { level, digest, scheme: null, now });
  }
  const scheme = schemeFor(opts.signer.key ? opts.signer.key.keyType : opts.signer.privateKey, Boolean(opts.pss));

  // Room for the CMS: certificates plus signed attributes and signature, plus a timestamp token for B-T.
  const certBytes = opts.signer.certificate.length + opts.signer.chain.reduce((n, c) => n + c.length, 0);
  const estimate = certBytes + 4096 + (level === 'B-T' ? 16384 : 0);
  try {
    return await signWithHole(doc, opts, estimate, { level, digest, scheme, now });
  } catch (err) {
    // A TSA whose token is unusually large: sign again once with the room the CMS really needs.
    const needed = err instanceof AppError && err.code === SignErrorCodes.signatureTooLarge ? err.details?.needed : undefined;
    if (typeof needed !== 'number') throw err;
    return signWithHole(doc, opts, needed + 4096, { level, digest, scheme, now });
  }
}

type SignParams = { level: 'B-B' | 'B-T'; digest: DigestName; scheme: ReturnType<typeof schemeFor> | null; now: Date };

async function signWithHole(
  doc: PdfDocument,
  opts: SignPdfOptions,
  holeBytes: number,
  { level, digest, scheme, now }: SignParams,
): Promise<SignPdfResult> {
  const prepared = prepareRevision(doc, opts, now, holeBytes);
  const update = buildIncrementalUpdate(doc, prepared.objects, prepared.numbers);
  const bytes = update.bytes;
  const sigAt = update.objectOffsets.get(prepared.sigNum) ?? 0;
  const byteRangeAt = bytes.indexOf('/ByteRange [', sigAt, 'latin1') + '/ByteRange '.length;
  const contentsAt = bytes.indexOf('/Contents <', sigAt, 'latin1') + '/Contents '.length;
  const contentsEnd = contentsAt + 2 + holeBytes * 2;
  const base = doc.size;
  const total = base + bytes.length;
  const ranges = `[0 ${base + contentsAt} ${base + contentsEnd} ${total - (base + contentsEnd)}]`;
  if (ranges.length > BYTE_RANGE_PLACEHOLDER.length) throw new AppError('SIGN_INTERNAL', 'ByteRange demasiado grande.');
  bytes.write(ranges.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), byteRangeAt, 'latin1');

  let out: ReturnType<typeof createTempOutput>;
  try {
    out = createTempOutput(opts.output);
  } catch (err) {
    throw new AppError(
      SignErrorCodes.outputUnwritable,
      `No se puede escribir el archivo firmado en ${path.dirname(opts.output)} (¿existe la carpeta y tiene permiso?).`,
      { output: opts.output },
      { cause: err },
    );
  }
  try {
    const hash = crypto.createHash(digest);
    await copyAndHash(doc, out.tempPath, hash, opts);
    hash.update(bytes.subarray(0, contentsAt));
    hash.update(bytes.subarray(contentsEnd));
    const fd = openForWrite(out);
    writeAll(fd, bytes, base);
    const signer = opts.signer;
    const cms =
      'external' in signer || !scheme
        ? await (signer as ExternalSigner).external.provide(hash.digest(), opts.signal)
        : await buildCadesSignature({
            documentDigest: hash.digest(),
            digest,
            scheme,
            ...(signer.key ? { sign: signer.key.sign } : { privateKey: signer.privateKey }),
            certificate: signer.certificate,
            chain: signer.chain,
            ...(level === 'B-T' && opts.tsa
              ? { timestamp: (sig: Buffer) => requestTimestamp(opts.tsa as TsaConfig, sig, digest, opts.signal) }
              : {}),
          });
    if (cms.length > holeBytes)
      throw new AppError(SignErrorCodes.signatureTooLarge, 'La firma no cabe en el espacio reservado.', {
        needed: cms.length,
        reserved: holeBytes,
      });
    writeAll(fd, Buffer.from(cms.toString('hex'), 'latin1'), base + contentsAt + 1);
    opts.signal?.throwIfAborted();
    commitTempOutput(out);
  } catch (err) {
    abandonTempOutput(out);
    throw err;
  }
  opts.onProgress?.(1);
  return {
    output: opts.output,
    fieldName: prepared.fieldName,
    page: prepared.page,
    level,
    bytesAdded: bytes.length,
    signatureBytes: holeBytes,
  };
}

function writeAll(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}

/**
 * Copies the original bytes to the temp file and hashes them. The copy runs in the kernel (copy_file_range,
 * on libuv's thread pool) while this thread reads and hashes the input in 4 MB chunks, so the two overlap and
 * memory stays flat whatever the file size. The file must not change while signing: its size is re-checked.
 */
async function copyAndHash(doc: PdfDocument, tempPath: string, hash: crypto.Hash, opts: SignPdfOptions): Promise<void> {
  const copying = fs.promises.copyFile(doc.path, tempPath);
  // Reported once the hash is done; a failed copy must not become an unhandled rejection meanwhile.
  copying.catch(() => undefined);
  const input = await fs.promises.open(doc.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(COPY_CHUNK);
    let pos = 0;
    let lastReport = 0;
    while (pos < doc.size) {
      opts.signal?.throwIfAborted();
      const { bytesRead } = await input.read(buf, 0, Math.min(COPY_CHUNK, doc.size - pos), pos);
      if (bytesRead === 0) throw new AppError(SignErrorCodes.fileUnreadable, 'El archivo de entrada cambió mientras se firmaba.');
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
      if (opts.onProgress && pos - lastReport >= 4 * COPY_CHUNK) {
        lastReport = pos;
        opts.onProgress(0.95 * (pos / doc.size));
      }
    }
  } finally {
    await input.close();
  }
  await copying;
  if (fs.statSync(tempPath).size !== doc.size)
    throw new AppError(SignErrorCodes.fileUnreadable, 'El archivo de entrada cambió mientras se firmaba.');
}

const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

function genOf(doc: PdfDocument, num: number): number {
  const e = doc.xrefEntry(num);
  return e?.kind === 'offset' ? e.gen : 0;
}

/** Collects changed objects by number, so several edits of one object (the catalog) end up in one write. */
class Changes {
  readonly objects = new Map<number, UpdateObject>();
  constructor(private readonly doc: PdfDocument) {}
  put(num: number, value: PdfValue): void {
    this.objects.set(num, { num, gen: genOf(this.doc, num), value });
  }
  putStream(num: number, dict: PdfDict, data: Buffer): void {
    this.objects.set(num, { num, gen: 0, stream: { dict, data } });
  }
  /** The current (possibly already changed) dictionary of an object. */
  dict(ref: PdfRef): PdfDict {
    const pending = this.objects.get(ref.num);
    if (pending && 'value' in pending && pending.value instanceof PdfDict) return pending.value;
    const d = this.doc.resolveDict(ref);
    if (!d) throw new AppError(SignErrorCodes.pdfInvalid, `El PDF está dañado (objeto ${ref.num} ausente).`);
    return d.clone();
  }
}

function prepareRevision(doc: PdfDocument, opts: SignPdfOptions, now: Date, holeBytes: number): Prepared {
  const numbers = new ObjectNumbers(doc);
  const changes = new Changes(doc);
  // The embedded stamp font: read, and its objects allocated, only if a stamp draws text.
  const font = new StampFontUse(() => numbers.allocate());
  const rootRef = doc.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new AppError(SignErrorCodes.pdfInvalid, 'El PDF está dañado (catálogo directo).');
  const stamp = opts.stamp ?? {};
  const fields = listFormFields(doc);
  const alreadySigned = signedFields(doc);

  const level = certificationLevel(doc);
  if (level === 1) {
    throw new AppError(
      SignErrorCodes.certifiedNoChanges,
      'El documento está certificado sin permitir cambios: no se puede agregar otra firma.',
    );
  }
  if (opts.certify && alreadySigned.length > 0) {
    throw new AppError('SIGN_CERTIFY_NOT_FIRST', 'Solo la primera firma de un documento puede certificarlo; este ya tiene firmas.');
  }
  if (level === 2 && stamp.everyPage && !stamp.invisible) {
    throw new AppError(
      SignErrorCodes.certifiedNoChanges,
      'El documento está certificado y solo permite firmas y formularios: no se pueden agregar iniciales en cada página.',
    );
  }

  // The signature dictionary with its placeholders.
  const sigNum = numbers.allocate();
  const sigRef = pdf.ref(sigNum);
  const subFilter = 'external' in opts.signer ? opts.signer.external.subFilter : 'ETSI.CAdES.detached';
  const docTimestamp = subFilter === 'ETSI.RFC3161';
  const sig = pdf.dict({
    Type: pdf.name(docTimestamp ? 'DocTimeStamp' : 'Sig'),
    Filter: pdf.name('Adobe.PPKLite'),
    SubFilter: pdf.name(subFilter),
    ByteRange: new PdfRaw(Buffer.from(BYTE_RANGE_PLACEHOLDER, 'latin1')),
  });
  // A document timestamp's time is in its token; it carries no claimed time.
  if (!docTimestamp) sig.set('M', pdf.text(pdfDate(now)));
  if (opts.reason) sig.set('Reason', pdf.text(opts.reason));
  if (opts.location) sig.set('Location', pdf.text(opts.location));
  if (opts.certify) {
    sig.set(
      'Reference',
      pdf.array(
        pdf.dict({
          Type: pdf.name('SigRef'),
          TransformMethod: pdf.name('DocMDP'),
          TransformParams: pdf.dict({ Type: pdf.name('TransformParams'), P: opts.certify, V: pdf.name('1.2') }),
        }),
      ),
    );
  }
  sig.set('Contents', new PdfRaw(Buffer.from('<' + '0'.repeat(holeBytes * 2) + '>', 'latin1')));
  changes.put(sigNum, sig);

  const pageCount = doc.pageCount();
  let fieldName: string;
  let pageIndex: number | null = null;

  if (opts.field) {
    const target = fields.find((f) => f.fullName === opts.field);
    if (!target || target.type !== 'Sig')
      throw new AppError(SignErrorCodes.fieldNotFound, `El PDF no tiene un campo de firma llamado «${opts.field}».`, { field: opts.field });
    if (target.value !== undefined && target.value !== null)
      throw new AppError(SignErrorCodes.fieldAlreadySigned, `El campo «${opts.field}» ya está firmado.`, { field: opts.field });
    if (!target.ref) throw new AppError(SignErrorCodes.pdfInvalid, 'El campo de firma no es un objeto indirecto.');
    fieldName = target.fullName;
    const fieldDict = changes.dict(target.ref);
    fieldDict.set('V', sigRef);
    changes.put(target.ref.num, fieldDict);
    const widget = target.widgets[0];
    if (widget) {
      const separate = widget.ref !== null && widget.ref.num !== target.ref.num;
      const widgetDict = widget.ref && separate ? changes.dict(widget.ref) : fieldDict;
      // poppler and mutool look for /V on the widget annotation itself; the spec puts it on the field. Both.
      if (separate && widget.ref) {
        widgetDict.set('V', sigRef);
        changes.put(widget.ref.num, widgetDict);
      }
      const rect = rectOf(doc.resolve(widgetDict.get('Rect')));
      const pRef = widgetDict.get('P');
      pageIndex = pRef instanceof PdfRef ? findPageIndex(doc, pRef, pageCount) : null;
      if (rect && rect[2] - rect[0] > 1 && rect[3] - rect[1] > 1 && !stamp.invisible) {
        const rotate = pageIndex === null ? 0 : doc.page(pageIndex).rotate;
        const apNum = addAppearance(changes, numbers, font, opts, now, rect[2] - rect[0], rect[3] - rect[1], rotate);
        widgetDict.set('AP', pdf.dict({ N: pdf.ref(apNum) }));
        if (widget.ref && widget.ref.num !== target.ref.num) changes.put(widget.ref.num, widgetDict);
      } else pageIndex = null;
    }
    ensureSigFlags(doc, changes, rootRef, numbers, null);
  } else {
    fieldName = uniqueFieldName(fields, docTimestamp ? 'SelloTiempo' : opts.role === 'firma' ? 'Firma' : 'VoBo');
    pageIndex = stamp.page === undefined || stamp.page === 'last' ? pageCount - 1 : stamp.page - 1;
    if (pageIndex < 0 || pageIndex >= pageCount) {
      throw new AppError(SignErrorCodes.pageOutOfRange, `El PDF tiene ${pageCount} páginas; no existe la página ${pageIndex + 1}.`, {
        pages: pageCount,
      });
    }
    const page = doc.page(pageIndex);
    const widgetNum = numbers.allocate();
    const widget = pdf.dict({
      Type: pdf.name('Annot'),
      Subtype: pdf.name('Widget'),
      FT: pdf.name('Sig'),
      T: pdf.text(fieldName),
      V: sigRef,
      F: 132,
      P: page.ref,
    });
    if (stamp.invisible) {
      widget.set('Rect', pdf.array(0, 0, 0, 0));
      pageIndex = null;
    } else {
      const size = visualSize(page.mediaBox, page.rotate);
      // Placed by the user, or the first default place free of the signature widgets already on the page.
      const visual =
        placedRect(stamp, size) ??
        defaultRect(
          size,
          opts.role,
          alreadySigned.length,
          stamp.style,
          signatureWidgetsOf(
            doc,
            fields.filter((f) => f.type === 'Sig'),
            annotationPages(doc, [pageIndex + 1]),
          ).map((w) => w.rect),
        );
      const [x, y, w, h] = visualRectToUser(visual, page.mediaBox, page.rotate);
      widget.set('Rect', pdf.array(x, y, x + w, y + h));
      const apNum = addAppearance(changes, numbers, font, opts, now, w, h, page.rotate);
      widget.set('AP', pdf.dict({ N: pdf.ref(apNum) }));
    }
    changes.put(widgetNum, widget);
    addAnnotation(doc, changes, page.ref, pdf.ref(widgetNum));
    ensureSigFlags(doc, changes, rootRef, numbers, pdf.ref(widgetNum));
    if (stamp.everyPage && !stamp.invisible && opts.role === 'visto-bueno') {
      addInitials(doc, changes, numbers, font, opts, pageCount, pageIndex ?? pageCount - 1);
    }
  }

  if (opts.certify) {
    const catalog = changes.dict(rootRef);
    const perms = doc.resolveDict(catalog.get('Perms'))?.clone() ?? new PdfDict();
    perms.set('DocMDP', sigRef);
    catalog.set('Perms', perms);
    changes.put(rootRef.num, catalog);
  }
  for (const o of font.objects()) changes.objects.set(o.num, o);
  return { objects: [...changes.objects.values()], numbers, sigNum, fieldName, page: pageIndex === null ? null : pageIndex + 1 };
}

function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

function rectOf(v: PdfValue | undefined): [number, number, number, number] | null {
  if (!(v instanceof PdfArray) || v.items.length !== 4) return null;
  const [a, b, c, d] = v.items;
  if (typeof a !== 'number' || typeof b !== 'number' || typeof c !== 'number' || typeof d !== 'number') return null;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

function findPageIndex(doc: PdfDocument, ref: PdfRef, pageCount: number): number | null {
  for (let i = 0; i < Math.min(pageCount, 2000); i++) if (doc.page(i).ref.num === ref.num) return i;
  return null;
}

function uniqueFieldName(fields: FormField[], prefix: string): string {
  const names = new Set(fields.map((f) => f.fullName));
  for (let i = 1; ; i++) if (!names.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

function placedRect(stamp: StampOptions, [, pageH]: [number, number]): [number, number, number, number] | null {
  if (!stamp.rect) return null;
  const [x, y, w, h] = stamp.rect;
  return stamp.fromTop ? [x, pageH - y - h, w, h] : stamp.rect;
}

function addAppearance(
  changes: Changes,
  numbers: ObjectNumbers,
  font: StampFontUse,
  opts: SignPdfOptions,
  now: Date,
  /** Size of the widget rectangle in user space. */
  width: number,
  height: number,
  rotate: number,
): number {
  const stamp = opts.stamp ?? {};
  const summary = opts.signer.summary;
  if (!summary) throw new AppError('SIGN_INTERNAL', 'Un sello visible necesita los datos del firmante.');
  const values = stampValues(summary, {
    ...(opts.roleTitle ? { role: opts.roleTitle } : {}),
    ...(opts.reason ? { reason: opts.reason } : {}),
    ...(opts.location ? { place: opts.location } : {}),
    date: now,
    ...(stamp.timeZone ? { timeZone: stamp.timeZone } : {}),
    ...(stamp.dateStyle ? { dateStyle: stamp.dateStyle } : {}),
  });
  const textOnly = stamp.style === 4;
  const imageOnly = stamp.style === 3;
  if (imageOnly && !stamp.image)
    throw new AppError(SignErrorCodes.badImage, 'El estilo 3 (solo imagen) necesita una imagen para el sello.');
  const lines = imageOnly ? [] : fillTemplate(stamp.template ?? DEFAULT_TEMPLATES[opts.role], values);
  let image: { ref: PdfRef; width: number; height: number } | undefined;
  if (stamp.image && !textOnly) {
    const img = loadStampImage(stamp.image);
    const imgNum = numbers.allocate();
    if (img.smask) {
      const smaskNum = numbers.allocate();
      changes.putStream(smaskNum, img.smask.dict, img.smask.data);
      img.dict.set('SMask', pdf.ref(smaskNum));
    }
    changes.putStream(imgNum, img.dict, img.data);
    image = { ref: pdf.ref(imgNum), width: img.width, height: img.height };
  }
  return putAppearance(changes, numbers, width, height, rotate, (w, h) =>
    stampAppearance(
      {
        width: w,
        height: h,
        title: imageOnly ? '' : ROLE_TITLES[opts.role],
        lines,
        ...(image ? { image } : {}),
        ...(stamp.style === 2 ? { arrangement: 'vertical' as const } : {}),
        ...(stamp.maxFontSize ? { maxFontSize: stamp.maxFontSize } : {}),
        ...(stamp.wordWrap ? { wordWrap: stamp.wordWrap } : {}),
      },
      font,
    ),
  );
}

/** Lays the appearance out upright for the viewer and writes it, rotated back by /Matrix on rotated pages. */
function putAppearance(
  changes: Changes,
  numbers: ObjectNumbers,
  width: number,
  height: number,
  rotate: number,
  draw: (w: number, h: number) => { content: Buffer; resources: PdfDict },
): number {
  const matrix = appearanceMatrix(rotate);
  const swap = matrix !== null && matrix[0] === 0;
  const [w, h] = swap ? [height, width] : [width, height];
  const ap = draw(w, h);
  const dict = formXObjectDict(w, h, ap.resources);
  if (matrix) dict.set('Matrix', new PdfArray(matrix));
  const apNum = numbers.allocate();
  changes.putStream(apNum, dict, ap.content);
  return apNum;
}

/** Adds an annotation reference to a page's /Annots (rewriting the array object when it is indirect). */
function addAnnotation(doc: PdfDocument, changes: Changes, pageRef: PdfRef, annot: PdfRef): void {
  const page = changes.dict(pageRef);
  const annots = page.get('Annots');
  if (annots instanceof PdfRef) {
    const pending = changes.objects.get(annots.num);
    const current = pending && 'value' in pending && pending.value instanceof PdfArray ? pending.value : doc.resolveArray(annots);
    changes.put(annots.num, new PdfArray([...(current?.items ?? []), annot]));
    return;
  }
  const items = annots instanceof PdfArray ? annots.items : [];
  page.set('Annots', new PdfArray([...items, annot]));
  changes.put(pageRef.num, page);
}

/** Makes sure the AcroForm exists, lists the new field, and says the document has signatures (/SigFlags 3). */
function ensureSigFlags(doc: PdfDocument, changes: Changes, rootRef: PdfRef, numbers: ObjectNumbers, newField: PdfRef | null): void {
  const catalog = changes.dict(rootRef);
  const acroValue = catalog.get('AcroForm');
  let acroForm: PdfDict;
  let acroRef: PdfRef | null = null;
  if (acroValue instanceof PdfRef) {
    acroRef = acroValue;
    acroForm = changes.dict(acroValue);
  } else if (acroValue instanceof PdfDict) acroForm = acroValue.clone();
  else acroForm = new PdfDict();
  acroForm.set('SigFlags', 3);
  if (newField) {
    const fieldsValue = acroForm.get('Fields');
    if (fieldsValue instanceof PdfRef) {
      const pending = changes.objects.get(fieldsValue.num);
      const current = pending && 'value' in pending && pending.value instanceof PdfArray ? pending.value : doc.resolveArray(fieldsValue);
      changes.put(fieldsValue.num, new PdfArray([...(current?.items ?? []), newField]));
    } else {
      const items = fieldsValue instanceof PdfArray ? fieldsValue.items : [];
      acroForm.set('Fields', new PdfArray([...items, newField]));
    }
  } else if (!acroForm.has('Fields')) acroForm.set('Fields', new PdfArray([]));
  if (acroRef) changes.put(acroRef.num, acroForm);
  else {
    const num = numbers.allocate();
    changes.put(num, acroForm);
    catalog.set('AcroForm', pdf.ref(num));
    changes.put(rootRef.num, catalog);
  }
}

/** The visa's small initials on every page but the stamped one: one shared appearance, one stamp annotation per page. */
function addInitials(
  doc: PdfDocument,
  changes: Changes,
  numbers: ObjectNumbers,
  font: StampFontUse,
  opts: SignPdfOptions,
  pageCount: number,
  skip: number,
): void {
  const text = `V°B° ${initialsOf(opts.signer.summary?.name ?? '')}`;
  // One shared appearance per page rotation.
  const byRotation = new Map<number, number>();
  for (let i = 0; i < pageCount; i++) {
    if (i === skip) continue;
    const page = doc.page(i);
    const [vw] = visualSize(page.mediaBox, page.rotate);
    const [x, y, uw, uh] = visualRectToUser(initialsRect(vw), page.mediaBox, page.rotate);
    let apNum = byRotation.get(page.rotate);
    if (apNum === undefined) {
      apNum = putAppearance(changes, numbers, uw, uh, page.rotate, (aw, ah) =>
        stampAppearance({ width: aw, height: ah, title: '', lines: [text] }, font),
      );
      byRotation.set(page.rotate, apNum);
    }
    const num = numbers.allocate();
    changes.put(
      num,
      pdf.dict({
        Type: pdf.name('Annot'),
        Subtype: pdf.name('Stamp'),
        Rect: pdf.array(x, y, x + uw, y + uh),
        F: 196,
        P: page.ref,
        Contents: pdf.text(text),
        Name: pdf.name('Approved'),
        AP: pdf.dict({ N: pdf.ref(apNum) }),
      }),
    );
    addAnnotation(doc, changes, page.ref, pdf.ref(num));
  }
}
