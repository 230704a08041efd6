/**
 * The document's name trees: only the /AP tree (named appearance streams of annotation icons, which viewers add
 * with comments) is explained, at annotation level. Embedded files, JavaScript and destinations are not.
 */
import type { RuleContext } from '../context';
import type { Diff, RuleAnswer } from '../types';

export function namesRule(ctx: RuleContext, d: Diff): RuleAnswer {
  if (d.path[0] !== 'Root' || d.path[1] !== 'Names') return null;
  if (d.path[2] === 'AP') return { level: 'annotations', kind: 'annotation-added', params: { subtype: 'AP' } };
  if (d.path.length === 2 && d.old === undefined) {
    const names = ctx.dict(ctx.newRev, d.new);
    if (names && [...names.entries.keys()].every((k) => k === 'AP'))
      return { level: 'annotations', kind: 'annotation-added', params: { subtype: 'AP' } };
  }
  return { level: 'other', kind: 'catalog', params: { key: 'Names' } };
}
