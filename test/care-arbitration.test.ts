import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

const dwellOn = (key: string, priority: number, path: string) => ({
  key, name: key, purpose: 'service', priority,
  trigger: { dwell: { page: { path: { prefix: path } }, seconds: 30 } },
  steps: [{ action: 'hint', body: `hint from ${key}` }],
});

describe.each(await storeFactories())('one moment, one touch, on $name', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
    for (const p of [dwellOn('size-guide', 40, '/products/'), dwellOn('product-questions', 70, '/products/')]) {
      expect((await t.api('POST', '/api/v1/playbooks', p)).statusCode).toBe(201);
    }
  });
  afterAll(async () => t.close());

  const page = (anonymousId: string, path: string, id: string) =>
    t.track('/v1/page', { anonymousId, properties: { path }, messageId: id, timestamp: new Date(t.clock.now()).toISOString() });
  const decisionsOf = async (anonymousId: string) => {
    const id = (await t.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`)).json<{ id: string }>().id;
    return (await t.api('GET', `/api/v1/customers/${id}/decisions`)).json<{ items: { playbook: { key: string }; outcome: string; reason: string | null }[] }>().items;
  };

  it('lets the higher-priority playbook have a moment two timers reach together; the other is superseded', async () => {
    await page('a1', '/products/kyusu', 'a1-1');
    t.clock.advance(30_000);
    expect(await t.services.scheduler.fireDueNow()).toBe(2);
    const d = await decisionsOf('a1');
    expect(d.map((x) => [x.playbook.key, x.outcome, x.reason]).sort()).toEqual([
      ['product-questions', 'fired', null],
      ['size-guide', 'held_back', 'superseded'],
    ]);
  });

  it('counts typing as activity: the dwell countdown restarts instead of stopping', async () => {
    await page('a2', '/products/kyusu', 'a2-1');
    t.clock.advance(20_000);
    await t.track('/v1/track', { anonymousId: 'a2', event: 'Omotenashi Typing', messageId: 'a2-2' });
    t.clock.advance(15_000);
    expect(await t.services.scheduler.fireDueNow()).toBe(0); // 35 s after the page, 15 s after typing
    t.clock.advance(15_000);
    expect(await t.services.scheduler.fireDueNow()).toBe(2);
    expect((await decisionsOf('a2')).some((x) => x.outcome === 'fired')).toBe(true);
  });

  it('shows the webhook signing secret to admins only, and rotates it', async () => {
    const first = (await t.api('GET', '/api/v1/webhooks/secret')).json<{ secret: string }>().secret;
    expect(first).toMatch(/^whsec_/);
    expect((await t.api('GET', '/api/v1/webhooks/secret')).json<{ secret: string }>().secret).toBe(first);
    const rotated = (await t.api('POST', '/api/v1/webhooks/secret/rotate')).json<{ secret: string }>().secret;
    expect(rotated).not.toBe(first);
    const agent = (await t.api('POST', '/api/v1/tokens', { name: 'agent', role: 'agent' })).json<{ token: string }>().token;
    expect((await t.api('GET', '/api/v1/webhooks/secret', undefined, agent)).statusCode).toBe(403);
  });
});
