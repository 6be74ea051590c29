import type { EventType } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_FUTURE_SKEW_MS, validateEvent, type ValidateOptions, type ValidationResult } from './validate-event.js';

const RECEIVED_AT = Date.UTC(2024, 4, 1, 12, 0, 0);
const HOUR = 3_600_000;

function options(overrides: Partial<ValidateOptions> = {}): ValidateOptions {
  let n = 0;
  return {
    path: 'batch[0]',
    impliedType: null,
    receivedAt: RECEIVED_AT,
    sentAt: null,
    newMessageId: () => `generated-${++n}`,
    ...overrides,
  };
}

function okEvent(result: ValidationResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
  return result.event;
}

function issuesOf(result: ValidationResult): { path: string; code: string }[] {
  if (result.ok) return [];
  for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0);
  return result.issues.map(({ path, code }) => ({ path, code }));
}

/** What @segment/analytics-node 3.x puts in a batch for analytics.track(). */
function trackItem(): Record<string, unknown> {
  return {
    type: 'track',
    userId: 'user-42',
    event: 'Order Completed',
    properties: {
      orderId: 'o-1001',
      total: 129.5,
      currency: 'JPY',
      products: [{ productId: 'p-1', sku: 'TEA-01', name: 'Sencha', price: 64.75, quantity: 2 }],
    },
    context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
    integrations: {},
    messageId: 'node-next-1714564800000-3f2b7c1e-9a4d-4b8e-8f1a-2c3d4e5f6a7b',
    timestamp: '2024-05-01T11:59:58.123Z',
    _metadata: { nodeVersion: 'v20.11.0', jsRuntime: 'node' },
  };
}

function item(overrides: Record<string, unknown>, drop: string[] = []): Record<string, unknown> {
  const value = { ...trackItem(), ...overrides };
  for (const key of drop) delete value[key];
  return value;
}

