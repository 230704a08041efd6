/**
 * The one place where a change's level is compared with what the signatures allow: DocMDP of the certification
 * (1 nothing but validation data, 2 also form filling and signing, 3 also annotations), the signature's own
 * FieldMDP lock (/Lock or a /Reference with /TransformMethod /FieldMDP: /Action /All, /Include, /Exclude with
 * /Fields) and its PDF 2.0 /P. Without certification, form filling, signing and annotations are allowed.
 */
import type { PdfDict } from '../../pdf/pdf-objects';
import { PdfArray, PdfString } from '../../pdf/pdf-objects';
import type { RevisionReader } from '../revision-objects';
import { LEVEL_RANK, type Level, type RevisionChange } from './types';

const ALLOWED_WORDS: Record<Exclude<Level, 'other'>, string> = {
  none: 'ningún cambio',
  validation: 'agregar datos de validación y sellos de tiempo',
  form: 'llenar formularios y firmar',
  annotations: 'llenar formularios, firmar y anotar',
};

export type FieldLock = { action: 'All' | 'Include' | 'Exclude'; fields: string[] };
export type Permissions = { maxLevel: Exclude<Level, 'other'>; locks: FieldLock[] };

export function levelForDocMdp(p: 1 | 2 | 3 | null): Exclude<Level, 'other'> {
  return p === 1 ? 'validation' : p === 2 ? 'form' : 'annotations';
}

/** Permissions after a signature: the document's certification, tightened by the signature's own lock. */
export function permissionsFor(docMdp: 1 | 2 | 3 | null, locks: FieldLock[], lockP: 1 | 2 | 3 | null = null): Permissions {
  const a = levelForDocMdp(docMdp);
  const b = levelForDocMdp(lockP);
  return { maxLevel: LEVEL_RANK[a] <= LEVEL_RANK[b] ? a : b, locks };
}

export function isLocked(locks: readonly FieldLock[], field: string): boolean {
  const matches = (names: string[]) => names.some((n) => field === n || field.startsWith(`${n}.`));
  return locks.some((l) => l.action === 'All' || (l.action === 'Include' ? matches(l.fields) : !matches(l.fields)));
}

/** Whether one change is allowed under the permissions, and if not, why (Spanish). */
export function judgeChange(c: RevisionChange, perms: Permissions): { allowed: boolean; why?: string } {
  if (c.level === 'other') return { allowed: false };
  if (LEVEL_RANK[c.level] > LEVEL_RANK[perms.maxLevel])
    return { allowed: false, why: `la certificación del documento permite solo ${ALLOWED_WORDS[perms.maxLevel]}` };
  if (c.field !== undefined && isLocked(perms.locks, c.field))
    return { allowed: false, why: `el campo «${c.field}» está bloqueado por la firma (FieldMDP)` };
  return { allowed: true };
}

/** The FieldMDP locks and PDF 2.0 /P of a signature: its field's /Lock and its dictionary's /Reference. */
export function readLocks(
  reader: RevisionReader,
  rev: number,
  fieldDict: PdfDict | undefined,
  sigDict: PdfDict | undefined,
): { locks: FieldLock[]; p: 1 | 2 | 3 | null } {
  const locks: FieldLock[] = [];
  let p: 1 | 2 | 3 | null = null;
  const read = (d: PdfDict | undefined): void => {
    if (!d) return;
    const action = d.nameOf('Action');
    if (action === 'All' || action === 'Include' || action === 'Exclude') {
      const arr = reader.resolveAt(d.get('Fields'), rev);
      const fields =
        arr instanceof PdfArray
          ? arr.items
              .map((x) => reader.resolveAt(x, rev))
              .filter((x): x is PdfString => x instanceof PdfString)
              .map((s) => s.text())
          : [];
      locks.push({ action, fields });
    }
    const pv = reader.resolveAt(d.get('P'), rev);
    if (pv === 1 || pv === 2 || pv === 3) p = p === null ? pv : (Math.min(p, pv) as 1 | 2 | 3);
  };
  try {
    read(reader.dictAt(fieldDict?.get('Lock'), rev));
    const refs = reader.arrayAt(sigDict?.get('Reference'), rev);
    for (const r of refs?.items.slice(0, 16) ?? []) {
      const d = reader.dictAt(r, rev);
      if (d?.nameOf('TransformMethod') === 'FieldMDP') read(reader.dictAt(d.get('TransformParams'), rev));
    }
  } catch {
    // An unreadable lock cannot be honoured: lock everything (fail closed).
    locks.push({ action: 'All', fields: [] });
  }
  return { locks, p };
}
