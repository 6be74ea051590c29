import type { EventType } from '@omotenashi/protocol';
import type { JsonObject, NormalizedEvent } from '../domain/events/normalized-event.js';
import type { EventRecord } from '../ports/store.js';

const obj = (v: unknown): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {});
const id = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** A stored event back in normalised form (it was validated on the way in), for replays. */
export function rehydrate(r: EventRecord): NormalizedEvent {
  const p = obj(JSON.parse(r.payload));
  return {
    type: r.type as EventType,
    messageId: r.messageId,
    messageIdGiven: true,
    userId: id(p['userId']),
    anonymousId: id(p['anonymousId']),
    previousId: id(p['previousId']),
    groupId: id(p['groupId']),
    event: typeof p['event'] === 'string' ? p['event'] : null,
    name: typeof p['name'] === 'string' ? p['name'] : null,
    properties: obj(p['properties']),
    traits: obj(p['traits']),
    context: obj(p['context']),
    timestamp: r.timestamp,
    receivedAt: r.receivedAt,
    raw: r.payload,
  };
}
