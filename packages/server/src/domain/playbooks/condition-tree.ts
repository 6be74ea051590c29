import { compileTest } from './condition-ops.js';
import type { Condition, FactCondition } from './definition.js';

/*
 * Condition trees (any / all / not over fact tests) compiled into closures, generic over what
 * facts are read from: the customer (playbook conditions) or one event (an EventMatch's where).
 */

/** One evaluated leaf: the human explanation of why a playbook did (not) act. */
export interface ConditionTrace {
  fact: string;
  op: string;
  expected: unknown;
  seen: unknown;
  ok: boolean;
}

/** A compiled condition tree. Pass `trace` to record each leaf evaluated, null for none (the hot path). */
export type CompiledCondition<C> = (ctx: C, trace: ConditionTrace[] | null) => boolean;

const always = (): boolean => true;

/**
 * Compiles one condition (recursively) over any context, given how to read a fact from it.
 * Throws on an unknown fact: definitions are validated before they are compiled, so this is a bug.
 */
export function compileCondition<C>(cond: Condition, resolve: (name: string) => ((ctx: C) => unknown) | null): CompiledCondition<C> {
  if ('fact' in cond) return compileLeaf(cond, resolve);
  if ('not' in cond) {
    const inner = compileCondition(cond.not, resolve);
    return (ctx, trace) => !inner(ctx, trace);
  }
  if ('any' in cond) {
    const parts = cond.any.map((c) => compileCondition(c, resolve));
    return (ctx, trace) => {
      for (let i = 0; i < parts.length; i++) if (parts[i]!(ctx, trace)) return true;
      return false;
    };
  }
  return compileAll(cond.all.map((c) => compileCondition(c, resolve)));
}

/** All of the parts, short-circuiting (so a trace lists only the leaves actually evaluated). */
export function compileAll<C>(parts: readonly CompiledCondition<C>[]): CompiledCondition<C> {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0]!;
  return (ctx, trace) => {
    for (let i = 0; i < parts.length; i++) if (!parts[i]!(ctx, trace)) return false;
    return true;
  };
}

function compileLeaf<C>(cond: FactCondition, resolve: (name: string) => ((ctx: C) => unknown) | null): CompiledCondition<C> {
  const get = resolve(cond.fact);
  if (get === null) throw new Error(`unknown fact "${cond.fact}" (validate playbooks before compiling them)`);
  const test = compileTest(cond.op, cond.value, cond.fact);
  const { fact, op } = cond;
  const expected = cond.value === undefined ? null : cond.value;
  return (ctx, trace) => {
    const seen = get(ctx);
    const ok = test(seen);
    if (trace !== null) trace.push({ fact, op, expected, seen, ok });
    return ok;
  };
}
