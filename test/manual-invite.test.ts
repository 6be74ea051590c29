import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, until, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(await storeFactories())('manual invitations on $name', (factory) => {
  let t: TestApp;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    t = await startTestApp(factory);
    // The care loop (which remembers a "no thanks" or an open chat) runs while some playbook is
    // enabled, as in any real workspace; this one never fires.
    const pb = await t.api('POST', '/api/v1/playbooks', {
      key: 'never', name: 'Never', purpose: 'service', priority: 10, trigger: { on: { event: 'Never Happens' } },
      steps: [{ action: 'alert', priority: 'low' }],
    });
    expect(pb.statusCode, pb.body).toBe(201);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const idOf = async (anonymousId: string, token = t.ws.apiToken) =>
    (await t.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`, undefined, token)).json<{ id: string }>().id;
  const onPage = async (anonymousId: string, path: string, writeKey = t.ws.writeKey) => {
    const r = await t.track('/v1/page', { anonymousId, properties: { path, title: path }, context: { timezone: 'Europe/Berlin' } }, { writeKey });
    expect(r.statusCode, r.body).toBe(200);
    return idOf(anonymousId);
  };
  const invite = (customerId: string, message = 'Can I help you choose?', token?: string) =>
    t.api('POST', `/api/v1/visitors/${customerId}/invite`, { message }, token);
  const decisions = async (customerId: string) =>
    (await t.api('GET', `/api/v1/customers/${customerId}/decisions`)).json<{ items: { playbook: { key: string }; outcome: string; reason: string | null; explanation: { summary: string } }[] }>().items;
  const touches = async (customerId: string) =>
    (await t.api('GET', `/api/v1/customers/${customerId}/touches`)).json<{ items: { kind: string; playbookKey: string; content: unknown }[] }>().items;

  it('sends an invite touch to the visitor\'s socket like a playbook\'s, and records a decision', async () => {
    const url = await listen(t);
    const s = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'shopper' });
    sockets.push(s);
    const id = await onPage('shopper', '/products/tea');
    const r = await invite(id);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{ outcome: string; decisionId: string; touch: { id: string; kind: string; content: unknown }; deliveredTo: number }>();
    expect(body).toMatchObject({ outcome: 'sent', playbookKey: 'manual', touch: { kind: 'invite', content: { message: 'Can I help you choose?' } }, deliveredTo: 1 });
    const frame = await s.next((f) => f.type === 'invitation');
    expect(frame).toMatchObject({ touchId: body.touch.id, kind: 'invite', playbook: 'manual', content: { message: 'Can I help you choose?' } });
    expect((await decisions(id))[0]).toMatchObject({ playbook: { key: 'manual' }, outcome: 'fired', reason: null });
    expect((await touches(id))[0]).toMatchObject({ kind: 'invite', playbookKey: 'manual' });
  });

  it('holds back after the visitor said "no thanks", and says why; nothing is pushed', async () => {
    const url = await listen(t);
    const s = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'declines' });
    sockets.push(s);
    const id = await onPage('declines', '/');
    const first = (await invite(id)).json<{ touch: { id: string } }>();
    await s.next((f) => f.type === 'invitation');
    s.send({ type: 'invitation.response', touchId: first.touch.id, response: 'dismissed' });
    await until(async () => (await t.api('GET', `/api/v1/customers/${id}/timeline`)).json<{ items: { name?: string }[] }>().items.some((i) => i.name === 'Omotenashi Touch Dismissed'));

    t.clock.advance(2 * HOUR);
    const again = await invite(id, 'Really?');
    expect(again.statusCode, again.body).toBe(200);
    const held = again.json<{ outcome: string; reason: string; detail: string }>();
    expect(held.outcome).toBe('held_back');
    expect(held.reason).toBe('declined');
    expect(held.detail).toMatch(/declined this playbook 2 h(ours)? ago/);
    // A ping answered on the same socket: an invitation pushed before it would be in front of the pong.
    s.send({ type: 'ping', id: 'after-hold' });
    await s.next((f) => f.type === 'pong' && f['id'] === 'after-hold');
    expect(s.of('invitation')).toHaveLength(1);
    expect(await touches(id)).toHaveLength(1);
    expect((await decisions(id))[0]).toMatchObject({ playbook: { key: 'manual' }, outcome: 'held_back', reason: 'declined' });
  });

  it('counts towards the daily cap, and respects paying and an open conversation', async () => {
    // Cap: two customer-facing service touches a day by default (the cooldown is tested by the second invite itself).
    await t.api('PUT', '/api/v1/etiquette', { playbookCooldownMs: 60_000 });
    const capped = await onPage('capped', '/');
    expect((await invite(capped)).json().outcome).toBe('sent');
    t.clock.advance(2 * MINUTE);
    expect((await invite(capped)).json().outcome).toBe('sent');
    t.clock.advance(2 * MINUTE);
    expect((await invite(capped)).json()).toMatchObject({ outcome: 'held_back', reason: 'daily_cap' });
    const cooled = await onPage('cooled', '/');
    expect((await invite(cooled)).json().outcome).toBe('sent');
    expect((await invite(cooled)).json()).toMatchObject({ outcome: 'held_back', reason: 'cooldown' });

    const paying = await onPage('paying', '/checkout/payment');
    expect((await invite(paying)).json()).toMatchObject({ outcome: 'held_back', reason: 'paying' });

    const url = await listen(t);
    const s = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'talking' });
    sockets.push(s);
    s.send({ type: 'message', clientMessageId: 'm-1', text: 'hi' });
    await s.next((f) => f.type === 'ack');
    const talking = await idOf('talking');
    // The chat message reaches the care loop as an event; wait for it (reading), then invite once.
    await until(async () => (await t.api('GET', `/api/v1/customers/${talking}/timeline`)).json<{ items: { name?: string }[] }>().items.some((i) => i.name === 'Omotenashi Conversation Message'), 5_000, 'the chat message recorded');
    expect((await invite(talking)).json()).toMatchObject({ outcome: 'held_back', reason: 'in_conversation' });
    expect(await touches(talking)).toEqual([]);
  });

  it('respects a consent refusal where the workspace ties service touches to a category', async () => {
    // By default service touches need no consent category: a refusal of marketing does not stop them.
    const before = await t.track('/v1/page', { anonymousId: 'private', properties: { path: '/' }, context: { consent: { categoryPreferences: { functional: false, advertising: false } } } });
    expect(before.statusCode).toBe(200);
    expect((await invite(await idOf('private'))).json()).toMatchObject({ outcome: 'sent' });
    const etiquette = (await t.api('GET', '/api/v1/etiquette')).json<{ consent: Record<string, string[]> }>();
    const put = await t.api('PUT', '/api/v1/etiquette', { ...etiquette, consent: { ...etiquette.consent, service: ['functional'] } });
    expect(put.statusCode, put.body).toBe(200);
    const r = await t.track('/v1/page', { anonymousId: 'private2', properties: { path: '/' }, context: { consent: { categoryPreferences: { functional: false } } } });
    expect(r.statusCode).toBe(200);
    const held = (await invite(await idOf('private2'))).json<{ outcome: string; reason: string; detail: string }>();
    expect(held).toMatchObject({ outcome: 'held_back', reason: 'no_consent' });
    expect(held.detail).toContain('functional');
  });

  it('refuses a bad message with the field named, and stores nothing', async () => {
    const id = await onPage('someone', '/');
    for (const body of [{}, { message: '' }, { message: '   ' }, { message: 'x'.repeat(2001) }, { message: 'hi', extra: 1 }]) {
      const r = await t.api('POST', `/api/v1/visitors/${id}/invite`, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
    }
    expect((await invite(id, 'x'.repeat(2000))).json().outcome).toBe('sent');
    expect(await touches(id)).toHaveLength(1);
    expect(await decisions(id)).toHaveLength(1);
    expect((await invite('cus_nobody')).statusCode).toBe(404);
  });

  it('cannot invite another workspace\'s visitor', async () => {
    const b = await t.services.tenancy.createWorkspace('Shop B');
    const r = await t.track('/v1/page', { anonymousId: 'b-visitor', properties: { path: '/' } }, { writeKey: b.writeKey });
    expect(r.statusCode).toBe(200);
    const bId = await idOf('b-visitor', b.apiToken);
    const res = await invite(bId);
    expect(res.statusCode).toBe(404);
    const bTouches = await t.api('GET', `/api/v1/customers/${bId}/touches`, undefined, b.apiToken);
    expect(bTouches.json().items).toEqual([]);
  });
});
