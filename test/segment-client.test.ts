import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock, startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/**
 * The official Segment Node client, unmodified, talking to a real listening server: a returning
 * customer browses anonymously on a new phone, logs in, checks out and orders. The admin API
 * must show one merged profile that tells an agent everything at a glance.
 */

interface Customer {
  id: string;
  userId: string | null;
  mergedFrom: string[];
  identities: { kind: string; value: string; verified: boolean }[];
  profile: {
    traits: Record<string, unknown>;
    eventCount: number;
    recentProducts: { productId: string; name: string | null; price: number | null; currency: string | null }[];
    cart: { items: unknown[]; value: number; checkoutStartedAt: number | null };
    orders: { count: number; lifetimeValue: number; currency: string | null; recent: { orderId: string; total: number; itemCount: number; status: string }[] };
    location: { timezone: string | null; timezoneSource: string | null };
    moments: { kind: string; trait: string; date: string; yearly: boolean }[];
  };
  insights: {
    localTime: { timezone: string; iso: string; hour: number; minute: number; utcOffsetMinutes: number } | null;
    moments: { kind: string; date: string; nextOccurrence: string | null; daysUntil: number | null }[];
  };
}

const DAY_MS = 86_400_000;
const TOKYO_OFFSET_MS = 9 * 60 * 60 * 1000; // Japan has no daylight saving time
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(await storeFactories())('the official @segment/analytics-node client on $name', (factory) => {
  let t: TestApp;
  let host = '';

  beforeAll(async () => {
    // The client stamps events with the real time; the server's clock is frozen at the real
    // start time, so the events are recent and every "today" below is computed from it.
    t = await startTestApp(factory, { clock: new TestClock(Date.now()) });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
    host = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => t.close());

  it('sends a realistic session that becomes one merged profile with cart, order, local time and birthday', async () => {
    // "Today" in Tokyo by the server's clock, and a birthday three days later (year 1992: a leap
    // year, so even a 29 February birthday is a real date).
    const tokyoNow = new Date(t.clock.now() + TOKYO_OFFSET_MS);
    const inThreeDays = new Date(t.clock.now() + TOKYO_OFFSET_MS + 3 * DAY_MS);
    const birthday = `1992-${inThreeDays.toISOString().slice(5, 10)}`;

    const analytics = new Analytics({
      writeKey: t.ws.writeKey,
      host,
      path: '/v1/batch',
      flushAt: 3,
      // Short: analytics-node 3.1 only sends a partial batch on its timer when flush() is called
      // while an earlier batch is still in flight.
      flushInterval: 25,
      maxRetries: 1,
      httpRequestTimeout: 5_000,
    });
    const errors: unknown[] = [];
    const requests: { url: string; body: string }[] = [];
    analytics.on('error', (err) => errors.push(err));
    analytics.on('http_request', (req) => requests.push({ url: req.url, body: req.body }));
    const delivered: Promise<void>[] = [];
    /** The callback fires once the event was delivered (or failed): collect them all. */
    const cb = () => {
      let done!: (err?: unknown) => void;
      delivered.push(new Promise<void>((resolve, reject) => { done = (err) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve()); }));
      return (err?: unknown) => done(err);
    };

    const userId = 'cust-1001';
    const anonymousId = '3f6c5a9e-phone';
    const phone = { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', locale: 'ja-JP' };

    // 1. Weeks ago, at signup on the laptop: the shop's backend identified the customer.
    analytics.identify({ userId, traits: { name: 'Yuki Tanaka', email: 'Yuki.Tanaka@example.jp', birthday, plan: 'member' } }, cb());
    await analytics.flush();

    // 2. Today, a new phone, not logged in: browsing.
    analytics.page({ anonymousId, name: 'Home', properties: { url: 'https://shop.example.jp/', path: '/', title: 'Tea Shop' }, context: phone }, cb());
    await sleep(3);
    analytics.page({ anonymousId, category: 'Tea', name: 'Green tea', properties: { url: 'https://shop.example.jp/c/green', path: '/c/green', title: 'Green tea' }, context: phone }, cb());
    await sleep(3);
    analytics.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'sencha-100', sku: 'SEN-100', name: 'Sencha 100g', price: 1620, currency: 'JPY', url: 'https://shop.example.jp/p/sencha-100' }, context: phone }, cb());
    await sleep(3);
    analytics.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'whisk-80', name: 'Bamboo whisk', price: 2400, currency: 'JPY' }, context: phone }, cb());
    await sleep(3);
    analytics.track({ anonymousId, event: 'Product Added', properties: { product_id: 'sencha-100', sku: 'SEN-100', name: 'Sencha 100g', price: 1620, quantity: 2, currency: 'JPY' }, context: phone }, cb());
    await analytics.flush();

    // 3. Login on the phone: the anonymous visit joins the known customer.
    await sleep(3);
    analytics.identify({ userId, anonymousId, traits: { email: 'yuki.tanaka@example.jp' }, context: phone }, cb());
    await sleep(3);
    analytics.track({ userId, anonymousId, event: 'Product Viewed', properties: { product_id: 'matcha-30', name: 'Matcha 30g', price: 3240, currency: 'JPY' }, context: phone }, cb());
    await analytics.flush();

    // 4. Checkout and order, reported with the phone's time zone.
    const products = [{ product_id: 'sencha-100', sku: 'SEN-100', name: 'Sencha 100g', price: 1620, quantity: 2 }];
    await sleep(3);
    analytics.track({ userId, anonymousId, event: 'Checkout Started', properties: { order_id: 'ord-7781', value: 3240, currency: 'JPY', products }, context: phone }, cb());
    await sleep(3);
    analytics.track({
      userId, anonymousId, event: 'Order Completed',
      properties: { order_id: 'ord-7781', total: 3740, revenue: 3240, shipping: 500, currency: 'JPY', products },
      context: { ...phone, timezone: 'Asia/Tokyo' },
    }, cb());
    await analytics.closeAndFlush({ timeout: 10_000 });
    await Promise.all(delivered);

    expect(errors).toEqual([]);
    // It really went over HTTP, in several batches, to /v1/batch.
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const r of requests) expect(r.url).toBe(`${host}/v1/batch`);
    const sent = requests.flatMap((r) => (JSON.parse(r.body) as { batch: { messageId: string }[] }).batch);
    expect(sent).toHaveLength(10);
    expect(await t.count('events')).toBe(10);

    // ONE profile, whichever identifier an agent looks it up by.
    const byUser = await t.api('GET', `/api/v1/customers/lookup?userId=${userId}`);
    expect(byUser.statusCode, byUser.body).toBe(200);
    const c = byUser.json<Customer>();
    for (const q of [`anonymousId=${anonymousId}`, 'email=yuki.tanaka@example.jp', 'email=YUKI.TANAKA@EXAMPLE.JP']) {
      expect((await t.api('GET', `/api/v1/customers/lookup?${q}`)).json<Customer>().id, q).toBe(c.id);
    }
    expect(c.userId).toBe(userId);
    expect(c.mergedFrom).toHaveLength(1);
    expect(c.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([`anon:${anonymousId}`, 'email:yuki.tanaka@example.jp', `user:${userId}`]);
    expect(c.profile.eventCount).toBe(10);
    expect(c.profile.traits).toMatchObject({ name: 'Yuki Tanaka', plan: 'member', birthday });
    // Every event is on the one timeline, each once, with the client's own messageIds.
    const tl = (await t.api('GET', `/api/v1/customers/${c.id}/timeline?limit=50`)).json<{ items: { kind: string; messageId?: string }[] }>();
    expect(tl.items.filter((i) => i.kind === 'event').map((i) => i.messageId).sort()).toEqual(sent.map((e) => e.messageId).sort());
    expect(tl.items.filter((i) => i.kind === 'merge')).toHaveLength(1);

    // Recent products, newest first; the cart was emptied by the order.
    expect(c.profile.recentProducts.map((p) => p.productId)).toEqual(['matcha-30', 'whisk-80', 'sencha-100']);
    expect(c.profile.recentProducts[2]).toMatchObject({ name: 'Sencha 100g', price: 1620, currency: 'JPY' });
    expect(c.profile.cart.items).toEqual([]);
    expect(c.profile.cart.value).toBe(0);
    expect(c.profile.cart.checkoutStartedAt).toBeNull();
    // One order; lifetime value is the order total.
    expect(c.profile.orders).toMatchObject({ count: 1, lifetimeValue: 3740, currency: 'JPY' });
    expect(c.profile.orders.recent).toEqual([expect.objectContaining({ orderId: 'ord-7781', total: 3740, itemCount: 2, status: 'completed' })]);

    // Local time in Tokyo, from the order's context.
    expect(c.profile.location).toMatchObject({ timezone: 'Asia/Tokyo', timezoneSource: 'context' });
    expect(c.insights.localTime).toMatchObject({ timezone: 'Asia/Tokyo', utcOffsetMinutes: 540, iso: tokyoNow.toISOString().slice(0, 16) });
    expect(c.insights.localTime?.hour).toBe(tokyoNow.getUTCHours());

    // The birthday, three days from the customer's today.
    expect(c.profile.moments).toEqual([{ kind: 'birthday', trait: 'birthday', date: birthday, yearly: true }]);
    expect(c.insights.moments).toEqual([expect.objectContaining({
      kind: 'birthday', date: birthday, nextOccurrence: inThreeDays.toISOString().slice(0, 10), daysUntil: 3,
    })]);

    // A client retry of the whole session stores nothing new.
    for (const r of requests) {
      const again = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: r.body, headers: { 'content-type': 'application/json' } });
      expect(again.statusCode).toBe(200);
      expect(again.json<{ accepted: number }>().accepted).toBe(0);
    }
    expect(await t.count('events')).toBe(10);
  });
});
