/**
 * What changed after a signature: every object a later revision defines is compared with its value in the
 * signed revision and classified against a whitelist (new signatures with their fields, widgets and
 * appearances; DSS/VRI; document timestamps; form filling and annotations as far as the certification level
 * permits; metadata). Everything else is a disallowed change, described in plain Spanish.
 */
import { PdfArray, PdfDict, PdfName, PdfRaw, PdfRef, PdfStream, PdfString, type PdfValue } from '../pdf/pdf-objects';
import type { Change, ModificationsAfter } from './report';
import type { RevisionReader } from './revision-objects';

export type ModificationAnalysis = { modificationsAfter: ModificationsAfter; changes: Change[]; truncated: boolean };

/** A rewrite of a whole document can touch millions of objects: the list stops here, the verdict does not. */
const MAX_CHANGES_LISTED = 500;
const MAX_WALK = 20_000;

type Ctx = {
  reader: RevisionReader;
  rev: number;
  /** DocMDP level of a certification signature, null for none (approval signatures allow form fill and signing). */
  docMdp: 1 | 2 | 3 | null;
  allowedNew: Set<number>;
  roles: Map<number, string> | null;
};

export function analyseModifications(reader: RevisionReader, signedRevision: number, docMdp: 1 | 2 | 3 | null): ModificationAnalysis {
  const changes: Change[] = [];
  let disallowed = false;
  let any = false;
  let truncated = false;
  const push = (c: Change): void => {
    any = true;
    if (!c.allowed) disallowed = true;
    if (changes.length < MAX_CHANGES_LISTED) changes.push(c);
    else truncated = true;
  };
  for (const view of reader.revisions.filter((r) => r.index > signedRevision)) {
    const rev = view.index;
    const ctx: Ctx = {
      reader,
      rev,
      docMdp,
      allowedNew: reader.memo(`allowedNew:${rev}`, () => allowedNewObjects(reader, rev)),
      roles: null,
    };
    const prevTrailer = reader.revision(rev - 1).trailer;
    const rootNow = view.trailer.get('Root');
    const rootBefore = prevTrailer.get('Root');
    if (rootNow instanceof PdfRef && rootBefore instanceof PdfRef && rootNow.num !== rootBefore.num) {
      push({
        revision: rev,
        object: 'trailer',
        allowed: false,
        message: `El catálogo del documento fue reemplazado por otro (objeto ${rootNow.num}).`,
      });
    }
    if (view.trailer.has('Encrypt') && !prevTrailer.has('Encrypt'))
      push({ revision: rev, object: 'trailer', allowed: false, message: 'Se agregó cifrado al documento.' });
    for (const [num, entry] of view.entries) {
      if (num === 0) continue;
      const before = reader.objectAt(num, rev - 1);
      const after = entry.kind === 'free' ? undefined : reader.objectAt(num, rev);
      const object = `${num} 0 R`;
      if (after === undefined) {
        if (before !== undefined)
          push({ revision: rev, object, allowed: false, message: `Se eliminó el objeto ${object} (${describe(ctx, num, before)}).` });
        continue;
      }
      if (before === undefined) {
        const c = classifyNew(ctx, num, after);
        if (c) push({ revision: rev, object, ...c });
        continue;
      }
      if (sameValue(reader, before, after, 0)) continue;
      push({ revision: rev, object, ...classifyChanged(ctx, num, before, after) });
    }
  }
  return { modificationsAfter: disallowed ? 'disallowed' : any ? 'allowed' : 'none', changes, truncated };
}

function formFillAllowed(ctx: Ctx): boolean {
  return ctx.docMdp === null || ctx.docMdp >= 2;
}
function signingAllowed(ctx: Ctx): boolean {
  return ctx.docMdp === null || ctx.docMdp >= 2;
}

function isSigDict(d: PdfDict): boolean {
  const t = d.nameOf('Type');
  return t === 'Sig' || t === 'DocTimeStamp' || (d.has('ByteRange') && d.has('Contents') && d.has('Filter'));
}

function dictOf(v: PdfValue | undefined): PdfDict | undefined {
  if (v instanceof PdfDict) return v;
  if (v instanceof PdfStream) return v.dict;
  return undefined;
}

