/**
 * Modification analysis: every revision after a signature, judged by where the signed revision used what it
 * changed (analyse-revision.ts), each change then compared with the signature's permissions (permissions.ts).
 * Changes are grouped as a person reads them, with their code, parameters and Spanish text.
 */
import type { Change, ModificationsAfter } from '../report';
import type { RevisionReader } from '../revision-objects';
import { analyseRevision } from './analyse-revision';
import { changeText } from './change-text';
import { judgeChange, type Permissions } from './permissions';
import type { RevisionChange } from './types';

export type ModificationAnalysis = { modificationsAfter: ModificationsAfter; changes: Change[]; truncated: boolean };

const MAX_CHANGES_LISTED = 500;

export function revisionChanges(reader: RevisionReader, rev: number): RevisionChange[] {
  return reader.memo(`changes:${rev}`, () => analyseRevision(reader, rev));
}

export function analyseModifications(reader: RevisionReader, signedRevision: number, perms: Permissions): ModificationAnalysis {
  const changes: Change[] = [];
  let disallowed = false;
  let any = false;
  let truncated = false;
  for (const view of reader.revisions) {
    if (view.index <= signedRevision) continue;
    for (const c of revisionChanges(reader, view.index)) {
      if (c.level === 'none') continue;
      any = true;
      const j = judgeChange(c, perms);
      if (!j.allowed) disallowed = true;
      if (changes.length >= MAX_CHANGES_LISTED) {
        truncated = true;
        continue;
      }
      const text = changeText(c.kind, c.params);
      changes.push({
        revision: c.revision,
        object: c.objects.join(', '),
        allowed: j.allowed,
        message: j.why ? `${text} No permitido: ${j.why}.` : text,
        kind: c.kind,
        params: c.params,
        level: c.level,
      });
    }
  }
  return { modificationsAfter: disallowed ? 'disallowed' : any ? 'allowed' : 'none', changes, truncated };
}
