import type { EventType } from '@omotenashi/protocol';
import type { NormalizedEvent } from '../events/normalized-event.js';
import { compileAll, compileCondition } from './condition-tree.js';
import type { EventMatch, PageMatch } from './definition.js';
import { compileEventFact } from './event-facts.js';
import { eventPagePath, eventPageUrl } from './event-page.js';
import { compilePattern } from './pattern.js';

export type EventMatcher = (e: NormalizedEvent) => boolean;
export type PageTest = (path: string | null, url: string | null) => boolean;

const always = (): boolean => true;

/** The event types an EventMatch accepts; null for "any type". */
export function matchTypes(m: EventMatch): readonly EventType[] | null {
  if (m.type === undefined) return null;
  return Array.isArray(m.type) ? m.type : [m.type];
}

/** A page test on path and url taken as arguments (so events need no page object allocated). */
export function compilePageTest(m: PageMatch): PageTest {
  const path = m.path === undefined ? null : compilePattern(m.path);
  const url = m.url === undefined ? null : compilePattern(m.url);
  if (path !== null && url !== null) return (p, u) => p !== null && u !== null && path(p) && url(u);
  if (path !== null) return (p) => p !== null && path(p);
  if (url !== null) return (_p, u) => u !== null && url(u);
  return always;
}

/** A PageMatch over a page (a PageVisit, say): path and url patterns must both hold when given. */
export function compilePageMatch(m: PageMatch): (page: { path: string | null; url: string | null }) => boolean {
  const test = compilePageTest(m);
  return (page) => test(page.path, page.url);
}

/**
 * An EventMatch: type (one or a list), track name pattern, the event's page, and `where`
 * conditions on event-relative facts. Cheapest tests first; all must hold.
 */
export function compileEventMatch(m: EventMatch): EventMatcher {
  const tests: EventMatcher[] = [];
  const types = matchTypes(m);
  if (types !== null) {
    if (types.length === 1) {
      const only = types[0];
      tests.push((e) => e.type === only);
    } else {
      const set = new Set<string>(types);
      tests.push((e) => set.has(e.type));
    }
  }
  if (m.event !== undefined) {
    const name = compilePattern(m.event);
    tests.push((e) => e.type === 'track' && e.event !== null && name(e.event));
  }
  if (m.page !== undefined && (m.page.path !== undefined || m.page.url !== undefined)) {
    const page = compilePageTest(m.page);
    const needsUrl = m.page.url !== undefined;
    // The path is derived from the url when absent, so read the url only when it is tested.
    tests.push((e) => page(eventPagePath(e), needsUrl ? eventPageUrl(e) : null));
  }
  if (m.where !== undefined && m.where.length > 0) {
    const where = compileAll(m.where.map((c) => compileCondition<NormalizedEvent>(c, compileEventFact)));
    tests.push((e) => where(e, null));
  }
  switch (tests.length) {
    case 0:
      return always;
    case 1:
      return tests[0]!;
    case 2: {
      const [a, b] = tests as [EventMatcher, EventMatcher];
      return (e) => a(e) && b(e);
    }
    default:
      return (e) => {
        for (let i = 0; i < tests.length; i++) if (!tests[i]!(e)) return false;
        return true;
      };
  }
}
