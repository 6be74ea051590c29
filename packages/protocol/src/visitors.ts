/**
 * "Who is on the site now" as GET /api/v1/visitors/live returns it: the server builds it from
 * the living profile, the console's live-visitors view reads it.
 */

export interface LiveVisitorView {
  customerId: string;
  userId: string | null;
  name: string | null;
  email: string | null;
  /** ISO times. */
  lastSeenAt: string | null;
  visitStartedAt: string | null;
  currentPage: { path: string | null; title: string | null; url: string | null; since: string | null } | null;
  /** How long on the current page when the list was read (the console counts on from there). */
  timeOnPageMs: number | null;
  pagesThisVisit: number;
  cart: { value: number; currency: string | null; items: number };
  localTime: { timezone: string; iso: string; hour: number; minute: number } | null;
  location: { city: string | null; country: string | null };
  journeyStage: string;
  /** A conversation of theirs that is not resolved. */
  conversation: { open: boolean; id: string | null };
  /** Has a chat socket on this server: an invitation reaches them only through one. */
  connected: boolean;
}

export interface LiveVisitorsPage {
  visitors: LiveVisitorView[];
  nextCursor: string | null;
}
