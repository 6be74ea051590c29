import type { BusinessHours, SlaState } from '@omotenashi/protocol';
import type { SlaTarget, SlaTargetName, SlaTrack } from '../../ports/conversation-store.js';
import { addBusinessMinutes } from './business-hours.js';

/*
 * Service-level targets of a conversation. planSla starts and stops the clocks as things
 * happen; checkSla says where they stand at a moment and when the monitor must look again,
 * so the monitor wakes only for conversations whose warning or due time has come.
 */

export interface SlaPolicyLike {
  firstResponseMinutes: number;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  businessHours: BusinessHours | null;
}

/** Without a policy: a first answer within 24 hours, around the clock, and nothing else. */
export const DEFAULT_SLA: SlaPolicyLike = Object.freeze({
  firstResponseMinutes: 24 * 60,
  nextResponseMinutes: null,
  resolutionMinutes: null,
  businessHours: null,
});

/** Warn when this share of a target's business time has passed. */
export const WARN_AT = 0.8;

export type SlaEvent = 'created' | 'customer_message' | 'operator_reply' | 'resolved' | 'reopened' | 'pending' | 'snoozed';

/** In the order ties are reported: the customer's first wait matters most. */
const TARGETS: readonly SlaTargetName[] = ['first_response', 'next_response', 'resolution'];

export function emptyTrack(): SlaTrack {
  return { first_response: null, next_response: null, resolution: null, warned: [], breaches: [] };
}

function copyTrack(track: SlaTrack): SlaTrack {
  return {
    first_response: track.first_response && { ...track.first_response },
    next_response: track.next_response && { ...track.next_response },
    resolution: track.resolution && { ...track.resolution },
    warned: [...track.warned],
    breaches: [...track.breaches],
  };
}

/**
 * Starts and stops targets on a conversation event; returns a new track (input not mutated).
 *
 * A target stopped after its due time is recorded in `breaches` even if the monitor had not
 * got to it yet, so reports stay right; call checkSla(track, now) before planSla when the
 * breach alert (webhook) for such a late stop must still go out.
 */
export function planSla(track: SlaTrack, event: SlaEvent, policy: SlaPolicyLike, now: number): SlaTrack {
  const next = copyTrack(track);
  const start = (name: SlaTargetName, minutes: number): void => {
    next[name] = {
      dueAt: addBusinessMinutes(now, minutes, policy.businessHours),
      warnAt: addBusinessMinutes(now, minutes * WARN_AT, policy.businessHours),
    };
    // A new run: its alerts have not gone out yet.
    next.warned = next.warned.filter((n) => n !== name);
    next.breaches = next.breaches.filter((n) => n !== name);
  };
  const stop = (name: SlaTargetName): void => {
    const running = next[name];
    if (running === null) return;
    if (now >= running.dueAt && !next.breaches.includes(name)) next.breaches.push(name);
    // A met target leaves no trace; a breached one stays in `breaches` for the record.
    next.warned = next.warned.filter((n) => n !== name);
    next[name] = null;
  };

  switch (event) {
    case 'created':
      if (next.first_response === null) start('first_response', policy.firstResponseMinutes);
      if (policy.resolutionMinutes !== null && next.resolution === null) start('resolution', policy.resolutionMinutes);
      break;
    case 'customer_message':
      // Before the first answer the first-response clock already covers the customer's wait.
      if (policy.nextResponseMinutes !== null && next.first_response === null && next.next_response === null) {
        start('next_response', policy.nextResponseMinutes);
      }
      break;
    case 'operator_reply':
      stop('first_response');
      stop('next_response');
      break;
    case 'resolved':
      for (const name of TARGETS) stop(name);
      break;
    case 'reopened':
      // One answer clock at a time: the customer waits for the next answer, or for a first
      // one when the policy has no next-response target.
      if (policy.nextResponseMinutes !== null) {
        stop('first_response');
        start('next_response', policy.nextResponseMinutes);
      } else {
        stop('next_response');
        start('first_response', policy.firstResponseMinutes);
      }
      if (policy.resolutionMinutes !== null) start('resolution', policy.resolutionMinutes);
      break;
    case 'pending':
    case 'snoozed':
      // Waiting on the customer (or parked): nobody owes an answer, but resolution still runs.
      stop('first_response');
      stop('next_response');
      break;
  }
  return next;
}

export interface SlaCheck {
  track: SlaTrack;
  state: SlaState;
  alerts: { target: SlaTargetName; kind: 'warning' | 'breached' }[];
  /** When to look again: the earliest warning or due time not yet alerted (null: none). */
  nextCheckAt: number | null;
  /** The earliest due time of a running target, and which target it is. */
  dueAt: number | null;
  target: SlaTargetName | null;
}

/**
 * What stands at `now`: new alerts (each target warns once and breaches once per run), the
 * state, and when to look again. A target is breached from its due time on and at risk from
 * its warning time on; one found already breached is not also warned about (the monitor was
 * late, and "at risk" after the fact is noise).
 */
export function checkSla(track: SlaTrack, now: number): SlaCheck {
  const next = copyTrack(track);
  const alerts: SlaCheck['alerts'] = [];
  let running = false;
  let atRisk = false;
  let nextCheckAt: number | null = null;
  let due: { at: number; target: SlaTargetName } | null = null;
  const later = (at: number): void => {
    if (nextCheckAt === null || at < nextCheckAt) nextCheckAt = at;
  };

  for (const name of TARGETS) {
    const target: SlaTarget | null = next[name];
    if (target === null) continue;
    running = true;
    if (due === null || target.dueAt < due.at) due = { at: target.dueAt, target: name };
    if (now >= target.dueAt) {
      if (!next.breaches.includes(name)) {
        next.breaches.push(name);
        alerts.push({ target: name, kind: 'breached' });
      }
      if (!next.warned.includes(name)) next.warned.push(name);
      continue;
    }
    if (now >= target.warnAt) {
      atRisk = true;
      if (!next.warned.includes(name)) {
        next.warned.push(name);
        alerts.push({ target: name, kind: 'warning' });
      }
    } else if (!next.warned.includes(name)) {
      later(target.warnAt);
    }
    // The breach of a run already marked breached (e.g. restored from an old row) is not due again.
    if (!next.breaches.includes(name)) later(target.dueAt);
  }

  const state: SlaState = next.breaches.length > 0 ? 'breached' : !running ? 'none' : atRisk ? 'at_risk' : 'ok';
  return { track: next, state, alerts, nextCheckAt, dueAt: due?.at ?? null, target: due?.target ?? null };
}
