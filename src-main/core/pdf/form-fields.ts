/**
 * Reads the interactive form as signing and verification need it: every terminal field with its full name,
 * type, value reference and widgets, and the document's certification (DocMDP) permission level.
 */
import { PdfArray, PdfDict, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-objects';
import type { PdfDocument } from './pdf-document';

export type FormField = {
  /** Null for a field written directly inside /Fields (rare, but legal). */
  ref: PdfRef | null;
  dict: PdfDict;
  fullName: string;
  /** /FT, inherited from parents when absent. */
  type: string | undefined;
  /** The /V entry (for a signature field: a reference to the signature dictionary). */
  value: PdfValue | undefined;
  widgets: Array<{ ref: PdfRef | null; dict: PdfDict }>;
};

const MAX_FIELDS = 20_000;
const MAX_DEPTH = 32;

export function listFormFields(doc: PdfDocument): FormField[] {
  const acroForm = doc.resolveDict(doc.catalog().get('AcroForm'));
  if (!acroForm) return [];
  const fields = doc.resolveArray(acroForm.get('Fields'));
  if (!fields) return [];
  const out: FormField[] = [];
  const seen = new Set<number>();
  const walk = (item: PdfValue, parentName: string, parentType: string | undefined, depth: number): void => {
    if (depth > MAX_DEPTH || out.length >= MAX_FIELDS) return;
    if (item instanceof PdfRef) {
      if (seen.has(item.num)) return; // a cycle in /Kids
      seen.add(item.num);
    }
    const dict = doc.resolveDict(item);
    if (!dict) return;
    const t = doc.resolve(dict.get('T'));
    const partial = t instanceof PdfString ? t.text() : undefined;
    const fullName = partial === undefined ? parentName : parentName ? `${parentName}.${partial}` : partial;
    const type = dict.nameOf('FT') ?? parentType;
    const kids = doc.resolveArray(dict.get('Kids'));
    const kidDicts = kids ? kids.items.map((k) => ({ ref: k instanceof PdfRef ? k : null, dict: doc.resolveDict(k) })) : [];
    const childFields = kidDicts.filter((k) => k.dict && k.dict.has('T'));
    if (childFields.length > 0) {
      for (const k of kids?.items ?? []) walk(k, fullName, type, depth + 1);
      return;
    }
    const widgets =
      kidDicts.length > 0
        ? kidDicts.filter((k): k is { ref: PdfRef | null; dict: PdfDict } => Boolean(k.dict))
        : [{ ref: item instanceof PdfRef ? item : null, dict }];
    out.push({ ref: item instanceof PdfRef ? item : null, dict, fullName, type, value: dict.get('V'), widgets });
  };
  for (const f of fields.items) walk(f, '', undefined, 0);
  return out;
}

/** Signature fields that already hold a signature. */
export function signedFields(doc: PdfDocument): FormField[] {
  return listFormFields(doc).filter((f) => f.type === 'Sig' && f.value !== undefined && f.value !== null);
}

/**
 * The certification level of the document (DocMDP /P: 1 no changes, 2 form filling and signing, 3 also
 * annotations), or null when it is not certified.
 */
export function certificationLevel(doc: PdfDocument): number | null {
  const perms = doc.resolveDict(doc.catalog().get('Perms'));
  const sig = doc.resolveDict(perms?.get('DocMDP'));
  if (!sig) return null;
  const refs = doc.resolveArray(sig.get('Reference'));
  for (const r of refs?.items ?? []) {
    const d = doc.resolveDict(r);
    if (d?.nameOf('TransformMethod') !== 'DocMDP') continue;
    const params = doc.resolveDict(d.get('TransformParams'));
    const p = doc.resolve(params?.get('P'));
    return typeof p === 'number' && p >= 1 && p <= 3 ? p : 2;
  }
  return 2;
}

export function isStream(v: PdfValue | undefined): v is PdfStream {
  return v instanceof PdfStream;
}

export { PdfArray };
