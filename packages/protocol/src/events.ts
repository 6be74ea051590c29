/** The Segment tracking-spec call types the ingestion API accepts. */
export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Ingestion limits (bytes), as in the Segment HTTP tracking API. */
export const LIMITS = {
  eventBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  /** Deepest nesting of objects/arrays inside one event. */
  maxDepth: 16,
  /** Most keys (summed over all nested objects) inside one event. */
  maxKeys: 2000,
  idLength: 256,
  eventNameLength: 200,
  messageIdLength: 100,
} as const;

/** Answer to a successful ingestion call. */
export interface IngestResponse {
  success: true;
  /** Events newly stored by this call. */
  accepted: number;
  /** Events whose messageId was already stored (not stored again). */
  duplicates: number;
  /** Events dropped because they name an erased (suppressed) person. */
  suppressed: number;
}