/**
 * New objects that belong to something allowed, found from the revision's roots: signature fields and
 * widgets with their appearances (and those appearances' resources), the DSS with everything under it, the
 * form's default resources, the metadata and the info dictionary.
 */
function allowedNewObjects(reader: RevisionReader, rev: number): Set<number> {
  const out = new Set<number>();
  const view = reader.revision(rev);
  const collect = (v: PdfValue | undefined, depth: number, budget: { n: number }): void => {
    if (depth > 12 || budget.n <= 0) return;
    if (v instanceof PdfRef) {
      if (out.has(v.num) || !view.entries.has(v.num)) return; // only this revision's objects are whitelisted here
      out.add(v.num);
      budget.n--;
      collect(reader.objectAt(v.num, rev), depth + 1, budget);
      return;
    }
    if (v instanceof PdfArray) for (const x of v.items) collect(x, depth + 1, budget);
    const d = dictOf(v);
    if (d) for (const [k, x] of d.entries) if (k !== 'Parent' && k !== 'P') collect(x, depth + 1, budget);
  };
  const catalog = reader.dictAt(view.trailer.get('Root'), rev);
  if (!catalog) return out;
  collect(catalog.get('DSS'), 0, { n: MAX_WALK });
  collect(catalog.get('Metadata'), 0, { n: 10 });
  collect(view.trailer.get('Info'), 0, { n: 10 });
  const acro = reader.dictAt(catalog.get('AcroForm'), rev);
  collect(acro?.get('DR'), 0, { n: 1000 });
  // Signature fields (and their widgets, appearances, signature dictionaries), bounded.
  const fields = reader.arrayAt(acro?.get('Fields'), rev);
  let budget = MAX_WALK;
  const walkField = (f: PdfValue, depth: number, inheritedSig: boolean): void => {
    if (depth > 16 || budget-- <= 0) return;
    const d = reader.dictAt(f, rev);
    if (!d) return;
    const isSig = d.nameOf('FT') === 'Sig' || inheritedSig;
    // A signature field is whitelisted only when empty or holding a real signature dictionary: a /V that
    // loops or points elsewhere is not a signature, whatever the field claims.
    const v = d.get('V');
    let holdsSignature = v === undefined || v === null;
    if (!holdsSignature) {
      try {
        const vd = reader.dictAt(v, rev);
        holdsSignature = vd !== undefined && isSigDict(vd);
      } catch {
        holdsSignature = false;
      }
    }
    if (isSig && holdsSignature && f instanceof PdfRef && view.entries.has(f.num)) {
      out.add(f.num);
      collect(d.get('V'), 0, { n: 50 });
      collect(d.get('AP'), 0, { n: 2000 });
      collect(d.get('Lock'), 0, { n: 10 });
    }
    if (isSig && holdsSignature && (f instanceof PdfRef ? view.entries.has(f.num) : true)) collect(d.get('AP'), 0, { n: 2000 });
    // A form field (or its widget) rewritten in this revision brings its regenerated appearance along;
    // whether filling was allowed at all is judged on the field itself.
    if (!isSig && f instanceof PdfRef && view.entries.has(f.num)) collect(d.get('AP'), 0, { n: 2000 });
    const kids = reader.arrayAt(d.get('Kids'), rev);
    for (const k of kids?.items ?? []) walkField(k, depth + 1, isSig);
  };
  for (const f of fields?.items ?? []) walkField(f, 0, false);
  return out;
}

