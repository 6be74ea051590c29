import type { CareState, Touch } from '../playbooks/care-state.js';
import type { Purpose } from '../playbooks/definition.js';
import { ensureMemory } from './memory.js';
import { WEEK_MS } from './settings.js';

/**
 * The ledger keeps what the weekly cap can still see, and no more: the care state is
 * rewritten with the profile on every ingestion flush, so it must stay small.
 */
export const LEDGER_BOUNDS = { maxAgeMs: WEEK_MS, maxTouches: 100 } as const;

/**
 * Records a touch (any channel: staff touches are kept for the record and the cooldown, and
 * skipped when counting towards caps), keeping the ledger oldest first, then drops touches
 * older than 7 days (a touch exactly 7 days old no longer counts for the weekly cap) and the
 * oldest beyond 100. Mutates `care`, in place, as the hot path does.
 */
export function recordTouch(care: CareState, touch: Touch, now: number): void {
  const touches = care.touches;
  // Touches arrive in time order almost always; a late one is slotted into place.
  let at = touches.length;
  while (at > 0 && touches[at - 1]!.at > touch.at) at--;
  if (at === touches.length) touches.push(touch);
  else touches.splice(at, 0, touch);

  const cutoff = now - LEDGER_BOUNDS.maxAgeMs;
  let kept = 0;
  for (let i = 0; i < touches.length; i++) {
    const t = touches[i]!;
    if (t.at > cutoff) touches[kept++] = t;
  }
  touches.length = kept;
  if (kept > LEDGER_BOUNDS.maxTouches) touches.splice(0, kept - LEDGER_BOUNDS.maxTouches);
}

/**
 * How many customer-facing touches (onsite and away) happened strictly after `sinceMs`
 * (epoch ms), optionally of one purpose only. Strictly after: with `now - 24 h`, a touch
 * exactly 24 h ago has aged out of the rolling day. Staff touches never count: they do not
 * reach the customer.
 */
export function touchesWithin(care: CareState, sinceMs: number, purpose?: Purpose): number {
  let count = 0;
  for (const t of care.touches) {
    if (t.at > sinceMs && t.channel !== 'staff' && (purpose === undefined || t.purpose === purpose)) count++;
  }
  return count;
}

/**
 * The customer said "no thanks" to a playbook's touch. That silences this playbook (every
 * channel) and, being a dismissal, all customer-facing touches, for dismissCooldownMs.
 * Times only move forward, so a late report of an older click changes nothing.
 */
export function recordDecline(care: CareState, playbookKey: string, at: number): void {
  const memory = ensureMemory(care, playbookKey);
  memory.declinedAt = Math.max(memory.declinedAt ?? at, at);
  recordDismissal(care, at);
}

/** The customer took up a playbook's touch (clicked the hint, accepted the invite). */
export function recordAccept(care: CareState, playbookKey: string, at: number): void {
  const memory = ensureMemory(care, playbookKey);
  memory.acceptedAt = Math.max(memory.acceptedAt ?? at, at);
}

/** The customer dismissed a touch not tied to one playbook (closed the widget). */
export function recordDismissal(care: CareState, at: number): void {
  care.dismissedAt = Math.max(care.dismissedAt ?? at, at);
}
