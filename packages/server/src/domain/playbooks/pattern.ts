import type { StringPattern } from './definition.js';
import { compileGlob, countWildcards } from './glob.js';

/** More wildcards than this make a glob hard to read and slow to match: write two playbooks. */
export const MAX_GLOB_WILDCARDS = 20;
const MAX_ONE_OF = 50;
const MAX_TEXT = 500;

const never = (): boolean => false;

/**
 * A matcher for a StringPattern: exact text, `{ prefix }`, `{ oneOf }` or `{ glob }` (see glob.ts).
 * Compiled once per playbook; matching allocates nothing. Expects a pattern validatePattern
 * accepted; anything else never matches.
 */
export function compilePattern(p: StringPattern): (s: string) => boolean {
  if (typeof p === 'string') return (s) => s === p;
  if (typeof p !== 'object' || p === null) return never;
  if ('prefix' in p) {
    const prefix = p.prefix;
    return (s) => s.startsWith(prefix);
  }
  if ('oneOf' in p) {
    if (p.oneOf.length === 1) {
      const only = p.oneOf[0];
      return (s) => s === only;
    }
    const set = new Set(p.oneOf);
    return (s) => set.has(s);
  }
  if ('glob' in p) return compileGlob(p.glob);
  return never;
}

function textProblem(text: unknown, what: string): string | null {
  if (typeof text !== 'string') return `${what} must be text`;
  if (text.trim() === '') return `${what} must not be empty`;
  if (text.length > MAX_TEXT) return `${what} must be at most ${MAX_TEXT} characters`;
  if (text.trim() !== text) return `${what} has leading or trailing spaces, so it would never match`;
  return null;
}

/** What is wrong with a pattern, in plain English (to follow its path), or null when it is fine. */
export function validatePattern(p: unknown): string | null {
  if (typeof p === 'string') return textProblem(p, 'the pattern');
  const keys = typeof p === 'object' && p !== null && !Array.isArray(p) ? Object.keys(p) : [];
  if (keys.length !== 1) return 'a pattern must be text or an object with exactly one of prefix, glob, oneOf';
  const value = (p as Record<string, unknown>)[keys[0]!];
  switch (keys[0]) {
    case 'prefix':
      return textProblem(value, 'prefix');
    case 'glob': {
      const problem = textProblem(value, 'glob');
      if (problem !== null) return problem;
      const glob = value as string;
      if (glob.includes('***')) return 'glob has "***"; use * (within one path segment) or ** (across segments)';
      const wildcards = countWildcards(glob);
      if (wildcards > MAX_GLOB_WILDCARDS) {
        return `glob has ${wildcards} wildcards; at most ${MAX_GLOB_WILDCARDS} are allowed`;
      }
      return null;
    }
    case 'oneOf': {
      if (!Array.isArray(value)) return 'oneOf must be a list of texts';
      if (value.length === 0) return 'oneOf must list at least one value';
      if (value.length > MAX_ONE_OF) return `oneOf lists ${value.length} values; at most ${MAX_ONE_OF} are allowed`;
      for (let i = 0; i < value.length; i++) {
        const problem = textProblem(value[i], `oneOf[${i}]`);
        if (problem !== null) return problem;
      }
      return null;
    }
    default:
      return `a pattern must be text or an object with exactly one of prefix, glob, oneOf (not ${keys[0]})`;
  }
}