function classifyNew(ctx: Ctx, num: number, v: PdfValue): { allowed: boolean; message: string } | null {
  const d = dictOf(v);
  const type = d?.nameOf('Type');
  if (type === 'XRef' || type === 'ObjStm') return null; // structure of the update itself, not content
  if (d && isSigDict(d)) {
    return d.nameOf('Type') === 'DocTimeStamp' || d.nameOf('SubFilter') === 'ETSI.RFC3161'
      ? { allowed: true, message: 'Se agregó un sello de tiempo del documento.' }
      : {
          allowed: signingAllowed(ctx),
          message: signingAllowed(ctx)
            ? 'Se agregó una nueva firma.'
            : 'Se agregó una firma en un documento certificado sin cambios permitidos.',
        };
  }
  if (ctx.allowedNew.has(num)) {
    if (d?.nameOf('FT') === 'Sig' || d?.nameOf('Subtype') === 'Widget')
      return { allowed: signingAllowed(ctx), message: 'Se agregó un campo de firma con su widget.' };
    if (type === 'Metadata') return { allowed: true, message: 'Se actualizaron los metadatos XMP.' };
    return { allowed: true, message: `Se agregó ${describe(ctx, num, v)} (apariencia de firma, datos de validación o metadatos).` };
  }
  const subtype = d?.nameOf('Subtype');
  if (type === 'Annot' || (subtype && d?.has('Rect'))) {
    if (subtype === 'Widget') return { allowed: false, message: 'Se agregó un widget de formulario que no es de firma.' };
    return ctx.docMdp === 3 || ctx.docMdp === null
      ? {
          allowed: ctx.docMdp === 3,
          message:
            ctx.docMdp === 3
              ? `Se agregó una anotación (${subtype ?? '?'}), permitida por el nivel de certificación.`
              : `Se agregó una anotación (${subtype ?? '?'}) sobre el contenido.`,
        }
      : { allowed: false, message: `Se agregó una anotación (${subtype ?? '?'}) que el nivel de certificación no permite.` };
  }
  // A new object nothing allowed refers to: harmless on its own, but it only exists to be used by a change;
  // reporting it keeps shadow content from hiding in plain sight.
  return { allowed: false, message: `Se agregó ${describe(ctx, num, v)} fuera de lo permitido después de la firma.` };
}

