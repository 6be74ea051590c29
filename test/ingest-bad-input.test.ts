import { deflateSync, gzipSync } from 'node:zlib';
import type { ErrorCode, IssueCode } from '@omotenashi/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/**
 * Every bad input the tracking API can meet, through HTTP, on every dialect: each is refused
 * with a 4xx, a stable error code, the issue that names the problem, and NOTHING is stored.
 * Boundaries are pinned from both sides (the last accepted value and the first refused one).
 */

const TABLES = ['events', 'event_dedupe', 'customers', 'identities', 'trait_changes', 'merges'] as const;
const KB = 1024;
const EVENT_LIMIT = 32 * KB;
const BATCH_LIMIT = 500 * KB;

type Auth = 'default' | 'none' | 'empty-basic' | 'bearer' | 'unknown' | 'revoked';

interface BadCase {
  name: string;
  path: string;
  method?: 'POST' | 'GET';
  /** Objects are sent as JSON; strings and Buffers are sent byte for byte. */
  body: unknown;
  headers?: Record<string, string>;
  auth?: Auth;
  status: number;
  code: ErrorCode;
  /** The exact issues ({ path, code }) the answer must list, in order. */
  issues?: { path: string; code: IssueCode }[];
}

// ---------------------------------------------------------------------------- builders

const ok = { userId: 'u-ok', event: 'Product Viewed' };

