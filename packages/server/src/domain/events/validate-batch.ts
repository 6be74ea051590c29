import type { Issue } from '@omotenashi/protocol';
import { inspectJson } from './inspect-json.js';
import { isJsonObject, jsonKind } from './json-kind.js';
import { indexPath } from './json-path.js';
import type { JsonObject, NormalizedEvent } from './normalized-event.js';
import { parseTimestamp } from './parse-timestamp.js';
import { MAX_ISSUES_PER_EVENT, validateEvent, type ValidateOptions } from './validate-event.js';

/** Most issues reported for one batch request. */
export const MAX_ISSUES_PER_BATCH = 100;

export interface BatchOptions {
  receivedAt: number;
  newMessageId: () => string;
}

export type BatchResult =
  | { ok: true; events: NormalizedEvent[]; writeKey: string | null }
  | { ok: false; issues: Issue[] };

/**
 * Validates a /v1/batch body `{ batch: [...], sentAt?, context?, writeKey? }`.
 * All-or-nothing: one bad item refuses the whole request, so a client never has to work
 * out which half of its batch was stored (its retry would otherwise duplicate the rest
 * unless every item carries a messageId).
 */
export function validateBatch(body: unknown, opts: BatchOptions): BatchResult {
  if (!isJsonObject(body)) {
    return {
      ok: false,
      issues: [{ path: '', code: 'invalid_type', message: `the body must be a JSON object, got ${jsonKind(body)}` }],
    };
  }
  const issues: Issue[] = [];
  const batch = body.batch;
  if (batch === undefined || batch === null) {
    issues.push({ path: 'batch', code: 'required', message: 'batch is required (an array of events)' });
  } else if (!Array.isArray(batch)) {
    issues.push({ path: 'batch', code: 'invalid_type', message: `batch must be an array, got ${jsonKind(batch)}` });
  } else if (batch.length === 0) {
    issues.push({ path: 'batch', code: 'empty', message: 'batch must contain at least one event' });
  }

  let sentAt: number | null = null;
  if (body.sentAt !== undefined && body.sentAt !== null) {
    const parsed = parseTimestamp(body.sentAt);
    if (typeof parsed === 'number') {
      sentAt = parsed;
    } else {
      const message =
        parsed === 'invalid_timestamp'
          ? 'sentAt must be an ISO-8601 date-time with a time zone, such as "2024-05-01T12:00:00.000Z"'
          : 'sentAt is outside the accepted range (years 2000 to 2099)';
      issues.push({ path: 'sentAt', code: parsed, message });
    }
  }

  // analytics-node may send a request-wide context; each item's own keys win over it.
  let sharedContext: JsonObject | null = null;
  const context = body.context;
  if (context !== undefined && context !== null) {
    if (isJsonObject(context)) {
      sharedContext = context;
      inspectJson(context, 'context', issues, MAX_ISSUES_PER_EVENT);
    } else {
      issues.push({ path: 'context', code: 'invalid_type', message: `context must be an object, got ${jsonKind(context)}` });
    }
  }

  if (!Array.isArray(batch) || batch.length === 0) return { ok: false, issues };

  const events: NormalizedEvent[] = [];
  // One options object for the whole batch; validateEvent does not keep it.
  const itemOpts: ValidateOptions = {
    path: '',
    impliedType: null,
    receivedAt: opts.receivedAt,
    sentAt,
    newMessageId: opts.newMessageId,
  };
  for (let i = 0; i < batch.length; i++) {
    itemOpts.path = indexPath('batch', i);
    const result = validateEvent(batch[i], itemOpts);
    if (result.ok) {
      // Once anything failed the events are discarded anyway; skip the work.
      if (issues.length === 0) {
        const event = result.event;
        if (sharedContext !== null) event.context = { ...sharedContext, ...event.context };
        events.push(event);
      }
      continue;
    }
    for (const issue of result.issues) {
      if (issues.length >= MAX_ISSUES_PER_BATCH) return { ok: false, issues };
      issues.push(issue);
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, events, writeKey: readWriteKey(body) };
}

/**
 * The `writeKey` body field (Segment lets clients put it in the body instead of the
 * Authorization header). Non-strings and '' count as absent.
 */
export function readWriteKey(body: unknown): string | null {
  if (!isJsonObject(body)) return null;
  const key = body.writeKey;
  return typeof key === 'string' && key !== '' ? key : null;
}
