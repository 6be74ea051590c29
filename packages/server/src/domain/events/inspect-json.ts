import { LIMITS, type Issue, type IssueCode } from '@omotenashi/protocol';
import { indexPath, keyPath } from './json-path.js';

declare global {
  interface String {
    /** ES2024 (Node 20 has it); our TS lib is ES2023, so declare it here. */
    isWellFormed(): boolean;
  }
}

/**
 * One recursive walk over a parsed JSON value that finds what would hurt us downstream:
 * - nesting deeper than `maxDepth` (`too_deep`; the walk does not descend further, which
 *   also bounds recursion). The value passed in is depth 0, so for an event `properties`
 *   is depth 1 and `properties.cart` depth 2.
 * - more than `maxKeys` object keys in total (`too_many`, at the base path; the walk stops,
 *   so hostile input costs at most maxKeys key visits).
 * - keys `__proto__`, `constructor`, `prototype` (`forbidden_key`): harmless in a
 *   JSON.parse result but dangerous once code merges or spreads these objects.
 * - strings (keys and values) with U+0000 (`nul_byte`, PostgreSQL text cannot hold it) or
 *   a lone surrogate (`lone_surrogate`, not encodable as UTF-8).
 *
 * Issues are appended to `issues` until it holds `maxIssues` entries, so a hostile payload
 * cannot produce a huge error list. Paths are only built when something is reported.
 */
export function inspectJson(
  value: unknown,
  basePath: string,
  issues: Issue[],
  maxIssues: number,
  limits: InspectLimits = DEFAULT_LIMITS,
): void {
  if (issues.length >= maxIssues) return;
  const walk: Walk = {
    issues,
    maxIssues,
    maxDepth: limits.maxDepth,
    maxKeys: limits.maxKeys,
    base: basePath,
    trail: [],
    keys: 0,
    stopped: false,
  };
  visit(walk, value, 0);
}

export interface InspectLimits {
  maxDepth: number;
  maxKeys: number;
}

const DEFAULT_LIMITS: InspectLimits = { maxDepth: LIMITS.maxDepth, maxKeys: LIMITS.maxKeys };

interface Walk {
  issues: Issue[];
  maxIssues: number;
  maxDepth: number;
  maxKeys: number;
  base: string;
  /** Keys and indexes from the base to the current value; a path is made from it on demand. */
  trail: (string | number)[];
  keys: number;
  stopped: boolean;
}

function visit(w: Walk, value: unknown, depth: number): void {
  if (typeof value === 'string') {
    checkString(w, value, 'value');
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth > w.maxDepth) {
    report(w, currentPath(w), 'too_deep', `is nested deeper than ${w.maxDepth} levels`);
    return;
  }
  const trail = w.trail;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      trail.push(i);
      visit(w, value[i], depth + 1);
      trail.pop();
      if (w.stopped) return;
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  // for…in rather than Object.keys: no array allocated per object. JSON.parse output has
  // no inherited enumerable properties, so no hasOwn check is needed.
  for (const key in obj) {
    if (++w.keys > w.maxKeys) {
      report(w, w.base, 'too_many', `has more than ${w.maxKeys} keys in total (nested objects included)`);
      w.stopped = true;
      return;
    }
    trail.push(key);
    if (isForbiddenKey(key)) {
      report(w, currentPath(w), 'forbidden_key', 'is a forbidden key (it could pollute object prototypes)');
    } else {
      checkString(w, key, 'key');
      visit(w, obj[key], depth + 1);
    }
    trail.pop();
    if (w.stopped) return;
  }
}

function checkString(w: Walk, s: string, what: 'key' | 'value'): void {
  if (s.indexOf('\u0000') !== -1) {
    report(w, currentPath(w), 'nul_byte', `${IS_A[what]} a NUL character (U+0000)`);
  }
  if (!s.isWellFormed()) {
    report(w, currentPath(w), 'lone_surrogate', `${IS_A[what]} a lone UTF-16 surrogate, which is not valid Unicode`);
  }
}

const IS_A = { key: 'is a key containing', value: 'contains' } as const;

function isForbiddenKey(key: string): boolean {
  // Length first: almost every key is rejected by one integer compare.
  const n = key.length;
  if (n === 9) return key === '__proto__' || key === 'prototype';
  return n === 11 && key === 'constructor';
}

function report(w: Walk, path: string, code: IssueCode, problem: string): void {
  if (w.stopped) return;
  w.issues.push({ path, code, message: `${path === '' ? 'event' : path} ${problem}` });
  if (w.issues.length >= w.maxIssues) w.stopped = true;
}

function currentPath(w: Walk): string {
  let path = w.base;
  for (const seg of w.trail) path = typeof seg === 'number' ? indexPath(path, seg) : keyPath(path, seg);
  return path;
}
