import { EVENT_TYPES, LIMITS, type EventType, type Issue, type IssueCode } from '@omotenashi/protocol';
import { inspectJson } from './inspect-json.js';
import { isJsonObject, jsonKind } from './json-kind.js';
import { keyPath } from './json-path.js';
import type { JsonObject, NormalizedEvent } from './normalized-event.js';
import { parseTimestamp } from './parse-timestamp.js';
import { exceedsUtf8Bytes, utf8ByteLength } from './utf8-length.js';

/** Most issues reported for one event: enough to fix it, too few to be an amplifier. */
export const MAX_ISSUES_PER_EVENT = 20;

/**
 * How far ahead of receivedAt an event's timestamp may be before we distrust it. Beyond
 * this the client clock is wrong (or a test sent garbage); we keep the event at receivedAt
 * rather than refuse it, because refusing would lose real customer activity over a
 * setting the shop cannot see, and a far-future timestamp would otherwise sit at the top
 * of every "latest activity" view for days.
 */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

export interface ValidateOptions {
  /** Where the event sits in the request, e.g. `batch[3]`; '' when it is the whole body. */
  path: string;
  /** Set by /v1/track, /v1/identify…; null for batch items, which must carry `type`. */
  impliedType: EventType | null;
  receivedAt: number;
  /** The batch-level sentAt, already parsed, if the request had one. */
  sentAt: number | null;
  newMessageId: () => string;
}

export type ValidationResult = { ok: true; event: NormalizedEvent } | { ok: false; issues: Issue[] };

/**
 * Validates one Segment call (HTTP tracking API semantics) and normalises it. All problems
 * of the event are reported (up to MAX_ISSUES_PER_EVENT), each with a path and a message.
 *
 * Conventions: a field set to null counts as absent (analytics-node sends `name: null` for
 * unnamed pages); for ids an empty string counts as absent too. Unknown top-level keys are
 * allowed, as Segment allows them, but are still inspected (depth, keys, NUL bytes…).
 */
export function validateEvent(input: unknown, opts: ValidateOptions): ValidationResult {
  const base = opts.path;
  if (!isJsonObject(input)) {
    const message = `event must be a JSON object, got ${jsonKind(input)}`;
    return { ok: false, issues: [{ path: base, code: 'invalid_type', message }] };
  }
  const issues: Issue[] = [];
  const type = readType(input, opts.impliedType, base, issues);

  const userId = readId(input, 'userId', base, issues);
  const anonymousId = readId(input, 'anonymousId', base, issues);
  let previousId: string | null | undefined = null;
  let groupId: string | null | undefined = null;
  let eventName: string | null = null;
  let name: string | null = null;
  switch (type) {
    case 'alias':
      if (userId === null) add(issues, base, 'userId', 'required', 'alias calls need a userId (the new id)');
      previousId = readId(input, 'previousId', base, issues);
      if (previousId === null) {
        add(issues, base, 'previousId', 'required', 'alias calls need a previousId (the id being merged into userId)');
      }
      break;
    case 'group':
      groupId = readId(input, 'groupId', base, issues);
      if (groupId === null) add(issues, base, 'groupId', 'required', 'group calls need a groupId');
      break;
    case 'track':
      eventName = readEventName(input, base, issues);
      break;
    case 'page':
    case 'screen':
      name = readName(input, base, issues);
      break;
    default:
      break;
  }
  // An id that was present but invalid (undefined) has its own issue; don't pile on.
  if (type !== 'alias' && userId === null && anonymousId === null && issues.length < MAX_ISSUES_PER_EVENT) {
    issues.push({
      path: base,
      code: 'missing_identity',
      message: `${type === null ? 'an event' : `a ${type} call`} needs a userId or an anonymousId`,
    });
  }

  const properties = readObject(input, 'properties', base, issues);
  const traits = readObject(input, 'traits', base, issues);
  const context = readObject(input, 'context', base, issues);
  readObject(input, 'integrations', base, issues);
  const messageId = readMessageId(input, base, issues);
  const timestamp = readTimestamp(input, 'timestamp', base, issues);
  const originalTimestamp = readTimestamp(input, 'originalTimestamp', base, issues);
  const ownSentAt = readTimestamp(input, 'sentAt', base, issues);

  inspectJson(input, base, issues, MAX_ISSUES_PER_EVENT);

  // Stringify only when it is safe and useful: nesting beyond the limit may be deep enough
  // to overflow JSON.stringify's recursion, and that event is refused anyway.
  let raw = '';
  if (!hasCode(issues, 'too_deep')) {
    raw = JSON.stringify(input);
    if (exceedsUtf8Bytes(raw, LIMITS.eventBytes) && issues.length < MAX_ISSUES_PER_EVENT) {
      const message = `event is ${utf8ByteLength(raw)} bytes as JSON; the limit is ${LIMITS.eventBytes}`;
      issues.push({ path: base, code: 'too_large', message });
    }
  }
  if (issues.length > 0 || type === null) return { ok: false, issues };

  const receivedAt = opts.receivedAt;
  let at: number;
  if (timestamp !== null) {
    at = timestamp;
  } else {
    // Segment's clock-skew correction: the client's clock may be off, but the gap between
    // when it recorded the event and when it sent it is measured on that same clock.
    const sentAt = ownSentAt ?? opts.sentAt;
    at = originalTimestamp !== null && sentAt !== null ? receivedAt - (sentAt - originalTimestamp) : receivedAt;
  }
  if (at > receivedAt + MAX_FUTURE_SKEW_MS) at = receivedAt;

  return {
    ok: true,
    event: {
      type,
      messageId: messageId ?? opts.newMessageId(),
      messageIdGiven: messageId !== null,
      userId: userId ?? null,
      anonymousId: anonymousId ?? null,
      previousId: previousId ?? null,
      groupId: groupId ?? null,
      event: eventName,
      name,
      properties: properties ?? {},
      traits: traits ?? {},
      context: context ?? {},
      timestamp: at,
      receivedAt,
      raw,
    },
  };
}