function nest(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** A track item whose JSON is exactly `bytes` long, padded with `unit` (1 or 3 UTF-8 bytes). */
function itemOfBytes(bytes: number, unit: 'x' | 'お' = 'x'): Record<string, unknown> {
  const base = item({ properties: { pad: '' } });
  const baseBytes = JSON.stringify(base).length; // ASCII only
  const missing = bytes - baseBytes;
  const width = unit === 'x' ? 1 : 3;
  const pad = unit.repeat(Math.floor(missing / width)) + 'x'.repeat(missing % width);
  return item({ properties: { pad } });
}

const long = (n: number) => 'x'.repeat(n);

describe('validateEvent: refusals', () => {
  // [what, input, options, expected issues]
  const cases: [string, unknown, Partial<ValidateOptions>, { path: string; code: string }[]][] = [
    ['an array instead of an object', [trackItem()], {}, [{ path: 'batch[0]', code: 'invalid_type' }]],
    ['null', null, {}, [{ path: 'batch[0]', code: 'invalid_type' }]],
    ['a string', 'track', { path: '' }, [{ path: '', code: 'invalid_type' }]],
    ['a batch item without type', item({}, ['type']), {}, [{ path: 'batch[0].type', code: 'required' }]],
    ['type null in a batch', item({ type: null }), {}, [{ path: 'batch[0].type', code: 'required' }]],
    ['a numeric type', item({ type: 1 }), {}, [{ path: 'batch[0].type', code: 'invalid_type' }]],
    ['an unknown type', item({ type: 'purchase' }), {}, [{ path: 'batch[0].type', code: 'unknown_type' }]],
    ['type of another call', item({ type: 'page' }), { path: '', impliedType: 'track' }, [{ path: 'type', code: 'invalid_value' }]],
    ['an unknown type on /v1/track', item({ type: 'purchase' }), { path: '', impliedType: 'track' }, [{ path: 'type', code: 'invalid_value' }]],
    ['a boolean type on /v1/track', item({ type: true }), { path: '', impliedType: 'track' }, [{ path: 'type', code: 'invalid_type' }]],
    ['a boolean userId', item({ userId: true }), {}, [{ path: 'batch[0].userId', code: 'invalid_type' }]],
    ['an object userId', item({ userId: { id: 1 } }), {}, [{ path: 'batch[0].userId', code: 'invalid_type' }]],
    ['an array anonymousId', item({ anonymousId: ['a'] }), {}, [{ path: 'batch[0].anonymousId', code: 'invalid_type' }]],
    ['a 257-character userId', item({ userId: long(257) }), {}, [{ path: 'batch[0].userId', code: 'too_long' }]],
    ['a 257-character anonymousId', item({ anonymousId: long(257) }), {}, [{ path: 'batch[0].anonymousId', code: 'too_long' }]],
    ['an infinite userId', item({ userId: Infinity }), {}, [{ path: 'batch[0].userId', code: 'invalid_value' }]],
    ['a NaN anonymousId', item({ anonymousId: NaN }), {}, [{ path: 'batch[0].anonymousId', code: 'invalid_value' }]],
    ['no identity', item({}, ['userId']), {}, [{ path: 'batch[0]', code: 'missing_identity' }]],
    ['empty ids only', item({ userId: '', anonymousId: '' }), {}, [{ path: 'batch[0]', code: 'missing_identity' }]],
    ['null ids only', item({ userId: null, anonymousId: null }), { path: '' }, [{ path: '', code: 'missing_identity' }]],
    ['alias without userId', { type: 'alias', anonymousId: 'a-1', previousId: 'a-1' }, {}, [{ path: 'batch[0].userId', code: 'required' }]],
    ['alias without previousId', { type: 'alias', userId: 'u-1' }, {}, [{ path: 'batch[0].previousId', code: 'required' }]],
    ['alias with an empty previousId', { type: 'alias', userId: 'u-1', previousId: '' }, {}, [{ path: 'batch[0].previousId', code: 'required' }]],
    ['alias with a boolean previousId', { type: 'alias', userId: 'u-1', previousId: false }, {}, [{ path: 'batch[0].previousId', code: 'invalid_type' }]],
    ['alias with a 257-character previousId', { type: 'alias', userId: 'u-1', previousId: long(257) }, {}, [{ path: 'batch[0].previousId', code: 'too_long' }]],
    ['group without groupId', { type: 'group', userId: 'u-1' }, {}, [{ path: 'batch[0].groupId', code: 'required' }]],
    ['group with an empty groupId', { type: 'group', userId: 'u-1', groupId: '' }, {}, [{ path: 'batch[0].groupId', code: 'required' }]],
    ['group with an object groupId', { type: 'group', userId: 'u-1', groupId: {} }, {}, [{ path: 'batch[0].groupId', code: 'invalid_type' }]],
    ['track without event', item({}, ['event']), {}, [{ path: 'batch[0].event', code: 'required' }]],
    ['track with a numeric event', item({ event: 42 }), {}, [{ path: 'batch[0].event', code: 'invalid_type' }]],
    ['track with an empty event', item({ event: '' }), {}, [{ path: 'batch[0].event', code: 'empty' }]],
    ['track with a 201-character event', item({ event: long(201) }), {}, [{ path: 'batch[0].event', code: 'too_long' }]],
    ['page with a numeric name', { type: 'page', anonymousId: 'a-1', name: 3 }, {}, [{ path: 'batch[0].name', code: 'invalid_type' }]],
    ['screen with an object name', { type: 'screen', anonymousId: 'a-1', name: {} }, {}, [{ path: 'batch[0].name', code: 'invalid_type' }]],
    ['array properties', item({ properties: [1, 2] }), {}, [{ path: 'batch[0].properties', code: 'invalid_type' }]],
    ['string properties', item({ properties: 'x' }), {}, [{ path: 'batch[0].properties', code: 'invalid_type' }]],
    ['array traits', { type: 'identify', userId: 'u-1', traits: [] }, {}, [{ path: 'batch[0].traits', code: 'invalid_type' }]],
    ['string context', item({ context: 'web' }), {}, [{ path: 'batch[0].context', code: 'invalid_type' }]],
    ['boolean integrations', item({ integrations: true }), {}, [{ path: 'batch[0].integrations', code: 'invalid_type' }]],
    ['a numeric messageId', item({ messageId: 7 }), {}, [{ path: 'batch[0].messageId', code: 'invalid_type' }]],
    ['a 101-character messageId', item({ messageId: long(101) }), {}, [{ path: 'batch[0].messageId', code: 'too_long' }]],
    ['a free-form timestamp', item({ timestamp: 'yesterday' }), {}, [{ path: 'batch[0].timestamp', code: 'invalid_timestamp' }]],
    ['an epoch-number timestamp', item({ timestamp: 1714564800000 }), {}, [{ path: 'batch[0].timestamp', code: 'invalid_timestamp' }]],
    ['February 30th', item({ timestamp: '2023-02-30T10:00:00Z' }), {}, [{ path: 'batch[0].timestamp', code: 'invalid_timestamp' }]],
    ['a timestamp without zone', item({ timestamp: '2024-05-01T10:00:00' }), {}, [{ path: 'batch[0].timestamp', code: 'invalid_timestamp' }]],
    ['a 1970 timestamp', item({ timestamp: '1970-01-01T00:00:00Z' }), {}, [{ path: 'batch[0].timestamp', code: 'timestamp_out_of_range' }]],
    ['a bad originalTimestamp', item({ originalTimestamp: '2024-13-01T00:00:00Z' }), {}, [{ path: 'batch[0].originalTimestamp', code: 'invalid_timestamp' }]],
    ['an item sentAt in 2100', item({ sentAt: '2100-01-01T00:00:00Z' }), {}, [{ path: 'batch[0].sentAt', code: 'timestamp_out_of_range' }]],
    ['a __proto__ property', item({ properties: JSON.parse('{"__proto__":{"isAdmin":true}}') }), {}, [{ path: 'batch[0].properties.__proto__', code: 'forbidden_key' }]],
    ['a constructor key in context', item({ context: JSON.parse('{"constructor":{"prototype":{}}}') }), {}, [{ path: 'batch[0].context.constructor', code: 'forbidden_key' }]],
    ['a prototype trait', { type: 'identify', userId: 'u', traits: { prototype: 1 } }, {}, [{ path: 'batch[0].traits.prototype', code: 'forbidden_key' }]],
    ['a NUL in a property', item({ properties: { note: 'gift\u0000wrap' } }), {}, [{ path: 'batch[0].properties.note', code: 'nul_byte' }]],
    ['a NUL in a key', item({ properties: { 'a\u0000': 1 } }), {}, [{ path: 'batch[0].properties["a\\u0000"]', code: 'nul_byte' }]],
    ['a NUL in userId', item({ userId: 'u\u0000' }), {}, [{ path: 'batch[0].userId', code: 'nul_byte' }]],
    ['a lone surrogate in the event name', item({ event: 'Order \ud83d' }), {}, [{ path: 'batch[0].event', code: 'lone_surrogate' }]],
    ['a lone surrogate in a key', item({ properties: { '\udead': 1 } }), {}, [{ path: 'batch[0].properties["\\udead"]', code: 'lone_surrogate' }]],
    ['a NUL under an unknown top-level key', item({ extra: ['\u0000'] }), {}, [{ path: 'batch[0].extra[0]', code: 'nul_byte' }]],
    ['17 levels of nesting', item({ properties: nest(17) }), {}, [{ path: `batch[0].properties${'.a'.repeat(16)}`, code: 'too_deep' }]],
    ['2001 keys (14 outside properties)', item({ properties: Object.fromEntries(Array.from({ length: 1987 }, (_, i) => [`k${i}`, 0])) }), {}, [{ path: 'batch[0]', code: 'too_many' }]],
    ['32769 bytes', itemOfBytes(32_769), {}, [{ path: 'batch[0]', code: 'too_large' }]],
    ['32769 bytes of mostly 3-byte characters', itemOfBytes(32_769, 'お'), { path: '' }, [{ path: '', code: 'too_large' }]],
  ];

  it('has at least 40 distinct bad inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('refuses %s', (_what, input, overrides, expected) => {
    expect(issuesOf(validateEvent(input, options(overrides)))).toEqual(expected);
  });

  it('writes messages that name the field and the problem', () => {
    const result = validateEvent(item({ userId: true, anonymousId: long(300) }), options({ path: '' }));
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'userId', code: 'invalid_type', message: 'userId must be a string or a number, got boolean' },
        { path: 'anonymousId', code: 'too_long', message: 'anonymousId is 300 characters long; the limit is 256' },
      ],
    });
    const nested = validateEvent(item({ properties: { note: '\u0000' } }), options());
    expect(nested.ok ? [] : nested.issues.map((i) => i.message)).toEqual([
      'batch[0].properties.note contains a NUL character (U+0000)',
    ]);
  });

  it('reports every problem of an item at once, in field order', () => {
    const input = {
      type: 'track',
      userId: false,
      event: '',
      properties: [],
      messageId: 1,
      timestamp: '2024-02-30T00:00:00Z',
      context: { '__proto__': 1, note: '\u0000' },
    };
    expect(issuesOf(validateEvent(JSON.parse(JSON.stringify(input)), options()))).toEqual([
      { path: 'batch[0].userId', code: 'invalid_type' },
      { path: 'batch[0].event', code: 'empty' },
      { path: 'batch[0].properties', code: 'invalid_type' },
      { path: 'batch[0].messageId', code: 'invalid_type' },
      { path: 'batch[0].timestamp', code: 'invalid_timestamp' },
      { path: 'batch[0].context.note', code: 'nul_byte' },
    ]);
  });

  it('also reports the size when other problems exist', () => {
    const input = itemOfBytes(40_000);
    input.event = 7;
    expect(issuesOf(validateEvent(input, options()))).toEqual([
      { path: 'batch[0].event', code: 'invalid_type' },
      { path: 'batch[0]', code: 'too_large' },
    ]);
  });

  it('bounds the issues of one hostile item', () => {
    const input = item({ properties: { list: Array.from({ length: 5000 }, () => '\u0000') } });
    const result = validateEvent(input, options());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toHaveLength(20);
  });

  it('survives extremely deep input', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(issuesOf(validateEvent(item({ properties: deep }), options()))[0]?.code).toBe('too_deep');
  });
});

