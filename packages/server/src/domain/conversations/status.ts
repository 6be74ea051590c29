import { CONVERSATION_STATUSES, type ConversationStatus } from '@omotenashi/protocol';

/*
 * The conversation life cycle, in one place so the REST API, the realtime protocol, incoming
 * customer messages and the snooze monitor cannot disagree about which moves are allowed.
 */

export interface StatusState { status: ConversationStatus; snoozedUntil: number | null }

export type TransitionResult =
  | { ok: true; status: ConversationStatus; snoozedUntil: number | null; changed: boolean }
  | { ok: false; reason: string };

/** The furthest a conversation may be snoozed: beyond that it is forgotten, not snoozed. */
export const MAX_SNOOZE_MS = 90 * 86_400_000;

const ALLOWED: Record<ConversationStatus, readonly ConversationStatus[]> = {
  open: ['pending', 'snoozed', 'resolved'],
  pending: ['open', 'snoozed', 'resolved'],
  snoozed: ['open', 'pending', 'resolved'],
  // A resolved conversation is done; anything but reopening it would hide it without a clock.
  resolved: ['open'],
};

/**
 * Moves a conversation to `to`. Snoozing needs `opts.snoozedUntil` in (now, now + 90 days];
 * every other status clears it. Asking for the current status is not an error (`changed:
 * false`), so retried requests and two operators clicking the same button both succeed.
 */
export function transition(
  current: StatusState,
  to: ConversationStatus,
  opts: { now: number; snoozedUntil?: number | null },
): TransitionResult {
  if (!(CONVERSATION_STATUSES as readonly string[]).includes(to)) {
    return { ok: false, reason: `unknown status ${JSON.stringify(to)}; the statuses are ${CONVERSATION_STATUSES.join(', ')}` };
  }
  const wake = opts.snoozedUntil ?? null;
  if (to !== current.status && !ALLOWED[current.status].includes(to)) {
    return {
      ok: false,
      reason: current.status === 'resolved'
        ? `cannot go from resolved to ${to}; reopen it first`
        : `cannot go from ${current.status} to ${to}`,
    };
  }
  if (to !== 'snoozed') {
    // Refused rather than dropped: a client sending a wake-up time believes it is snoozing.
    if (wake !== null) return { ok: false, reason: `snoozedUntil is only for status snoozed, not ${to}` };
    return { ok: true, status: to, snoozedUntil: null, changed: to !== current.status || current.snoozedUntil !== null };
  }
  if (wake === null) return { ok: false, reason: 'snoozing needs snoozedUntil, the time to reopen the conversation' };
  if (!Number.isFinite(wake)) return { ok: false, reason: 'snoozedUntil must be a time (epoch milliseconds)' };
  if (wake <= opts.now) return { ok: false, reason: 'snoozedUntil must be in the future' };
  if (wake > opts.now + MAX_SNOOZE_MS) return { ok: false, reason: 'snoozedUntil must be at most 90 days ahead' };
  return { ok: true, status: 'snoozed', snoozedUntil: wake, changed: current.status !== 'snoozed' || current.snoozedUntil !== wake };
}

/** A new customer message: pending/snoozed/resolved → open (reopened); open stays open. */
export function onCustomerMessage(current: StatusState): StatusState & { reopened: boolean } {
  if (current.status === 'open') return { status: 'open', snoozedUntil: null, reopened: false };
  // The customer is waiting again, whatever the operator had parked it for.
  return { status: 'open', snoozedUntil: null, reopened: true };
}

/** Snooze expiry: snoozed with snoozedUntil <= now → open. */
export function onSnoozeCheck(current: StatusState, now: number): StatusState & { woke: boolean } {
  if (current.status !== 'snoozed') return { status: current.status, snoozedUntil: current.snoozedUntil, woke: false };
  // A snooze without a wake-up time cannot be made through transition(); waking it beats
  // letting a damaged row sleep forever.
  if (current.snoozedUntil === null || current.snoozedUntil <= now) return { status: 'open', snoozedUntil: null, woke: true };
  return { status: 'snoozed', snoozedUntil: current.snoozedUntil, woke: false };
}
