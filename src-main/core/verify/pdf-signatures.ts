/**
 * Finds every signature of a PDF (field name, page, signature dictionary) and checks its byte ranges: they
 * must start at 0, leave exactly the /Contents hex string of that same dictionary as the hole, and end at a
 * revision boundary with only well-formed incremental updates after it.
 */
import { listFormFields } from '../pdf/form-fields';
import { pdfLimit } from '../pdf/pdf-error';
import type { PdfDocument } from '../pdf/pdf-document';
import { PdfDict, PdfRef, PdfString, type PdfValue } from '../pdf/pdf-objects';
import type { Coverage } from './report';
import type { RevisionReader } from './revision-objects';
import { PdfStream } from '../pdf/pdf-objects';

export type LocatedSignature = {
  field: string;
  fieldRef: PdfRef | null;
  sigRef: PdfRef | null;
  sigDict: PdfDict;
  /** 1-based page of the first widget, null when it has no page. */
  page: number | null;
  kind: 'signature' | 'document-timestamp';
  subFilter: string;
  /** null when /ByteRange is missing or not four non-negative integers. */
  byteRange: [number, number, number, number] | null;
  /** The CMS bytes (/Contents), null when missing. */
  contents: Buffer | null;
  /** /M of the dictionary, ISO; only what the signer claims. */
  claimedTime: string | null;
  /** Other fields whose value is this same signature dictionary (it is verified once). */
  alsoFields?: string[];
};

/** Distinct signature dictionaries per file (a budget: more is refused with PDF_LIMIT, never truncated). */
const MAX_SIGNATURES = 200;
const MAX_PAGES_INDEXED = 100_000;

export function locateSignatures(doc: PdfDocument): LocatedSignature[] {
  const fields = listFormFields(doc).filter((f) => f.type === 'Sig' && f.value !== undefined && f.value !== null);
  const pages = pageIndex(doc);
  const out: LocatedSignature[] = [];
  // Several fields may point at one signature dictionary: it is one signature, verified (and hashed) once.
  const byDict = new Map<number, LocatedSignature>();
  for (const f of fields) {
    const shared = f.value instanceof PdfRef ? byDict.get(f.value.num) : undefined;
    if (shared) {
      shared.alsoFields ??= [];
      if (shared.alsoFields.length < 20) shared.alsoFields.push(f.fullName);
      continue;
    }
    if (out.length >= MAX_SIGNATURES) throw pdfLimit(`más de ${MAX_SIGNATURES} diccionarios de firma distintos`);
    const sigDict = doc.resolveDict(f.value);
    if (!sigDict) continue;
    const br = doc.resolveArray(sigDict.get('ByteRange'));
    const nums = br?.items.map((x) => doc.resolve(x)) ?? [];
    const byteRange =
      nums.length === 4 && nums.every((n): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0)
        ? (nums as [number, number, number, number])
        : null;
    const contents = doc.resolve(sigDict.get('Contents'));
    const type = sigDict.nameOf('Type');
    const subFilter = sigDict.nameOf('SubFilter') ?? '';
    let page: number | null = null;
    for (const w of f.widgets) {
      const p = w.dict.get('P');
      if (p instanceof PdfRef && pages.has(p.num)) {
        page = pages.get(p.num) ?? null;
        break;
      }
      if (w.ref) {
        const found = pages.annotPage(w.ref.num);
        if (found !== null) {
          page = found;
          break;
        }
      }
    }
    const m = doc.resolve(sigDict.get('M'));
    out.push({
      field: f.fullName,
      fieldRef: f.ref,
      sigRef: f.value instanceof PdfRef ? f.value : null,
      sigDict,
      page,
      kind: type === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature',
      subFilter,
      byteRange,
      contents: contents instanceof PdfString ? contents.bytes : null,
      claimedTime: m instanceof PdfString ? pdfDate(m.text()) : null,
    });
    const located = out[out.length - 1];
    if (located && f.value instanceof PdfRef) byDict.set(f.value.num, located);
  }
  return out;
}

