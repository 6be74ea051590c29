import { createHmac } from 'node:crypto';
import type { Conversation } from '@omotenashi/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TestClock, type TestApp } from './helpers/app.js';
import { listen, operator as operatorSocket, type RawSocket } from './helpers/realtime.js';
import { receiver } from './helpers/receiver.js';
import { storeFactories } from './helpers/stores.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Friday 2026-11-20, 17:50 in Tokyo: ten minutes before the office closes for the weekend. */
const FRIDAY_1750_TOKYO = Date.parse('2026-11-20T08:50:00Z');
const WEEKDAYS_9_TO_6 = { timeZone: 'Asia/Tokyo', week: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '18:00']]])) };

type Res = { statusCode: number; body: string; json: <T = any>() => T };
interface SlaReport { targets: Record<'first_response' | 'next_response' | 'resolution', { met: number; breached: number; attainment: number | null }> }


/** The receiver's side of the signature: HMAC-SHA256 of "t.body" with the workspace secret. */
function verify(secret: string, header: string | string[] | undefined, body: string): { t: number; ok: boolean } {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  if (!m) return { t: NaN, ok: false };
  return { t: Number(m[1]), ok: createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') === m[2] };
}

describe.each(await storeFactories())('service-level targets on $name', (factory) => {
  let t: TestApp;
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
    await t?.close();
  });

  const start = async (now = FRIDAY_1750_TOKYO) => {
    t = await startTestApp(factory, { clock: new TestClock(now), services: { allowPrivateWebhooks: true } });
  };
  const ok = async (p: Promise<Res>, status = 200): Promise<Res> => {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return r;
  };
  let n = 0;
  const operator = async (name: string) => {
    const op = await t.services.tenancy.createOperator(t.ws.id, { email: `${name.toLowerCase()}${++n}@shop.test`, name, role: 'agent', password: 'correct horse battery' });
    return { id: op.id, token: (await t.services.tenancy.createApiToken(t.ws.id, { role: 'agent', operatorId: op.id })).token };
  };
  /** An operator's live inbox socket. */
  const inbox = async (token: string): Promise<RawSocket> => {
    const url = await listen(t);
    const s = await operatorSocket(url.ws, token);
    expect(s.frames.map((f) => f.type)).toContain('welcome');
    cleanup.push(() => s.close());
    return s;
  };
  /** The customer writes through the api channel: a new conversation, or their open one. */
  const customerWrites = async (userId: string, text: string): Promise<Conversation> => {
    expect((await t.track('/v1/identify', { userId, traits: { email: `${userId}@example.com` } })).statusCode).toBe(200);
    const r = await ok(t.api('POST', '/api/v1/conversations', { customer: { userId }, text }), 201);
    return r.json<{ conversation: Conversation }>().conversation;
  };
  const reply = async (id: string, text = 'Thanks for waiting, here is the answer.') =>
    (await ok(t.api('POST', `/api/v1/conversations/${id}/messages`, { text }), 201)).json<{ conversation: Conversation }>().conversation;
  const get = async (id: string) => (await ok(t.api('GET', `/api/v1/conversations/${id}`))).json<Conversation>();
  const tickAt = async (at: number) => {
    t.clock.ms = at;
    return t.services.slaMonitor.tick();
  };
  const report = async () => (await ok(t.api('GET', '/api/v1/reports/sla'))).json<SlaReport>().targets;
  const policy = async (body: Record<string, unknown>) => (await ok(t.api('POST', '/api/v1/sla-policies', body), 201)).json<{ id: string }>().id;
  /** Lets frames in flight arrive before counting them. */
  const settle = () => new Promise((r) => setTimeout(r, 150));
  const alerts = (s: RawSocket, type: 'sla.warning' | 'sla.breached') => s.of(type).map((f) => [f['conversation'].id, f['target']]);

  it('default policy: due 24 h after the first message; ok, at risk at 80 %, breached, each alert once, and a signed sla.breached webhook', async () => {
    await start();
    const ana = await operator('Ana');
    const op = await inbox(ana.token);
    const rx = await receiver({ path: '/hooks/sla' });
    cleanup.push(() => rx.close());
    await ok(t.api('POST', '/api/v1/webhook-subscriptions', { url: rx.url, events: ['sla.breached'] }), 201);
    const secret = (await ok(t.api('GET', '/api/v1/webhooks/secret'))).json<{ secret: string }>().secret;
    expect(secret).toMatch(/^whsec_/);

    const T0 = t.clock.now();
    const c = await customerWrites('sla-default', 'Is the tea set back in stock?');
    const due = T0 + 24 * HOUR;
    const warnAt = T0 + 0.8 * 24 * HOUR;
    expect(c.sla).toEqual({
      policyId: null, state: 'ok', dueAt: due, target: 'first_response',
      firstResponseDueAt: due, nextResponseDueAt: null, resolutionDueAt: null, breaches: [],
    });

    expect(await tickAt(warnAt - 1)).toBe(0);
    expect((await get(c.id)).sla.state).toBe('ok');
    expect(await tickAt(warnAt)).toBe(1);
    expect(await get(c.id)).toMatchObject({ sla: { state: 'at_risk', dueAt: due, breaches: [] } });
    const warning = await op.next((f) => f.type === 'sla.warning');
    expect(warning).toMatchObject({ target: 'first_response', conversation: { id: c.id, sla: { state: 'at_risk' } } });
    const updated = await op.next((f) => f.type === 'conversation.updated' && f['conversation'].id === c.id);
    expect(updated['changes']).toEqual(['sla']);
    // However often the monitor looks, the warning is not repeated.
    for (const at of [warnAt, warnAt + MINUTE, due - 1]) await tickAt(at);
    expect((await get(c.id)).sla.state).toBe('at_risk');
    expect(await t.services.webhooks.deliverDue()).toBe(0);

    expect(await tickAt(due)).toBe(1);
    expect(await get(c.id)).toMatchObject({ status: 'open', sla: { state: 'breached', dueAt: due, target: 'first_response', breaches: ['first_response'] } });
    const breached = await op.next((f) => f.type === 'sla.breached');
    expect(breached).toMatchObject({ target: 'first_response', conversation: { id: c.id, sla: { state: 'breached' } } });

    expect(await t.services.webhooks.deliverDue()).toBe(1);
    expect(rx.requests).toHaveLength(1);
    const { headers, body } = rx.requests[0]!;
    const sig = verify(secret, headers['omotenashi-signature'], body);
    expect(sig.ok, `signature ${String(headers['omotenashi-signature'])} does not verify`).toBe(true);
    expect(sig.t).toBe(Math.floor(due / 1000));
    expect(verify('whsec_not-the-secret', headers['omotenashi-signature'], body).ok).toBe(false);
    const event = JSON.parse(body) as Record<string, any>;
    expect(Object.keys(event).sort()).toEqual(['createdAt', 'data', 'id', 'type', 'workspaceId']);
    expect(event).toMatchObject({
      type: 'sla.breached', workspaceId: t.ws.id, createdAt: new Date(due).toISOString(),
      data: { target: 'first_response', conversation: { id: c.id, customerId: c.customerId, sla: { state: 'breached', breaches: ['first_response'] } } },
    });

    // Days of ticking and delivering later: still one warning, one breach, one webhook.
    for (let i = 1; i <= 5; i++) {
      await tickAt(due + i * 7 * HOUR);
      await t.services.webhooks.deliverDue();
    }
    await settle();
    expect(alerts(op, 'sla.warning')).toEqual([[c.id, 'first_response']]);
    expect(alerts(op, 'sla.breached')).toEqual([[c.id, 'first_response']]);
    expect(rx.requests).toHaveLength(1);
    expect(await t.count('webhook_outbox')).toBe(1);
    expect(await report()).toMatchObject({ first_response: { met: 0, breached: 1, attainment: 0 } });
  });

  it('business hours: a message at Friday 17:50 Tokyo with a 30-minute target is due Monday 09:20, not breached over the weekend', async () => {
    await start();
    const op = await inbox(t.ws.apiToken);
    const policyId = await policy({ name: 'Tokyo office', firstResponseMinutes: 30, businessHours: WEEKDAYS_9_TO_6 });
    const c = await customerWrites('sla-tokyo', 'Can I still change my delivery address?');
    const mondayDue = Date.parse('2026-11-23T09:20:00+09:00');
    const mondayWarn = Date.parse('2026-11-23T09:14:00+09:00'); // 24 of the 30 minutes: 10 on Friday, 14 on Monday
    expect(c.sla).toMatchObject({ policyId, state: 'ok', dueAt: mondayDue, firstResponseDueAt: mondayDue, target: 'first_response' });

    for (const at of ['2026-11-20T18:00:00+09:00', '2026-11-20T18:21:00+09:00', '2026-11-21T09:21:00+09:00', '2026-11-21T12:00:00+09:00', '2026-11-22T23:59:59+09:00', '2026-11-23T09:13:59+09:00']) {
      await tickAt(Date.parse(at));
      expect((await get(c.id)).sla.state, at).toBe('ok');
    }
    await tickAt(mondayWarn);
    expect((await get(c.id)).sla.state).toBe('at_risk');
    await tickAt(mondayDue - 1);
    expect((await get(c.id)).sla.state).toBe('at_risk');
    await tickAt(Date.parse('2026-11-23T09:21:00+09:00'));
    expect(await get(c.id)).toMatchObject({ sla: { state: 'breached', breaches: ['first_response'] } });
    await settle();
    expect(alerts(op, 'sla.warning')).toEqual([[c.id, 'first_response']]);
    expect(alerts(op, 'sla.breached')).toEqual([[c.id, 'first_response']]);
    const warnedAt = op.frames.findIndex((f) => f.type === 'sla.warning');
    const breachedAt = op.frames.findIndex((f) => f.type === 'sla.breached');
    expect(warnedAt).toBeLessThan(breachedAt);
  });

  it('counts a reply before the deadline as met and one after it as breached, even when the monitor never looked in between', async () => {
    await start();
    const op = await inbox(t.ws.apiToken);
    const T0 = t.clock.now();
    const early = await customerWrites('sla-early', 'Do you ship to Osaka?');
    // The monitor marks it at risk; the answer still comes in time.
    await tickAt(T0 + 20 * HOUR);
    expect((await get(early.id)).sla.state).toBe('at_risk');
    t.clock.ms = T0 + 23 * HOUR;
    const answered = await reply(early.id);
    expect(answered.sla).toMatchObject({ state: 'none', dueAt: null, firstResponseDueAt: null, breaches: [] });
    expect(await report()).toEqual({
      first_response: { met: 1, breached: 0, attainment: 1 },
      next_response: { met: 0, breached: 0, attainment: null },
      resolution: { met: 0, breached: 0, attainment: null },
    });

    const T1 = t.clock.now();
    const late = await customerWrites('sla-late', 'Hello? Anyone there?');
    expect(late.sla.firstResponseDueAt).toBe(T1 + 24 * HOUR);
    // No tick at all until the answer, a minute after the deadline.
    t.clock.ms = T1 + 24 * HOUR + MINUTE;
    const lateAnswer = await reply(late.id);
    expect(lateAnswer.sla).toMatchObject({ state: 'breached', dueAt: null, firstResponseDueAt: null, breaches: ['first_response'] });
    expect((await report()).first_response).toEqual({ met: 1, breached: 1, attainment: 0.5 });
    // The breach it ended is still announced, once.
    await op.next((f) => f.type === 'sla.breached' && f['conversation'].id === late.id);

    // Ticks afterwards count nothing twice.
    for (let i = 1; i <= 3; i++) await tickAt(T1 + 24 * HOUR + i * 12 * HOUR);
    expect((await report()).first_response).toEqual({ met: 1, breached: 1, attainment: 0.5 });
    await settle();
    expect(alerts(op, 'sla.breached')).toEqual([[late.id, 'first_response']]);
    expect(alerts(op, 'sla.warning')).toEqual([[early.id, 'first_response']]);
  });

  it('starts the next-response clock when the customer writes after an answer', async () => {
    await start();
    const op = await inbox(t.ws.apiToken);
    const policyId = await policy({ name: 'Chat', firstResponseMinutes: 60, nextResponseMinutes: 15 });
    const T0 = t.clock.now();
    const c = await customerWrites('sla-next', 'Which size should I take?');
    expect(c.sla).toMatchObject({ policyId, state: 'ok', target: 'first_response', firstResponseDueAt: T0 + 60 * MINUTE, nextResponseDueAt: null });

    t.clock.ms = T0 + 10 * MINUTE;
    expect((await reply(c.id)).sla).toMatchObject({ state: 'none', dueAt: null, target: null, firstResponseDueAt: null, nextResponseDueAt: null });

    t.clock.ms = T0 + 20 * MINUTE;
    const again = await customerWrites('sla-next', 'And does it come in blue?');
    expect(again.id).toBe(c.id);
    expect(again.sla).toMatchObject({ state: 'ok', target: 'next_response', dueAt: T0 + 35 * MINUTE, nextResponseDueAt: T0 + 35 * MINUTE, firstResponseDueAt: null });
    // A second message while waiting does not restart the clock.
    t.clock.ms = T0 + 25 * MINUTE;
    expect((await customerWrites('sla-next', 'Hello?')).sla.nextResponseDueAt).toBe(T0 + 35 * MINUTE);

    await tickAt(T0 + 32 * MINUTE - 1);
    expect((await get(c.id)).sla.state).toBe('ok');
    await tickAt(T0 + 32 * MINUTE);
    expect((await get(c.id)).sla.state).toBe('at_risk');
    t.clock.ms = T0 + 33 * MINUTE;
    expect((await reply(c.id)).sla).toMatchObject({ state: 'none', nextResponseDueAt: null });

    t.clock.ms = T0 + 40 * MINUTE;
    expect((await customerWrites('sla-next', 'One more thing')).sla).toMatchObject({ target: 'next_response', nextResponseDueAt: T0 + 55 * MINUTE });
    await tickAt(T0 + 55 * MINUTE);
    expect(await get(c.id)).toMatchObject({ sla: { state: 'breached', breaches: ['next_response'] } });
    await settle();
    // The second run was only looked at after its due time: breached, without a late "at risk".
    expect(alerts(op, 'sla.warning')).toEqual([[c.id, 'next_response']]);
    expect(alerts(op, 'sla.breached')).toEqual([[c.id, 'next_response']]);
    expect((await report())).toEqual({
      first_response: { met: 1, breached: 0, attainment: 1 },
      next_response: { met: 1, breached: 1, attainment: 0.5 },
      resolution: { met: 0, breached: 0, attainment: null },
    });
  });

  it('keeps the resolution clock running through a snooze ended by hand', async () => {
    await start();
    const policyId = await policy({ name: 'Two hours to resolve', firstResponseMinutes: 60, resolutionMinutes: 120 });
    const T0 = t.clock.now();
    const c = await customerWrites('resolve-by-hand', 'My invoice is wrong');
    expect(c.sla).toMatchObject({ policyId, resolutionDueAt: T0 + 120 * MINUTE, firstResponseDueAt: T0 + 60 * MINUTE });
    t.clock.ms = T0 + 10 * MINUTE;
    await reply(c.id);
    const snoozed = (await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'snoozed', snoozedUntil: new Date(T0 + 30 * MINUTE).toISOString() }))).json<Conversation>();
    expect(snoozed.sla).toMatchObject({ resolutionDueAt: T0 + 120 * MINUTE, target: 'resolution' });
    t.clock.ms = T0 + 20 * MINUTE;
    const opened = (await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'open' }))).json<Conversation>();
    expect(opened.sla).toMatchObject({ resolutionDueAt: T0 + 120 * MINUTE, target: 'resolution', state: 'ok' });
    await tickAt(T0 + 120 * MINUTE);
    expect(await get(c.id)).toMatchObject({ sla: { state: 'breached', breaches: ['resolution'] } });
  });

  it('keeps the resolution clock running through a snooze that wakes up by itself', async () => {
    await start();
    await policy({ name: 'Two hours to resolve', firstResponseMinutes: 60, resolutionMinutes: 120 });
    const T0 = t.clock.now();
    const c = await customerWrites('resolve-wake', 'My invoice is wrong');
    t.clock.ms = T0 + 10 * MINUTE;
    await reply(c.id);
    await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'snoozed', snoozedUntil: new Date(T0 + 30 * MINUTE).toISOString() }));
    await tickAt(T0 + 30 * MINUTE);
    expect(await get(c.id)).toMatchObject({ status: 'open', sla: { resolutionDueAt: T0 + 120 * MINUTE } });
    await tickAt(T0 + 120 * MINUTE);
    expect(await get(c.id)).toMatchObject({ sla: { state: 'breached', breaches: ['resolution'] } });
  });

  it('chooses the most specific policy: channel and priority > priority > channel > the default', async () => {
    await start();
    const T0 = t.clock.now();
    const webchat = async (userId: string) => {
      expect((await t.track('/v1/identify', { userId })).statusCode).toBe(200);
      const id = (await ok(t.api('GET', `/api/v1/customers/lookup?userId=${userId}`))).json<{ id: string }>().id;
      const r = await t.services.conversations.send({
        workspaceId: t.ws.id, sender: { type: 'customer', customerId: id, name: null }, conversationId: null, channel: 'webchat', kind: 'text',
        text: 'Hi from the chat bubble', attachmentIds: [], clientMessageId: null, customerScope: [id],
      });
      return get(r.conversation.id);
    };
    const apiOnly = await policy({ name: 'API', channel: 'api', firstResponseMinutes: 120 });
    expect((await customerWrites('spec-1', 'hi')).sla).toMatchObject({ policyId: apiOnly, firstResponseDueAt: T0 + 120 * MINUTE });
    expect((await webchat('spec-2')).sla).toMatchObject({ policyId: null, firstResponseDueAt: T0 + 24 * HOUR });

    const normal = await policy({ name: 'Normal priority', priority: 'normal', firstResponseMinutes: 45 });
    expect((await customerWrites('spec-3', 'hi')).sla).toMatchObject({ policyId: normal, firstResponseDueAt: T0 + 45 * MINUTE });
    expect((await webchat('spec-4')).sla).toMatchObject({ policyId: normal, firstResponseDueAt: T0 + 45 * MINUTE });

    const chatNormal = await policy({ name: 'Chat, normal', channel: 'webchat', priority: 'normal', firstResponseMinutes: 5 });
    expect((await webchat('spec-5')).sla).toMatchObject({ policyId: chatNormal, firstResponseDueAt: T0 + 5 * MINUTE });
    expect((await customerWrites('spec-6', 'hi')).sla).toMatchObject({ policyId: normal, firstResponseDueAt: T0 + 45 * MINUTE });
    // A policy for another priority does not apply to a normal conversation.
    await policy({ name: 'Urgent', priority: 'urgent', firstResponseMinutes: 1 });
    expect((await customerWrites('spec-7', 'hi')).sla).toMatchObject({ policyId: normal });
    // Conversations keep the policy they started under.
    const first = (await ok(t.api('GET', '/api/v1/conversations?channel=api&limit=100'))).json<{ conversations: Conversation[] }>().conversations.at(-1)!;
    expect(first.sla).toMatchObject({ policyId: apiOnly, firstResponseDueAt: T0 + 120 * MINUTE });
  });

  it('a priority=urgent policy beats a channel-only one once the conversation is marked urgent', async () => {
    await start();
    const apiOnly = await policy({ name: 'API', channel: 'api', firstResponseMinutes: 120, nextResponseMinutes: 60 });
    const urgent = await policy({ name: 'Urgent', priority: 'urgent', firstResponseMinutes: 10, nextResponseMinutes: 5 });
    const c = await customerWrites('urgent-1', 'My order never arrived and I need it today!');
    expect(c.sla.policyId).toBe(apiOnly);
    const patched = (await ok(t.api('PATCH', `/api/v1/conversations/${c.id}`, { priority: 'urgent' }))).json<Conversation>();
    expect(patched.priority).toBe('urgent');
    expect(patched.sla.policyId).toBe(urgent);
    t.clock.advance(MINUTE);
    await reply(c.id);
    t.clock.advance(MINUTE);
    const again = await customerWrites('urgent-1', 'Any news?');
    expect(again.sla).toMatchObject({ policyId: urgent, target: 'next_response', nextResponseDueAt: t.clock.now() + 5 * MINUTE });
  });
});
