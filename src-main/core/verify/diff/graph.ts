/**
 * The reference graph of one revision, for finding every path by which that revision reached an object from
 * its trailer. Only ownership edges are followed; back links and cross links (/Parent, /P, /Prev, /Last, /Dest,
 * /D, /Pg, /Obj, /IRT, /Popup, /OpenAction) are kept apart and used only for an object no ownership path reaches. Everything
 * is bounded: objects visited, edges, paths per object and search steps; past a bound the caller fails closed.
 */
import { PdfArray, PdfDict, PdfRef, PdfStream, type PdfValue } from '../../pdf/pdf-objects';
import type { RevisionReader } from '../revision-objects';
import type { Path, Seg } from './types';

export const LINK_KEYS = new Set(['Parent', 'P', 'Prev', 'Last', 'Dest', 'D', 'Pg', 'Obj', 'IRT', 'Popup', 'SE', 'OpenAction']);

const MAX_OBJECTS = 250_000;
const MAX_EDGES = 2_000_000;
const MAX_DIRECT_DEPTH = 32;
export const MAX_PATHS = 64;
const MAX_STEPS = 50_000;

/** An edge from a container (an object number, or -1 for the trailer) at a relative path to an object. */
type Edge = { from: number; rel: Seg[] };

export class GraphLimitError extends Error {}

export class RevisionGraph {
  private readonly strict = new Map<number, Edge[]>();
  private readonly links = new Map<number, Edge[]>();
  readonly reachable = new Set<number>();

  constructor(
    private readonly reader: RevisionReader,
    readonly rev: number,
  ) {
    let edges = 0;
    const queue: number[] = [];
    const add = (map: Map<number, Edge[]>, to: number, e: Edge): void => {
      if (++edges > MAX_EDGES) throw new GraphLimitError('demasiadas referencias');
      const list = map.get(to);
      if (list) list.push(e);
      else map.set(to, [e]);
    };
    const visit = (from: number, v: PdfValue | undefined): void => {
      walkRefs(v, [], false, (ref, rel, link) => {
        add(link ? this.links : this.strict, ref.num, { from, rel });
        if (!link && !this.reachable.has(ref.num)) {
          if (this.reachable.size >= MAX_OBJECTS) throw new GraphLimitError('demasiados objetos');
          this.reachable.add(ref.num);
          queue.push(ref.num);
        }
      });
    };
    visit(-1, reader.revision(rev).trailer);
    for (let i = 0; i < queue.length; i++) {
      const num = queue[i] as number;
      let value: PdfValue | undefined;
      try {
        value = reader.objectAt(num, rev);
      } catch {
        continue; // an unreadable object has no outgoing edges; changes to it are judged by their own paths
      }
      visit(num, value);
    }
  }

  /**
   * Every simple path from the trailer to `num` along ownership edges; when there is none, along any edges
   * (an object only a link reaches is still judged by where it is linked from). Empty when the revision did not reach the object; null past a bound.
   */
  pathsTo(num: number): Path[] | null {
    const strict = this.search(num, false);
    if (strict === null || strict.length > 0) return strict;
    return this.search(num, true);
  }

  private search(target: number, links: boolean): Path[] | null {
    const out: Path[] = [];
    let steps = 0;
    const onPath = new Set<number>();
    const rec = (num: number, suffix: Seg[], allowLink: boolean): boolean => {
      if (++steps > MAX_STEPS) return false;
      const edges = [...(this.strict.get(num) ?? []), ...(allowLink ? (this.links.get(num) ?? []) : [])];
      onPath.add(num);
      for (const e of edges) {
        const next = [...e.rel, ...suffix];
        if (e.from === -1) {
          out.push(next);
          if (out.length > MAX_PATHS) return false;
        } else if (!onPath.has(e.from)) {
          if (!rec(e.from, next, allowLink)) return false;
        }
      }
      onPath.delete(num);
      return true;
    };
    return rec(target, [], links) ? out : null;
  }
}

/** Calls `fn` for every reference inside a value's direct structure, with its relative path and whether it is a link. */
export function walkRefs(v: PdfValue | undefined, rel: Seg[], link: boolean, fn: (ref: PdfRef, rel: Seg[], link: boolean) => void): void {
  const rec = (x: PdfValue | undefined, p: Seg[], isLink: boolean, depth: number): void => {
    if (depth > MAX_DIRECT_DEPTH || x === undefined || x === null) return;
    if (x instanceof PdfRef) fn(x, p, isLink);
    else if (x instanceof PdfArray) x.items.forEach((item, i) => rec(item, [...p, i], isLink, depth + 1));
    else if (x instanceof PdfDict || x instanceof PdfStream) {
      const d = x instanceof PdfStream ? x.dict : x;
      for (const [k, item] of d.entries) rec(item, [...p, k], isLink || LINK_KEYS.has(k), depth + 1);
    }
  };
  rec(v, rel, link, 0);
}
