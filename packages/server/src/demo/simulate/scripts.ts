import { DEMO_CURRENCY, demoProduct, productProperties, type DemoProduct } from '../catalogue.js';
import { ScriptError, waitFor, type Decision, type Shopper } from './shopper.js';

/*
 * The five scripted shoppers of `omotenashi demo simulate`. Each plays a moment the starter
 * library (at demo pace, see demo-playbooks.ts) is written for, then reads back through the admin
 * API what the server decided, so the report is what an operator would see.
 */

export const SCRIPT_NAMES = ['stuck-at-payment', 'declined-yesterday', 'birthday-next-week', 'late-delivery', 'returns-circling'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

export interface DecisionView { playbook: string; step: number; action: string; outcome: string; reason: string | null; summary: string }

export interface ScriptResult {
  /** fired: the playbook acted; held_back: it was kept quiet on purpose (the reason says why). */
  outcome: 'fired' | 'held_back';
  /** One sentence for people. */
  headline: string;
  customerId: string;
  /** On-site touches that arrived over the visitor's WebSocket. */
  received: { kind: string; playbook: string; text: string }[];
  decisions: DecisionView[];
  tasks: { title: string; dueAt: string }[];
  conversationId: string | null;
}

export interface ScriptContext {
  shopper: Shopper;
  /** Reports progress: one short line, replacing the shopper's previous one. */
  say(text: string): void;
  /** Unique per run: the ids of this run's customers and orders. */
  runId: string;
}

export interface Script {
  name: ScriptName;
  who: string;
  title: string;
  timezone: string;
  locale: string;
  run(ctx: ScriptContext): Promise<ScriptResult>;
}

const DAY = 86_400_000;
/** How long to wait for something the server does on its own timers (demo pace: seconds). */
const SERVER_WAIT_MS = 60_000;

function product(slug: string): DemoProduct {
  const p = demoProduct(slug);
  if (!p) throw new Error(`the demo catalogue has no ${slug}`);
  return p;
}

const view = (d: Decision): DecisionView => ({ playbook: d.playbook.key, step: d.step, action: d.action, outcome: d.outcome, reason: d.reason, summary: d.explanation.summary });
/** The words of a touch: an invitation's message, a hint's title (else body). */
function textOf(content: unknown): string {
  const c = (typeof content === 'object' && content !== null ? content : {}) as Record<string, unknown>;
  const text = c['message'] ?? c['title'] ?? c['body'];
  return typeof text === 'string' ? text : '';
}

/** Browses to the payment step with `items` in the basket: the events the shop's pages send. */
async function browseToPayment(ctx: ScriptContext, items: DemoProduct[]): Promise<void> {
  const s = ctx.shopper;
  ctx.say('browsing the shop');
  await s.send(s.page('/demo/'));
  await s.pause(1500);
  for (const p of items) {
    const path = `/demo/products/${p.slug}`;
    ctx.say(`looking at ${p.name}`);
    await s.send(s.page(path), s.event('Product Viewed', productProperties(p), path));
    await s.pause(1500);
    await s.send(s.event('Product Added', { ...productProperties(p), cart_id: 'chaya' }, path));
    await s.pause(800);
  }
  const products = items.map((p) => productProperties(p));
  const value = items.reduce((sum, p) => sum + p.price, 0);
  ctx.say(`cart: ${items.map((p) => p.name).join(', ')}`);
  await s.send(s.page('/demo/cart'), s.event('Cart Viewed', { cart_id: 'chaya', products, currency: DEMO_CURRENCY }, '/demo/cart'));
  await s.pause(1200);
  await s.send(s.page('/demo/checkout'), s.event('Checkout Started', { checkout_id: 'chaya', value, currency: DEMO_CURRENCY, products }, '/demo/checkout'),
    s.event('Checkout Step Viewed', { checkout_id: 'chaya', step: 1 }, '/demo/checkout'));
  await s.pause(2000);
  await s.send(s.event('Checkout Step Completed', { checkout_id: 'chaya', step: 1 }, '/demo/checkout'));
  await s.send(s.page('/demo/checkout/payment'), s.event('Checkout Step Viewed', { checkout_id: 'chaya', step: 2 }, '/demo/checkout/payment'));
}

/** 1. Lingers on the payment step: the hint, then the invitation; accepts it and asks a question. */
const stuckAtPayment: Script = {
  name: 'stuck-at-payment', who: 'Aiko', title: 'Stuck at payment', timezone: 'Asia/Tokyo', locale: 'ja-JP',
  async run(ctx) {
    const s = ctx.shopper;
    await browseToPayment(ctx, [product('matcha-uji'), product('chasen')]);
    ctx.say('on /demo/checkout/payment, unsure which card… waiting');
    const hint = await s.invitation('hint', 'stuck-at-payment', SERVER_WAIT_MS);
    ctx.say(`got the hint "${textOf(hint.content)}"; still unsure…`);
    const invite = await s.invitation('invite', 'stuck-at-payment', SERVER_WAIT_MS);
    ctx.say('got the invitation; accepting');
    await s.pause(1500);
    s.respond(invite.touchId, 'accepted');
    await s.pause(1500);
    const question = 'Hello! Can I pay by bank transfer instead of a card? My card keeps being declined.';
    const sent = await s.say(question);
    ctx.say('asked a question in the chat');
    const customerId = await s.customerId();
    // The acceptance is recorded by the server and ends the ladder: no alert follows.
    await waitFor(async () => {
      const t = await s.admin<{ items: { kind: string; name?: string }[] }>(`/api/v1/customers/${customerId}/timeline?limit=50`);
      return t.items.some((i) => i.kind === 'event' && i.name === 'Omotenashi Touch Accepted');
    }, 15_000, 'the server to record the accepted invitation');
    const decisions = (await s.decisions(customerId, 'stuck-at-payment')).map(view);
    return {
      outcome: 'fired',
      headline: `hint, then invitation over the WebSocket; accepted it and asked "${question.slice(0, 40)}…" (${sent.conversationId})`,
      customerId, received: s.invitations.map((i) => ({ kind: i.kind, playbook: i.playbook, text: textOf(i.content) })),
      decisions, tasks: [], conversationId: sent.conversationId,
    };
  },
};

/** 2. Said "no thanks" yesterday; back on the payment step today, and left in peace. */
const declinedYesterday: Script = {
  name: 'declined-yesterday', who: 'Tomás', title: 'Declined help yesterday', timezone: 'Europe/Lisbon', locale: 'pt-PT',
  async run(ctx) {
    const s = ctx.shopper;
    const sencha = product('sencha-asatsuyu');
    const yesterday = DAY - 2 * 3_600_000;
    ctx.say('yesterday: browsed, reached payment, said "no thanks" to the hint');
    await s.send(
      s.page('/demo/', yesterday + 600_000),
      s.page(`/demo/products/${sencha.slug}`, yesterday + 540_000),
      s.event('Product Added', { ...productProperties(sencha), cart_id: 'chaya' }, `/demo/products/${sencha.slug}`, yesterday + 500_000),
      s.page('/demo/checkout/payment', yesterday + 300_000),
      // What the widget reports for a dismissed hint (docs/playbooks.md, response events).
      s.event('Omotenashi Touch Dismissed', { playbook: 'stuck-at-payment', kind: 'hint' }, '/demo/checkout/payment', yesterday + 200_000),
    );
    await s.pause(1500);
    ctx.say('today: back, basket kept, on the payment step again');
    await s.send(s.page('/demo/'));
    await s.pause(1000);
    await s.send(s.page('/demo/cart'), s.event('Cart Viewed', { cart_id: 'chaya', products: [productProperties(sencha)], currency: DEMO_CURRENCY }, '/demo/cart'));
    await s.pause(1000);
    await s.send(s.page('/demo/checkout/payment'), s.event('Checkout Step Viewed', { checkout_id: 'chaya', step: 2 }, '/demo/checkout/payment'));
    ctx.say('lingering on /demo/checkout/payment… (is anyone going to pester me?)');
    const customerId = await s.customerId();
    const held = await waitFor(async () => (await s.decisions(customerId, 'stuck-at-payment')).find((d) => d.outcome === 'held_back'),
      SERVER_WAIT_MS, 'the stuck-at-payment decision');
    const decisions = (await s.decisions(customerId, 'stuck-at-payment')).map(view);
    if (decisions.some((d) => d.outcome === 'fired') || s.invitations.length > 0) {
      throw new ScriptError('was interrupted despite yesterday\'s "no thanks"');
    }
    return {
      outcome: 'held_back',
      headline: `left in peace: stuck-at-payment held back (${held.reason}: ${held.explanation.etiquette ?? ''})`,
      customerId, received: [], decisions, tasks: [], conversationId: null,
    };
  },
};

/** 3. Signs in with a birthday six days away and one past order: a colleague is asked to write a card. */
const birthdayNextWeek: Script = {
  name: 'birthday-next-week', who: 'Hana', title: 'Birthday next week', timezone: 'Asia/Tokyo', locale: 'ja-JP',
  async run(ctx) {
    const s = ctx.shopper;
    const userId = `sim-${ctx.runId}-hana`;
    const birthday = `1990-${s.localDate(6).slice(5)}`;
    const yunomi = product('yunomi-pair');
    ctx.say(`signs in; birthday ${birthday.slice(5)} (in 6 days)`);
    const orderId = `CH-${ctx.runId}-H`;
    // Her first order, a month ago (the shop's backend records it); then today's sign-in.
    await s.send(s.event('Order Completed', { order_id: orderId, total: yunomi.price, currency: DEMO_CURRENCY, products: [productProperties(yunomi)] }, null, 30 * DAY));
    await s.send(s.identify(userId, { name: 'Hana Sato', email: `hana+${ctx.runId}@example.jp`, birthday }));
    await s.send(s.page('/demo/'));
    ctx.say('browsing teas while the shop notices the date');
    const customerId = await s.customerId();
    const fired = await waitFor(async () => (await s.decisions(customerId, 'birthday-week')).find((d) => d.step === 0),
      SERVER_WAIT_MS, 'the birthday-week decision');
    if (fired.outcome !== 'fired') throw new ScriptError(`birthday-week was held back (${fired.reason}): ${fired.explanation.summary}`);
    const tasks = await waitFor(async () => {
      const all = (await s.tasks(customerId)).filter((t) => t.playbookKey === 'birthday-week');
      return all.length > 0 ? all : null;
    }, 15_000, 'the birthday task');
    return {
      outcome: 'fired',
      headline: `task for the care team: "${tasks[0]!.title}" (due ${tasks[0]!.dueAt.slice(0, 10)})`,
      customerId, received: [], decisions: (await s.decisions(customerId, 'birthday-week')).map(view),
      tasks: tasks.map((t) => ({ title: t.title, dueAt: t.dueAt })), conversationId: null,
    };
  },
};

/** 4. A parcel past its promised date and not delivered: a person is asked to apologise first. */
const lateDelivery: Script = {
  name: 'late-delivery', who: 'Ana', title: 'Late delivery', timezone: 'Europe/Lisbon', locale: 'pt-PT',
  async run(ctx) {
    const s = ctx.shopper;
    const userId = `sim-${ctx.runId}-ana`;
    const kyusu = product('kyusu-tokoname');
    const orderId = `CH-${ctx.runId}-A`;
    const promised = s.localDate(-2);
    ctx.say(`ordered ${kyusu.name} 6 days ago, promised by ${promised}`);
    await s.send(s.identify(userId, { name: 'Ana Sousa', email: `ana+${ctx.runId}@example.pt` }, 6 * DAY));
    await s.send(s.event('Order Completed', { order_id: orderId, total: kyusu.price, currency: DEMO_CURRENCY, products: [productProperties(kyusu)], promised_delivery_date: promised }, '/demo/checkout/payment', 6 * DAY - 60_000));
    await s.pause(1000);
    ctx.say('the shop\'s backend: "Order Shipped" (no "Order Delivered" since)');
    await s.send(s.event('Order Shipped', { order_id: orderId, promised_delivery_date: promised }, null, 5 * DAY));
    await s.pause(1000);
    ctx.say(`checks /demo/orders/${orderId}: still not there`);
    await s.send(s.page(`/demo/orders/${orderId}`));
    const customerId = await s.customerId();
    const fired = await waitFor(async () => (await s.decisions(customerId, 'late-delivery')).find((d) => d.step === 0),
      SERVER_WAIT_MS, 'the late-delivery decision');
    if (fired.outcome !== 'fired') throw new ScriptError(`late-delivery was held back (${fired.reason}): ${fired.explanation.summary}`);
    const tasks = await waitFor(async () => {
      const all = (await s.tasks(customerId)).filter((t) => t.playbookKey === 'late-delivery');
      return all.length > 0 ? all : null;
    }, 15_000, 'the apology task');
    return {
      outcome: 'fired',
      headline: `task for the care team: "${tasks[0]!.title}" (due ${tasks[0]!.dueAt.slice(11, 16)} UTC), before she has to ask`,
      customerId, received: [], decisions: (await s.decisions(customerId, 'late-delivery')).map(view),
      tasks: tasks.map((t) => ({ title: t.title, dueAt: t.dueAt })), conversationId: null,
    };
  },
};

/** 5. Comes back to the returns page a third time: a person offers to help. */
const returnsCircling: Script = {
  name: 'returns-circling', who: 'Mai', title: 'Circling the returns page', timezone: 'Asia/Ho_Chi_Minh', locale: 'vi-VN',
  async run(ctx) {
    const s = ctx.shopper;
    await s.send(s.page('/demo/'));
    for (let visit = 1; visit <= 3; visit++) {
      await s.pause(1500);
      ctx.say(`visit ${visit} to /demo/returns`);
      await s.send(s.page('/demo/returns'));
      await s.pause(2000);
      if (visit < 3) await s.send(s.page(visit === 1 ? '/demo/orders/CH-0042' : '/demo/'));
    }
    ctx.say('third visit to /demo/returns… waiting');
    const invite = await s.invitation('invite', 'returns-help-visits', SERVER_WAIT_MS);
    const customerId = await s.customerId();
    const touches = (await s.touches(customerId)).filter((t) => t.playbookKey === 'returns-help-visits');
    if (!touches.some((t) => t.id === invite.touchId)) throw new ScriptError('the invitation that arrived is not among the customer\'s touches');
    return {
      outcome: 'fired',
      headline: `invitation over the WebSocket: "${textOf(invite.content).slice(0, 60)}…"`,
      customerId, received: s.invitations.map((i) => ({ kind: i.kind, playbook: i.playbook, text: textOf(i.content) })),
      decisions: (await s.decisions(customerId, 'returns-help-visits')).map(view), tasks: [], conversationId: null,
    };
  },
};

export const SCRIPTS: readonly Script[] = [stuckAtPayment, declinedYesterday, birthdayNextWeek, lateDelivery, returnsCircling];
