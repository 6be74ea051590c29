import type { ConversationStatus } from '@omotenashi/protocol';

/** The fields of a conversation the inbox counts by. */
export interface Countable { status: ConversationStatus; assigneeId: string | null; team: string | null }

/**
 * Counter keys one conversation contributes to: its status, its assignee (or "unassigned") and
 * its team, each per status. The inbox reads these instead of COUNT(*) per request.
 */
export function countKeys(c: Countable): string[] {
  const keys = [`status:${c.status}`, c.assigneeId ? `assignee:${c.assigneeId}:${c.status}` : `unassigned:${c.status}`];
  if (c.team) keys.push(`team:${c.team}:${c.status}`);
  return keys;
}

/** What to add to the counters when a conversation goes from `before` to `after` (null = absent). */
export function countDeltas(before: Countable | null, after: Countable | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of before ? countKeys(before) : []) out[k] = (out[k] ?? 0) - 1;
  for (const k of after ? countKeys(after) : []) out[k] = (out[k] ?? 0) + 1;
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}
