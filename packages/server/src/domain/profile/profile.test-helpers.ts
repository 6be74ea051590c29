import type { EventType } from '@omotenashi/protocol';
import type { JsonObject, NormalizedEvent } from '../events/normalized-event.js';
import { applyEvent } from './apply-event.js';
import { emptyProfile } from './empty-profile.js';
import type { GeoInfo } from './geo-info.js';
import type { Profile } from './profile.js';

/** Epoch ms for an ISO instant (tests only: Date.parse is fine for well-formed UTC strings). */
export const at = (iso: string): number => Date.parse(iso);

let sequence = 0;

export function makeEvent(type: EventType, when: string | number, fields: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const timestamp = typeof when === 'number' ? when : at(when);
  sequence++;
  return {
    type,
    messageId: `m-${sequence}`,
    messageIdGiven: true,
    userId: null,
    anonymousId: 'anon-1',
    previousId: null,
    groupId: null,
    event: null,
    name: null,
    properties: {},
    traits: {},
    context: {},
    timestamp,
    receivedAt: timestamp,
    raw: '{}',
    ...fields,
  };
}

export const track = (when: string | number, event: string, properties: JsonObject = {}, context: JsonObject = {}) =>
  makeEvent('track', when, { event, properties, context });

export const page = (when: string | number, properties: JsonObject = {}, context: JsonObject = {}) =>
  makeEvent('page', when, { properties, context });

export const identify = (when: string | number, traits: JsonObject, context: JsonObject = {}) =>
  makeEvent('identify', when, { userId: 'user-1', traits, context });

/** Folds events, in the order given, into a fresh profile. */
export function fold(events: readonly NormalizedEvent[], geo: GeoInfo | null = null, profile?: Profile): Profile {
  const target = profile ?? emptyProfile(events[0]?.receivedAt ?? 0);
  for (const event of events) applyEvent(target, event, { geo });
  return target;
}
