import type { CareState, PlaybookMemory } from '../playbooks/care-state.js';

// Playbook keys like `constructor` are valid, and care.playbooks is a plain object parsed
// from JSON: a bare `care.playbooks[key]` would find Object.prototype's members. Own
// properties only, and new entries are defined rather than assigned.

/** The customer's memory of one playbook, if any. */
export function memoryOf(care: CareState, key: string): PlaybookMemory | undefined {
  return Object.hasOwn(care.playbooks, key) ? care.playbooks[key] : undefined;
}

/** The customer's memory of one playbook, created empty when missing (mutates `care`). */
export function ensureMemory(care: CareState, key: string): PlaybookMemory {
  const existing = memoryOf(care, key);
  if (existing !== undefined) return existing;
  const memory: PlaybookMemory = {};
  Object.defineProperty(care.playbooks, key, { value: memory, writable: true, enumerable: true, configurable: true });
  return memory;
}
