import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterPlaybooks } from '../packages/server/src/app/care/playbook-files.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/*
 * Each starter playbook, replayed through the HTTP tracking API under a test clock, with the
 * whole library enabled (as in the demo workspace): (a) it fires exactly when it should, (b)
 * it stays quiet in the near miss, and (c) etiquette holds it back, with the reason. One app
 * per dialect; every scenario uses its own customers and time only moves forward, so a
 * scenario only ever looks at its own customers' decisions.
 */

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

interface DecisionView {
  playbook: { key: string };
  step: number;
  action: string;
  outcome: string;
  reason: string | null;
  explanation: { summary: string; trigger: string; etiquette: string | null };
}
interface ItemView { customerId: string; playbookKey: string; title: string; priority: string; status: string; team?: string | null; dueAt?: string }
interface TouchView { kind: string; playbookKey: string; content: { title?: string | null; body?: string; message?: string; link?: string | null } }

describe.each(await storeFactories())('the starter library on $name', (factory) => {
  let t: TestApp;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestApp(factory);
    for (const def of starterPlaybooks()) await t.services.playbooks.apply(t.ws.id, def, null);
  });
  afterAll(async () => t.close());

  // --- the shop's side: Segment-style calls at the test clock's "now" -------------------------
  const now = () => new Date(t.clock.now()).toISOString();
  const send = async (path: string, body: Record<string, unknown>) => {
    const r = await t.track(path, { ...body, messageId: `m-${++seq}`, timestamp: now() });
    expect(r.statusCode, r.body).toBe(200);
  };
  const page = (userId: string, path: string, context: Record<string, unknown> = {}) =>
    send('/v1/page', { userId, properties: { path, url: `https://shop.test${path}` }, context });
  const track = (userId: string, event: string, properties: Record<string, unknown> = {}, context: Record<string, unknown> = {}) =>
    send('/v1/track', { userId, event, properties, context });
  const identify = (userId: string, traits: Record<string, unknown>, context: Record<string, unknown> = {}) =>
    send('/v1/identify', { userId, traits, context });
  const addToCart = (userId: string, productId = 'sencha', price = 24) =>
    track(userId, 'Product Added', { product_id: productId, name: 'Sencha, 100 g', price, quantity: 1, currency: 'EUR' });
  const order = (userId: string, orderId: string, extra: Record<string, unknown> = {}) =>
    track(userId, 'Order Completed', { order_id: orderId, total: 48, currency: 'EUR', ...extra });
  const refusesMarketing = { consent: { categoryPreferences: { Marketing: false } } };

  // --- time -------------------------------------------------------------------------------------
  const fire = () => t.services.scheduler.fireDueNow();
  const wait = async (ms: number) => {
    t.clock.advance(ms);
    await fire();
  };
  /** YYYY-MM-DD of a UTC instant. */
  const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  // --- what the operators (and the customer) see -------------------------------------------------
  const ids = new Map<string, string>();
  const customerId = async (userId: string) => {
    let id = ids.get(userId);
    if (id === undefined) {
      const r = await t.api('GET', `/api/v1/customers/lookup?userId=${encodeURIComponent(userId)}`);
      expect(r.statusCode, r.body).toBe(200);
      id = r.json<{ id: string }>().id;
      ids.set(userId, id);
    }
    return id;
  };
  /** This playbook's decisions for a customer, oldest first. */
  const decisions = async (userId: string, key: string) => {
    const items = (await t.api('GET', `/api/v1/customers/${await customerId(userId)}/decisions`)).json<{ items: DecisionView[] }>().items;
    return items.filter((d) => d.playbook.key === key).reverse();
  };
  const brief = (ds: DecisionView[]) => ds.map((d) => [d.step, d.action, d.outcome, d.reason]);
  const touches = async (userId: string, key?: string) => {
    const items = (await t.api('GET', `/api/v1/customers/${await customerId(userId)}/touches`)).json<{ items: TouchView[] }>().items;
    return items.filter((m) => key === undefined || m.playbookKey === key).reverse();
  };
  const items = async (kind: 'queue' | 'tasks', userId: string, key: string) => {
    const r = await t.api('GET', `/api/v1/${kind}?customerId=${await customerId(userId)}`);
    return r.json<{ items: ItemView[] }>().items.filter((i) => i.playbookKey === key).reverse();
  };

  describe('stuck-at-payment', () => {
    const key = 'stuck-at-payment';

    it('pours hint → invite → a person while the shopper stays stuck on the payment step', async () => {
      await addToCart('pay-1');
      await page('pay-1', '/checkout/payment');
      await wait(59 * SEC);
      expect(await decisions('pay-1', key)).toEqual([]);
      await wait(1 * SEC);
      const [hint] = await decisions('pay-1', key);
      expect(brief([hint!])).toEqual([[0, 'hint', 'fired', null]]);
      expect(hint!.explanation.summary).toMatch(/on \/checkout\/payment with no activity for 1 min; cart.itemCount = 1/);
      expect((await touches('pay-1', key)).map((m) => [m.kind, m.content.title])).toEqual([['hint', 'Need a hand with payment?']]);

      await wait(2 * MIN);
      await wait(3 * MIN);
      expect(brief(await decisions('pay-1', key))).toEqual([[0, 'hint', 'fired', null], [1, 'invite', 'fired', null], [2, 'alert', 'fired', null]]);
      expect((await items('queue', 'pay-1', key)).map((i) => [i.priority, i.title])).toEqual([
        ['high', 'Stuck at payment: still on the payment step after the hint and the offer of help; a person could look in'],
      ]);
    });

    it('stays quiet for a shopper who moves on within the minute, or pays with an empty basket', async () => {
      await addToCart('pay-2');
      await page('pay-2', '/checkout/payment');
      await wait(30 * SEC);
      await page('pay-2', '/checkout/review');
      await wait(5 * MIN);
      await page('pay-3', '/checkout/payment'); // nothing in the basket
      await wait(5 * MIN);
      expect(await decisions('pay-2', key)).toEqual([]);
      expect(await decisions('pay-3', key)).toEqual([]);
    });

    it('is held back by the cool-down when the same shopper is stuck again that day', async () => {
      await wait(2 * HOUR);
      await page('pay-1', '/checkout/payment');
      await wait(60 * SEC);
      const last = (await decisions('pay-1', key)).at(-1)!;
      expect(brief([last])).toEqual([[0, 'hint', 'held_back', 'cooldown']]);
      expect(last.explanation.summary).toContain('held back (cooldown');
      expect((await touches('pay-1', key))).toHaveLength(2);
    });
  });

  describe('returns-help-visits', () => {
    const key = 'returns-help-visits';

    it('offers a person on the third visit to returns/help pages within a week, then alerts a colleague', async () => {
      await page('ret-1', '/returns');
      await wait(1 * DAY);
      await page('ret-1', '/products/sencha'); // other pages do not count
      await page('ret-1', '/help');
      await wait(2 * DAY);
      expect(await decisions('ret-1', key)).toEqual([]);
      await page('ret-1', '/returns');
      const [invite] = await decisions('ret-1', key);
      expect(brief([invite!])).toEqual([[0, 'invite', 'fired', null]]);
      expect(invite!.explanation.trigger).toMatch(/page \/returns for the 3rd time within 7 d/);
      expect((await touches('ret-1', key)).map((m) => m.kind)).toEqual(['invite']);

      await wait(15 * MIN);
      expect(brief(await decisions('ret-1', key))).toEqual([[0, 'invite', 'fired', null], [1, 'alert', 'fired', null]]);
      expect((await items('queue', 'ret-1', key)).map((i) => i.priority)).toEqual(['normal']);
    });

    it('does not count a visit that falls outside the week', async () => {
      await page('ret-2', '/returns');
      await wait(3 * DAY);
      await page('ret-2', '/help');
      await wait(5 * DAY); // the first visit is now 8 days old
      await page('ret-2', '/faq');
      await wait(1 * HOUR);
      expect(await decisions('ret-2', key)).toEqual([]);
    });

    it('respects a "no thanks": no alert, and held back as declined when they come back', async () => {
      for (const path of ['/returns', '/help', '/help/returns']) await page('ret-3', path);
      expect(brief(await decisions('ret-3', key))).toEqual([[0, 'invite', 'fired', null]]);
      await track('ret-3', 'Omotenashi Touch Dismissed', { playbook: key });
      await wait(15 * MIN);
      expect(brief(await decisions('ret-3', key))).toEqual([[0, 'invite', 'fired', null]]);
      expect(await items('queue', 'ret-3', key)).toEqual([]);

      await wait(1 * DAY);
      for (const path of ['/returns', '/help', '/returns']) await page('ret-3', path);
      const last = (await decisions('ret-3', key)).at(-1)!;
      expect(brief([last])).toEqual([[0, 'invite', 'held_back', 'declined']]);
      expect(last.explanation.etiquette).toMatch(/customer declined this playbook/);
    });
  });

  describe('checkout-abandoned', () => {
    const key = 'checkout-abandoned';

    it('half an hour after a checkout with no order: a gentle hint, then an offer to talk', async () => {
      await addToCart('co-1');
      await track('co-1', 'Checkout Started', { value: 24, currency: 'EUR' });
      await page('co-1', '/checkout/shipping');
      await wait(30 * MIN - 1 * SEC);
      expect(await decisions('co-1', key)).toEqual([]);
      await wait(1 * SEC);
      const [hint] = await decisions('co-1', key);
      expect(brief([hint!])).toEqual([[0, 'hint', 'fired', null]]);
      expect(hint!.explanation.trigger).toBe('no follow-up event within 30 min ("Checkout Started")');
      expect((await touches('co-1', key)).map((m) => [m.kind, m.content.title, m.content.link])).toEqual([['hint', 'Your basket is safe with us', '/cart']]);
      await wait(10 * MIN);
      expect(brief(await decisions('co-1', key))).toEqual([[0, 'hint', 'fired', null], [1, 'invite', 'fired', null]]);
    });

    it('stays quiet when the order arrives at minute 29, and stops pouring once they order', async () => {
      await addToCart('co-2');
      await track('co-2', 'Checkout Started');
      await wait(29 * MIN);
      await order('co-2', 'co-2-order');
      await wait(5 * MIN);
      expect(await decisions('co-2', key)).toEqual([]);

      await addToCart('co-3');
      await track('co-3', 'Checkout Started');
      await wait(30 * MIN);
      expect(brief(await decisions('co-3', key))).toEqual([[0, 'hint', 'fired', null]]);
      await wait(5 * MIN);
      await order('co-3', 'co-3-order');
      await wait(10 * MIN);
      expect(brief(await decisions('co-3', key))).toEqual([[0, 'hint', 'fired', null]]);
    });

    it('is held back by the daily cap after the shopper was already helped twice at payment', async () => {
      await addToCart('co-4');
      await track('co-4', 'Checkout Started');
      await page('co-4', '/checkout/payment');
      await wait(60 * SEC); // stuck-at-payment: hint
      await wait(2 * MIN); // … invite
      await wait(3 * MIN); // … alert (staff)
      expect(brief(await decisions('co-4', 'stuck-at-payment')).map((d) => d[2])).toEqual(['fired', 'fired', 'fired']);
      await wait(24 * MIN);
      const [held] = await decisions('co-4', key);
      expect(brief([held!])).toEqual([[0, 'hint', 'held_back', 'daily_cap']]);
      expect(held!.explanation.etiquette).toBe('2 service touches in the last 24 h (limit 2)');
      expect(await touches('co-4', key)).toEqual([]);
      await wait(10 * MIN);
      expect(await decisions('co-4', key)).toHaveLength(1); // a held first cup pours no second one
    });
  });

  describe('payment-failed', () => {
    const key = 'payment-failed';

    it('shows the other ways to pay at once, and alerts a person when no order follows', async () => {
      await addToCart('pf-1');
      await page('pf-1', '/checkout/payment');
      await wait(20 * SEC);
      await track('pf-1', 'Payment Failed', { reason: 'card_declined' }, { page: { path: '/checkout/payment' } });
      expect(brief(await decisions('pf-1', key))).toEqual([[0, 'hint', 'fired', null]]);
      const [hint] = await touches('pf-1', key);
      expect(hint!.content).toMatchObject({ title: "The payment didn't go through" });
      expect(hint!.content.body).toContain('another card');

      await wait(60 * SEC); // stuck-at-payment also notices the pause (see the report on overlapping ladders)
      await wait(2 * MIN);
      expect(brief(await decisions('pf-1', key))).toEqual([[0, 'hint', 'fired', null], [1, 'alert', 'fired', null]]);
      expect((await items('queue', 'pf-1', key)).map((i) => [i.priority, i.title])).toEqual([
        ['high', 'Payment did not go through: payment failed and no order followed within 3 minutes; offer help or another way to pay'],
      ]);
      // Two playbooks spoke on site, and the daily cap kept it at two.
      expect((await touches('pf-1')).map((m) => m.playbookKey)).toEqual(['payment-failed', 'stuck-at-payment']);
    });

    it('does not alert anyone once they have paid another way, nor for a failure with no basket', async () => {
      await addToCart('pf-2');
      await track('pf-2', 'Checkout Started');
      await track('pf-2', 'Payment Failed');
      await wait(1 * MIN);
      await order('pf-2', 'pf-2-order');
      await wait(5 * MIN);
      expect(brief(await decisions('pf-2', key))).toEqual([[0, 'hint', 'fired', null]]);

      await track('pf-3', 'Payment Failed');
      await wait(5 * MIN);
      expect(await decisions('pf-3', key)).toEqual([]);
    });

    it('ends the ladder when the hint is taken up, and holds a second failure that hour (cool-down)', async () => {
      await addToCart('pf-4');
      await track('pf-4', 'Payment Failed');
      await track('pf-4', 'Omotenashi Touch Accepted', { playbook: key });
      await wait(5 * MIN);
      expect(brief(await decisions('pf-4', key))).toEqual([[0, 'hint', 'fired', null]]);
      await wait(1 * HOUR);
      await track('pf-4', 'Payment Failed');
      expect(brief(await decisions('pf-4', key))).toEqual([[0, 'hint', 'fired', null], [0, 'hint', 'held_back', 'cooldown']]);
    });
  });

  describe('late-delivery', () => {
    const key = 'late-delivery';
    const shipped = (userId: string, orderId: string, promisedInDays: number) =>
      track(userId, 'Order Shipped', { order_id: orderId, promised_delivery_date: ymd(t.clock.now() + promisedInDays * DAY) });

    it('asks a person to apologise once the parcel is past its promise, and escalates a day later', async () => {
      await order('late-1', 'L1');
      await shipped('late-1', 'L1', 2);
      await wait(3 * DAY);
      // A dismissed touch silences customer-facing playbooks, not the staff's apology.
      await track('late-1', 'Omotenashi Touch Dismissed', {});
      await wait(1 * DAY - 1 * MIN);
      expect(await decisions('late-1', key)).toEqual([]);
      await wait(1 * MIN);
      const [task] = await decisions('late-1', key);
      expect(brief([task!])).toEqual([[0, 'task', 'fired', null]]);
      expect(task!.explanation.summary).toMatch(/no follow-up event within 4 d \("Order Shipped"\); orders.lateCount = 1/);
      const tasks = await items('tasks', 'late-1', key);
      expect(tasks.map((i) => [i.title, i.team, i.status])).toEqual([['Apologise for the late parcel', 'care', 'open']]);
      expect(Date.parse(tasks[0]!.dueAt!)).toBe(t.clock.now() + 4 * HOUR);
      expect(await touches('late-1', key)).toEqual([]);

      await wait(1 * DAY);
      expect(brief(await decisions('late-1', key))).toEqual([[0, 'task', 'fired', null], [1, 'alert', 'fired', null]]);
      expect((await items('queue', 'late-1', key)).map((i) => i.priority)).toEqual(['high']);
    });

    it('leaves a parcel alone that arrives in time, or is still within its promise', async () => {
      await order('late-2', 'L2');
      await shipped('late-2', 'L2', 2);
      await order('late-3', 'L3');
      await shipped('late-3', 'L3', 6); // a slow but honest promise
      await wait(4 * DAY - 1 * HOUR);
      await track('late-2', 'Order Delivered', { order_id: 'L2' });
      await wait(2 * HOUR);
      expect(await decisions('late-2', key)).toEqual([]);
      expect(await decisions('late-3', key)).toEqual([]);
      expect(await items('tasks', 'late-3', key)).toEqual([]);
    });

    it('does not escalate once the parcel is delivered after the apology', async () => {
      await order('late-4', 'L4');
      await shipped('late-4', 'L4', 1);
      await wait(4 * DAY);
      expect(brief(await decisions('late-4', key))).toEqual([[0, 'task', 'fired', null]]);
      await wait(3 * HOUR);
      await track('late-4', 'Order Delivered', { order_id: 'L4' });
      await wait(1 * DAY);
      expect(brief(await decisions('late-4', key))).toEqual([[0, 'task', 'fired', null]]);
      expect(await items('queue', 'late-4', key)).toEqual([]);
    });
  });

  describe('out-of-stock-in-cart', () => {
    const key = 'out-of-stock-in-cart';

    it('tells the shopper kindly, then gives a colleague a back-in-stock task', async () => {
      await addToCart('oos-1', 'matcha', 32);
      await page('oos-1', '/products/matcha');
      await track('oos-1', 'Product Out Of Stock', { product_id: 'matcha', name: 'Matcha, 30 g' });
      expect(brief(await decisions('oos-1', key))).toEqual([[0, 'hint', 'fired', null]]);
      expect((await touches('oos-1', key)).map((m) => m.content.title)).toEqual(['One of your items has just sold out']);
      await wait(30 * MIN);
      expect(brief(await decisions('oos-1', key))).toEqual([[0, 'hint', 'fired', null], [1, 'task', 'fired', null]]);
      expect((await items('tasks', 'oos-1', key)).map((i) => [i.title, i.team])).toEqual([['Back-in-stock for a customer\'s basket item', 'shop']]);
    });

    it('stays quiet with an empty basket, and pours no task once the item is removed', async () => {
      await page('oos-2', '/products/matcha');
      await track('oos-2', 'Product Out Of Stock', { product_id: 'matcha' });
      expect(await decisions('oos-2', key)).toEqual([]);

      await addToCart('oos-3', 'matcha', 32);
      await track('oos-3', 'Product Out of Stock', { product_id: 'matcha' });
      await track('oos-3', 'Product Removed', { product_id: 'matcha', price: 32, quantity: 1 });
      await wait(30 * MIN);
      expect(brief(await decisions('oos-3', key))).toEqual([[0, 'hint', 'fired', null]]);
      expect(await items('tasks', 'oos-3', key)).toEqual([]);
    });

    it('does not interrupt a shopper who is paying', async () => {
      await addToCart('oos-4', 'matcha', 32);
      await page('oos-4', '/checkout/payment');
      await track('oos-4', 'Product Out Of Stock', { product_id: 'matcha' });
      const [held] = await decisions('oos-4', key);
      expect(brief([held!])).toEqual([[0, 'hint', 'held_back', 'paying']]);
      expect(held!.explanation.etiquette).toBe('customer is on a payment page (/checkout/payment) and this playbook is not about payment');
    });
  });

  describe('birthday-week', () => {
    const key = 'birthday-week';
    /** A birthday `days` from the current UTC date, written with a birth year. */
    const birthdayIn = (days: number) => `1990${ymd(t.clock.now() + days * DAY).slice(4)}`;
    /** 10:00 UTC (the customer's time zone is unknown), seven days before that birthday. */
    const weekBefore = (days: number) => Date.parse(`${ymd(t.clock.now() + (days - 7) * DAY)}T10:00:00Z`);

    it('a week before, at 10:00: a card to write, then a surprise for a person to approve', async () => {
      await order('bd-1', 'B1');
      await identify('bd-1', { name: 'Aiko Tanaka', birthday: birthdayIn(10) });
      const due = weekBefore(10);
      await wait(due - t.clock.now() - 1 * SEC);
      expect(await decisions('bd-1', key)).toEqual([]);
      await wait(1 * SEC);
      expect(brief(await decisions('bd-1', key))).toEqual([[0, 'task', 'fired', null]]);
      await wait(1 * HOUR);
      expect(brief(await decisions('bd-1', key))).toEqual([[0, 'task', 'fired', null], [1, 'task', 'fired', null]]);
      expect((await items('tasks', 'bd-1', key)).map((i) => [i.title, i.team])).toEqual([
        ['Birthday in a week — write a card', 'care'],
        ['Approve a birthday surprise', 'care'],
      ]);
      // Nothing reaches the customer by itself.
      expect(await touches('bd-1', key)).toEqual([]);
    });

    it('stays quiet when the week before has passed, or for someone who never ordered', async () => {
      await order('bd-2', 'B2');
      await identify('bd-2', { birthday: birthdayIn(5) });
      await identify('bd-3', { birthday: birthdayIn(10) });
      await wait(11 * DAY);
      expect(await decisions('bd-2', key)).toEqual([]);
      expect(await decisions('bd-3', key)).toEqual([]);
      expect(await items('tasks', 'bd-3', key)).toEqual([]);
    });

    it('is held back for a customer who refused marketing', async () => {
      await order('bd-4', 'B4', {});
      await identify('bd-4', { birthday: birthdayIn(9) }, refusesMarketing);
      await wait(weekBefore(9) - t.clock.now());
      const [held] = await decisions('bd-4', key);
      expect(brief([held!])).toEqual([[0, 'task', 'held_back', 'no_consent']]);
      expect(held!.explanation.etiquette).toContain('"Marketing" is false');
      expect(await items('tasks', 'bd-4', key)).toEqual([]);
    });
  });

  describe('first-order-thanks', () => {
    const key = 'first-order-thanks';

    it('asks the packing team for a handwritten note with the first order only', async () => {
      await order('fo-1', 'F1');
      expect(brief(await decisions('fo-1', key))).toEqual([[0, 'task', 'fired', null]]);
      const [task] = await items('tasks', 'fo-1', key);
      expect(task).toMatchObject({ title: 'Handwritten thank-you note for a first order', team: 'packing', status: 'open' });
      expect(Date.parse(task!.dueAt!)).toBe(t.clock.now() + 1 * DAY);

      await wait(2 * DAY);
      await order('fo-1', 'F2'); // the second order: orders.count = 2
      expect(await decisions('fo-1', key)).toHaveLength(1);
    });

    it('thanks once when browser and server both report the first order (the second is held: cool-down)', async () => {
      await order('fo-2', 'F3');
      await wait(1 * MIN);
      await order('fo-2', 'F3'); // the same order_id from the shop's server
      expect(brief(await decisions('fo-2', key))).toEqual([[0, 'task', 'fired', null], [0, 'task', 'held_back', 'cooldown']]);
      expect(await items('tasks', 'fo-2', key)).toHaveLength(1);
    });
  });

  describe('reorder-reminder', () => {
    const key = 'reorder-reminder';

    it('reminds a regular at the start of a visit, around their own re-order interval, at most weekly', async () => {
      // Orders every 14 days (orders.averageIntervalDays = 14): due from day 12.
      for (const [i, gap] of [0, 14, 14].entries()) {
        t.clock.advance(gap * DAY);
        await order('ro-1', `R1-${i}`);
        await order('ro-2', `R2-${i}`, {});
        await identify('ro-2', {}, refusesMarketing);
      }
      await wait(11 * DAY);
      await page('ro-1', '/');
      expect(await decisions('ro-1', key)).toEqual([]); // day 11: not yet

      await wait(1 * DAY);
      await page('ro-1', '/');
      await page('ro-1', '/products/sencha'); // only the first page of a visit
      const [hint] = await decisions('ro-1', key);
      expect(brief([hint!])).toEqual([[0, 'hint', 'fired', null]]);
      expect(hint!.explanation.summary).toMatch(/orders.averageIntervalDays = 14/);
      expect(hint!.explanation.summary).toMatch(/orders.daysSinceLastOrder = 12/);
      expect((await touches('ro-1', key)).map((m) => [m.content.title, m.content.link])).toEqual([['Time for a refill?', '/account/orders']]);

      await wait(2 * DAY); // the next visit, within the week
      await page('ro-1', '/');
      expect(brief(await decisions('ro-1', key))).toEqual([[0, 'hint', 'fired', null], [0, 'hint', 'held_back', 'cooldown']]);
    });

    it('never reminds a customer who refused marketing, nor one with a single order', async () => {
      await page('ro-2', '/');
      expect(brief(await decisions('ro-2', key))).toEqual([[0, 'hint', 'held_back', 'no_consent']]);

      await order('ro-3', 'R3');
      await wait(30 * DAY);
      await page('ro-3', '/');
      expect(await decisions('ro-3', key)).toEqual([]);
    });
  });

  describe('silent-unhappiness', () => {
    const key = 'silent-unhappiness';

    it('asks a person to reach out when a refund is followed by a look at how to cancel', async () => {
      await order('su-1', 'S1');
      await wait(3 * DAY);
      await track('su-1', 'Order Refunded', { order_id: 'S1' });
      await wait(5 * DAY);
      await page('su-1', '/account/cancel');
      const [task] = await decisions('su-1', key);
      expect(brief([task!])).toEqual([[0, 'task', 'fired', null]]);
      expect(task!.explanation.trigger).toMatch(/^page \/account\/cancel 5 d after the first event$/);
      expect((await items('tasks', 'su-1', key)).map((i) => [i.title, i.team])).toEqual([['Reach out to a quietly unhappy customer', 'care']]);
      expect(await touches('su-1', key)).toEqual([]);
    });

    it('stays quiet for a cancellation page alone, or one visited long after the refund', async () => {
      await page('su-2', '/account/cancel');
      await order('su-3', 'S3');
      await track('su-3', 'Order Refunded', { order_id: 'S3' });
      await wait(15 * DAY);
      await page('su-3', '/account/cancel');
      expect(await decisions('su-2', key)).toEqual([]);
      expect(await decisions('su-3', key)).toEqual([]);
    });

    it('does not page the team twice in a day for the same customer (cool-down)', async () => {
      await order('su-4', 'S4');
      await track('su-4', 'Order Cancelled', { order_id: 'S4' });
      await page('su-4', '/account/close');
      await wait(2 * HOUR);
      await track('su-4', 'Chat Wait Exceeded', { waited_seconds: 900 });
      await page('su-4', '/unsubscribe');
      expect(brief(await decisions('su-4', key))).toEqual([[0, 'task', 'fired', null], [0, 'task', 'held_back', 'cooldown']]);
      expect(await items('tasks', 'su-4', key)).toHaveLength(1);
    });
  });
});
