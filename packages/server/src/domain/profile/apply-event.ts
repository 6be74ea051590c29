import type { NormalizedEvent } from '../events/normalized-event.js';
import { isPassiveSignal } from '../events/passive-signal.js';
import { asId, asObject } from './coerce.js';
import { applyCommerceEvent, commerceEventOf, isCustomerAction } from './commerce.js';
import { applyCampaign, applyConsent, applyPresentContext } from './context-signals.js';
import type { GeoInfo } from './geo-info.js';
import { updateJourney } from './journey.js';
import { PROFILE_LIMITS } from './limits.js';
import { extractMoments } from './moments.js';
import { pageVisitFrom, recordPageView } from './pages.js';
import type { Profile } from './profile.js';
import { placeInSession, type SessionPlacement } from './session.js';
import { mergeTraits } from './traits.js';

/**
 * Folds one event into a profile.
 *
 * MUTATES `profile` in place: this runs on the ingestion hot path (about 20k events/s), where
 * copying a profile per event would cost more than the rest of the fold. Callers that need the
 * previous state must copy it first. Pure otherwise: time comes only from the event, and odd
 * property values are ignored, never thrown on.
 *
 * Events may arrive slightly out of order: firstSeen/lastSeen take the min/max, recent lists
 * are ordered by event time, and the "present tense" fields (device, location, language, IP)
 * only change for an event at least as recent as any seen before. Traits are the exception:
 * they merge in arrival order (see mergeTraits).
 */
export function applyEvent(profile: Profile, event: NormalizedEvent, enrich: { geo: GeoInfo | null }): void {
  const at = Number.isFinite(event.timestamp) ? event.timestamp : event.receivedAt;
  if (!Number.isFinite(at)) return;
  if (at !== event.timestamp || !isObject(event.properties) || !isObject(event.context) || !isObject(event.traits)) {
    // Only reachable when a caller bypasses validation; cheap to survive, costly to crash on.
    event = {
      ...event,
      timestamp: at,
      properties: asObject(event.properties) ?? {},
      context: asObject(event.context) ?? {},
      traits: asObject(event.traits) ?? {},
    };
  }

  if (profile.eventCount === 0) {
    // An empty profile's times are its creation time, not an event's.
    profile.firstSeen = at;
    profile.lastSeen = at;
  }
  const isLatest = at >= profile.lastSeen;
  profile.eventCount++;
  profile.firstSeen = Math.min(profile.firstSeen, at);
  profile.lastSeen = Math.max(profile.lastSeen, at);

  const commerce = event.type === 'track' ? commerceEventOf(event.event) : null;
  const customerAction = isCustomerAction(commerce) && !isPassiveSignal(event);
  const placement: SessionPlacement = customerAction ? placeInSession(profile, at) : 'past';

  // Context first: it describes the moment of this very event (a promised delivery date on
  // this Order Completed is read in the time zone this event reports). Fulfilment events come
  // from the shop's backend, so their context says nothing about the customer's device or place.
  if (customerAction) {
    applyPresentContext(profile, event.context, enrich.geo, isLatest);
    applyCampaign(profile, event.context, at);
  }
  applyConsent(profile, event.context, at);

  // Traits: context.traits (analytics.js repeats the cached user traits there) first, so the
  // explicit traits of an identify call win over them.
  let traitsChanged = false;
  const contextTraits = asObject(event.context.traits);
  if (contextTraits !== null) traitsChanged = mergeTraits(profile, contextTraits);
  // A group call's `traits` describe the group (company name, plan), not the person.
  if (event.type === 'identify') traitsChanged = mergeTraits(profile, event.traits) || traitsChanged;
  if (traitsChanged) profile.moments = extractMoments(profile.traits);

  switch (event.type) {
    case 'page':
    case 'screen':
      recordPageView(profile, pageVisitFrom(event), placement);
      break;
    case 'track':
      if (commerce !== null) applyCommerceEvent(profile, commerce, event);
      break;
    case 'group':
      addGroup(profile, event.groupId);
      break;
    default:
      break;
  }

  updateJourney(profile, profile.lastSeen, at);
}

function isObject(value: unknown): boolean {
  return asObject(value) !== null;
}

/** Most recent first; re-joining moves a group to the front; the oldest falls off beyond 20. */
function addGroup(profile: Profile, groupId: unknown): void {
  const id = asId(groupId);
  if (id === null) return;
  const groups = profile.groups;
  const existing = groups.indexOf(id);
  if (existing === 0) return;
  if (existing > 0) groups.splice(existing, 1);
  groups.unshift(id);
  if (groups.length > PROFILE_LIMITS.groups) groups.length = PROFILE_LIMITS.groups;
}
