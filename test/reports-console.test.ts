import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, until, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

const DAY = 86_400_000;
interface Funnel { playbookKey: string; name: string; fired: number; shown: number; dismissed: number; engaged: number; resolved: number; purchased: number; heldBack: Record<string, number> }

describe.each(await storeFactories())('playbook funnel report on $name', (factory) => {
  let t: TestApp;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    t = await startTestApp(factory);
    const pb = await t.api('POST', '/api/v1/playbooks', {
      key: 'big-cart', name: 'Big cart', purpose: 'service', priority: 50, trigger: { on: { event: 'Product Added' } },
      steps: [{ action: 'alert', priority: 'normal', note: 'a big cart' }],
    });
    expect(pb.statusCode, pb.body).toBe(201);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const idOf = async (anonymousId: string) => (await t.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`)).json<{ id: string }>().id;
  const report = async (query = '', token?: string) => {
    const r = await t.api('GET', `/api/v1/reports/playbooks${query}`, undefined, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ days: number; playbooks: Funnel[]; heldBackByReason: Record<string, number> }>();
  };

  it('counts fired, shown, dismissed, engaged, resolved and purchased per playbook, and held-back reasons', async () => {
    const url = await listen(t);
    // Two visitors get a manual invitation: one accepts, one says no thanks.
    const answers = new Map<string, string>();
    for (const [anon, response] of [['accepts', 'accepted'], ['declines', 'dismissed']] as const) {
      const s = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: anon });
      sockets.push(s);
      const id = await idOf(anon);
      const sent = await t.api('POST', `/api/v1/visitors/${id}/invite`, { message: 'Hello!' });
      expect(sent.json().outcome).toBe('sent');
      const inv = await s.next((f) => f.type === 'invitation');
      s.send({ type: 'invitation.response', touchId: inv['touchId'], response });
      answers.set(inv['touchId'] as string, response);
    }
    await until(async () => {
      const touches = await Promise.all(['accepts', 'declines'].map(async (a) => (await t.api('GET', `/api/v1/customers/${await idOf(a)}/touches`)).json().items[0]));
      return touches.every((x: { id: string }) => x && answers.has(x.id)) && (await report()).playbooks.find((p) => p.playbookKey === 'manual')!.dismissed === 1;
    }, 5_000, 'answers recorded');

    // One on the payment page: held back.
    const paying = await t.track('/v1/page', { anonymousId: 'paying', properties: { path: '/checkout/payment' } });
    expect(paying.statusCode).toBe(200);
    expect((await t.api('POST', `/api/v1/visitors/${await idOf('paying')}/invite`, { message: 'Hi' })).json().reason).toBe('paying');

    // The playbook fires twice (two customers add to cart); one alert is resolved; one buys within 7 days.
    for (const anon of ['buyer', 'late-buyer']) {
      const r = await t.track('/v1/track', { anonymousId: anon, event: 'Product Added', properties: { product_id: 'p1', price: 300, currency: 'EUR' } });
      expect(r.statusCode).toBe(200);
    }
    const queue = (await t.api('GET', '/api/v1/queue')).json<{ items: { id: string; customerId: string }[] }>().items;
    expect(queue).toHaveLength(2);
    const buyer = await idOf('buyer');
    const item = queue.find((q) => q.customerId === buyer)!;
    expect((await t.api('POST', `/api/v1/queue/${item.id}/resolve`, { resolution: 'called' })).statusCode).toBe(200);
    const order = (anon: string, at: number) => t.track('/v1/track', { anonymousId: anon, event: 'Order Completed', timestamp: new Date(at).toISOString(), properties: { order_id: `o-${anon}`, total: 300, currency: 'EUR' } });
    t.clock.advance(2 * DAY);
    expect((await order('buyer', t.clock.now())).statusCode).toBe(200);
    t.clock.advance(6 * DAY);
    expect((await order('late-buyer', t.clock.now())).statusCode).toBe(200);

    const r = await report();
    expect(r.days).toBe(30);
    const manual = r.playbooks.find((p) => p.playbookKey === 'manual')!;
    expect(manual).toMatchObject({ name: 'Manual invitation', fired: 2, shown: 2, dismissed: 1, engaged: 1, resolved: 0, purchased: 0, heldBack: { paying: 1 } });
    const bigCart = r.playbooks.find((p) => p.playbookKey === 'big-cart')!;
    expect(bigCart).toMatchObject({ name: 'Big cart', fired: 2, shown: 0, resolved: 1, purchased: 1 });
    expect(r.heldBackByReason).toMatchObject({ paying: 1 });

    // A shorter period leaves out what happened before it.
    expect((await report('?days=1')).playbooks).toEqual([]);
  });

  it('refuses days out of range and shows only the caller\'s workspace', async () => {
    for (const q of ['?days=0', '?days=91', '?days=x', '?other=1']) {
      const r = await t.api('GET', `/api/v1/reports/playbooks${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
    }
    expect((await t.api('GET', '/api/v1/reports/playbooks?days=90')).statusCode).toBe(200);
    const r = await t.track('/v1/track', { anonymousId: 'a', event: 'Product Added', properties: { product_id: 'p1', price: 5 } });
    expect(r.statusCode).toBe(200);
    expect((await report()).playbooks.map((p) => p.playbookKey)).toEqual(['big-cart']);
    const b = await t.services.tenancy.createWorkspace('Shop B');
    expect((await report('', b.apiToken)).playbooks).toEqual([]);
  });
});