describe('validateEvent: accepted calls', () => {
  it('normalises an analytics-node track item', () => {
    const input = trackItem();
    const event = okEvent(validateEvent(input, options()));
    expect(event).toEqual({
      type: 'track',
      messageId: 'node-next-1714564800000-3f2b7c1e-9a4d-4b8e-8f1a-2c3d4e5f6a7b',
      messageIdGiven: true,
      userId: 'user-42',
      anonymousId: null,
      previousId: null,
      groupId: null,
      event: 'Order Completed',
      name: null,
      properties: input.properties,
      traits: {},
      context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
      timestamp: Date.UTC(2024, 4, 1, 11, 59, 58, 123),
      receivedAt: RECEIVED_AT,
      raw: JSON.stringify(input),
    });
  });

  it('accepts identify with traits', () => {
    const event = okEvent(
      validateEvent(
        { type: 'identify', userId: 'u-1', anonymousId: 'anon-1', traits: { email: 'hanako@example.jp', plan: 'gold' } },
        options(),
      ),
    );
    expect(event).toMatchObject({ type: 'identify', userId: 'u-1', anonymousId: 'anon-1', traits: { email: 'hanako@example.jp', plan: 'gold' } });
  });

  it('accepts page with name: null, as analytics-node sends for unnamed pages', () => {
    const input = { type: 'page', anonymousId: 'anon-1', name: null, category: null, properties: { path: '/cart', url: 'https://shop.example/cart' } };
    expect(okEvent(validateEvent(input, options()))).toMatchObject({ type: 'page', name: null, properties: { path: '/cart' } });
  });

  it('accepts page and screen names', () => {
    expect(okEvent(validateEvent({ type: 'page', userId: 'u', name: 'Cart' }, options())).name).toBe('Cart');
    expect(okEvent(validateEvent({ type: 'screen', userId: 'u', name: 'Home' }, options())).name).toBe('Home');
    expect(okEvent(validateEvent({ type: 'screen', userId: 'u', name: '' }, options())).name).toBeNull();
  });

  it('accepts group with groupId and traits', () => {
    const event = okEvent(validateEvent({ type: 'group', userId: 'u-1', groupId: 'acme', traits: { name: 'Acme' } }, options()));
    expect(event).toMatchObject({ type: 'group', groupId: 'acme', traits: { name: 'Acme' } });
  });

  it('accepts alias with userId and previousId', () => {
    const event = okEvent(validateEvent({ type: 'alias', userId: 'u-1', previousId: 'anon-1' }, options()));
    expect(event).toMatchObject({ type: 'alias', userId: 'u-1', previousId: 'anon-1', anonymousId: null });
  });

  it.each<EventType>(['track', 'identify', 'page', 'screen', 'group', 'alias'])('takes the type from the %s endpoint', (type) => {
    const input = { userId: 'u-1', previousId: 'p', groupId: 'g', event: 'E' };
    expect(okEvent(validateEvent(input, options({ path: '', impliedType: type }))).type).toBe(type);
    expect(okEvent(validateEvent({ ...input, type }, options({ path: '', impliedType: type }))).type).toBe(type);
  });

  it('coerces numeric ids to strings', () => {
    expect(okEvent(validateEvent(item({ userId: 42, anonymousId: 1.5 }), options()))).toMatchObject({ userId: '42', anonymousId: '1.5' });
    expect(okEvent(validateEvent({ type: 'alias', userId: 0, previousId: 7 }, options()))).toMatchObject({ userId: '0', previousId: '7' });
    expect(okEvent(validateEvent({ type: 'group', anonymousId: 'a', groupId: 99 }, options())).groupId).toBe('99');
  });

  it('treats an empty id as absent when the other id is present', () => {
    expect(okEvent(validateEvent(item({ userId: '', anonymousId: 'anon-1' }), options()))).toMatchObject({ userId: null, anonymousId: 'anon-1' });
  });

  it('generates a messageId when none (or an empty one) is given', () => {
    const opts = options();
    const a = okEvent(validateEvent(item({}, ['messageId']), opts));
    const b = okEvent(validateEvent(item({ messageId: '' }), opts));
    expect([a.messageId, a.messageIdGiven, b.messageId, b.messageIdGiven]).toEqual(['generated-1', false, 'generated-2', false]);
  });

  it('allows unknown top-level keys', () => {
    expect(okEvent(validateEvent(item({ channel: 'server', version: 2 }), options())).raw).toContain('"channel":"server"');
  });
});

