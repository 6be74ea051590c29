import type { NormalizedEvent } from '../events/normalized-event.js';
import { parseDotPath, readDotPath } from './dot-path.js';
import { eventPagePath, eventPageTitle, eventPageUrl } from './event-page.js';
import { closest } from './suggest.js';

/*
 * Facts RELATIVE to one event, for the `where` of an EventMatch (`properties.reason`, not
 * `event.properties.reason`): a trigger's event test must not depend on the profile, so
 * sequence and absence triggers can match each event on its own.
 */

export type EventFact = (e: NormalizedEvent) => unknown;

const EVENT_FACTS: Readonly<Record<string, EventFact>> = {
  /** track, page, screen, identify, group or alias. */
  type: (e) => e.type,
  /** The track event's name, or the page/screen name. */
  name: (e) => (e.type === 'track' ? e.event : e.name),
  /** The page the event happened on (page call: its own; others: context.page). */
  'page.path': eventPagePath,
  'page.url': eventPageUrl,
  'page.title': eventPageTitle,
};

const PROPERTIES = 'properties.';

/** Event-relative fact names as docs show them. */
export const EVENT_FACT_NAMES: readonly string[] = [...Object.keys(EVENT_FACTS), `${PROPERTIES}<path>`];

/** The getter for an event-relative fact; null for an unknown name. */
export function compileEventFact(name: string): EventFact | null {
  if (Object.hasOwn(EVENT_FACTS, name)) return EVENT_FACTS[name]!;
  if (!name.startsWith(PROPERTIES)) return null;
  const segments = parseDotPath(name.slice(PROPERTIES.length));
  return segments === null ? null : (e) => readDotPath(e.properties, segments);
}

/** The event-relative fact closest to a misspelt name; `event.properties.x` becomes `properties.x`. */
export function suggestEventFact(name: string): string | null {
  if (name.startsWith('event.') && compileEventFact(name.slice('event.'.length)) !== null) return name.slice('event.'.length);
  const candidates = Object.keys(EVENT_FACTS);
  const dot = name.indexOf('.');
  if (dot > 0 && dot < name.length - 1) candidates.push(PROPERTIES + name.slice(dot + 1));
  return closest(name, candidates);
}
