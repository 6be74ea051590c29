import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../packages/server/src/services.js';
import { buildApp } from '../packages/server/src/transport/http/build-app.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/**
 * Segment clients retry: a messageId is stored once per workspace, however often and however
 * concurrently it arrives, and every answer says what happened. Also the transport details a
 * browser or SDK relies on: gzip, writeKey in the body, CORS preflight, sendBeacon's text/plain.
 */

interface IngestAnswer { success: boolean; accepted: number; duplicates: number; suppressed: number; duplicate?: boolean }

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

describe.each(await storeFactories())('idempotent ingestion on $name', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t.close());

  async function eventsOf(query: string): Promise<{ messageId: string; name: string | null }[]> {
    const c = await t.api('GET', `/api/v1/customers/lookup?${query}`);
    expect(c.statusCode, c.body).toBe(200);
    const tl = await t.api('GET', `/api/v1/customers/${c.json<{ id: string }>().id}/timeline?limit=200`);
    return tl.json<{ items: { kind: string; messageId: string; name: string | null }[] }>().items.filter((i) => i.kind === 'event');
  }

  async function metric(name: string, label = ''): Promise<number> {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const escaped = `${name}${label}`.replace(/[{}"]/g, (c) => `\\${c}`);
    return Number(new RegExp(`^${escaped} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  }

  it('stores a single call sent 5 times once, and says the later ones were duplicates', async () => {
    const events = await t.count('events');
    const dedupe = await t.count('event_dedupe');
    const answers: IngestAnswer[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.track('/v1/track', { userId: 'u-once', event: 'Product Viewed', properties: { product_id: 'tea' }, messageId: 'once-1' });
      expect(r.statusCode).toBe(200);
      answers.push(r.json<IngestAnswer>());
    }
    expect(answers[0]).toEqual({ success: true, accepted: 1, duplicates: 0, suppressed: 0, duplicate: false });
    for (const a of answers.slice(1)) expect(a).toEqual({ success: true, accepted: 0, duplicates: 1, suppressed: 0, duplicate: true });
    expect(await t.count('events')).toBe(events + 1);
    expect(await t.count('event_dedupe')).toBe(dedupe + 1);
    expect((await eventsOf('userId=u-once')).map((e) => e.messageId)).toEqual(['once-1']);
  });

  it('the messageId decides, not the content: a retry with other content is still a duplicate', async () => {
    await t.track('/v1/identify', { userId: 'u-content', traits: { plan: 'free' }, messageId: 'content-1' });
    const r = await t.track('/v1/identify', { userId: 'u-content', traits: { plan: 'gold' }, messageId: 'content-1' });
    expect(r.json()).toMatchObject({ accepted: 0, duplicates: 1, duplicate: true });
    const c = (await t.api('GET', '/api/v1/customers/lookup?userId=u-content')).json<{ profile: { traits: Record<string, unknown> } }>();
    expect(c.profile.traits['plan']).toBe('free');
  });

  it('stores a batch sent 5 times once', async () => {
    const events = await t.count('events');
    const batch = {
      batch: [
        { type: 'page', anonymousId: 'a-batch', properties: { url: 'https://shop.test/' }, messageId: 'b-1' },
        { type: 'track', anonymousId: 'a-batch', event: 'Product Viewed', properties: { product_id: 'mug' }, messageId: 'b-2' },
        { type: 'track', anonymousId: 'a-batch', event: 'Product Added', properties: { product_id: 'mug', price: 9, quantity: 1 }, messageId: 'b-3' },
      ],
    };
    const answers: IngestAnswer[] = [];
    for (let i = 0; i < 5; i++) answers.push((await t.track('/v1/batch', batch)).json<IngestAnswer>());
    expect(answers[0]).toEqual({ success: true, accepted: 3, duplicates: 0, suppressed: 0 });
    for (const a of answers.slice(1)) expect(a).toEqual({ success: true, accepted: 0, duplicates: 3, suppressed: 0 });
    expect(await t.count('events')).toBe(events + 3);
    const stored = await eventsOf('anonymousId=a-batch');
    expect(stored.map((e) => e.messageId).sort()).toEqual(['b-1', 'b-2', 'b-3']);
    // The cart holds the mug once, not five times.
    const c = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=a-batch')).json<{ profile: { cart: { items: { quantity: number }[] } } }>();
    expect(c.profile.cart.items).toEqual([expect.objectContaining({ productId: 'mug', quantity: 1 })]);
  });

  it('a single call and a batch item with the same messageId are the same event', async () => {
    const events = await t.count('events');
    const single = await t.track('/v1/page', { anonymousId: 'a-mixed', name: 'Home', messageId: 'mixed-1' });
    expect(single.json()).toMatchObject({ accepted: 1, duplicate: false });
    const batch = await t.track('/v1/batch', {
      batch: [
        { type: 'page', anonymousId: 'a-mixed', name: 'Home', messageId: 'mixed-1' },
        { type: 'page', anonymousId: 'a-mixed', name: 'About', messageId: 'mixed-2' },
      ],
    });
    expect(batch.json()).toEqual({ success: true, accepted: 1, duplicates: 1, suppressed: 0 });
    expect(await t.count('events')).toBe(events + 2);
  });

  it('the same messageId twice inside one batch is stored once', async () => {
    const events = await t.count('events');
    const r = await t.track('/v1/batch', {
      batch: [
        { type: 'track', userId: 'u-twice', event: 'Order Completed', properties: { order_id: 'o-1', total: 30 }, messageId: 'twice-1' },
        { type: 'track', userId: 'u-twice', event: 'Order Completed', properties: { order_id: 'o-1', total: 30 }, messageId: 'twice-1' },
        { type: 'track', userId: 'u-twice', event: 'Order Completed', properties: { order_id: 'o-1', total: 30 }, messageId: 'twice-1' },
      ],
    });
    expect(r.json()).toEqual({ success: true, accepted: 1, duplicates: 2, suppressed: 0 });
    expect(await t.count('events')).toBe(events + 1);
    const c = (await t.api('GET', '/api/v1/customers/lookup?userId=u-twice')).json<{ profile: { orders: { count: number; lifetimeValue: number } } }>();
    expect(c.profile.orders).toMatchObject({ count: 1, lifetimeValue: 30 });
  });

  it('the same messageId in two workspaces is stored in each', async () => {
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const events = await t.count('events');
    const body = { userId: 'u-shared', event: 'Product Viewed', messageId: 'shared-1' };
    const a = await t.track('/v1/track', body);
    const b = await t.track('/v1/track', body, { writeKey: other.writeKey });
    expect(a.json()).toMatchObject({ accepted: 1, duplicate: false });
    expect(b.json()).toMatchObject({ accepted: 1, duplicate: false });
    expect(await t.count('events')).toBe(events + 2);
    // …and is a duplicate within each.
    expect((await t.track('/v1/track', body, { writeKey: other.writeKey })).json()).toMatchObject({ accepted: 0, duplicate: true });
    expect((await t.track('/v1/track', body)).json()).toMatchObject({ accepted: 0, duplicate: true });
    const inOther = await t.api('GET', '/api/v1/customers/lookup?userId=u-shared', undefined, other.apiToken);
    const inOurs = await t.api('GET', '/api/v1/customers/lookup?userId=u-shared');
    expect(inOther.statusCode).toBe(200);
    expect(inOurs.statusCode).toBe(200);
    expect(inOther.json<{ id: string }>().id).not.toBe(inOurs.json<{ id: string }>().id);
  });

  it('events without a messageId are each stored (and get one of their own)', async () => {
    const events = await t.count('events');
    const dedupe = await t.count('event_dedupe');
    for (let i = 0; i < 3; i++) {
      const r = await t.track('/v1/track', { userId: 'u-nomid', event: 'Product Viewed' });
      expect(r.json()).toEqual({ success: true, accepted: 1, duplicates: 0, suppressed: 0, duplicate: false });
    }
    const r = await t.track('/v1/batch', { batch: [{ type: 'track', userId: 'u-nomid', event: 'Product Viewed' }, { type: 'track', userId: 'u-nomid', event: 'Product Viewed', messageId: '' }] });
    expect(r.json()).toEqual({ success: true, accepted: 2, duplicates: 0, suppressed: 0 });
    expect(await t.count('events')).toBe(events + 5);
    expect(await t.count('event_dedupe')).toBe(dedupe);
    const stored = await eventsOf('userId=u-nomid');
    expect(stored).toHaveLength(5);
    expect(new Set(stored.map((e) => e.messageId)).size).toBe(5);
    for (const e of stored) expect(e.messageId.length).toBeGreaterThan(0);
  });

  it('20 identical requests at once store one event', async () => {
    const events = await t.count('events');
    const body = { userId: 'u-race', event: 'Checkout Started', properties: { value: 10 }, messageId: 'race-1' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.track('/v1/track', body)));
    for (const a of answers) expect(a.statusCode).toBe(200);
    const parsed = answers.map((a) => a.json<IngestAnswer>());
    expect(parsed.reduce((n, a) => n + a.accepted, 0)).toBe(1);
    expect(parsed.reduce((n, a) => n + a.duplicates, 0)).toBe(19);
    expect(parsed.filter((a) => a.duplicate === false)).toHaveLength(1);
    expect(await t.count('events')).toBe(events + 1);
  });

  it('20 identical batches at once, through two server instances sharing the database, store each event once', async () => {
    // A second process over the same database: its own group-commit queue, so the two flush in
    // separate, concurrent transactions and only the database can tell who was first.
    const services2 = createServices(t.store, { clock: t.clock, geo: false });
    const app2 = await buildApp(services2);
    try {
      const events = await t.count('events');
      const body = JSON.stringify({
        batch: [
          { type: 'track', userId: 'u-race2', event: 'Product Viewed', properties: { product_id: 'p1' }, messageId: 'race2-1' },
          { type: 'track', userId: 'u-race2', event: 'Product Viewed', properties: { product_id: 'p2' }, messageId: 'race2-2' },
        ],
      });
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? t.app : app2).inject({
        method: 'POST', url: '/v1/batch', payload: body, headers: { 'content-type': 'application/json', authorization: basic(t.ws.writeKey) },
      })));
      for (const a of answers) expect(a.statusCode, a.body).toBe(200);
      const parsed = answers.map((a) => a.json<IngestAnswer>());
      expect(parsed.reduce((n, a) => n + a.accepted, 0)).toBe(2);
      expect(parsed.reduce((n, a) => n + a.duplicates, 0)).toBe(38);
      expect(await t.count('events')).toBe(events + 2);
      expect((await eventsOf('userId=u-race2')).map((e) => e.messageId).sort()).toEqual(['race2-1', 'race2-2']);
    } finally {
      await app2.close();
      await services2.ingest.close();
    }
  });

  it('two server instances receiving a new person’s first events at the same moment make one customer', async () => {
    // Same setup as above, but the concurrent events are different (distinct messageIds) and
    // name the same person who does not exist yet: both flushes would create them.
    const services2 = createServices(t.store, { clock: t.clock, geo: false });
    const app2 = await buildApp(services2);
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? t.app : app2).inject({
        method: 'POST', url: '/v1/track', headers: { 'content-type': 'application/json', authorization: basic(t.ws.writeKey) },
        payload: JSON.stringify({ userId: 'u-race3', event: 'Product Viewed', properties: { product_id: `p${i}` }, messageId: `race3-${i}` }),
      })));
      for (const a of answers) expect(a.statusCode, a.body).toBe(200);
      const stored = await eventsOf('userId=u-race3');
      expect(stored).toHaveLength(10);
      const c = (await t.api('GET', '/api/v1/customers/lookup?userId=u-race3')).json<{ profile: { eventCount: number } }>();
      expect(c.profile.eventCount).toBe(10);
    } finally {
      await app2.close();
      await services2.ingest.close();
    }
  });

  it('accepts a gzip-compressed batch (and its retry is a duplicate)', async () => {
    const body = gzipSync(JSON.stringify({
      batch: [
        { type: 'identify', userId: 'u-gzip', traits: { name: 'Gzip Ana' }, messageId: 'gz-1' },
        { type: 'track', userId: 'u-gzip', event: 'Product Viewed', properties: { product_id: 'tea' }, messageId: 'gz-2' },
      ],
    }));
    const r = await t.track('/v1/batch', body, { headers: { 'content-encoding': 'gzip' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ success: true, accepted: 2, duplicates: 0, suppressed: 0 });
    const again = await t.track('/v1/batch', body, { headers: { 'content-encoding': 'gzip' } });
    expect(again.json()).toEqual({ success: true, accepted: 0, duplicates: 2, suppressed: 0 });
    const c = (await t.api('GET', '/api/v1/customers/lookup?userId=u-gzip')).json<{ profile: { traits: Record<string, unknown> } }>();
    expect(c.profile.traits['name']).toBe('Gzip Ana');
  });

  it('takes the write key from the body when there is no Authorization header', async () => {
    const batch = await t.app.inject({
      method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ writeKey: t.ws.writeKey, batch: [{ type: 'track', userId: 'u-bodykey', event: 'Product Viewed', messageId: 'bk-1' }] }),
    });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json()).toMatchObject({ accepted: 1 });
    const single = await t.app.inject({
      method: 'POST', url: '/v1/identify', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ writeKey: t.ws.writeKey, userId: 'u-bodykey', traits: { plan: 'gold' }, messageId: 'bk-2' }),
    });
    expect(single.statusCode, single.body).toBe(200);
    expect(single.json()).toMatchObject({ accepted: 1, duplicate: false });
    expect((await eventsOf('userId=u-bodykey')).map((e) => e.messageId).sort()).toEqual(['bk-1', 'bk-2']);
  });

  it('answers the CORS preflight for /v1/batch with 204 and the allowed origin, methods and headers', async () => {
    const r = await t.app.inject({
      method: 'OPTIONS', url: '/v1/batch',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(r.statusCode).toBe(204);
    expect(r.body).toBe('');
    expect(r.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(String(r.headers['access-control-allow-methods'])).toMatch(/POST/);
    expect(String(r.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    expect(String(r.headers['access-control-allow-headers'])).toMatch(/content-type/i);
    expect(String(r.headers['vary'])).toMatch(/Origin/);
    for (const path of ['/v1/track', '/v1/page', '/v1/identify']) {
      const p = await t.app.inject({ method: 'OPTIONS', url: path, headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
      expect(p.statusCode).toBe(204);
      expect(p.headers['access-control-allow-origin']).toBe('https://shop.example');
    }
    // The actual cross-origin POST carries the header too, and so does its error answer.
    const post = await t.track('/v1/track', { anonymousId: 'a-cors', event: 'Product Viewed', messageId: 'cors-1' }, { headers: { origin: 'https://shop.example' } });
    expect(post.statusCode).toBe(200);
    expect(post.headers['access-control-allow-origin']).toBe('https://shop.example');
    const bad = await t.track('/v1/track', '{', { headers: { origin: 'https://shop.example' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['access-control-allow-origin']).toBe('https://shop.example');
  });

  it('accepts text/plain bodies, as navigator.sendBeacon sends them', async () => {
    const r = await t.app.inject({
      method: 'POST', url: '/v1/batch', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
      payload: JSON.stringify({ writeKey: t.ws.writeKey, batch: [{ type: 'page', anonymousId: 'a-beacon', properties: { url: 'https://shop.example/bye' }, messageId: 'beacon-1' }] }),
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 1 });
    const single = await t.track('/v1/page', { anonymousId: 'a-beacon', name: 'Bye', messageId: 'beacon-2' }, { headers: { 'content-type': 'text/plain' } });
    expect(single.statusCode, single.body).toBe(200);
    expect((await eventsOf('anonymousId=a-beacon')).map((e) => e.messageId).sort()).toEqual(['beacon-1', 'beacon-2']);
  });

  it('moves the accepted, duplicate and rejected counters in /metrics', async () => {
    const accepted0 = await metric('omotenashi_events_accepted_total');
    const duplicate0 = await metric('omotenashi_events_duplicate_total');
    const rejected0 = await metric('omotenashi_events_rejected_total', '{code="validation_failed"}');
    const json0 = await metric('omotenashi_events_rejected_total', '{code="invalid_json"}');
    expect(accepted0).toBeGreaterThan(0);
    expect(duplicate0).toBeGreaterThan(0);

    await t.track('/v1/batch', { batch: [{ type: 'track', userId: 'u-metrics', event: 'A', messageId: 'met-1' }, { type: 'track', userId: 'u-metrics', event: 'B', messageId: 'met-2' }] });
    await t.track('/v1/track', { userId: 'u-metrics', event: 'A', messageId: 'met-1' });
    await t.track('/v1/track', { userId: 'u-metrics' });
    await t.track('/v1/track', '{nope');

    expect(await metric('omotenashi_events_accepted_total')).toBe(accepted0 + 2);
    expect(await metric('omotenashi_events_duplicate_total')).toBe(duplicate0 + 1);
    expect(await metric('omotenashi_events_rejected_total', '{code="validation_failed"}')).toBe(rejected0 + 1);
    expect(await metric('omotenashi_events_rejected_total', '{code="invalid_json"}')).toBe(json0 + 1);
  });
});
