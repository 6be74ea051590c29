import type { NormalizedEvent } from '../events/normalized-event.js';
import { insertNewestFirst, insertOldestFirst, mergeNewestFirst } from './bounded-list.js';
import { asObject, asText } from './coerce.js';
import { PROFILE_LIMITS } from './limits.js';
import { PROFILE_BOUNDS, type PageVisit, type Profile } from './profile.js';
import type { SessionPlacement } from './session.js';

const URL_PATH = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i;

/** The path of an absolute URL ("https://shop.example/a/b?x=1" → "/a/b"), or null. */
export function pathFromUrl(url: string | null): string | null {
  if (url === null) return null;
  const match = URL_PATH.exec(url);
  if (match === null) return null;
  return match[1] === undefined || match[1] === '' ? '/' : match[1];
}

/**
 * The visit a page or screen call describes. Fields come from `properties` (what the caller
 * said) and fall back to `context.page` (what analytics.js collected automatically).
 */
export function pageVisitFrom(event: NormalizedEvent): PageVisit {
  const props = event.properties;
  const page = asObject(event.context.page);
  const url = asText(props.url, PROFILE_LIMITS.urlLength) ?? asText(page?.url, PROFILE_LIMITS.urlLength);
  const path =
    asText(props.path, PROFILE_LIMITS.urlLength) ?? asText(page?.path, PROFILE_LIMITS.urlLength) ?? pathFromUrl(url);
  return {
    url,
    path,
    title: asText(props.title) ?? asText(page?.title),
    name: asText(event.name) ?? asText(props.name),
    at: event.timestamp,
  };
}

/** Same page = same URL; screens (no URL) are told apart by path, then by name. */
function pageKey(visit: PageVisit): string | null {
  if (visit.url !== null) return `u:${visit.url}`;
  if (visit.path !== null) return `p:${visit.path}`;
  return visit.name === null ? null : `n:${visit.name}`;
}

/** Records a page view in the recent pages and, when it belongs to the current session, in its path. */
export function recordPageView(profile: Profile, visit: PageVisit, placement: SessionPlacement): void {
  insertRecentPage(profile.recentPages, visit);
  if (placement === 'past') return;
  const session = profile.session;
  // The visit's path is kept compact (no URL or name: the path says where, the title what):
  // the profile is rewritten on every flush, so its size is ingestion throughput.
  const compact: PageVisit = visit.path !== null ? { url: null, path: visit.path, title: visit.title, name: null, at: visit.at } : visit;
  insertOldestFirst(session.pages, compact, PROFILE_BOUNDS.sessionPages);
  if (session.currentPage === null || visit.at >= session.currentPage.at) session.currentPage = visit;
}

/** Newest first, one entry per page (a revisit moves it to the front), bounded. */
export function insertRecentPage(list: PageVisit[], visit: PageVisit): void {
  insertNewestFirst(list, visit, pageKey, PROFILE_BOUNDS.recentPages);
}

/** Two recent-page lists interleaved by time, de-duplicated, bounded. */
export function mergeRecentPages(first: readonly PageVisit[], second: readonly PageVisit[]): PageVisit[] {
  return mergeNewestFirst(first, second, pageKey, PROFILE_BOUNDS.recentPages);
}