/** Page object number → 1-based page, and a lazy annotation → page lookup. Bounded walk of the page tree. */
function pageIndex(doc: PdfDocument): { has(n: number): boolean; get(n: number): number | undefined; annotPage(n: number): number | null } {
  const map = new Map<number, number>();
  const pageDicts: PdfDict[] = [];
  let annotIndex: Map<number, number> | null = null;
  const seen = new Set<number>();
  const walk = (node: PdfValue | undefined, depth: number): void => {
    if (depth > 64 || map.size >= MAX_PAGES_INDEXED || !(node instanceof PdfRef) || seen.has(node.num)) return;
    seen.add(node.num);
    const d = doc.resolveDict(node);
    if (!d) return;
    const kids = doc.resolveArray(d.get('Kids'));
    if (d.nameOf('Type') === 'Pages' || (kids && d.nameOf('Type') !== 'Page')) {
      for (const k of kids?.items ?? []) walk(k, depth + 1);
      return;
    }
    map.set(node.num, map.size + 1);
    pageDicts.push(d);
  };
  try {
    walk(doc.catalog().get('Pages'), 0);
  } catch {
    // A broken page tree only costs the page numbers; the signatures are still verified.
  }
  return {
    has: (n) => map.has(n),
    get: (n) => map.get(n),
    annotPage: (n) => {
      // Built once, on the first widget without /P, and bounded: a hostile file cannot make this quadratic.
      if (!annotIndex) {
        annotIndex = new Map();
        let budget = 200_000;
        for (let i = 0; i < pageDicts.length && budget > 0; i++) {
          let annots: PdfValue[] = [];
          try {
            annots = doc.resolveArray(pageDicts[i]?.get('Annots'))?.items ?? [];
          } catch {
            // A broken /Annots only costs that page's widgets their page number.
          }
          for (const a of annots) {
            if (budget-- <= 0) break;
            if (a instanceof PdfRef && !annotIndex.has(a.num)) annotIndex.set(a.num, i + 1);
          }
        }
      }
      return annotIndex.get(n) ?? null;
    },
  };
}

/** D:YYYYMMDDHHmmSS+HH'mm' → ISO, or null. */
export function pdfDate(s: string): string | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?/.exec(s.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz, th = '00', tm = '00'] = m;
  const sign = tz === '-' ? -1 : 1;
  const offsetMin = tz && tz !== 'Z' && tz !== 'z' ? sign * (Number(th) * 60 + Number(tm)) : 0;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) - offsetMin * 60_000;
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

export type CoverageCheck = {
  coverage: Coverage;
  /** The revision the signature covers (1 = original), null when it matches none. */
  revision: number | null;
  /** Where the signed bytes end (b + c). */
  signedEnd: number;
  problems: string[];
};

const isWs = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;

export function checkCoverage(doc: PdfDocument, revisions: RevisionReader, sig: LocatedSignature): CoverageCheck {
  const problems: string[] = [];
  const br = sig.byteRange;
  if (!br) return { coverage: 'anomalous', revision: null, signedEnd: 0, problems: ['/ByteRange ausente o mal formado.'] };
  const [s1, l1, s2, l2] = br;
  const end = s2 + l2;
  if (s1 !== 0) problems.push('El primer rango no empieza en el byte 0.');
  if (s2 <= l1) problems.push('Los rangos se superponen o están desordenados.');
  if (end > doc.size) problems.push('Los rangos van más allá del final del archivo.');
  if (problems.length) return { coverage: 'anomalous', revision: null, signedEnd: Math.min(end, doc.size), problems };

  // The hole must be exactly `<hex>` and decode to this dictionary's /Contents.
  const holeLen = s2 - l1;
  const hole = holeLen <= 2 * 16 * 1024 * 1024 + 2 ? doc.read(l1, holeLen) : Buffer.alloc(0);
  const inner = hole.subarray(1, hole.length - 1).toString('latin1');
  if (hole[0] !== 0x3c || hole[hole.length - 1] !== 0x3e || !/^[0-9A-Fa-f\s]*$/.test(inner)) {
    problems.push('El hueco entre los rangos no es solo la cadena hexadecimal /Contents.');
  } else if (!sig.contents || !Buffer.from(inner.replace(/\s+/g, ''), 'hex').equals(sig.contents)) {
    problems.push('El hueco entre los rangos no contiene la firma de este campo.');
  } else {
    const before = doc.read(Math.max(0, l1 - 64), Math.min(64, l1)).toString('latin1');
    if (!/\/Contents\s*$/.test(before)) problems.push('El hueco no corresponde a la entrada /Contents del diccionario de firma.');
  }
  if (problems.length) return { coverage: 'anomalous', revision: null, signedEnd: end, problems };

  const revs = revisions.revisions;
  const rev = revs.find(
    (r) =>
      r.endOffset !== null &&
      (r.endOffset === end || (r.endOffset > end && onlyWhitespace(doc, end, r.endOffset) && !hasEofBetween(doc, end, r.endOffset))),
  );
  const lastEnd = revisions.newest.endOffset ?? -1;
  if (!rev) {
    if (end === doc.size) problems.push('La firma cubre todo el archivo, pero el archivo no termina en una revisión bien formada.');
    else problems.push(`Los bytes firmados terminan en ${end}, que no es el final de ninguna revisión.`);
    return { coverage: 'anomalous', revision: null, signedEnd: end, problems };
  }
  if (end === doc.size || (rev.index === revs.length && onlyWhitespace(doc, end, doc.size)))
    return { coverage: 'entire-file', revision: rev.index, signedEnd: end, problems };
  // Later bytes must all be incremental updates reachable from the newest startxref, ending at the file end.
  const later = revs.filter((r) => r.index > rev.index);
  if (later.some((r) => r.xrefOffset < end)) problems.push('Una actualización posterior apunta a datos dentro de la parte firmada.');
  if (lastEnd < 0 || !onlyWhitespace(doc, lastEnd, doc.size))
    problems.push('Después de la última revisión hay datos que no forman parte de ninguna actualización.');
  if (problems.length) return { coverage: 'anomalous', revision: rev.index, signedEnd: end, problems };
  return { coverage: 'revision', revision: rev.index, signedEnd: end, problems };
}

