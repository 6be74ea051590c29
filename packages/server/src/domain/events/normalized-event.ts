import type { EventType } from '@omotenashi/protocol';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * One Segment call after validation: ids coerced to strings, timestamps corrected for
 * client clock skew and expressed as epoch milliseconds. `raw` is the original item as
 * JSON (what we store, and what the 32 KB limit is measured on).
 */
export interface NormalizedEvent {
  type: EventType;
  messageId: string;
  /** False when the client sent no messageId and we generated one (no dedupe possible). */
  messageIdGiven: boolean;
  userId: string | null;
  anonymousId: string | null;
  /** alias: the id being aliased to userId. */
  previousId: string | null;
  /** group: the account id. */
  groupId: string | null;
  /** track: the event name, e.g. "Order Completed". */
  event: string | null;
  /** page / screen: the page name. */
  name: string | null;
  properties: JsonObject;
  traits: JsonObject;
  context: JsonObject;
  /** When it happened (epoch ms), corrected for clock skew. */
  timestamp: number;
  /** When the server received it (epoch ms). */
  receivedAt: number;
  raw: string;
}
