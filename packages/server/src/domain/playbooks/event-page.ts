import type { Json, JsonObject, NormalizedEvent } from '../events/normalized-event.js';
import { asObject, asText } from '../profile/coerce.js';
import { PROFILE_LIMITS } from '../profile/limits.js';
import { pathFromUrl } from '../profile/pages.js';

/*
 * The page an event happened on, read field by field (no PageVisit allocated: this runs per
 * candidate playbook per event). A page or screen call describes its page in `properties`,
 * falling back to `context.page`, exactly as the profile reads it (pages.ts). Any other call
 * only says where it happened through `context.page`: its `properties.url` is about something
 * else (the product of a Product Clicked, say), not the page the customer is on.
 */

function ownPage(event: NormalizedEvent): boolean {
  return event.type === 'page' || event.type === 'screen';
}

function contextPage(event: NormalizedEvent): JsonObject | null {
  return asObject(event.context.page);
}

function field(event: NormalizedEvent, key: string, maxLength: number): string | null {
  const own: Json | undefined = ownPage(event) ? event.properties[key] : undefined;
  return asText(own, maxLength) ?? asText(contextPage(event)?.[key], maxLength);
}

/** Whether the event says which page it happened on (a page/screen call, or context.page). */
export function eventHasPage(event: NormalizedEvent): boolean {
  return ownPage(event) || contextPage(event) !== null;
}

export function eventPageUrl(event: NormalizedEvent): string | null {
  return field(event, 'url', PROFILE_LIMITS.urlLength);
}

export function eventPagePath(event: NormalizedEvent): string | null {
  return field(event, 'path', PROFILE_LIMITS.urlLength) ?? pathFromUrl(eventPageUrl(event));
}

export function eventPageTitle(event: NormalizedEvent): string | null {
  return field(event, 'title', PROFILE_LIMITS.textLength);
}