describe('validateEvent: limits on both sides', () => {
  it('accepts exactly 32768 bytes and refuses 32769', () => {
    expect(JSON.stringify(itemOfBytes(32_768)).length).toBe(32_768);
    expect(validateEvent(itemOfBytes(32_768), options()).ok).toBe(true);
    expect(issuesOf(validateEvent(itemOfBytes(32_769), options()))).toEqual([{ path: 'batch[0]', code: 'too_large' }]);
  });

  it('measures bytes, not characters', () => {
    const exact = itemOfBytes(32_768, 'お');
    expect(JSON.stringify(exact).length).toBeLessThan(12_000);
    expect(validateEvent(exact, options()).ok).toBe(true);
    expect(validateEvent(itemOfBytes(32_769, 'お'), options()).ok).toBe(false);
  });

  it('accepts 16 levels of nesting and refuses 17', () => {
    expect(validateEvent(item({ properties: nest(16) }), options()).ok).toBe(true);
    expect(validateEvent(item({ properties: nest(17) }), options()).ok).toBe(false);
  });

  it('accepts 2000 keys in total and refuses 2001', () => {
    // The item itself has type, userId, event, properties: 4 keys.
    const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0]));
    const base = { type: 'track', userId: 'u', event: 'E' };
    expect(validateEvent({ ...base, properties: props(1996) }, options()).ok).toBe(true);
    expect(issuesOf(validateEvent({ ...base, properties: props(1997) }, options()))).toEqual([{ path: 'batch[0]', code: 'too_many' }]);
  });

  it.each([
    ['userId', 256],
    ['anonymousId', 256],
    ['event', 200],
    ['messageId', 100],
  ])('accepts %s at its limit of %i characters and refuses one more', (field, limit) => {
    expect(validateEvent(item({ [field]: long(limit) }), options()).ok).toBe(true);
    expect(issuesOf(validateEvent(item({ [field]: long(limit + 1) }), options()))).toEqual([
      { path: `batch[0].${field}`, code: 'too_long' },
    ]);
  });

  it('accepts groupId and previousId of 256 characters and refuses 257', () => {
    expect(validateEvent({ type: 'group', userId: 'u', groupId: long(256) }, options()).ok).toBe(true);
    expect(validateEvent({ type: 'group', userId: 'u', groupId: long(257) }, options()).ok).toBe(false);
    expect(validateEvent({ type: 'alias', userId: 'u', previousId: long(256) }, options()).ok).toBe(true);
    expect(validateEvent({ type: 'alias', userId: 'u', previousId: long(257) }, options()).ok).toBe(false);
  });
});