function onlyWhitespace(doc: PdfDocument, from: number, to: number): boolean {
  if (to < from) return false;
  if (to - from > 4096) return false;
  const b = doc.read(from, to - from);
  for (const c of b) if (!isWs(c)) return false;
  return true;
}

function hasEofBetween(doc: PdfDocument, from: number, to: number): boolean {
  return doc.read(from, Math.max(0, to - from)).includes('%%EOF', 0, 'latin1');
}

/**
 * Signatures that earlier revisions had in their form but the newest one no longer lists (a later update
 * replaced /AcroForm or dropped the field): they are still verified, against the dictionary they had, so that
 * hiding a signature cannot make the file look unsigned.
 */
export function signaturesOfEarlierRevisions(reader: RevisionReader, known: ReadonlyArray<LocatedSignature>): LocatedSignature[] {
  const seen = new Set(known.map((k) => k.sigRef?.num).filter((n): n is number => n !== undefined));
  const out: LocatedSignature[] = [];
  let budget = 20_000;
  for (const view of reader.revisions.slice(0, -1)) {
    const rev = view.index;
    try {
      const catalog = reader.dictAt(view.trailer.get('Root'), rev);
      const acro = reader.dictAt(catalog?.get('AcroForm'), rev);
      const walk = (f: PdfValue, name: string, ft: string | undefined, depth: number): void => {
        if (depth > 16 || budget-- <= 0 || out.length >= MAX_SIGNATURES) return;
        const d = reader.dictAt(f, rev);
        if (!d) return;
        const t = reader.resolveAt(d.get('T'), rev);
        const full = t instanceof PdfString ? (name ? `${name}.${t.text()}` : t.text()) : name;
        const type = d.nameOf('FT') ?? ft;
        const v = d.get('V');
        if (type === 'Sig' && v instanceof PdfRef && !seen.has(v.num)) {
          const sigValue = reader.resolveAt(v, rev);
          const sigDict = sigValue instanceof PdfDict ? sigValue : sigValue instanceof PdfStream ? sigValue.dict : undefined;
          if (sigDict) {
            seen.add(v.num);
            out.push(fromDict(reader, rev, sigDict, full, f instanceof PdfRef ? f : null, v));
          }
        }
        for (const k of reader.arrayAt(d.get('Kids'), rev)?.items ?? []) walk(k, full, type, depth + 1);
      };
      for (const f of reader.arrayAt(acro?.get('Fields'), rev)?.items ?? []) walk(f, '', undefined, 0);
    } catch {
      // An unreadable old revision cannot hide anything the newest one shows; move on.
    }
  }
  return out;
}

function fromDict(
  reader: RevisionReader,
  rev: number,
  sigDict: PdfDict,
  field: string,
  fieldRef: PdfRef | null,
  sigRef: PdfRef,
): LocatedSignature {
  const br = reader.arrayAt(sigDict.get('ByteRange'), rev);
  const nums = br?.items.map((x) => reader.resolveAt(x, rev)) ?? [];
  const byteRange =
    nums.length === 4 && nums.every((n): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0)
      ? (nums as [number, number, number, number])
      : null;
  const contents = reader.resolveAt(sigDict.get('Contents'), rev);
  const subFilter = sigDict.nameOf('SubFilter') ?? '';
  const m = reader.resolveAt(sigDict.get('M'), rev);
  return {
    field: `${field} (ya no figura en el formulario actual)`,
    fieldRef,
    sigRef,
    sigDict,
    page: null,
    kind: sigDict.nameOf('Type') === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature',
    subFilter,
    byteRange,
    contents: contents instanceof PdfString ? contents.bytes : null,
    claimedTime: m instanceof PdfString ? pdfDate(m.text()) : null,
  };
}
