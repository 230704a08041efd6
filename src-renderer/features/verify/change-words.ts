import type { Change, SignatureReport } from '../../../src-main/api/verify';

/** The translate function of useI18n() (declared here so that this module stays plain TypeScript, testable under Node). */
export type T = (key: string, vars?: Record<string, string | number>) => string;

/** One line a person reads: the same words said once, with the changes (and their objects) behind it. */
export type ChangeGroup = { revision: number; allowed: boolean; text: string; objects: string[]; changes: Change[] };

/**
 * The words for one change, from its code and parameters (`verify.changeKinds.<kind>` in es.json / en.json).
 * Optional parts (" de la página 2", " «Expediente»", " (detalle)") are fragments of their own so that each
 * language orders them. A signature added in a field that a signature of the same file signs is told by the
 * signer's name. Object numbers stay out of the words (the details list them). A change without a code (an older report) keeps the core's Spanish message.
 */
export function changeText(t: T, c: Change, signatures: SignatureReport[] = []): string {
  if (!c.kind) return c.message;
  const p = c.params ?? {};
  if (c.kind === 'signature-added' && p.field) {
    const signer = signatures.find((s) => s.field === p.field && s.kind === 'signature')?.signer?.name;
    if (signer) return t('verify.changeKinds.signatureAddedBy', { signer, field: p.field });
  }
  const vars = {
    field: p.field ? t('verify.changeParts.field', { field: p.field }) : '',
    ofPage: p.page !== undefined ? t('verify.changeParts.ofPage', { page: p.page }) : '',
    onPage: p.page !== undefined ? t('verify.changeParts.onPage', { page: p.page }) : '',
    detail: p.detail ? t('verify.changeParts.detail', { detail: p.detail }) : p.key ? t('verify.changeParts.key', { key: p.key }) : '',
    subtype: p.subtype ?? '?',
    where: p.detail ?? '?',
  };
  const key = `verify.changeKinds.${c.kind}`;
  const text = t(key, vars);
  return text === key ? c.message : text;
}

/** Groups changes by revision and by what a person reads: one line per distinct text, refused ones first. */
export function groupChanges(t: T, changes: Change[], signatures: SignatureReport[] = []): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const c of changes) {
    const text = changeText(t, c, signatures);
    const id = `${c.revision}\u0000${c.allowed ? 1 : 0}\u0000${text}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { revision: c.revision, allowed: c.allowed, text, objects: [], changes: [] }));
    g.changes.push(c);
    if (!g.objects.includes(c.object)) g.objects.push(c.object);
  }
  return [...groups.values()].sort((a, b) => a.revision - b.revision || Number(a.allowed) - Number(b.allowed));
}

/** The pages the change analysis names (page 1 when none), at most `max`. */
export function pagesToCompare(changes: Change[], max = 3): number[] {
  const pages = [...new Set(changes.map((c) => c.params?.page).filter((p): p is number => typeof p === 'number' && p >= 1))];
  pages.sort((a, b) => a - b);
  return pages.length ? pages.slice(0, max) : [1];
}
