import type { Profile } from '../../domain/profile/profile.js';

/** Bus topic of {@link VisitorActivity}: published after the flush that stored the page commits. */
export const VISITOR_ACTIVITY_TOPIC = 'visitor.activity';

/** A shopper's current page changed: one per customer per flush (the last page wins). */
export interface VisitorActivity {
  workspaceId: string;
  /** The surviving customer (after any merge in the same flush). */
  customerId: string;
  page: { path: string | null; title: string | null; url: string | null };
  /** When the shopper opened the page (the page call's timestamp), epoch ms. */
  at: number;
}

/**
 * Whether anyone watches a workspace's shoppers live. The realtime layer answers (it knows the
 * operator sockets) once attached; until then nobody does, so ingestion records nothing extra.
 */
export interface ActivityAudience {
  watching(workspaceId: string): boolean;
}

/** The activity of one customer whose current page is `profile`'s, or null when it has none. */
export function activityOf(workspaceId: string, customerId: string, profile: Profile | undefined): VisitorActivity | null {
  const p = profile?.session.currentPage;
  return p ? { workspaceId, customerId, page: { path: p.path, title: p.title, url: p.url }, at: p.at } : null;
}
