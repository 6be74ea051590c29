import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../packages/server/src/app/care/simulate.js';
import { simulate } from '../packages/server/src/app/care/simulate.js';
import { startTestApp, TestClock, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/**
 * Playbook simulation: a realistic history is ingested through the tracking API with the
 * playbooks switched off, then replayed. The report must name the right customers and steps,
 * count what etiquette held back and why, and leave the database exactly as it was.
 */

const stuckAtPayment = {
  key: 'stuck-at-payment',
  name: 'Stuck at payment',
  enabled: false,
  purpose: 'service',
  priority: 80,
  trigger: { dwell: { page: { path: { prefix: '/checkout/payment' } }, seconds: 60 } },
  // Returning customers only: alice's order is BEFORE the period, so this proves the history
  // before `from` is folded into the profile.
  conditions: [{ fact: 'cart.value', op: 'gt', value: 0 }, { fact: 'orders.count', op: 'gte', value: 1 }],
  steps: [
    { action: 'hint', title: 'Need a hand?', body: 'You can pay by card, bank transfer or on delivery.' },
    { action: 'invite', after: '2m', message: 'Hello! Anything I can help with on the payment step?' },
    { action: 'alert', after: '3m', priority: 'high', note: 'still stuck at payment' },
  ],
  etiquette: { about: ['payment'] },
};

const abandonedCheckout = {
  key: 'abandoned-checkout',
  name: 'Abandoned checkout',
  enabled: false,
  purpose: 'service',
  trigger: { absence: { after: { event: 'Checkout Started' }, missing: { event: 'Order Completed' }, within: '1h' } },
  steps: [{ action: 'webhook', url: 'https://hooks.example.com/abandoned', reachesCustomer: true }],
};

const FROM = '2026-11-15T00:00:00.000Z';
const TO = '2026-11-22T00:00:00.000Z';
const order = (id: string) => ({ order_id: id, total: 40, currency: 'EUR', products: [{ product_id: 'tea', price: 40, quantity: 1 }] });

/** [when, call]: the shop's last two weeks, as the tracking API received them. */
const HISTORY: [string, Record<string, unknown>][] = [
  // Before the period: alice and carol order; carol then idles on the payment page (not replayed).
  ['2026-11-10T09:00:00Z', { type: 'identify', userId: 'dave', anonymousId: 'dave-laptop', traits: { email: 'dave@example.com' } }],
  ['2026-11-12T09:00:00Z', { type: 'track', anonymousId: 'carol', event: 'Order Completed', properties: order('o-c1') }],
  ['2026-11-12T09:30:00Z', { type: 'track', anonymousId: 'carol', event: 'Product Added', properties: { product_id: 'tea', price: 30, quantity: 1 } }],
  ['2026-11-12T09:31:00Z', { type: 'page', anonymousId: 'carol', properties: { path: '/checkout/payment', url: 'https://shop.test/checkout/payment' } }],
  ['2026-11-12T10:00:00Z', { type: 'track', anonymousId: 'alice', event: 'Order Completed', properties: order('o-a1') }],
  // alice: stuck at payment in the morning (three cups), again in the afternoon (cool-down).
  ['2026-11-17T10:00:00Z', { type: 'track', anonymousId: 'alice', event: 'Product Added', properties: { product_id: 'tea', price: 30, quantity: 1 } }],
  ['2026-11-17T10:01:00Z', { type: 'page', anonymousId: 'alice', properties: { path: '/checkout/payment', url: 'https://shop.test/checkout/payment' } }],
  ['2026-11-17T15:00:00Z', { type: 'page', anonymousId: 'alice', properties: { path: '/checkout/payment', url: 'https://shop.test/checkout/payment' } }],
  ['2026-11-17T15:30:00Z', { type: 'page', anonymousId: 'alice', properties: { path: '/', url: 'https://shop.test/' } }],
  // bob: also lingers at payment, but has never ordered: the conditions say no.
  ['2026-11-17T11:00:00Z', { type: 'track', anonymousId: 'bob', event: 'Product Added', properties: { product_id: 'tea', price: 20, quantity: 1 } }],
  ['2026-11-17T11:01:00Z', { type: 'page', anonymousId: 'bob', properties: { path: '/checkout/payment', url: 'https://shop.test/checkout/payment' } }],
  ['2026-11-17T11:10:00Z', { type: 'page', anonymousId: 'bob', properties: { path: '/', url: 'https://shop.test/' } }],
  // erin abandons two checkouts the same day: the second touch is held back (cool-down).
  ['2026-11-18T10:00:00Z', { type: 'track', userId: 'erin', event: 'Checkout Started', properties: { value: 40 } }],
  ['2026-11-18T14:00:00Z', { type: 'track', userId: 'erin', event: 'Checkout Started', properties: { value: 40 } }],
  // frank completes his order within the hour: nothing to do.
  ['2026-11-19T10:00:00Z', { type: 'track', userId: 'frank', event: 'Checkout Started', properties: { value: 40 } }],
  ['2026-11-19T10:20:00Z', { type: 'track', userId: 'frank', event: 'Order Completed', properties: order('o-f1') }],
  // gina abandons at 22:00 in Tokyo: the reminder would come at 23:00 there (quiet hours).
  ['2026-11-19T13:00:00Z', { type: 'track', userId: 'gina', event: 'Checkout Started', properties: { value: 40 }, context: { timezone: 'Asia/Tokyo' } }],
  // dave starts a checkout on his phone, then logs in: the phone's profile merges into his.
  ['2026-11-20T09:00:00Z', { type: 'track', anonymousId: 'dave-phone', event: 'Checkout Started', properties: { value: 40 } }],
  ['2026-11-20T09:05:00Z', { type: 'identify', userId: 'dave', anonymousId: 'dave-phone', traits: {} }],
  // harry's hour is not over when the period ends: no decision yet.
  ['2026-11-21T23:30:00Z', { type: 'track', userId: 'harry', event: 'Checkout Started', properties: { value: 40 } }],
];

const TABLES = ['customers', 'events', 'identities', 'merges', 'trait_changes', 'decisions', 'timers', 'care_items', 'tasks', 'onsite_messages', 'webhook_outbox', 'playbooks', 'playbook_versions', 'workspaces'];

describe.each(await storeFactories())('playbook simulation on $name', (factory) => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  let before: string;

  /** Every row of every table the care loop or ingestion writes, as one comparable string. */
  async function snapshot(): Promise<string> {
    const db = (t.store as unknown as { connection: { db: Kysely<unknown> } }).connection.db;
    const parts: string[] = [];
    for (const table of TABLES) {
      const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
      const rows = r.rows.map((row) => JSON.stringify(row)).sort();
      parts.push(`${table}:${rows.length}:${rows.join('\n')}`);
    }
    return parts.join('\n\n');
  }

  beforeAll(async () => {
    t = await startTestApp(factory, { clock: new TestClock(Date.parse('2026-11-01T00:00:00Z')) });
    for (const pb of [stuckAtPayment, abandonedCheckout]) {
      const r = await t.api('POST', '/api/v1/playbooks', pb);
      expect(r.statusCode, r.body).toBe(201);
    }
    let n = 0;
    for (const [at, call] of [...HISTORY].sort((a, b) => a[0].localeCompare(b[0]))) {
      t.clock.ms = Date.parse(at);
      const r = await t.track('/v1/batch', { batch: [{ ...call, timestamp: at, messageId: `m-${++n}` }] });
      expect(r.statusCode, r.body).toBe(200);
    }
    t.clock.ms = Date.parse('2026-11-22T12:00:00Z');
    for (const [name, q] of Object.entries({ alice: 'anonymousId=alice', bob: 'anonymousId=bob', erin: 'userId=erin', gina: 'userId=gina', dave: 'userId=dave', davePhone: 'anonymousId=dave-phone' })) {
      ids[name] = (await t.api('GET', `/api/v1/customers/lookup?${q}`)).json<{ id: string }>().id;
    }
    expect(ids['davePhone']).toBe(ids['dave']); // the merge happened: one person, two stored customer ids
    expect(await t.count('decisions')).toBe(0); // the playbooks were off while the history came in
    before = await snapshot();
  });
  afterAll(async () => t?.close());

  const run = async (key: string, body: Record<string, unknown> = { from: FROM, to: TO }) => {
    const r = await t.api('POST', `/api/v1/playbooks/${key}/simulate`, body);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<SimulationReport>();
  };

  it('replays a dwell playbook: the three cups for alice, the afternoon repeat held back by the cool-down', async () => {
    const r = await run('stuck-at-payment');
    expect(r.playbook).toEqual({ key: 'stuck-at-payment', name: 'Stuck at payment', version: 1, draft: false });
    expect(r.period).toEqual({ from: FROM, to: TO });
    expect(r.alongside).toEqual([]);
    // alice, bob, erin, frank, gina, dave (two stored ids, one person) and harry; carol was only active before.
    expect(r.customersSeen).toBe(7);
    expect(r.eventsReplayed).toBe(15);
    expect(r.limited).toBe(false);
    expect(r.reached).toBe(1);
    expect(r.byStep).toEqual([
      { step: 0, action: 'hint', fired: 1, heldBack: 1 },
      { step: 1, action: 'invite', fired: 1, heldBack: 0 },
      { step: 2, action: 'alert', fired: 1, heldBack: 0 },
    ]);
    expect(r.heldBackByReason).toEqual({ cooldown: 1 });
    expect(r.sample).toHaveLength(1);
    expect(r.sample[0]!.customerId).toBe(ids['alice']);
    expect(r.sample[0]!.decisions.map((d) => [d.at, d.step, d.action, d.outcome, d.reason])).toEqual([
      ['2026-11-17T10:02:00.000Z', 0, 'hint', 'fired', null],
      ['2026-11-17T10:04:00.000Z', 1, 'invite', 'fired', null],
      ['2026-11-17T10:07:00.000Z', 2, 'alert', 'fired', null],
      ['2026-11-17T15:01:00.000Z', 0, 'hint', 'held_back', 'cooldown'],
    ]);
    expect(r.sample[0]!.decisions[0]!.summary).toMatch(/^Stuck at payment v1, cup 1 \(hint\) fired: on \/checkout\/payment with no activity for 1 min; cart.value = 30, orders.count = 1/);
  });

  it('replays an absence playbook: the right people, held back by cool-down and quiet hours, merged profiles as one', async () => {
    const r = await run('abandoned-checkout');
    expect(r.customersSeen).toBe(7);
    expect(r.reached).toBe(2);
    expect(r.byStep).toEqual([{ step: 0, action: 'webhook', fired: 2, heldBack: 2 }]);
    expect(r.heldBackByReason).toEqual({ cooldown: 1, quiet_hours: 1 });
    expect(r.sample.map((s) => s.customerId)).toEqual([ids['erin'], ids['dave']]);
    expect(r.sample[0]!.decisions.map((d) => [d.at, d.outcome, d.reason])).toEqual([
      ['2026-11-18T11:00:00.000Z', 'fired', null],
      ['2026-11-18T15:00:00.000Z', 'held_back', 'cooldown'],
    ]);
    expect(r.sample[1]!.decisions.map((d) => [d.at, d.outcome])).toEqual([['2026-11-20T10:00:00.000Z', 'fired']]);
  });

  it('simulates an unsaved definition (a draft of the next version) and reports it as such', async () => {
    const draft = { ...abandonedCheckout, trigger: { absence: { ...abandonedCheckout.trigger.absence, within: '5h' } } };
    const res = await t.api('POST', '/api/v1/playbooks/simulate', { definition: draft, from: FROM, to: TO });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json<SimulationReport>();
    expect(r.playbook).toEqual({ key: 'abandoned-checkout', name: 'Abandoned checkout', version: 2, draft: true });
    // Within 5 h erin's second checkout (14:00) only re-arms nothing: the first timer is still
    // pending, so one reminder at 15:00; gina's comes at 18:00Z = 03:00 in Tokyo (quiet hours);
    // harry's would be due after the period.
    expect(r.byStep).toEqual([{ step: 0, action: 'webhook', fired: 2, heldBack: 1 }]);
    expect(r.heldBackByReason).toEqual({ quiet_hours: 1 });
    expect(r.sample[0]!.decisions.map((d) => d.at)).toEqual(['2026-11-18T15:00:00.000Z']);
    // A brand-new key is version 1 of a draft too.
    const fresh = await t.api('POST', '/api/v1/playbooks/simulate', { definition: { ...draft, key: 'abandoned-checkout-b' }, from: FROM, to: TO });
    expect(fresh.json<SimulationReport>().playbook).toMatchObject({ key: 'abandoned-checkout-b', version: 1, draft: true });
  });

  it('runs the other enabled playbooks alongside, unless told to simulate alone', async () => {
    expect(await snapshot()).toBe(before); // the replays above wrote nothing
    const svc = t.services;
    await svc.store.setPlaybookEnabled(t.ws.id, 'abandoned-checkout', true, svc.clock.now());
    try {
      const together = await simulate(svc, t.ws.id, { playbook: 'stuck-at-payment', from: Date.parse(FROM), to: Date.parse(TO) });
      expect(together.alongside).toEqual(['abandoned-checkout']);
      expect(together.reached).toBe(1);
      const alone = await simulate(svc, t.ws.id, { playbook: 'stuck-at-payment', from: Date.parse(FROM), to: Date.parse(TO), alone: true });
      expect(alone.alongside).toEqual([]);
    } finally {
      await svc.store.setPlaybookEnabled(t.ws.id, 'abandoned-checkout', false, svc.clock.now());
    }
    before = await snapshot(); // the toggles above changed updated_at; nothing else may change below
  });

  it('limits the customers replayed and reports progress', async () => {
    const seen: string[] = [];
    const r = await simulate(t.services, t.ws.id, { playbook: 'abandoned-checkout', from: Date.parse(FROM), to: Date.parse(TO), limitCustomers: 3 }, (p) => seen.push(`${p.phase}:${p.customersDone}/${p.customersTotal}`));
    // alice, bob, erin: only erin abandoned a checkout.
    expect(r).toMatchObject({ customersSeen: 3, limited: true, reached: 1 });
    expect(seen[0]).toMatch(/^scanning:/);
    expect(seen.at(-1)).toBe('replaying:3/3');
    const body = await run('abandoned-checkout', { from: FROM, to: TO, limitCustomers: 3 });
    expect(body).toMatchObject({ customersSeen: 3, limited: true });
  });

  it('defaults to the last 7 days and lets an agent simulate', async () => {
    const agent = await t.services.tenancy.createApiToken(t.ws.id, { role: 'agent', name: 'agent' });
    const r = await t.api('POST', '/api/v1/playbooks/stuck-at-payment/simulate', {}, agent.token);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<SimulationReport>().period).toEqual({ from: '2026-11-15T12:00:00.000Z', to: '2026-11-22T12:00:00.000Z' });
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/playbooks/stuck-at-payment/simulate', headers: { authorization: `Bearer ${agent.token}` } });
    expect(none.statusCode, none.body).toBe(200);
  });

  it('refuses bad periods and bad definitions, naming the fields', async () => {
    const bad = async (url: string, body: unknown) => {
      const r = await t.api('POST', url, body);
      expect(r.statusCode, r.body).toBe(400);
      return r.json<{ error: { code: string; message: string; issues: { path: string; code: string; message: string }[] } }>().error;
    };
    let e = await bad('/api/v1/playbooks/stuck-at-payment/simulate', { from: 'last tuesday' });
    expect(e.issues).toEqual([expect.objectContaining({ path: 'from', code: 'invalid_timestamp' })]);
    expect(e.message).toMatch(/^from must be an ISO-8601 timestamp/);
    e = await bad('/api/v1/playbooks/stuck-at-payment/simulate', { from: '2026-06-01T00:00:00Z', to: TO });
    expect(e.issues).toEqual([expect.objectContaining({ path: 'from', code: 'invalid_value' })]);
    expect(e.message).toMatch(/at most 90 days, got 174 days/);
    e = await bad('/api/v1/playbooks/stuck-at-payment/simulate', { from: TO, to: FROM });
    expect(e.issues[0]).toMatchObject({ path: 'from', message: expect.stringMatching(/must be before to/) });
    e = await bad('/api/v1/playbooks/stuck-at-payment/simulate', { from: FROM, colour: 'red' });
    expect(e.issues).toEqual([expect.objectContaining({ path: 'colour' })]);
    e = await bad('/api/v1/playbooks/stuck-at-payment/simulate', { limitCustomers: 0 });
    expect(e.issues).toEqual([expect.objectContaining({ path: 'limitCustomers' })]);

    const broken = { ...abandonedCheckout, trigger: { absence: { ...abandonedCheckout.trigger.absence, within: 'soon' } } };
    e = await bad('/api/v1/playbooks/simulate', { definition: broken, to: 'tomorrow' });
    expect(e.issues.map((i) => i.path)).toEqual(['definition.trigger.absence.within', 'to']);
    e = await bad('/api/v1/playbooks/simulate', { from: FROM });
    expect(e.issues).toEqual([expect.objectContaining({ path: 'definition', code: 'required' })]);

    const missing = await t.api('POST', '/api/v1/playbooks/no-such-playbook/simulate', {});
    expect(missing.statusCode).toBe(404);
    expect((await t.api('POST', '/api/v1/playbooks/stuck-at-payment/simulate', {}, 'ot_nope')).statusCode).toBe(401);
  });

  it('wrote nothing: every table is exactly as before', async () => {
    expect(await snapshot()).toBe(before);
    expect(await t.count('decisions')).toBe(0);
    expect(await t.count('timers')).toBe(0);
    expect(await t.count('care_items')).toBe(0);
  });
});