describe('validateEvent: timestamps and clock skew', () => {
  const at = (ms: number) => new Date(ms).toISOString();
  const ts = (input: Record<string, unknown>, opts: Partial<ValidateOptions> = {}) =>
    okEvent(validateEvent({ type: 'track', userId: 'u', event: 'E', ...input }, options(opts))).timestamp;

  it('uses receivedAt when the client sends no time', () => {
    expect(ts({})).toBe(RECEIVED_AT);
  });

  it('uses timestamp as given, even with originalTimestamp and sentAt present', () => {
    expect(ts({ timestamp: at(RECEIVED_AT - HOUR), originalTimestamp: at(RECEIVED_AT - 2 * HOUR), sentAt: at(RECEIVED_AT) })).toBe(RECEIVED_AT - HOUR);
  });

  it('corrects originalTimestamp by the distance to the item sentAt', () => {
    // The client clock is 3 hours fast; the event happened 10 s before it was sent.
    const clientSent = RECEIVED_AT + 3 * HOUR;
    expect(ts({ originalTimestamp: at(clientSent - 10_000), sentAt: at(clientSent) })).toBe(RECEIVED_AT - 10_000);
  });

  it('falls back to the batch sentAt, and prefers the item sentAt', () => {
    const clientSent = RECEIVED_AT - 5 * HOUR;
    expect(ts({ originalTimestamp: at(clientSent - 60_000) }, { sentAt: clientSent })).toBe(RECEIVED_AT - 60_000);
    expect(ts({ originalTimestamp: at(clientSent - 60_000), sentAt: at(clientSent - 30_000) }, { sentAt: clientSent })).toBe(
      RECEIVED_AT - 30_000,
    );
  });

  it('uses receivedAt when originalTimestamp comes without any sentAt', () => {
    expect(ts({ originalTimestamp: at(RECEIVED_AT - HOUR) })).toBe(RECEIVED_AT);
  });

  it('keeps timestamps up to 24 hours ahead and clamps later ones to receivedAt', () => {
    expect(ts({ timestamp: at(RECEIVED_AT + MAX_FUTURE_SKEW_MS) })).toBe(RECEIVED_AT + MAX_FUTURE_SKEW_MS);
    expect(ts({ timestamp: at(RECEIVED_AT + MAX_FUTURE_SKEW_MS + 1) })).toBe(RECEIVED_AT);
    // A correction can land in the future too (originalTimestamp after sentAt).
    expect(ts({ originalTimestamp: at(RECEIVED_AT + 3 * 24 * HOUR), sentAt: at(RECEIVED_AT) })).toBe(RECEIVED_AT);
  });

  it('keeps old timestamps (backfills are legitimate)', () => {
    expect(ts({ timestamp: '2001-01-01T00:00:00Z' })).toBe(Date.UTC(2001, 0, 1));
  });
});
