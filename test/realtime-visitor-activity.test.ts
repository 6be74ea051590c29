import { afterEach, describe, expect, it } from 'vitest';
import { VISITOR_ACTIVITY_TOPIC } from '../packages/server/src/app/ingest/visitor-activity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, operator, until, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

/**
 * Operators see shoppers browse as it happens: after an ingestion flush commits, every operator
 * socket of the workspace gets `visitor.activity` for each customer whose current page changed
 * (one per customer per flush, the last page), throttled to one a second per customer.
 */
describe.each(await storeFactories())('visitor.activity on $name', (factory) => {
  let t: TestApp;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const iso = (msAgo: number) => new Date(t.clock.now() - msAgo).toISOString();
  const page = (anonymousId: string, path: string, title: string, msAgo: number, messageId: string) => ({
    type: 'page', anonymousId, messageId, timestamp: iso(msAgo), properties: { url: `https://shop.test${path}`, path, title },
  });
  const customerOf = async (anonymousId: string, app = t, token?: string) => {
    const r = await app.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`, undefined, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ id: string }>().id;
  };
  const connect = async (ws: string, token: string) => {
    const s = await operator(ws, token);
    sockets.push(s);
    expect(s.frames.at(-1)?.type).toBe('welcome');
    return s;
  };

  it('reaches the operator after a page call through /v1/batch, with the page and when it was opened', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const op = await connect(url.ws, t.ws.apiToken);
    const at = t.clock.now() - 2_000;
    const r = await t.track('/v1/batch', { batch: [page('anon-ana', '/products/tea', 'Sencha tea', 2_000, 'p1')] });
    expect(r.statusCode, r.body).toBe(200);
    const frame = await op.next((f) => f.type === 'visitor.activity');
    expect(frame).toEqual({
      type: 'visitor.activity', customerId: await customerOf('anon-ana'),
      page: { path: '/products/tea', title: 'Sencha tea', url: 'https://shop.test/products/tea' }, at,
    });
  });

  it("never reaches another workspace's operator", async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const mine = await connect(url.ws, t.ws.apiToken);
    const theirs = await connect(url.ws, other.apiToken);

    await t.track('/v1/batch', { batch: [page('anon-ana', '/cart', 'Your cart', 1_000, 'p1')] });
    await mine.next((f) => f.type === 'visitor.activity');
    // The other workspace's own shopper reaches its operator, and only that one: its socket works,
    // and by then our shopper's frame would have been there too.
    await t.track('/v1/batch', { batch: [page('anon-ben', '/help', 'Help', 1_000, 'p1')] }, { writeKey: other.writeKey });
    const theirFrame = await theirs.next((f) => f.type === 'visitor.activity');
    expect(theirFrame['customerId']).toBe(await customerOf('anon-ben', t, other.apiToken));
    expect(theirs.of('visitor.activity')).toHaveLength(1);
    expect(theirs.of('visitor.activity')[0]!['page']).toMatchObject({ path: '/help' });
    expect(mine.of('visitor.activity').map((f) => f['page'].path)).toEqual(['/cart']);
  });

  it('gives one frame per customer per batch, with the last page', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const op = await connect(url.ws, t.ws.apiToken);
    await t.track('/v1/batch', {
      batch: [
        page('anon-ana', '/', 'Home', 3_000, 'a1'),
        page('anon-ben', '/returns', 'Returns', 2_500, 'b1'),
        page('anon-ana', '/products/tea', 'Sencha tea', 2_000, 'a2'),
        { type: 'track', anonymousId: 'anon-ana', event: 'Product Added', properties: { product_id: 'tea', price: 12 }, messageId: 'a3', timestamp: iso(1_500) },
        page('anon-ana', '/checkout', 'Checkout', 1_000, 'a4'),
      ],
    });
    const ana = await customerOf('anon-ana');
    const ben = await customerOf('anon-ben');
    await until(() => op.of('visitor.activity').length >= 2, 5_000, 'two activity frames');
    // Anything more (a second frame for Ana from the same flush) would arrive within the throttle window.
    await new Promise((r) => setTimeout(r, 1_300));
    const frames = op.of('visitor.activity');
    expect(frames.map((f) => f['customerId']).sort()).toEqual([ana, ben].sort());
    expect(frames.find((f) => f['customerId'] === ana)).toMatchObject({ page: { path: '/checkout', title: 'Checkout' }, at: t.clock.now() - 1_000 });
    expect(frames.find((f) => f['customerId'] === ben)).toMatchObject({ page: { path: '/returns', title: 'Returns' } });
  });

  it('sends a customer at most one frame a second, and the latest page is never lost', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const op = await connect(url.ws, t.ws.apiToken);
    const received: number[] = [];
    op.ws.on('message', (d: Buffer) => { if ((JSON.parse(d.toString('utf8')) as { type: string }).type === 'visitor.activity') received.push(Date.now()); });
    for (const [i, path] of ['/a', '/b', '/c'].entries()) {
      const r = await t.track('/v1/batch', { batch: [page('anon-ana', path, path, 3_000 - i * 100, `p${i}`)] });
      expect(r.statusCode, r.body).toBe(200);
    }
    await until(() => op.of('visitor.activity').at(-1)?.['page'].path === '/c', 5_000, 'the last page');
    const frames = op.of('visitor.activity');
    expect(frames[0]!['page'].path).toBe('/a');
    expect(frames.length).toBeLessThan(3);
    expect(received).toHaveLength(frames.length);
    for (let i = 1; i < received.length; i++) expect(received[i]! - received[i - 1]!).toBeGreaterThanOrEqual(900);
  });

  it('is only noted while an operator of the workspace is connected', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const published: unknown[] = [];
    t.services.bus.subscribe(VISITOR_ACTIVITY_TOPIC, (p) => published.push(p));
    await t.track('/v1/batch', { batch: [page('anon-ana', '/', 'Home', 2_000, 'p1')] });
    expect(published).toEqual([]);
    const op = await connect(url.ws, t.ws.apiToken);
    await t.track('/v1/batch', { batch: [page('anon-ana', '/cart', 'Cart', 1_000, 'p2')] });
    await op.next((f) => f.type === 'visitor.activity');
    expect(published).toHaveLength(1);
    op.close();
    await until(() => !t.services.activityAudience.watching(t.ws.id), 5_000, 'the operator to be gone');
    await t.track('/v1/batch', { batch: [page('anon-ana', '/help', 'Help', 500, 'p3')] });
    expect(published).toHaveLength(1);
  });
});
