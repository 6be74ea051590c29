import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

const MINUTE = 60_000;
interface Live {
  customerId: string; userId: string | null; name: string | null; email: string | null; lastSeenAt: string;
  currentPage: { path: string | null; title: string | null; since: string } | null; timeOnPageMs: number | null; pagesThisVisit: number;
  cart: { value: number; currency: string | null; items: number }; localTime: { timezone: string; iso: string; hour: number } | null;
  conversation: { open: boolean; id: string | null }; connected: boolean;
}
interface LivePage { visitors: Live[]; nextCursor: string | null }

describe.each(await storeFactories())('live visitors on $name', (factory) => {
  let t: TestApp;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    t = await startTestApp(factory);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const page = async (anonymousId: string, path: string, title: string, writeKey = t.ws.writeKey, extra: Record<string, unknown> = {}) => {
    const r = await t.track('/v1/page', { anonymousId, name: title, properties: { path, title, url: `https://shop.test${path}` }, context: { timezone: 'Asia/Tokyo' }, ...extra }, { writeKey });
    expect(r.statusCode, r.body).toBe(200);
  };
  const idOf = async (anonymousId: string, token = t.ws.apiToken) =>
    (await t.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`, undefined, token)).json<{ id: string }>().id;
  const live = async (query = '', token?: string) => {
    const r = await t.api('GET', `/api/v1/visitors/live${query}`, undefined, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<LivePage>();
  };

  it('lists who was active in the last 5 minutes, most recent first, with page, time on page, pages, cart and local time', async () => {
    await page('gone', '/old', 'Old page');
    t.clock.advance(6 * MINUTE);
    await page('ana', '/', 'Home');
    t.clock.advance(10_000);
    await page('ana', '/products/sencha', 'Sencha');
    t.clock.advance(5_000);
    const added = await t.track('/v1/track', { anonymousId: 'ana', event: 'Product Added', properties: { product_id: 'sencha', name: 'Sencha', price: 12.5, quantity: 2, currency: 'EUR' } });
    expect(added.statusCode).toBe(200);
    t.clock.advance(MINUTE);
    const ident = await t.track('/v1/identify', { anonymousId: 'ben', userId: 'ben-1', traits: { firstName: 'Ben', lastName: 'Ito', email: 'ben@example.com' } });
    expect(ident.statusCode).toBe(200);
    await page('ben', '/checkout', 'Checkout', t.ws.writeKey, { userId: 'ben-1' });
    t.clock.advance(30_000);

    const { visitors, nextCursor } = await live();
    expect(nextCursor).toBeNull();
    expect(visitors.map((v) => v.customerId)).toEqual([await idOf('ben'), await idOf('ana')]);
    const [ben, ana] = visitors as [Live, Live];
    expect(ben).toMatchObject({ userId: 'ben-1', name: 'Ben Ito', email: 'ben@example.com', currentPage: { path: '/checkout', title: 'Checkout' }, timeOnPageMs: 30_000, pagesThisVisit: 1 });
    expect(ana).toMatchObject({
      name: null, email: null, currentPage: { path: '/products/sencha', title: 'Sencha' }, pagesThisVisit: 2,
      cart: { value: 25, currency: 'EUR', items: 2 }, conversation: { open: false, id: null }, connected: false,
    });
    expect(ana.timeOnPageMs).toBe(5_000 + MINUTE + 30_000);
    expect(ana.localTime).toMatchObject({ timezone: 'Asia/Tokyo' });
    // 12:00 UTC + the minutes the test moved on is 21:xx in Tokyo.
    expect(ana.localTime?.hour).toBe(21);

    // Five minutes after their last activity, a visitor is no longer "on the site".
    t.clock.advance(4 * MINUTE);
    expect((await live()).visitors.map((v) => v.customerId)).toEqual([await idOf('ben')]);
    expect((await live('?withinMinutes=10')).visitors).toHaveLength(2);
  });

  it('pages with a cursor, never repeating or skipping anyone', async () => {
    for (let i = 0; i < 7; i++) {
      await page(`v${i}`, `/p/${i}`, `Page ${i}`);
      if (i % 2 === 0) t.clock.advance(1_000); // some share a lastSeen: the id breaks the tie
    }
    const all = (await live()).visitors.map((v) => v.customerId);
    expect(all).toHaveLength(7);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: LivePage = await live(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.visitors.length).toBeLessThanOrEqual(3);
      seen.push(...p.visitors.map((v) => v.customerId));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('says whether a visitor has an open conversation and a chat socket', async () => {
    const url = await listen(t);
    const s = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'chatty' });
    sockets.push(s);
    s.send({ type: 'message', clientMessageId: 'm-1', text: 'hello' });
    const conversationId = (await s.next((f) => f.type === 'ack'))['message'].conversationId as string;
    await page('chatty', '/help', 'Help');
    await page('quiet', '/', 'Home');
    const byId = new Map((await live()).visitors.map((v) => [v.customerId, v]));
    expect(byId.get(await idOf('chatty'))).toMatchObject({ conversation: { open: true, id: conversationId }, connected: true });
    expect(byId.get(await idOf('quiet'))).toMatchObject({ conversation: { open: false }, connected: false });
    const resolved = await t.api('POST', `/api/v1/conversations/${conversationId}/status`, { status: 'resolved' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((await live()).visitors.find((v) => v.conversation.open)).toBeUndefined();
  });

  it('refuses limits and cursors out of range with the field named', async () => {
    for (const q of ['?limit=0', '?limit=101', '?withinMinutes=0', '?withinMinutes=61', '?cursor=bm9wZQ', '?extra=1']) {
      const r = await t.api('GET', `/api/v1/visitors/live${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
      expect(r.json().error.issues[0].path, q).toContain(q.slice(1).split('=')[0]);
    }
    for (const q of ['?limit=1', '?limit=100', '?withinMinutes=1', '?withinMinutes=60']) expect((await t.api('GET', `/api/v1/visitors/live${q}`)).statusCode, q).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/visitors/live' })).statusCode).toBe(401);
  });

  it('never lists another workspace\'s visitors', async () => {
    const b = await t.services.tenancy.createWorkspace('Shop B');
    await page('b-visitor', '/b', 'B page', b.writeKey);
    await page('a-visitor', '/a', 'A page');
    const a = await live();
    expect(a.visitors.map((v) => v.currentPage?.path)).toEqual(['/a']);
    const fromB = await live('', b.apiToken);
    expect(fromB.visitors.map((v) => v.currentPage?.path)).toEqual(['/b']);
  });
});
