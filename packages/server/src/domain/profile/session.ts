import { PROFILE_BOUNDS, type Profile } from './profile.js';

/**
 * Where an event falls relative to the profile's current session:
 * - 'current': inside it (possibly extending it, or slightly late);
 * - 'new': it opened a new session (the previous one had been idle for over 30 minutes);
 * - 'past': a late arrival from an older session, which we no longer hold; it still counts as
 *   an event but leaves the session alone (session counts can under-count for streams that are
 *   badly out of order; "slightly late" events are handled exactly).
 */
export type SessionPlacement = 'current' | 'new' | 'past';

/** Places a customer action in a session and updates the session (mutates, hot path). */
export function placeInSession(profile: Profile, at: number): SessionPlacement {
  const session = profile.session;
  const idle = PROFILE_BOUNDS.sessionIdleMs;
  if (session.lastActivityAt === null || at - session.lastActivityAt > idle) {
    session.count++;
    session.startedAt = at;
    session.lastActivityAt = at;
    session.pages = [];
    session.currentPage = null;
    return 'new';
  }
  if (at >= session.lastActivityAt) {
    session.lastActivityAt = at;
    return 'current';
  }
  const startedAt = session.startedAt ?? session.lastActivityAt;
  if (at >= startedAt - idle) {
    // A late event less than the idle gap before the start: the session really began earlier.
    session.startedAt = Math.min(startedAt, at);
    return 'current';
  }
  return 'past';
}
