import { compileAll, compileCondition, type CompiledCondition } from './condition-tree.js';
import type { Condition } from './definition.js';
import { compileFact, type FactContext } from './facts.js';

export type { CompiledCondition, ConditionTrace } from './condition-tree.js';
export { compileEventMatch, compilePageMatch } from './event-match.js';

const always = (): boolean => true;

/** A playbook's `conditions`: all must hold; none means always. */
export function compileConditions(conds: Condition[] | undefined): CompiledCondition<FactContext> {
  if (conds === undefined || conds.length === 0) return always;
  return compileAll(conds.map((c) => compileCondition<FactContext>(c, compileFact)));
}
