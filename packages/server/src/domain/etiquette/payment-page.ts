import type { StringPattern } from '../playbooks/definition.js';
import { compilePattern } from '../playbooks/pattern.js';

// Payment pages are matched with the playbook format's own patterns (playbooks/pattern.ts), so
// `{ glob: '**/payment' }` means the same in settings as in a trigger. Compiled matchers are
// memoised per list: a settings object (and its effective copies, which share the list) lives
// as long as the workspace's settings do, so the hot path compiles nothing. A WeakMap holds
// only pure results and lets old settings go.
const compiled = new WeakMap<readonly StringPattern[], readonly ((path: string) => boolean)[]>();

/** Whether `path` is one of the payment pages. */
export function isPaymentPage(patterns: readonly StringPattern[], path: string): boolean {
  let matchers = compiled.get(patterns);
  if (matchers === undefined) {
    matchers = patterns.map(compilePattern);
    compiled.set(patterns, matchers);
  }
  for (const matches of matchers) if (matches(path)) return true;
  return false;
}
