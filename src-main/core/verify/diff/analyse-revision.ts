/**
 * What one incremental update changed, judged by where the revision before it used each overwritten object:
 * for every object the update redefines, every path by which the older revision reached it from the trailer
 * (graph.ts) is combined with every difference inside it (object-diff.ts), and a rule must explain each pair
 * (rules/). An object is explained only when every path is. New objects are fine when nothing reaches them or
 * when they are reached only through explained differences; an object number the older revision already
 * referred to (a dangling reference) is judged like an overwritten object. Bounded; past a bound the update
 * is unanalysable, which counts as a disallowed change.
 */
import { PdfRef, type PdfValue } from '../../pdf/pdf-objects';
import type { RevisionReader } from '../revision-objects';
import { RuleContext } from './context';
import { GraphLimitError, RevisionGraph, walkRefs } from './graph';
import { DiffLimitError, diffObject, sameValue } from './object-diff';
import { judgeDiff } from './rules';
import { maxLevel, pathText, type ChangeKind, type ChangeParams, type Level, type Path, type RevisionChange } from './types';

const MAX_NEW_WALK = 250_000;

export function analyseRevision(reader: RevisionReader, rev: number): RevisionChange[] {
  try {
    return analyse(reader, rev);
  } catch (err: unknown) {
    const detail = err instanceof GraphLimitError || err instanceof DiffLimitError || err instanceof Error ? err.message : String(err);
    return [{ revision: rev, objects: ['xref'], level: 'other', kind: 'unanalysable', params: { detail } }];
  }
}

function analyse(reader: RevisionReader, rev: number): RevisionChange[] {
  const oldRev = rev - 1;
  const view = reader.revision(rev);
  const ctx = new RuleContext(reader, oldRev, rev);
  const graph = reader.memo(`graph:${oldRev}`, () => new RevisionGraph(reader, oldRev));
  const existedBefore = (num: number): boolean => reader.objectAt(num, oldRev) !== undefined;
  const isNew = (num: number): boolean => !existedBefore(num) && view.entries.has(num);
  const substituted = new Set<number>();
  const newObjects = new Set<number>();
  const approvedRoots = new Set<number>();
  const groups = new Map<string, RevisionChange>();
  const record = (object: string, level: Level, kind: ChangeKind, params: ChangeParams, field?: string): void => {
    const key = `${kind}|${level}|${JSON.stringify(params)}|${field ?? ''}`;
    const g = groups.get(key);
    if (g) {
      if (!g.objects.includes(object) && g.objects.length < 50) g.objects.push(object);
    } else groups.set(key, { revision: rev, objects: [object], level, kind, params, ...(field !== undefined ? { field } : {}) });
  };

  /** Judges one overwritten container at its paths; the approved differences' new values become approved roots. */
  const judge = (object: string, paths: Path[], before: PdfValue | undefined, after: PdfValue | undefined): void => {
    const diffs = diffObject(reader, before, after, oldRev, rev, isNew, substituted);
    for (const d of diffs) {
      let level: Level = 'none';
      let explained = true;
      const appearanceOf = new Set<string>();
      for (const p of paths) {
        const abs = [...p, ...d.rel];
        const a = judgeDiff(ctx, { path: abs, old: d.old, new: d.new });
        if (!a) {
          explained = false;
          record(object, 'other', after === undefined ? 'object-removed' : before === undefined ? 'object-added' : 'object-changed', {
            object,
            detail: pathText(abs),
          });
          break;
        }
        if (a.level === 'other') {
          explained = false;
          record(object, 'other', a.kind, a.params ?? {});
          break;
        }
        if (a.kind === 'appearance') appearanceOf.add(a.params?.field ?? '');
        if (appearanceOf.size > 1) {
          // An appearance shared by several fields: filling one would redraw the others.
          explained = false;
          record(object, 'other', 'appearance', { ...(a.params ?? {}), detail: 'apariencia compartida por varios campos' });
          break;
        }
        level = maxLevel(level, a.level);
        if (a.level !== 'none') record(object, a.level, a.kind, a.params ?? {}, a.filledField);
      }
      if (explained) walkRefs(d.new, [], false, (ref) => approvedRoots.add(ref.num));
    }
  };

  judge('trailer', [[]], reader.revision(oldRev).trailer, view.trailer);
  for (const [num, entry] of view.entries) {
    if (num === 0) continue;
    const before = reader.objectAt(num, oldRev);
    const after = entry.kind === 'free' ? undefined : reader.objectAt(num, rev);
    if (before === undefined && after === undefined) continue;
    if (before !== undefined && after !== undefined && sameValue(reader, before, after)) continue;
    const paths = graph.pathsTo(num);
    const object = `${num} 0 R`;
    if (paths === null) {
      record(object, 'other', 'unanalysable', { object, detail: 'demasiados caminos hasta el objeto' });
      continue;
    }
    if (paths.length === 0) {
      // The older revision did not use it: a new object in all but number, judged by who reaches it now.
      if (after !== undefined) newObjects.add(num);
      continue;
    }
    judge(object, paths, before, after);
  }

  // New objects reached from the trailer other than through an explained difference.
  const seen = new Set<number>();
  const queue: number[] = [];
  const follow = (v: PdfValue | undefined): void =>
    walkRefs(v, [], false, (ref: PdfRef) => {
      if (seen.has(ref.num) || approvedRoots.has(ref.num)) return;
      if (seen.size >= MAX_NEW_WALK) throw new GraphLimitError('demasiados objetos en la revisión');
      seen.add(ref.num);
      queue.push(ref.num);
    });
  const pending = [...newObjects].filter((n) => !approvedRoots.has(n));
  if (pending.length > 0) {
    follow(view.trailer);
    for (let i = 0; i < queue.length; i++) {
      const num = queue[i] as number;
      if (newObjects.has(num) && !substituted.has(num)) record(`${num} 0 R`, 'other', 'object-added', { object: `${num} 0 R` });
      let v: PdfValue | undefined;
      try {
        v = reader.objectAt(num, rev);
      } catch {
        continue;
      }
      follow(v);
    }
  }
  return [...groups.values()];
}
