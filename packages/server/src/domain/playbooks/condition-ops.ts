import type { ConditionOp, StringPattern } from './definition.js';
import { compilePattern } from './pattern.js';

/*
 * The comparison operators, each compiled once into a test of the value a fact holds. Tests are
 * strict and never coerce: "50" is not greater than 10, and a fact that is null (unknown) fails
 * every test but ne, notIn, notExists and eq null. Failing closed keeps a playbook quiet when
 * we do not know enough about the customer, which is the polite default.
 */

export type ValueTest = (seen: unknown) => boolean;

/** Facts whose `between` may wrap around, e.g. local.hour [21, 6] = 21:00 to 06:59. */
const CYCLIC_FACTS = new Set(['local.hour']);

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/** Whether `between [lo, hi]` with lo > hi is allowed (wrap-around) for this fact. */
export function allowsWrapAround(fact: string): boolean {
  return CYCLIC_FACTS.has(fact);
}

/**
 * The test for `op` with `value` (as validated by validatePlaybook). `fact` only matters for
 * `between`, which wraps around for cyclic facts.
 */
export function compileTest(op: ConditionOp, value: unknown, fact: string): ValueTest {
  switch (op) {
    case 'eq':
      return (seen) => seen === value || (value === null && seen === undefined);
    case 'ne':
      return (seen) => !(seen === value || (value === null && seen === undefined));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compileComparison(op, value);
    case 'in':
    case 'notIn': {
      const set = new Set(Array.isArray(value) ? value : [value]);
      return op === 'in' ? (seen) => set.has(seen) : (seen) => !set.has(seen);
    }
    case 'contains':
      return (seen) =>
        typeof seen === 'string'
          ? typeof value === 'string' && seen.includes(value)
          : Array.isArray(seen) && seen.includes(value);
    case 'exists':
      return (seen) => seen !== null && seen !== undefined;
    case 'notExists':
      return (seen) => seen === null || seen === undefined;
    case 'matches': {
      const match = compilePattern(value as StringPattern);
      return (seen) => typeof seen === 'string' && match(seen);
    }
    case 'between':
      return compileBetween(value, allowsWrapAround(fact));
  }
}

function compileComparison(op: 'gt' | 'gte' | 'lt' | 'lte', value: unknown): ValueTest {
  if (!isNumber(value)) return () => false;
  switch (op) {
    case 'gt':
      return (seen) => isNumber(seen) && seen > value;
    case 'gte':
      return (seen) => isNumber(seen) && seen >= value;
    case 'lt':
      return (seen) => isNumber(seen) && seen < value;
    case 'lte':
      return (seen) => isNumber(seen) && seen <= value;
  }
}

function compileBetween(value: unknown, wraps: boolean): ValueTest {
  const lo: unknown = Array.isArray(value) ? value[0] : undefined;
  const hi: unknown = Array.isArray(value) ? value[1] : undefined;
  if (!isNumber(lo) || !isNumber(hi)) return () => false;
  if (lo > hi && wraps) return (seen) => isNumber(seen) && (seen >= lo || seen <= hi);
  return (seen) => isNumber(seen) && seen >= lo && seen <= hi;
}
