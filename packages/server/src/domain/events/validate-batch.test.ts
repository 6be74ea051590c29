import { describe, expect, it } from 'vitest';
import { readWriteKey, validateBatch, type BatchResult } from './validate-batch.js';

const RECEIVED_AT = Date.UTC(2024, 4, 1, 12, 0, 0);

function options() {
  let n = 0;
  return { receivedAt: RECEIVED_AT, newMessageId: () => `generated-${++n}` };
}

function issuesOf(result: BatchResult): { path: string; code: string }[] {
  if (result.ok) return [];
  return result.issues.map(({ path, code }) => ({ path, code }));
}

const library = { name: '@segment/analytics-node', version: '3.1.0' };

/** The body @segment/analytics-node 3.x POSTs to /v1/batch. */
function analyticsNodeBody(): Record<string, unknown> {
  return {
    batch: [
      {
        type: 'identify',
        userId: 'user-42',
        traits: { email: 'hanako@example.jp' },
        context: { library },
        integrations: {},
        messageId: 'node-next-1714564790000-a',
        timestamp: '2024-05-01T11:59:50.000Z',
        _metadata: { nodeVersion: 'v20.11.0', jsRuntime: 'node' },
      },
      {
        type: 'page',
        anonymousId: 'anon-7',
        name: null,
        category: null,
        properties: { path: '/cart' },
        context: { library },
        integrations: {},
        messageId: 'node-next-1714564795000-b',
        timestamp: '2024-05-01T11:59:55.000Z',
        _metadata: { nodeVersion: 'v20.11.0', jsRuntime: 'node' },
      },
      {
        type: 'track',
        userId: 'user-42',
        event: 'Order Completed',
        properties: { orderId: 'o-1', total: 3200, currency: 'JPY' },
        context: { library },
        integrations: {},
        messageId: 'node-next-1714564798000-c',
        timestamp: '2024-05-01T11:59:58.000Z',
        _metadata: { nodeVersion: 'v20.11.0', jsRuntime: 'node' },
      },
    ],
    writeKey: 'wk_live_123',
    sentAt: '2024-05-01T11:59:59.500Z',
  };
}

const good = { type: 'track', userId: 'u', event: 'E' };