function classifyChanged(ctx: Ctx, num: number, before: PdfValue, after: PdfValue): { allowed: boolean; message: string } {
  const { reader, rev } = ctx;
  const view = reader.revision(rev);
  const bd = dictOf(before);
  const ad = dictOf(after);
  const rootRef = view.trailer.get('Root');
  const infoRef = view.trailer.get('Info');
  if (infoRef instanceof PdfRef && infoRef.num === num)
    return { allowed: true, message: 'Se actualizó el diccionario de información (metadatos).' };
  if (ad?.nameOf('Type') === 'Metadata') return { allowed: true, message: 'Se actualizaron los metadatos XMP.' };
  if (bd && ad && isSigDict(bd) && isSigDict(ad)) return { allowed: false, message: 'Se modificó un diccionario de firma existente.' };
  if (bd && ad && before instanceof PdfDict && after instanceof PdfDict) {
    const changed = changedKeys(reader, bd, ad);
    if (rootRef instanceof PdfRef && rootRef.num === num) {
      const bad = changed.filter(
        (k) => !['DSS', 'Extensions', 'Version', 'Metadata'].includes(k) && !(k === 'AcroForm' && !bd.has('AcroForm')),
      );
      if (changed.includes('AcroForm') && bd.has('AcroForm'))
        return { allowed: false, message: 'El catálogo ahora apunta a un formulario (/AcroForm) distinto.' };
      if (bad.length)
        return { allowed: false, message: `Se reescribió el catálogo del documento (${bad.map((k) => '/' + k).join(', ')}).` };
      return {
        allowed: true,
        message: `Se actualizó el catálogo con ${changed.map((k) => '/' + k).join(', ')} (datos de validación o formulario).`,
      };
    }
    const catalog = reader.dictAt(rootRef, rev);
    const acroRef = catalog?.get('AcroForm');
    if (acroRef instanceof PdfRef && acroRef.num === num) {
      const bad = changed.filter((k) => !['Fields', 'SigFlags', 'DR'].includes(k));
      if (bad.length) return { allowed: false, message: `Se cambió el formulario (${bad.map((k) => '/' + k).join(', ')}).` };
      if (changed.includes('Fields') && !onlyAppends(reader, bd.get('Fields'), ad.get('Fields'), rev, (r) => isSigField(ctx, r))) {
        return { allowed: false, message: 'Se quitaron o reemplazaron campos del formulario.' };
      }
      return { allowed: signingAllowed(ctx), message: 'Se agregó un campo de firma al formulario.' };
    }
    if (ad.nameOf('Type') === 'Page') {
      const bad = changed.filter((k) => k !== 'Annots');
      if (bad.length)
        return {
          allowed: false,
          message: `Se modificó la página ${pageLabel(ctx, num)}: ${bad.map((k) => keyWords[k] ?? '/' + k).join(', ')}.`,
        };
      if (onlyAppends(reader, bd.get('Annots'), ad.get('Annots'), rev, (r) => isSigField(ctx, r)))
        return { allowed: signingAllowed(ctx), message: `Se agregó el widget de una firma a la página ${pageLabel(ctx, num)}.` };
      if (ctx.docMdp === 3 && onlyAppends(reader, bd.get('Annots'), ad.get('Annots'), rev, () => true))
        return {
          allowed: true,
          message: `Se agregaron anotaciones a la página ${pageLabel(ctx, num)}, permitidas por el nivel de certificación.`,
        };
      return { allowed: false, message: `Se agregaron, quitaron o reemplazaron anotaciones sobre la página ${pageLabel(ctx, num)}.` };
    }
    if (ad.nameOf('Type') === 'Pages') return { allowed: false, message: 'Se reescribió el árbol de páginas.' };
    if (ad.has('FT') || ad.has('T') || ad.nameOf('Subtype') === 'Widget') {
      const ft = ad.nameOf('FT') ?? inheritedFt(reader, ad, rev);
      if (ft === 'Sig') {
        const bad = changed.filter((k) => !['V', 'AP', 'AS', 'F'].includes(k));
        if (bad.length === 0 && !bd.has('V') && ad.has('V'))
          return { allowed: signingAllowed(ctx), message: 'Se firmó un campo de firma que estaba vacío.' };
        if (bad.length === 0 && !changed.includes('V'))
          return { allowed: true, message: 'Se actualizó la apariencia de un campo de firma.' };
        return { allowed: false, message: 'Se modificó un campo de firma ya firmado.' };
      }
      const bad = changed.filter((k) => !['V', 'AP', 'AS', 'MK'].includes(k));
      if (bad.length)
        return { allowed: false, message: `Se modificó la definición de un campo de formulario (${bad.map((k) => '/' + k).join(', ')}).` };
      return formFillAllowed(ctx)
        ? { allowed: true, message: 'Se llenó un campo del formulario.' }
        : { allowed: false, message: 'Se llenó un campo del formulario en un documento certificado sin cambios permitidos.' };
    }
    if (bd.has('DSS') === false && (ad.has('VRI') || ad.has('Certs') || ad.has('OCSPs') || ad.has('CRLs')))
      return { allowed: true, message: 'Se actualizaron los datos de validación (DSS).' };
    if (ad.nameOf('Type') === 'Annot' || ad.has('Rect'))
      return { allowed: ctx.docMdp === 3, message: `Se modificó una anotación (${ad.nameOf('Subtype') ?? '?'}).` };
  }
  if (after instanceof PdfArray && before instanceof PdfArray) {
    if (onlyAppends(reader, before, after, rev, (r) => isSigField(ctx, r)))
      return { allowed: signingAllowed(ctx), message: 'Se agregó un campo o widget de firma a una lista.' };
    return { allowed: false, message: `Se modificó una lista (objeto ${num} 0 R).` };
  }
  if (after instanceof PdfStream) {
    const role = roleOf(ctx, num);
    if (role === 'appearance' && formFillAllowed(ctx))
      return { allowed: true, message: 'Se regeneró la apariencia de un campo del formulario.' };
    return { allowed: false, message: `Se modificó ${describe(ctx, num, after)}.` };
  }
  return { allowed: false, message: `Se modificó ${describe(ctx, num, after)}.` };
}

const keyWords: Record<string, string> = {
  Contents: 'su contenido',
  Resources: 'sus recursos (fuentes, imágenes)',
  MediaBox: 'su tamaño',
  CropBox: 'su recorte',
  Rotate: 'su rotación',
  Parent: 'su lugar en el árbol de páginas',
};

