/**
 * The rules, each keyed on where a difference lies (its path from the trailer in the older revision). A
 * difference no rule recognises is an unexplained change.
 */
import type { RuleContext } from '../context';
import type { Diff, RuleAnswer } from '../types';
import { acroFormRule } from './acroform';
import { catalogRule } from './catalog';
import { namesRule } from './names';
import { pagesRule } from './pages';
import { privateDataRule } from './private';
import { structTreeRule } from './struct-tree';
import { trailerRule } from './trailer';

export function judgeDiff(ctx: RuleContext, d: Diff): RuleAnswer {
  return (
    trailerRule(d) ??
    privateDataRule(d) ??
    namesRule(ctx, d) ??
    structTreeRule(ctx, d) ??
    catalogRule(d) ??
    acroFormRule(ctx, d) ??
    pagesRule(ctx, d)
  );
}