describe('validateBatch', () => {
  it('accepts what analytics-node sends', () => {
    const result = validateBatch(analyticsNodeBody(), options());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.writeKey).toBe('wk_live_123');
    expect(result.events.map((e) => [e.type, e.messageId, e.timestamp])).toEqual([
      ['identify', 'node-next-1714564790000-a', Date.UTC(2024, 4, 1, 11, 59, 50)],
      ['page', 'node-next-1714564795000-b', Date.UTC(2024, 4, 1, 11, 59, 55)],
      ['track', 'node-next-1714564798000-c', Date.UTC(2024, 4, 1, 11, 59, 58)],
    ]);
    expect(result.events[0]?.traits).toEqual({ email: 'hanako@example.jp' });
  });

  it.each([
    ['an array body', [good], [{ path: '', code: 'invalid_type' }]],
    ['a string body', 'batch', [{ path: '', code: 'invalid_type' }]],
    ['no batch', { sentAt: '2024-05-01T00:00:00Z' }, [{ path: 'batch', code: 'required' }]],
    ['an object batch', { batch: good }, [{ path: 'batch', code: 'invalid_type' }]],
    ['an empty batch', { batch: [] }, [{ path: 'batch', code: 'empty' }]],
    ['a bad sentAt', { batch: [good], sentAt: 'now' }, [{ path: 'sentAt', code: 'invalid_timestamp' }]],
    ['a numeric sentAt', { batch: [good], sentAt: 1714564800000 }, [{ path: 'sentAt', code: 'invalid_timestamp' }]],
    ['a sentAt in 1999', { batch: [good], sentAt: '1999-12-31T23:59:59Z' }, [{ path: 'sentAt', code: 'timestamp_out_of_range' }]],
    ['an array context', { batch: [good], context: [] }, [{ path: 'context', code: 'invalid_type' }]],
    ['a __proto__ in the shared context', { batch: [good], context: JSON.parse('{"__proto__":{}}') }, [{ path: 'context.__proto__', code: 'forbidden_key' }]],
    ['a NUL in the shared context', { batch: [good], context: { ip: '\u0000' } }, [{ path: 'context.ip', code: 'nul_byte' }]],
    ['an item that is not an object', { batch: [good, 5] }, [{ path: 'batch[1]', code: 'invalid_type' }]],
    ['an item without type', { batch: [good, { userId: 'u', event: 'E' }] }, [{ path: 'batch[1].type', code: 'required' }]],
    ['an item without identity', { batch: [good, good, { type: 'track', event: 'E' }] }, [{ path: 'batch[2]', code: 'missing_identity' }]],
  ])('refuses %s', (_what, body, expected) => {
    expect(issuesOf(validateBatch(body, options()))).toEqual(expected);
  });

  it('reports body problems and item problems together', () => {
    const body = { batch: [good, { type: 'nope', userId: 'u' }], sentAt: 'soon' };
    expect(issuesOf(validateBatch(body, options()))).toEqual([
      { path: 'sentAt', code: 'invalid_timestamp' },
      { path: 'batch[1].type', code: 'unknown_type' },
    ]);
  });

  it('is all-or-nothing and reports the issues of every bad item', () => {
    const body = { batch: [good, { ...good, userId: true }, good, { ...good, event: '' }] };
    const result = validateBatch(body, options());
    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([
      { path: 'batch[1].userId', code: 'invalid_type' },
      { path: 'batch[3].event', code: 'empty' },
    ]);
  });

  it('caps the issue list at 100', () => {
    const bad = { type: 'track', userId: true, event: 1, properties: [], messageId: 2 };
    const result = validateBatch({ batch: Array.from({ length: 200 }, () => bad) }, options());
    expect(issuesOf(result)).toHaveLength(100);
  });

  it('applies the batch sentAt to correct originalTimestamp', () => {
    // Client clock 1 hour slow; the event happened 2 s before sending.
    const body = {
      batch: [{ ...good, originalTimestamp: '2024-05-01T10:59:58.000Z' }],
      sentAt: '2024-05-01T11:00:00.000Z',
    };
    const result = validateBatch(body, options());
    expect(result.ok && result.events[0]?.timestamp).toBe(RECEIVED_AT - 2000);
  });

  it('merges the shared context under each item context, the item winning', () => {
    const shared = { library, ip: '203.0.113.9' };
    const body = {
      batch: [
        { ...good, context: { ip: '198.51.100.1', locale: 'ja-JP' } },
        { ...good },
      ],
      context: shared,
    };
    const result = validateBatch(body, options());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.events[0]?.context).toEqual({ library, ip: '198.51.100.1', locale: 'ja-JP' });
    expect(result.events[1]?.context).toEqual({ library, ip: '203.0.113.9' });
    expect(result.events[1]?.context).not.toBe(shared);
    expect(shared).toEqual({ library, ip: '203.0.113.9' });
    // raw stays the item as sent: what the 32 KB limit was measured on.
    expect(result.events[1]?.raw).toBe(JSON.stringify(good));
  });

  it('generates messageIds for items without one, and returns a null writeKey when none was sent', () => {
    const result = validateBatch({ batch: [good, good] }, options());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.events.map((e) => [e.messageId, e.messageIdGiven])).toEqual([
      ['generated-1', false],
      ['generated-2', false],
    ]);
    expect(result.writeKey).toBeNull();
  });
});

describe('readWriteKey', () => {
  it.each([
    [{ writeKey: 'wk_1' }, 'wk_1'],
    [{ writeKey: '' }, null],
    [{ writeKey: 123 }, null],
    [{}, null],
    [['wk_1'], null],
    [null, null],
    ['wk_1', null],
  ])('reads %j as %j', (body, expected) => {
    expect(readWriteKey(body)).toBe(expected);
  });
});