const TYPE_LIST = EVENT_TYPES.join(', ');
const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

/** The call type, or null when it is missing or unusable (an issue has been added). */
function readType(input: JsonObject, implied: EventType | null, base: string, issues: Issue[]): EventType | null {
  const value = input.type;
  if (value === undefined || value === null) {
    if (implied === null) add(issues, base, 'type', 'required', `type is required (one of ${TYPE_LIST})`);
    return implied;
  }
  if (typeof value !== 'string') {
    add(issues, base, 'type', 'invalid_type', `type must be a string, got ${jsonKind(value)}`);
    return implied;
  }
  if (implied !== null) {
    if (value !== implied) {
      const message = `type is ${quote(value)} but this endpoint only accepts "${implied}"`;
      add(issues, base, 'type', 'invalid_value', message);
    }
    // Keep checking the event as the endpoint's type so every other problem is reported too.
    return implied;
  }
  if (!EVENT_TYPE_SET.has(value)) {
    add(issues, base, 'type', 'unknown_type', `type ${quote(value)} is not one of ${TYPE_LIST}`);
    return null;
  }
  return value as EventType;
}

/**
 * userId, anonymousId, previousId, groupId: a string or a finite number (made a string).
 * Returns null when absent (missing, null or ''), undefined when invalid (issue added).
 */
function readId(input: JsonObject, field: string, base: string, issues: Issue[]): string | null | undefined {
  const value = input[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    if (value.length > LIMITS.idLength) {
      const message = `${field} is ${value.length} characters long; the limit is ${LIMITS.idLength}`;
      add(issues, base, field, 'too_long', message);
      return undefined;
    }
    return value === '' ? null : value;
  }
  if (typeof value === 'number') {
    // JSON cannot carry NaN or Infinity, but callers other than JSON.parse might.
    if (!Number.isFinite(value)) {
      add(issues, base, field, 'invalid_value', `${field} must be a finite number`);
      return undefined;
    }
    return String(value);
  }
  add(issues, base, field, 'invalid_type', `${field} must be a string or a number, got ${jsonKind(value)}`);
  return undefined;
}

function readEventName(input: JsonObject, base: string, issues: Issue[]): string | null {
  const value = input.event;
  if (value === undefined || value === null) {
    add(issues, base, 'event', 'required', 'track calls need an event name, such as "Order Completed"');
  } else if (typeof value !== 'string') {
    add(issues, base, 'event', 'invalid_type', `event must be a string, got ${jsonKind(value)}`);
  } else if (value === '') {
    add(issues, base, 'event', 'empty', 'event must not be an empty string');
  } else if (value.length > LIMITS.eventNameLength) {
    const message = `event is ${value.length} characters long; the limit is ${LIMITS.eventNameLength}`;
    add(issues, base, 'event', 'too_long', message);
  } else {
    return value;
  }
  return null;
}

/** page / screen name: optional; '' is treated as no name. */
function readName(input: JsonObject, base: string, issues: Issue[]): string | null {
  const value = input.name;
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  add(issues, base, 'name', 'invalid_type', `name must be a string, got ${jsonKind(value)}`);
  return null;
}

function readObject(input: JsonObject, field: string, base: string, issues: Issue[]): JsonObject | null {
  const value = input[field];
  if (value === undefined || value === null) return null;
  if (isJsonObject(value)) return value;
  add(issues, base, field, 'invalid_type', `${field} must be an object, got ${jsonKind(value)}`);
  return null;
}

/** A client-chosen messageId (the dedupe key), or null when absent, '' or invalid. */
function readMessageId(input: JsonObject, base: string, issues: Issue[]): string | null {
  const value = input.messageId;
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    add(issues, base, 'messageId', 'invalid_type', `messageId must be a string, got ${jsonKind(value)}`);
  } else if (value.length > LIMITS.messageIdLength) {
    const message = `messageId is ${value.length} characters long; the limit is ${LIMITS.messageIdLength}`;
    add(issues, base, 'messageId', 'too_long', message);
  } else {
    return value;
  }
  return null;
}

/** Epoch ms, or null when absent or invalid (issue added). */
function readTimestamp(input: JsonObject, field: string, base: string, issues: Issue[]): number | null {
  const value = input[field];
  if (value === undefined || value === null) return null;
  const parsed = parseTimestamp(value);
  if (typeof parsed === 'number') return parsed;
  let message: string;
  if (typeof value !== 'string') {
    message = `${field} must be an ISO-8601 date-time string, got ${jsonKind(value)}`;
  } else if (parsed === 'invalid_timestamp') {
    message = `${field} must be an ISO-8601 date-time with a time zone, such as "2024-05-01T12:00:00.000Z"; got ${quote(value)}`;
  } else {
    message = `${field} ${quote(value)} is outside the accepted range (years 2000 to 2099)`;
  }
  add(issues, base, field, parsed, message);
  return null;
}

function add(issues: Issue[], base: string, field: string, code: IssueCode, message: string): void {
  if (issues.length < MAX_ISSUES_PER_EVENT) issues.push({ path: keyPath(base, field), code, message });
}

function hasCode(issues: Issue[], code: IssueCode): boolean {
  for (const issue of issues) if (issue.code === code) return true;
  return false;
}

/** A client value echoed in a message: short, and JSON-escaped so it cannot break the output. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