function isSigField(ctx: Ctx, v: PdfValue): boolean {
  if (!(v instanceof PdfRef)) return false;
  const d = ctx.reader.dictAt(v, ctx.rev);
  if (!d) return false;
  return d.nameOf('FT') === 'Sig' || inheritedFt(ctx.reader, d, ctx.rev) === 'Sig';
}

function inheritedFt(reader: RevisionReader, d: PdfDict, rev: number): string | undefined {
  let cur: PdfDict | undefined = d;
  for (let i = 0; cur && i < 16; i++) {
    const ft = cur.nameOf('FT');
    if (ft) return ft;
    cur = reader.dictAt(cur.get('Parent'), rev);
  }
  return undefined;
}

/** True when `after` holds every item of `before` in order, and each extra item passes `ok`. */
function onlyAppends(
  reader: RevisionReader,
  b: PdfValue | undefined,
  a: PdfValue | undefined,
  rev: number,
  ok: (v: PdfValue) => boolean,
): boolean {
  const before = b instanceof PdfArray ? b : reader.arrayAt(b, rev - 1);
  const after = a instanceof PdfArray ? a : reader.arrayAt(a, rev);
  const bi = before?.items ?? [];
  const ai = after?.items ?? [];
  if (ai.length < bi.length) return false;
  for (let i = 0; i < bi.length; i++) if (!sameShallow(bi[i], ai[i])) return false;
  return ai.slice(bi.length).every(ok);
}

function sameShallow(x: PdfValue | undefined, y: PdfValue | undefined): boolean {
  if (x instanceof PdfRef && y instanceof PdfRef) return x.num === y.num && x.gen === y.gen;
  return x === y;
}

function changedKeys(reader: RevisionReader, b: PdfDict, a: PdfDict): string[] {
  const keys = new Set([...b.entries.keys(), ...a.entries.keys()]);
  return [...keys].filter((k) => !sameValue(reader, b.get(k), a.get(k), 1));
}

/** Structural equality; references compare by number (their targets are compared as objects of their own). */
export function sameValue(reader: RevisionReader, x: PdfValue | undefined, y: PdfValue | undefined, depth: number): boolean {
  if (depth > 64) return false;
  if (x === y) return true;
  if (x === undefined || y === undefined || x === null || y === null) return false;
  if (x instanceof PdfRef) return y instanceof PdfRef && x.num === y.num && x.gen === y.gen;
  if (x instanceof PdfName) return y instanceof PdfName && x.name === y.name;
  if (x instanceof PdfString) return y instanceof PdfString && x.bytes.equals(y.bytes);
  if (x instanceof PdfRaw) return y instanceof PdfRaw && x.bytes.equals(y.bytes);
  if (x instanceof PdfArray)
    return (
      y instanceof PdfArray && x.items.length === y.items.length && x.items.every((v, i) => sameValue(reader, v, y.items[i], depth + 1))
    );
  if (x instanceof PdfStream) {
    if (!(y instanceof PdfStream) || !sameDict(reader, x.dict, y.dict, depth, ['Length'])) return false;
    if (x.dataOffset === y.dataOffset) return true;
    return reader.doc.streamRaw(x).equals(reader.doc.streamRaw(y));
  }
  if (x instanceof PdfDict) return y instanceof PdfDict && sameDict(reader, x, y, depth, []);
  return false;
}

function sameDict(reader: RevisionReader, x: PdfDict, y: PdfDict, depth: number, ignore: string[]): boolean {
  const keys = new Set([...x.entries.keys(), ...y.entries.keys()]);
  for (const k of keys) if (!ignore.includes(k) && !sameValue(reader, x.get(k), y.get(k), depth + 1)) return false;
  return true;
}

