import type { NormalizedEvent } from './normalized-event.js';

/**
 * Events a tracker sends ABOUT the visitor's inactivity rather than because the visitor did
 * something. The widget reports `Idle Started` after 60 s without input: if it counted as
 * activity it would extend the session and re-arm every dwell countdown at the very moment the
 * visitor stopped — a 60 s "stuck at payment" dwell would never come due.
 */
const PASSIVE_SIGNALS: ReadonlySet<string> = new Set(['Idle Started']);

export function isPassiveSignal(e: NormalizedEvent): boolean {
  return e.type === 'track' && e.event !== null && PASSIVE_SIGNALS.has(e.event);
}
