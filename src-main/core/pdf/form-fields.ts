/**
 * Reads the interactive form as signing and verification need it: every terminal field with its full name,
 * type, value reference and widgets, and the document's certification (DocMDP) permission level.
 */
import { PdfDict, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-objects';
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

export type SignatureDictionary = {
  fieldName: string;
  /** The reference of the /V signature dictionary (null when written directly in the field). */
  ref: PdfRef | null;
  dict: PdfDict;
  subFilter: string | undefined;
  /** /ByteRange as numbers (normally four: start1 len1 start2 len2); empty when missing or malformed. */
  byteRange: number[];
  /** The raw bytes of /Contents (the CMS, usually zero-padded at the end). */
  contents: Buffer;
  /** True for a certification (DocMDP) signature. */
  certification: boolean;
};

/**
 * Every signature in the newest revision, in field order, with its byte ranges and CMS bytes. Document
 * timestamps (/SubFilter /ETSI.RFC3161) are included; callers tell them apart by `subFilter`.
 */
export function listSignatures(doc: PdfDocument): SignatureDictionary[] {
  const out: SignatureDictionary[] = [];
  for (const f of listFormFields(doc)) {
    if (f.type !== 'Sig' || f.value === undefined || f.value === null) continue;
    const dict = doc.resolveDict(f.value);
    if (!dict) continue;
    const br = doc.resolveArray(dict.get('ByteRange'));
    const byteRange = br && br.items.every((x) => typeof x === 'number') ? (br.items as number[]) : [];
    const contents = doc.resolve(dict.get('Contents'));
    const refs = doc.resolveArray(dict.get('Reference'));
    const certification = (refs?.items ?? []).some((r) => doc.resolveDict(r)?.nameOf('TransformMethod') === 'DocMDP');
    out.push({
      fieldName: f.fullName,
      ref: f.value instanceof PdfRef ? f.value : null,
      dict,
      subFilter: dict.nameOf('SubFilter'),
      byteRange,
      contents: contents instanceof PdfString ? contents.bytes : Buffer.alloc(0),
      certification,
    });
  }
  return out;
}