/** What an object is, in words, for messages. */
function describe(ctx: Ctx, num: number, v: PdfValue): string {
  const d = dictOf(v);
  const type = d?.nameOf('Type');
  const subtype = d?.nameOf('Subtype');
  const role = roleOf(ctx, num);
  if (role === 'content') return `el contenido de la página ${pageLabel(ctx, num)}`;
  if (type === 'Font' || d?.has('FontFile') || d?.has('FontFile2') || d?.has('FontFile3') || role === 'font')
    return `una fuente (objeto ${num} 0 R)`;
  if (type === 'FontDescriptor') return `la descripción de una fuente (objeto ${num} 0 R)`;
  if (subtype === 'Image') return `una imagen (objeto ${num} 0 R)`;
  if (subtype === 'Form' || role === 'xobject') return `un XObject de formulario (objeto ${num} 0 R)`;
  if (type === 'Page') return `la página ${pageLabel(ctx, num)}`;
  if (type === 'Annot' || d?.has('Rect')) return `una anotación ${subtype ?? ''} (objeto ${num} 0 R)`.replace('  ', ' ');
  if (v instanceof PdfStream) return `un flujo de datos (objeto ${num} 0 R)`;
  return `el objeto ${num} 0 R`;
}

function pageLabel(ctx: Ctx, num: number): string {
  const role = roles(ctx).get(num);
  const m = role && /page:(\d+)/.exec(role);
  return m?.[1] ?? `(objeto ${num} 0 R)`;
}

function roleOf(ctx: Ctx, num: number): string | undefined {
  return roles(ctx).get(num)?.split('|')[0];
}

/**
 * The roles of objects in the signed revision's structure: page objects, their content streams, fonts and
 * XObjects, and form appearances. Computed once per revision, only when a message needs it; bounded.
 */
function roles(ctx: Ctx): Map<number, string> {
  if (!ctx.roles) ctx.roles = ctx.reader.memo(`roles:${ctx.rev}`, () => computeRoles(ctx));
  return ctx.roles;
}

function computeRoles(ctx: Ctx): Map<number, string> {
  const out = new Map<number, string>();
  const { reader, rev } = ctx;
  const at = rev - 1;
  const catalog = reader.dictAt(reader.revision(at).trailer.get('Root'), at);
  let pageNo = 0;
  let budget = MAX_WALK;
  const seen = new Set<number>();
  const walk = (node: PdfValue | undefined, depth: number): void => {
    if (depth > 64 || budget-- <= 0 || !(node instanceof PdfRef) || seen.has(node.num)) return;
    seen.add(node.num);
    const d = reader.dictAt(node, at);
    if (!d) return;
    const kids = reader.arrayAt(d.get('Kids'), at);
    if (kids && d.nameOf('Type') !== 'Page') {
      for (const k of kids.items) walk(k, depth + 1);
      return;
    }
    pageNo++;
    out.set(node.num, `page|page:${pageNo}`);
    const contents = d.get('Contents');
    const list =
      contents instanceof PdfRef ? (reader.arrayAt(contents, at)?.items ?? [contents]) : contents instanceof PdfArray ? contents.items : [];
    for (const c of list) if (c instanceof PdfRef) out.set(c.num, `content|page:${pageNo}`);
    const res = reader.dictAt(d.get('Resources'), at);
    for (const [key, role] of [
      ['Font', 'font'],
      ['XObject', 'xobject'],
    ] as const) {
      const group = reader.dictAt(res?.get(key), at);
      for (const v of group?.entries.values() ?? []) if (v instanceof PdfRef && !out.has(v.num)) out.set(v.num, `${role}|page:${pageNo}`);
    }
  };
  try {
    walk(catalog?.get('Pages'), 0);
    const acro = reader.dictAt(catalog?.get('AcroForm'), at);
    const fields = reader.arrayAt(acro?.get('Fields'), at);
    const walkField = (f: PdfValue, depth: number): void => {
      if (depth > 16 || budget-- <= 0) return;
      const d = reader.dictAt(f, at);
      if (!d) return;
      const ap = reader.dictAt(d.get('AP'), at);
      for (const v of ap?.entries.values() ?? []) {
        if (v instanceof PdfRef) out.set(v.num, 'appearance');
        const sub = reader.dictAt(v, at);
        if (sub && !(reader.resolveAt(v, at) instanceof PdfStream))
          for (const s of sub.entries.values()) if (s instanceof PdfRef) out.set(s.num, 'appearance');
      }
      for (const k of reader.arrayAt(d.get('Kids'), at)?.items ?? []) walkField(k, depth + 1);
    };
    for (const f of fields?.items ?? []) walkField(f, 0);
  } catch {
    // Roles only improve the wording of messages; a broken structure still gets generic ones.
  }
  return out;
}
