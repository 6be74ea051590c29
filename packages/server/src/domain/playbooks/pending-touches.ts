/*
 * Which on-site touches a visitor who just connected should still see. A touch is pushed to the
 * sockets open when it fires; a visitor between two pages (a full page load drops the socket for
 * a moment, and the widget connects a little after load) has none, so it would be lost. On the
 * next hello the server sends what is still pending, chosen here (pure: rows and a clock).
 */

/**
 * How long an unanswered touch stays worth showing. Long enough to cover page loads, a slow
 * network or a tab brought back after a short break; short enough that the moment it was about
 * (stuck at payment, lingering on returns) is likely still the visitor's moment — an hour-old
 * "can I help with the payment?" on another page would only puzzle them.
 */
export const PENDING_TOUCH_WINDOW_MS = 10 * 60_000;

export interface TouchRow {
  id: string;
  playbookKey: string;
  kind: string;
  createdAt: number;
  response: string | null;
}

/**
 * Unanswered hints and invitations from the last PENDING_TOUCH_WINDOW_MS, at most one per
 * playbook: its newest touch, and only if that one is unanswered (an invitation supersedes the
 * hint before it, and an answered invitation ends its ladder, so the older hint must not come
 * back). Oldest first, the order they fired in.
 */
export function pendingTouches<T extends TouchRow>(rows: readonly T[], now: number): T[] {
  const newest = new Map<string, T>();
  for (const r of rows) {
    if (r.kind !== 'hint' && r.kind !== 'invite') continue;
    const seen = newest.get(r.playbookKey);
    if (!seen || r.createdAt > seen.createdAt || (r.createdAt === seen.createdAt && r.id > seen.id)) newest.set(r.playbookKey, r);
  }
  return [...newest.values()]
    .filter((r) => r.response === null && r.createdAt > now - PENDING_TOUCH_WINDOW_MS && r.createdAt <= now)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}