/** `levels` nested objects: nest(1) = {}, nest(2) = { a: {} }. */
function nest(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

/** `properties.a.a…` down to the object that sits at depth `depth` (the event is depth 0). */
function deepPath(depth: number): string {
  return `properties${'.a'.repeat(depth - 1)}`;
}

/** A compact JSON event of exactly `bytes` UTF-8 bytes, padded with `fill` (1 or 2 bytes). */
function eventOfBytes(bytes: number, extra: Record<string, unknown> = {}, fill: 'x' | 'é' = 'x'): Record<string, unknown> {
  const e = { ...ok, ...extra, properties: { pad: '' } };
  const base = Buffer.byteLength(JSON.stringify(e));
  const missing = bytes - base;
  if (fill === 'x') e.properties.pad = 'x'.repeat(missing);
  else e.properties.pad = 'é'.repeat(Math.floor(missing / 2)) + (missing % 2 ? 'x' : '');
  expect(Buffer.byteLength(JSON.stringify(e))).toBe(bytes);
  return e;
}

/** A valid batch body, padded with trailing JSON whitespace to exactly `bytes` bytes. */
function batchTextOfBytes(bytes: number, messageId: string): string {
  const text = JSON.stringify({ batch: [{ type: 'track', ...ok, messageId }] });
  return text + ' '.repeat(bytes - Buffer.byteLength(text));
}

/** An event with `total` object keys in all (top-level keys included). */
function eventWithKeys(total: number): Record<string, unknown> {
  const properties: Record<string, number> = {};
  for (let i = 0; i < total - 3; i++) properties[`k${i}`] = 0; // userId, event, properties
  return { ...ok, properties };
}

/** A body whose JSON text is under 32 KB but that is over 32 KB once re-serialised (1e21 → 1000000000000000000000). */
function exponentHeavyText(): string {
  const parts: string[] = [];
  for (let i = 0; i < 1500; i++) parts.push(`"n${i}":1e20`);
  return `{"userId":"u-ok","event":"Numbers","properties":{${parts.join(',')}}}`;
}

// ---------------------------------------------------------------------------- the table

const bigBatch = { batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', ...ok, messageId: `big-${i}`, properties: { pad: 'x'.repeat(30 * KB) } })) };
const bomb = gzipSync(Buffer.from(JSON.stringify({ batch: [{ type: 'track', ...ok, properties: { pad: ' '.repeat(10 * 1024 * KB) } }] })));

const CASES: BadCase[] = [
  // --- malformed bodies
  { name: 'malformed JSON (unclosed object)', path: '/v1/track', body: '{"userId":"u1","event":"x"', status: 400, code: 'invalid_json' },
  { name: 'malformed JSON (missing value)', path: '/v1/batch', body: '{"batch":}', status: 400, code: 'invalid_json' },
  { name: 'not JSON at all', path: '/v1/identify', body: 'userId=u1&traits=x', status: 400, code: 'invalid_json' },
  { name: 'JSON followed by garbage', path: '/v1/page', body: '{"userId":"u1"} trailing', status: 400, code: 'invalid_json' },
  { name: 'JSON with single quotes', path: '/v1/track', body: "{'userId':'u1','event':'x'}", status: 400, code: 'invalid_json' },
  { name: 'empty body with a JSON content type', path: '/v1/track', body: '', status: 400, code: 'invalid_json' },
  { name: 'empty batch body', path: '/v1/batch', body: '', status: 400, code: 'invalid_json' },
  { name: 'no body and no content type', path: '/v1/track', body: undefined, headers: { 'content-type': '' }, status: 400, code: 'invalid_json' },
  { name: 'only whitespace', path: '/v1/screen', body: '   \n ', status: 400, code: 'invalid_json' },

  // --- body not an object
  { name: 'track body is an array', path: '/v1/track', body: '[{"userId":"u1","event":"x"}]', status: 400, code: 'validation_failed', issues: [{ path: '', code: 'invalid_type' }] },
  { name: 'identify body is a string', path: '/v1/identify', body: '"u1"', status: 400, code: 'validation_failed', issues: [{ path: '', code: 'invalid_type' }] },
  { name: 'page body is a number', path: '/v1/page', body: '42', status: 400, code: 'validation_failed', issues: [{ path: '', code: 'invalid_type' }] },
  { name: 'group body is null', path: '/v1/group', body: 'null', status: 400, code: 'validation_failed', issues: [{ path: '', code: 'invalid_type' }] },
  { name: 'batch body is an array', path: '/v1/batch', body: '[]', status: 400, code: 'validation_failed', issues: [{ path: '', code: 'invalid_type' }] },
  { name: 'batch body is true', path: '/v1/batch', body: 'true', status: 400, code: 'validation_failed', issues: [{ path: '', code: 'invalid_type' }] },

  // --- identity, event name, required fields
  { name: 'track without userId and anonymousId', path: '/v1/track', body: { event: 'x' }, status: 400, code: 'validation_failed', issues: [{ path: '', code: 'missing_identity' }] },
  { name: 'identify with empty userId and null anonymousId', path: '/v1/identify', body: { userId: '', anonymousId: null, traits: { name: 'Ana' } }, status: 400, code: 'validation_failed', issues: [{ path: '', code: 'missing_identity' }] },
  { name: 'track without event', path: '/v1/track', body: { userId: 'u1' }, status: 400, code: 'validation_failed', issues: [{ path: 'event', code: 'required' }] },
  { name: 'track with empty event', path: '/v1/track', body: { userId: 'u1', event: '' }, status: 400, code: 'validation_failed', issues: [{ path: 'event', code: 'empty' }] },
  { name: 'track with event of 201 characters', path: '/v1/track', body: { userId: 'u1', event: 'e'.repeat(201) }, status: 400, code: 'validation_failed', issues: [{ path: 'event', code: 'too_long' }] },
  { name: 'alias without userId and previousId', path: '/v1/alias', body: { anonymousId: 'a1' }, status: 400, code: 'validation_failed', issues: [{ path: 'userId', code: 'required' }, { path: 'previousId', code: 'required' }] },
  { name: 'alias without previousId', path: '/v1/alias', body: { userId: 'u1' }, status: 400, code: 'validation_failed', issues: [{ path: 'previousId', code: 'required' }] },
  { name: 'group without groupId', path: '/v1/group', body: { userId: 'u1', traits: { name: 'ACME' } }, status: 400, code: 'validation_failed', issues: [{ path: 'groupId', code: 'required' }] },
  { name: 'userId of 257 characters', path: '/v1/identify', body: { userId: 'u'.repeat(257) }, status: 400, code: 'validation_failed', issues: [{ path: 'userId', code: 'too_long' }] },
  { name: 'messageId of 101 characters', path: '/v1/track', body: { ...ok, messageId: 'm'.repeat(101) }, status: 400, code: 'validation_failed', issues: [{ path: 'messageId', code: 'too_long' }] },

  // --- wrong types
  { name: 'userId is a boolean', path: '/v1/track', body: { userId: true, event: 'x' }, status: 400, code: 'validation_failed', issues: [{ path: 'userId', code: 'invalid_type' }] },
  { name: 'anonymousId is an object', path: '/v1/page', body: { anonymousId: { id: 1 } }, status: 400, code: 'validation_failed', issues: [{ path: 'anonymousId', code: 'invalid_type' }] },
  { name: 'event is a number', path: '/v1/track', body: { userId: 'u1', event: 42 }, status: 400, code: 'validation_failed', issues: [{ path: 'event', code: 'invalid_type' }] },
  { name: 'properties is an array', path: '/v1/track', body: { ...ok, properties: [1, 2] }, status: 400, code: 'validation_failed', issues: [{ path: 'properties', code: 'invalid_type' }] },
  { name: 'traits is a string', path: '/v1/identify', body: { userId: 'u1', traits: 'vip' }, status: 400, code: 'validation_failed', issues: [{ path: 'traits', code: 'invalid_type' }] },
  { name: 'context is a number', path: '/v1/page', body: { userId: 'u1', context: 5 }, status: 400, code: 'validation_failed', issues: [{ path: 'context', code: 'invalid_type' }] },
  { name: 'integrations is an array', path: '/v1/track', body: { ...ok, integrations: ['All'] }, status: 400, code: 'validation_failed', issues: [{ path: 'integrations', code: 'invalid_type' }] },
  { name: 'messageId is a number', path: '/v1/track', body: { ...ok, messageId: 7 }, status: 400, code: 'validation_failed', issues: [{ path: 'messageId', code: 'invalid_type' }] },
  { name: 'page name is a number', path: '/v1/page', body: { userId: 'u1', name: 3 }, status: 400, code: 'validation_failed', issues: [{ path: 'name', code: 'invalid_type' }] },
  { name: 'screen name is an object', path: '/v1/screen', body: { userId: 'u1', name: {} }, status: 400, code: 'validation_failed', issues: [{ path: 'name', code: 'invalid_type' }] },
  { name: 'groupId is an array', path: '/v1/group', body: { userId: 'u1', groupId: ['g'] }, status: 400, code: 'validation_failed', issues: [{ path: 'groupId', code: 'invalid_type' }] },
  { name: 'previousId is a boolean', path: '/v1/alias', body: { userId: 'u1', previousId: false }, status: 400, code: 'validation_failed', issues: [{ path: 'previousId', code: 'invalid_type' }] },
  { name: 'type is a number on a typed endpoint', path: '/v1/track', body: { ...ok, type: 1 }, status: 400, code: 'validation_failed', issues: [{ path: 'type', code: 'invalid_type' }] },
  { name: 'type disagrees with the endpoint', path: '/v1/track', body: { ...ok, type: 'identify' }, status: 400, code: 'validation_failed', issues: [{ path: 'type', code: 'invalid_value' }] },
  { name: 'several problems are all reported', path: '/v1/track', body: { userId: [], event: 5, properties: 'p', timestamp: 'yesterday' }, status: 400, code: 'validation_failed', issues: [{ path: 'userId', code: 'invalid_type' }, { path: 'event', code: 'invalid_type' }, { path: 'properties', code: 'invalid_type' }, { path: 'timestamp', code: 'invalid_timestamp' }] },

  // --- batch structure
  { name: 'batch missing', path: '/v1/batch', body: { events: [] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch', code: 'required' }] },
  { name: 'empty batch', path: '/v1/batch', body: { batch: [] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch', code: 'empty' }] },
  { name: 'batch is an object', path: '/v1/batch', body: { batch: { type: 'track', ...ok } }, status: 400, code: 'validation_failed', issues: [{ path: 'batch', code: 'invalid_type' }] },
  { name: 'batch is a string', path: '/v1/batch', body: { batch: '[]' }, status: 400, code: 'validation_failed', issues: [{ path: 'batch', code: 'invalid_type' }] },
  { name: 'unknown type in a batch', path: '/v1/batch', body: { batch: [{ type: 'purchase', ...ok }] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch[0].type', code: 'unknown_type' }] },
  { name: 'batch item without type', path: '/v1/batch', body: { batch: [{ ...ok }] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch[0].type', code: 'required' }] },
  { name: 'batch item that is not an object', path: '/v1/batch', body: { batch: [{ type: 'track', ...ok }, 'track'] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch[1]', code: 'invalid_type' }] },
  {
    name: 'one of three batch items is bad (all-or-nothing)', path: '/v1/batch',
    body: { batch: [{ type: 'track', ...ok, messageId: 'aon-1' }, { type: 'track', userId: 'u-aon', messageId: 'aon-2' }, { type: 'identify', userId: 'u-aon', traits: { email: 'aon@example.com' }, messageId: 'aon-3' }] },
    status: 400, code: 'validation_failed', issues: [{ path: 'batch[1].event', code: 'required' }],
  },
  { name: 'batch item without identity', path: '/v1/batch', body: { batch: [{ type: 'page', name: 'Home' }] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch[0]', code: 'missing_identity' }] },
  { name: 'batch sentAt is a number', path: '/v1/batch', body: { batch: [{ type: 'track', ...ok }], sentAt: 1700000000000 }, status: 400, code: 'validation_failed', issues: [{ path: 'sentAt', code: 'invalid_timestamp' }] },
  { name: 'batch context is an array', path: '/v1/batch', body: { batch: [{ type: 'track', ...ok }], context: [] }, status: 400, code: 'validation_failed', issues: [{ path: 'context', code: 'invalid_type' }] },
  { name: 'batch-wide context with a NUL byte', path: '/v1/batch', body: '{"batch":[{"type":"track","userId":"u1","event":"x"}],"context":{"locale":"ja\\u0000JP"}}', status: 400, code: 'validation_failed', issues: [{ path: 'context.locale', code: 'nul_byte' }] },

  // --- sizes
  { name: 'single event of 32769 bytes', path: '/v1/track', body: eventOfBytes(EVENT_LIMIT + 1), status: 413, code: 'payload_too_large' },
  { name: 'batch item of 32769 bytes', path: '/v1/batch', body: { batch: [{ type: 'track', ...eventOfBytes(EVENT_LIMIT + 1 - '"type":"track",'.length) }] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch[0]', code: 'too_large' }] },
  { name: 'batch item of 32769 bytes in multibyte characters', path: '/v1/batch', body: { batch: [{ type: 'track', ...eventOfBytes(EVENT_LIMIT + 1 - '"type":"track",'.length, {}, 'é') }] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch[0]', code: 'too_large' }] },
  { name: 'event under 32 KB as sent but over it as JSON', path: '/v1/track', body: exponentHeavyText(), status: 400, code: 'validation_failed', issues: [{ path: '', code: 'too_large' }] },
  { name: 'single event of 600 KB (over the transport limit too)', path: '/v1/identify', body: { userId: 'u1', traits: { bio: 'x'.repeat(600 * KB) } }, status: 413, code: 'payload_too_large' },
  { name: 'batch of 512001 bytes', path: '/v1/batch', body: batchTextOfBytes(BATCH_LIMIT + 1, 'size-1'), status: 413, code: 'payload_too_large' },
  { name: 'batch of twenty 30 KB events (600 KB)', path: '/v1/batch', body: bigBatch, status: 413, code: 'payload_too_large' },
  { name: 'more than 2000 keys', path: '/v1/track', body: eventWithKeys(2001), status: 400, code: 'validation_failed', issues: [{ path: '', code: 'too_many' }] },

  // --- compression
  { name: 'gzip body that expands beyond 500 KB', path: '/v1/batch', body: bomb, headers: { 'content-encoding': 'gzip' }, status: 413, code: 'payload_too_large' },
  { name: 'gzip body that expands to 512001 bytes', path: '/v1/batch', body: gzipSync(batchTextOfBytes(BATCH_LIMIT + 1, 'gz-1')), headers: { 'content-encoding': 'gzip' }, status: 413, code: 'payload_too_large' },
  { name: 'gzip single event that expands to 32769 bytes', path: '/v1/track', body: gzipSync(JSON.stringify(eventOfBytes(EVENT_LIMIT + 1))), headers: { 'content-encoding': 'gzip' }, status: 413, code: 'payload_too_large' },
  { name: 'deflate body that expands beyond 500 KB', path: '/v1/batch', body: deflateSync(Buffer.alloc(2 * 1024 * KB, 32)), headers: { 'content-encoding': 'deflate' }, status: 413, code: 'payload_too_large' },
  { name: 'corrupt gzip', path: '/v1/batch', body: Buffer.from('1f8b0800000000000003ffffdeadbeef', 'hex'), headers: { 'content-encoding': 'gzip' }, status: 400, code: 'invalid_gzip' },
  { name: 'plain JSON labelled gzip', path: '/v1/track', body: JSON.stringify(ok), headers: { 'content-encoding': 'gzip' }, status: 400, code: 'invalid_gzip' },
  { name: 'truncated gzip', path: '/v1/batch', body: gzipSync(JSON.stringify({ batch: [{ type: 'track', ...ok }] })).subarray(0, 20), headers: { 'content-encoding': 'gzip' }, status: 400, code: 'invalid_gzip' },
  { name: 'gzip that holds malformed JSON', path: '/v1/batch', body: gzipSync('{"batch":[}'), headers: { 'content-encoding': 'gzip' }, status: 400, code: 'invalid_json' },
  { name: 'unsupported Content-Encoding br', path: '/v1/batch', body: JSON.stringify({ batch: [{ type: 'track', ...ok }] }), headers: { 'content-encoding': 'br' }, status: 415, code: 'unsupported_encoding' },
  { name: 'unsupported Content-Encoding compress', path: '/v1/track', body: JSON.stringify(ok), headers: { 'content-encoding': 'compress' }, status: 415, code: 'unsupported_encoding' },

  // --- dangerous keys and strings (raw JSON text so the keys really are in the body)
  { name: '__proto__ key in properties', path: '/v1/track', body: '{"userId":"u1","event":"x","properties":{"__proto__":{"isAdmin":true}}}', status: 400, code: 'validation_failed', issues: [{ path: 'properties.__proto__', code: 'forbidden_key' }] },
  { name: '__proto__ key at the top level', path: '/v1/identify', body: '{"userId":"u1","__proto__":{"traits":{"vip":true}}}', status: 400, code: 'validation_failed', issues: [{ path: '__proto__', code: 'forbidden_key' }] },
  { name: 'constructor key in traits', path: '/v1/identify', body: '{"userId":"u1","traits":{"constructor":{"prototype":{"x":1}}}}', status: 400, code: 'validation_failed', issues: [{ path: 'traits.constructor', code: 'forbidden_key' }] },
  { name: 'prototype key inside a batch item', path: '/v1/batch', body: '{"batch":[{"type":"page","userId":"u1","context":{"prototype":1}}]}', status: 400, code: 'validation_failed', issues: [{ path: 'batch[0].context.prototype', code: 'forbidden_key' }] },
  { name: 'NUL byte in a property value', path: '/v1/track', body: '{"userId":"u1","event":"x","properties":{"note":"a\\u0000b"}}', status: 400, code: 'validation_failed', issues: [{ path: 'properties.note', code: 'nul_byte' }] },
  { name: 'NUL byte in a key', path: '/v1/track', body: '{"userId":"u1","event":"x","properties":{"a\\u0000b":1}}', status: 400, code: 'validation_failed', issues: [{ path: `properties[${JSON.stringify('a\u0000b')}]`, code: 'nul_byte' }] },
  { name: 'NUL byte in userId', path: '/v1/identify', body: '{"userId":"u\\u00001"}', status: 400, code: 'validation_failed', issues: [{ path: 'userId', code: 'nul_byte' }] },
  { name: 'lone high surrogate in a value', path: '/v1/track', body: '{"userId":"u1","event":"x","properties":{"s":"\\ud800"}}', status: 400, code: 'validation_failed', issues: [{ path: 'properties.s', code: 'lone_surrogate' }] },
  { name: 'lone low surrogate in the event name', path: '/v1/track', body: '{"userId":"u1","event":"Viewed \\udc00"}', status: 400, code: 'validation_failed', issues: [{ path: 'event', code: 'lone_surrogate' }] },
  { name: 'lone surrogate in a key inside a batch', path: '/v1/batch', body: '{"batch":[{"type":"identify","userId":"u1","traits":{"\\ud83d":1}}]}', status: 400, code: 'validation_failed', issues: [{ path: `batch[0].traits[${JSON.stringify('\ud83d')}]`, code: 'lone_surrogate' }] },

  // --- nesting
  { name: 'nesting of 17 levels', path: '/v1/track', body: { ...ok, properties: nest(17) }, status: 400, code: 'validation_failed', issues: [{ path: deepPath(17), code: 'too_deep' }] },
  { name: 'nesting of 17 levels through arrays', path: '/v1/batch', body: { batch: [{ type: 'track', ...ok, properties: { list: [[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]] } }] }, status: 400, code: 'validation_failed', issues: [{ path: `batch[0].properties.list${'[0]'.repeat(15)}`, code: 'too_deep' }] },
  { name: 'nesting of 5000 levels', path: '/v1/identify', body: `{"userId":"u1","traits":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, status: 400, code: 'validation_failed', issues: [{ path: `traits${'.a'.repeat(16)}`, code: 'too_deep' }] },

  // --- timestamps
  { name: 'impossible date 2023-02-30', path: '/v1/track', body: { ...ok, timestamp: '2023-02-30T10:00:00Z' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'invalid_timestamp' }] },
  { name: 'month 13', path: '/v1/page', body: { userId: 'u1', timestamp: '2024-13-01T00:00:00Z' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'invalid_timestamp' }] },
  { name: '29 February in a common year', path: '/v1/identify', body: { userId: 'u1', timestamp: '2023-02-29T00:00:00Z' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'invalid_timestamp' }] },
  { name: 'hour 24', path: '/v1/track', body: { ...ok, timestamp: '2024-05-01T24:00:00Z' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'invalid_timestamp' }] },
  { name: 'timestamp without a time zone', path: '/v1/track', body: { ...ok, timestamp: '2024-05-01T12:00:00' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'invalid_timestamp' }] },
  { name: 'year 1999', path: '/v1/track', body: { ...ok, timestamp: '1999-12-31T23:59:59.999Z' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'timestamp_out_of_range' }] },
  { name: 'year 2000 made 1999 by its offset', path: '/v1/track', body: { ...ok, timestamp: '2000-01-01T00:30:00+01:00' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'timestamp_out_of_range' }] },
  { name: 'year 2100', path: '/v1/screen', body: { userId: 'u1', timestamp: '2100-01-01T00:00:00Z' }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'timestamp_out_of_range' }] },
  { name: 'year 0000', path: '/v1/track', body: { ...ok, originalTimestamp: '0000-01-01T00:00:00Z' }, status: 400, code: 'validation_failed', issues: [{ path: 'originalTimestamp', code: 'timestamp_out_of_range' }] },
  { name: 'numeric timestamp (epoch ms)', path: '/v1/track', body: { ...ok, timestamp: 1_700_000_000_000 }, status: 400, code: 'validation_failed', issues: [{ path: 'timestamp', code: 'invalid_timestamp' }] },
  { name: 'numeric sentAt on an event', path: '/v1/group', body: { userId: 'u1', groupId: 'g1', sentAt: 1_700_000_000 }, status: 400, code: 'validation_failed', issues: [{ path: 'sentAt', code: 'invalid_timestamp' }] },
  { name: 'impossible timestamp inside a batch item', path: '/v1/batch', body: { batch: [{ type: 'track', ...ok }, { type: 'track', ...ok, timestamp: '2023-04-31T00:00:00Z' }] }, status: 400, code: 'validation_failed', issues: [{ path: 'batch[1].timestamp', code: 'invalid_timestamp' }] },

  // --- write keys
  { name: 'missing write key', path: '/v1/track', body: ok, auth: 'none', status: 401, code: 'missing_write_key' },
  { name: 'HTTP Basic with an empty username', path: '/v1/batch', body: { batch: [{ type: 'track', ...ok }] }, auth: 'empty-basic', status: 401, code: 'missing_write_key' },
  { name: 'a Bearer token instead of a write key', path: '/v1/identify', body: { userId: 'u1' }, auth: 'bearer', status: 401, code: 'missing_write_key' },
  { name: 'writeKey in the body is not a string', path: '/v1/batch', body: { writeKey: 12345, batch: [{ type: 'track', ...ok }] }, auth: 'none', status: 401, code: 'missing_write_key' },
  { name: 'unknown write key', path: '/v1/track', body: ok, auth: 'unknown', status: 401, code: 'invalid_write_key' },
  { name: 'unknown write key in the body', path: '/v1/batch', body: { writeKey: 'wk_not_a_real_key', batch: [{ type: 'track', ...ok }] }, auth: 'none', status: 401, code: 'invalid_write_key' },
  { name: 'revoked write key', path: '/v1/batch', body: { batch: [{ type: 'track', ...ok }] }, auth: 'revoked', status: 401, code: 'invalid_write_key' },
  { name: 'an invalid event without a write key is refused for the key', path: '/v1/track', body: { event: 'x' }, auth: 'none', status: 401, code: 'missing_write_key' },

  // --- transport and amplification
  { name: 'Content-Length shorter than the body', path: '/v1/track', body: JSON.stringify(ok), headers: { 'content-length': '5' }, status: 400, code: 'invalid_body' },
  { name: 'Content-Length longer than the body', path: '/v1/batch', body: JSON.stringify({ batch: [{ type: 'track', ...ok }] }), headers: { 'content-length': '5000' }, status: 400, code: 'invalid_body' },
  { name: 'UTF-16 body', path: '/v1/track', body: Buffer.from(JSON.stringify(ok), 'utf16le'), headers: { 'content-type': 'application/json; charset=utf-16le' }, status: 400, code: 'invalid_json' },
  {
    name: '300 bad batch items report at most 100 issues', path: '/v1/batch', body: { batch: Array.from({ length: 300 }, () => ({ type: 'track', userId: 'u1' })) },
    status: 400, code: 'validation_failed', issues: Array.from({ length: 100 }, (_, i) => ({ path: `batch[${i}].event`, code: 'required' as const })),
  },
  {
    name: '50 bad values in one event report at most 20 issues', path: '/v1/track', body: { ...ok, properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'a\u0000'])) },
    status: 400, code: 'validation_failed', issues: Array.from({ length: 20 }, (_, i) => ({ path: `properties.k${i}`, code: 'nul_byte' as const })),
  },

  // --- routes
  { name: 'unknown tracking endpoint', path: '/v1/purchase', body: ok, status: 404, code: 'not_found' },
  { name: 'GET on a tracking endpoint', path: '/v1/track', method: 'GET', body: undefined, status: 404, code: 'not_found' },
];

// ---------------------------------------------------------------------------- the tests

describe.each(await storeFactories())('bad input to the tracking API on $name', (factory) => {
  let t: TestApp;
  let revokedKey = '';
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

  beforeAll(async () => {
    t = await startTestApp(factory);
    const created = await t.api('POST', '/api/v1/write-keys', { name: 'to revoke' });
    expect(created.statusCode).toBe(201);
    const { id, writeKey } = created.json<{ id: string; writeKey: string }>();
    // It works before it is revoked…
    const before = await t.track('/v1/track', { ...ok, messageId: 'before-revoke' }, { writeKey });
    expect(before.statusCode).toBe(200);
    expect((await t.api('DELETE', `/api/v1/write-keys/${id}`)).statusCode).toBe(204);
    revokedKey = writeKey;
  });
  afterAll(async () => t.close());

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = await t.count(table);
    return out;
  }

  function send(c: Pick<BadCase, 'path' | 'method' | 'body' | 'headers' | 'auth'>) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    switch (c.auth ?? 'default') {
      case 'default': headers['authorization'] = basic(t.ws.writeKey); break;
      case 'empty-basic': headers['authorization'] = basic(''); break;
      case 'bearer': headers['authorization'] = `Bearer ${t.ws.apiToken}`; break;
      case 'unknown': headers['authorization'] = basic('wk_this_key_does_not_exist'); break;
      case 'revoked': headers['authorization'] = basic(revokedKey); break;
      case 'none': break;
    }
    for (const [k, v] of Object.entries(c.headers ?? {})) {
      if (v === '') delete headers[k];
      else headers[k] = v;
    }
    const payload = c.body === undefined ? undefined : typeof c.body === 'string' || Buffer.isBuffer(c.body) ? c.body : JSON.stringify(c.body);
    return t.app.inject({ method: c.method ?? 'POST', url: c.path, headers, ...(payload === undefined ? {} : { payload }) });
  }

  it(`has at least 45 bad inputs (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(45);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)('$name → $status $code', async (c) => {
    const before = await counts();
    const res = await send(c);
    expect(res.statusCode, res.body).toBe(c.status);
    const body = res.json<{ error: { code: string; message: string; issues?: { path: string; code: string; message: string }[] } }>();
    expect(body.error.code).toBe(c.code);
    expect(typeof body.error.message).toBe('string');
    expect(body.error.message.length).toBeGreaterThan(0);
    if (c.issues) {
      expect(body.error.issues?.map((i) => ({ path: i.path, code: i.code }))).toEqual(c.issues);
      for (const issue of body.error.issues ?? []) expect(issue.message.length).toBeGreaterThan(0);
    } else if (c.code !== 'validation_failed') {
      expect(body.error.issues).toBeUndefined();
    }
    expect(await counts()).toEqual(before);
  });

  it('all-or-nothing: the good items of a refused batch were not claimed and can be sent again', async () => {
    const res = await send({ path: '/v1/batch', body: { batch: [{ type: 'track', ...ok, messageId: 'aon-1' }, { type: 'identify', userId: 'u-aon', traits: { email: 'aon@example.com' }, messageId: 'aon-3' }] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, accepted: 2, duplicates: 0, suppressed: 0 });
  });

  it('a revoked write key is listed as revoked and what it stored before stays', async () => {
    const res = await t.api('GET', '/api/v1/write-keys');
    const items = res.json<{ items: { name: string; revokedAt: string | null }[] }>().items;
    expect(items.find((k) => k.name === 'to revoke')?.revokedAt).not.toBeNull();
    expect(items.find((k) => k.name === 'default')?.revokedAt).toBeNull();
    const customer = await t.api('GET', '/api/v1/customers/lookup?userId=u-ok');
    const tl = await t.api('GET', `/api/v1/customers/${customer.json<{ id: string }>().id}/timeline?limit=200`);
    expect(tl.json<{ items: { messageId?: string }[] }>().items.some((i) => i.messageId === 'before-revoke')).toBe(true);
  });

  it('counts every refusal in /metrics by code', async () => {
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const count = (code: string) => Number(new RegExp(`omotenashi_events_rejected_total\\{code="${code}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    const expected = new Map<string, number>();
    for (const c of CASES) if (c.code !== 'not_found') expected.set(c.code, (expected.get(c.code) ?? 0) + 1);
    for (const [code, n] of expected) expect(count(code), code).toBe(n);
  });

  // ------------------------------------------------------------------ the accepted side of each boundary

  describe('accepted on the boundary', () => {
    async function accepted(c: Pick<BadCase, 'path' | 'body' | 'headers'>, n = 1) {
      const before = await t.count('events');
      const res = await send(c);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ success: true, accepted: n, duplicates: 0, suppressed: 0 });
      expect(await t.count('events')).toBe(before + n);
    }

    it('a single event of exactly 32768 bytes', async () => {
      await accepted({ path: '/v1/track', body: eventOfBytes(EVENT_LIMIT) });
    });
    it('a batch item of exactly 32768 bytes (also in multibyte characters)', async () => {
      const room = EVENT_LIMIT - '"type":"track",'.length;
      await accepted({ path: '/v1/batch', body: { batch: [{ type: 'track', ...eventOfBytes(room) }] } });
      await accepted({ path: '/v1/batch', body: { batch: [{ type: 'track', ...eventOfBytes(room, {}, 'é') }] } });
    });
    it('a batch of exactly 512000 bytes', async () => {
      await accepted({ path: '/v1/batch', body: batchTextOfBytes(BATCH_LIMIT, 'size-0') });
    });
    it('a gzip batch that expands to exactly 512000 bytes', async () => {
      await accepted({ path: '/v1/batch', body: gzipSync(batchTextOfBytes(BATCH_LIMIT, 'gz-0')), headers: { 'content-encoding': 'gzip' } });
    });
    it('a gzip single event that expands to exactly 32768 bytes', async () => {
      await accepted({ path: '/v1/track', body: gzipSync(JSON.stringify(eventOfBytes(EVENT_LIMIT))), headers: { 'content-encoding': 'gzip' } });
    });
    it('valid gzip and deflate bodies (Content-Encoding in any case)', async () => {
      await accepted({ path: '/v1/batch', body: gzipSync(JSON.stringify({ batch: [{ type: 'track', ...ok }, { type: 'page', userId: 'u-ok' }] })), headers: { 'content-encoding': 'GZIP' } }, 2);
      await accepted({ path: '/v1/identify', body: deflateSync(JSON.stringify({ userId: 'u-ok', traits: { plan: 'gold' } })), headers: { 'content-encoding': 'deflate' } });
      await accepted({ path: '/v1/track', body: JSON.stringify(ok), headers: { 'content-encoding': 'identity' } });
    });
    it('nesting of exactly 16 levels, in objects and arrays', async () => {
      await accepted({ path: '/v1/track', body: { ...ok, properties: nest(16) } });
      await accepted({ path: '/v1/track', body: { ...ok, properties: { list: [[[[[[[[[[[[[[{}]]]]]]]]]]]]]] } } });
    });
    it('exactly 2000 keys', async () => {
      await accepted({ path: '/v1/track', body: eventWithKeys(2000) });
    });
    it('ids, names and messageIds at their length limits', async () => {
      await accepted({ path: '/v1/track', body: { userId: 'u'.repeat(256), event: 'e'.repeat(200), messageId: 'm'.repeat(100) } });
    });
    it('timestamps at the edges of the accepted range, and numeric ids', async () => {
      await accepted({ path: '/v1/track', body: { ...ok, timestamp: '2000-01-01T00:00:00Z' } });
      await accepted({ path: '/v1/track', body: { ...ok, timestamp: '2099-12-31T23:59:59.999Z' } });
      await accepted({ path: '/v1/track', body: { ...ok, timestamp: '2024-02-29' } });
      await accepted({ path: '/v1/track', body: { ...ok, timestamp: '2024-05-01 09:00:00+09:00' } });
      await accepted({ path: '/v1/identify', body: { userId: 12345 } });
    });
    it('a valid surrogate pair, a NUL-looking text and an ordinary key named like a prototype member', async () => {
      await accepted({ path: '/v1/track', body: '{"userId":"u1","event":"x","properties":{"emoji":"\\ud83c\\udf75","note":"\\\\u0000","toString":"ok","proto":1}}' });
    });
  });
});
