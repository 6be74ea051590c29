import type { Presence } from '@omotenashi/protocol';

export interface AssignCandidate { id: string; presence: Presence; capacity: number; load: number }

/**
 * The next operator after `lastAssignedId` in id order who is online and below capacity;
 * null if none. Id order (not the order the store returns them in) keeps the rotation fair
 * and stable as operators join and leave; a cursor naming someone who left still works.
 */
export function pickAssignee(candidates: AssignCandidate[], lastAssignedId: string | null): string | null {
  const eligible = candidates
    .filter((c) => c.presence === 'online' && c.load < c.capacity)
    .map((c) => c.id)
    // Code-unit order, not localeCompare: the same on every server whatever its locale.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (eligible.length === 0) return null;
  if (lastAssignedId === null) return eligible[0]!;
  return eligible.find((id) => id > lastAssignedId) ?? eligible[0]!;
}