/**
 * The simulation runs the live evaluator, so on the same history it must decide exactly what the
 * live care loop decided: here the playbooks are ON while the history comes in, every timer is
 * fired at its due time, and the stored decisions are compared with the simulated ones.
 */
describe.each(await storeFactories())('simulation against the live care loop on $name', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory, { clock: new TestClock(Date.parse('2026-11-01T00:00:00Z')) });
    for (const pb of [stuckAtPayment, abandonedCheckout]) {
      const r = await t.api('POST', '/api/v1/playbooks', { ...pb, enabled: true });
      expect(r.statusCode, r.body).toBe(201);
    }
    const fireUntil = async (until: number) => {
      for (;;) {
        const [next] = await t.store.dueTimers(until, 1);
        if (!next) return;
        t.clock.ms = Math.max(t.clock.ms, next.dueAt);
        await t.services.scheduler.fireDueNow();
      }
    };
    let n = 0;
    for (const [at, call] of [...HISTORY].sort((a, b) => a[0].localeCompare(b[0]))) {
      await fireUntil(Date.parse(at) + 1);
      t.clock.ms = Date.parse(at);
      const r = await t.track('/v1/batch', { batch: [{ ...call, timestamp: at, messageId: `m-${++n}` }] });
      expect(r.statusCode, r.body).toBe(200);
    }
    await fireUntil(Date.parse(TO));
    t.clock.ms = Date.parse('2026-11-22T12:00:00Z');
  });
  afterAll(async () => t?.close());

  it.each([stuckAtPayment.key, abandonedCheckout.key])('%s: same decisions, same customers, same reasons', async (key) => {
    const db = (t.store as unknown as { connection: { db: Kysely<unknown> } }).connection.db;
    const live = (await sql<{ customer_id: string; step: number; action: string; outcome: string; reason: string | null; at: number | string }>`
      select customer_id, step, action, outcome, reason, at from decisions
      where playbook_key = ${key} and at >= ${Date.parse(FROM)} and at < ${Date.parse(TO)} order by at, id`.execute(db)).rows;
    expect(live.length).toBeGreaterThan(0);
    const r = await simulate(t.services, t.ws.id, { playbook: key, from: Date.parse(FROM), to: Date.parse(TO) });
    expect(r.alongside).toEqual([stuckAtPayment.key, abandonedCheckout.key].filter((k) => k !== key));

    const reached = new Set(live.filter((d) => d.outcome === 'fired').map((d) => d.customer_id));
    expect(r.reached).toBe(reached.size);
    expect(r.sample.map((c) => c.customerId).sort()).toEqual([...reached].sort());
    for (const c of r.sample) {
      const mine = live.filter((d) => d.customer_id === c.customerId)
        .map((d) => [new Date(Number(d.at)).toISOString(), d.step, d.action, d.outcome, d.reason]);
      expect(c.decisions.map((d) => [d.at, d.step, d.action, d.outcome, d.reason])).toEqual(mine);
    }
    const reasons: Record<string, number> = {};
    for (const d of live) if (d.outcome === 'held_back') reasons[d.reason!] = (reasons[d.reason!] ?? 0) + 1;
    expect(r.heldBackByReason).toEqual(reasons);
    for (const s of r.byStep) {
      expect([s.fired, s.heldBack]).toEqual([
        live.filter((d) => d.step === s.step && d.outcome === 'fired').length,
        live.filter((d) => d.step === s.step && d.outcome === 'held_back').length,
      ]);
    }
  });
});
