/**
 * The vocabulary of modification analysis: a path from the trailer, a difference found inside an overwritten
 * object (seen at one of the paths by which the older revision reached it), the levels changes are ranked by,
 * and what a rule answers.
 */
import type { PdfValue } from '../../pdf/pdf-objects';

/** One step of a path: a dictionary key or an array index. */
export type Seg = string | number;
export type Path = readonly Seg[];

/**
 * How far a change goes, from least to most: validation data (DSS, document timestamps, metadata), form filling
 * (including signing), annotations, anything else. Compared with DocMDP and FieldMDP in permissions.ts only.
 */
export type Level = 'none' | 'validation' | 'form' | 'annotations' | 'other';
export const LEVEL_RANK: Record<Level, number> = { none: 0, validation: 1, form: 2, annotations: 3, other: 4 };

export function maxLevel(a: Level, b: Level): Level {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

/** What a change is, as a code with parameters; the words come from changeText(). */
export type ChangeKind =
  | 'structure'
  | 'info'
  | 'metadata'
  | 'dss'
  | 'extensions'
  | 'signature-added'
  | 'timestamp-added'
  | 'field-filled'
  | 'appearance'
  | 'form-resources'
  | 'form-flags'
  | 'annotation-added'
  | 'annotation-modified'
  | 'annotation-removed'
  | 'struct-tree'
  | 'outline'
  | 'tab-order'
  | 'signature-modified'
  | 'field-definition'
  | 'page-content'
  | 'page-resources'
  | 'page-tree'
  | 'catalog'
  | 'object-added'
  | 'object-changed'
  | 'object-removed'
  | 'unanalysable';

export type ChangeParams = { field?: string; page?: number; subtype?: string; key?: string; object?: string; detail?: string };

/** A difference found in one overwritten object (or the trailer), at an absolute path of the older revision. */
export type Diff = {
  path: Path;
  /** Value in the older revision (undefined: the key or object did not exist). */
  old: PdfValue | undefined;
  /** Value in the newer revision (undefined: removed). */
  new: PdfValue | undefined;
};

/** A rule's answer for one difference: the level and kind of the change it explains. */
export type Approval = { level: Exclude<Level, 'other'>; kind: ChangeKind; params?: ChangeParams; filledField?: string };

/** A rule that recognises a difference but refuses it, saying what it is. */
export type Refusal = { level: 'other'; kind: ChangeKind; params?: ChangeParams };

export type RuleAnswer = Approval | Refusal | null;

/** One change of one revision, as judged against nothing yet (the signature's permissions judge it later). */
export type RevisionChange = {
  revision: number;
  objects: string[];
  level: Level;
  kind: ChangeKind;
  params: ChangeParams;
  /** Full name of the field whose value this change sets (for FieldMDP). */
  field?: string;
};

export function pathText(p: Path): string {
  return p.length === 0 ? '(tráiler)' : p.map((s) => (typeof s === 'number' ? `[${s}]` : `/${s}`)).join('');
}
