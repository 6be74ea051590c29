import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

const stuckAtPayment = {
  key: 'stuck-at-payment',
  name: 'Stuck at payment',
  purpose: 'service',
  priority: 80,
  trigger: { dwell: { page: { path: { prefix: '/checkout/payment' } }, seconds: 60 } },
  conditions: [{ fact: 'cart.value', op: 'gt', value: 0 }],
  steps: [
    { action: 'hint', title: 'Need a hand?', body: 'You can pay by card, bank transfer or on delivery.' },
    { action: 'invite', after: '2m', message: 'Hello! Anything I can help with on the payment step?' },
    { action: 'alert', after: '3m', priority: 'high', note: 'still stuck at payment' },
  ],
  etiquette: { about: ['payment'] },
};

describe.each(await storeFactories())('the care loop on $name', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
    const r = await t.api('POST', '/api/v1/playbooks', stuckAtPayment);
    expect(r.statusCode, r.body).toBe(201);
  });
  afterAll(async () => t.close());

  const page = (anonymousId: string, path: string, id: string) =>
    t.track('/v1/page', { anonymousId, properties: { path, url: `https://shop.test${path}` }, messageId: id, timestamp: new Date(t.clock.now()).toISOString() });
  const fire = async () => t.services.scheduler.fireDueNow();

  it('pours three cups for a shopper stuck at payment, each only while the need persists', async () => {
    await t.track('/v1/track', { anonymousId: 'p1', event: 'Product Added', properties: { product_id: 'tea', price: 30, quantity: 1 }, messageId: 'p1-a' });
    await page('p1', '/checkout/payment', 'p1-b');
    t.clock.advance(59_000);
    expect(await fire()).toBe(0);
    t.clock.advance(1_000);
    expect(await fire()).toBe(1);

    const id = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=p1')).json<{ id: string }>().id;
    let decisions = (await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<{ items: { step: number; action: string; outcome: string; explanation: { summary: string } }[] }>().items;
    expect(decisions.map((d) => [d.step, d.action, d.outcome])).toEqual([[0, 'hint', 'fired']]);
    expect(decisions[0]!.explanation.summary).toMatch(/Stuck at payment v1, cup 1 \(hint\) fired: on \/checkout\/payment with no activity for 1 min; cart.value = 30/);
    const touches = (await t.api('GET', `/api/v1/customers/${id}/touches`)).json<{ items: { kind: string }[] }>().items;
    expect(touches.map((x) => x.kind)).toEqual(['hint']);

    t.clock.advance(120_000);
    expect(await fire()).toBe(1);
    t.clock.advance(180_000);
    expect(await fire()).toBe(1);
    decisions = (await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<typeof decisions extends unknown ? { items: typeof decisions } : never>().items;
    expect(decisions.map((d) => [d.step, d.action, d.outcome]).reverse()).toEqual([[0, 'hint', 'fired'], [1, 'invite', 'fired'], [2, 'alert', 'fired']]);

    const queue = (await t.api('GET', '/api/v1/queue?status=open')).json<{ items: { id: string; customerId: string; priority: string; title: string }[] }>().items;
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ customerId: id, priority: 'high', title: 'Stuck at payment: still stuck at payment' });
    const claim = await t.api('POST', `/api/v1/queue/${queue[0]!.id}/claim`);
    expect(claim.json()).toMatchObject({ status: 'claimed' });
    expect((await t.api('POST', `/api/v1/queue/${queue[0]!.id}/claim`)).statusCode).toBe(409);
    expect((await t.api('POST', `/api/v1/queue/${queue[0]!.id}/resolve`, { resolution: 'called, paid by transfer' })).json()).toMatchObject({ status: 'resolved' });
  });

  it('stops the ladder when the customer dismisses the hint, and starts the cool-down', async () => {
    await t.track('/v1/track', { anonymousId: 'p2', event: 'Product Added', properties: { product_id: 'tea', price: 30, quantity: 1 }, messageId: 'p2-a' });
    await page('p2', '/checkout/payment', 'p2-b');
    t.clock.advance(60_000);
    await fire();
    await t.track('/v1/track', { anonymousId: 'p2', event: 'Omotenashi Touch Dismissed', properties: { playbook: 'stuck-at-payment' }, messageId: 'p2-c' });
    t.clock.advance(10 * 60_000);
    await fire();
    const id = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=p2')).json<{ id: string }>().id;
    const decisions = (await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<{ items: { action: string }[] }>().items;
    expect(decisions.map((d) => d.action)).toEqual(['hint']);

    // Back on the payment page the next day: the decline is still respected, with its reason.
    t.clock.advance(24 * 3_600_000);
    await page('p2', '/checkout/payment', 'p2-d');
    t.clock.advance(60_000);
    await fire();
    const again = (await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<{ items: { outcome: string; reason: string | null }[] }>().items;
    expect(again[0]).toMatchObject({ outcome: 'held_back', reason: 'declined' });
  });

  it('does not fire when the shopper moves on before the dwell time', async () => {
    await t.track('/v1/track', { anonymousId: 'p3', event: 'Product Added', properties: { product_id: 'tea', price: 30, quantity: 1 }, messageId: 'p3-a' });
    await page('p3', '/checkout/payment', 'p3-b');
    t.clock.advance(30_000);
    await page('p3', '/order/thanks', 'p3-c');
    t.clock.advance(60_000);
    expect(await fire()).toBe(0);
    const id = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=p3')).json<{ id: string }>().id;
    expect((await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('refuses an invalid playbook naming the field and the problem, and stores nothing', async () => {
    const bad = { ...stuckAtPayment, key: 'broken', trigger: { dwell: { page: { path: '/x' }, seconds: 1 } }, conditions: [{ fact: 'cart.valu', op: 'gt', value: 1 }] };
    const r = await t.api('POST', '/api/v1/playbooks', bad);
    expect(r.statusCode).toBe(400);
    const issues = r.json<{ error: { issues: { path: string; message: string }[] } }>().error.issues;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['trigger.dwell.seconds']));
    expect((await t.api('GET', '/api/v1/playbooks/broken')).statusCode).toBe(404);
  });
  it('keeps counting the dwell when the widget reports the shopper idle (Idle Started is not activity)', async () => {
    await t.track('/v1/track', { anonymousId: 'p5', event: 'Product Added', properties: { product_id: 'tea', price: 30, quantity: 1 }, messageId: 'p5-a' });
    await page('p5', '/checkout/payment', 'p5-b');
    t.clock.advance(59_500);
    // The widget's idle signal comes at 60 s without input, at the same moment the dwell is due.
    await t.track('/v1/track', { anonymousId: 'p5', event: 'Idle Started', properties: { idleMs: 60_000 }, messageId: 'p5-c' });
    t.clock.advance(500);
    expect(await fire()).toBe(1);
    const id = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=p5')).json<{ id: string }>().id;
    const decisions = (await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<{ items: { action: string; outcome: string }[] }>().items;
    expect(decisions.map((d) => [d.action, d.outcome])).toEqual([['hint', 'fired']]);
  });

  it('counts a "no thanks" from when the customer gave it: yesterday\'s decline is held back as a day old', async () => {
    const yesterday = new Date(t.clock.now() - 24 * 3_600_000).toISOString();
    await t.track('/v1/track', { anonymousId: 'p6', event: 'Omotenashi Touch Dismissed', properties: { playbook: 'stuck-at-payment' }, messageId: 'p6-a', timestamp: yesterday });
    await t.track('/v1/track', { anonymousId: 'p6', event: 'Product Added', properties: { product_id: 'tea', price: 30, quantity: 1 }, messageId: 'p6-b' });
    await page('p6', '/checkout/payment', 'p6-c');
    t.clock.advance(60_000);
    await fire();
    const id = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=p6')).json<{ id: string }>().id;
    const decisions = (await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<{ items: { outcome: string; reason: string | null; explanation: { summary: string } }[] }>().items;
    expect(decisions[0]).toMatchObject({ outcome: 'held_back', reason: 'declined' });
    expect(JSON.stringify(decisions[0]!.explanation), JSON.stringify(decisions[0]!.explanation)).toMatch(/declined this playbook 24 h 1 min ago/);
  });
});
