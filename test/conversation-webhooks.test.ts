import { createHmac } from 'node:crypto';
import { WEBHOOK_EVENTS, type Conversation } from '@omotenashi/protocol';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../packages/server/src/storage/schema.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, until, visitor, type RawSocket } from './helpers/realtime.js';
import { receiver, type Receiver } from './helpers/receiver.js';
import { storeFactories } from './helpers/stores.js';

type Res = { statusCode: number; body: string; json: <T = any>() => T };
interface Event { id: string; type: string; createdAt: string; workspaceId: string; data: Record<string, any> }


/** The receiver's side of the signature: HMAC-SHA256 of "t.body" with the workspace secret. */
function verify(secret: string, header: string | string[] | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  return m !== null && createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') === m[2];
}

const events = (rx: Receiver): Event[] => rx.requests.map((r) => JSON.parse(r.body) as Event);
const types = (rx: Receiver) => events(rx).map((e) => e.type);
const sortedTypes = (rx: Receiver) => types(rx).sort();
/** The one event of `type` the receiver got. */
function one(rx: Receiver, type: string): Event {
  const found = events(rx).filter((e) => e.type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

describe.each(await storeFactories())('conversation webhooks on $name', (factory) => {
  let t: TestApp;
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
    await t?.close();
  });

  const ok = async (p: Promise<Res>, status = 200): Promise<Res> => {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return r;
  };
  const rx = async (path: string) => {
    const r = await receiver({ path });
    cleanup.push(() => r.close());
    return r;
  };
  const subscribe = async (url: string, events: readonly string[], token?: string) =>
    (await ok(t.api('POST', '/api/v1/webhook-subscriptions', { url, events }, token), 201)).json<{ id: string }>();
  const db = () => (t.store as unknown as { connection: { db: Kysely<Database> } }).connection.db;
  /** Every signed delivery verifies with `secret`, carries one delivery id, and is a well-formed event. */
  const checkDeliveries = (r: Receiver, secret: string, workspaceId: string) => {
    for (const d of r.requests) {
      expect(d.headers['content-type']).toBe('application/json');
      expect(verify(secret, d.headers['omotenashi-signature'], d.body), `signature of ${d.body.slice(0, 80)}`).toBe(true);
      expect(verify('whsec_someone-else', d.headers['omotenashi-signature'], d.body)).toBe(false);
      const e = JSON.parse(d.body) as Event;
      expect(Object.keys(e).sort()).toEqual(['createdAt', 'data', 'id', 'type', 'workspaceId']);
      expect(e.workspaceId).toBe(workspaceId);
      expect(e.id).toMatch(/^\w+_[0-9A-Z]{26}$/);
      expect(new Date(e.createdAt).toISOString()).toBe(e.createdAt);
      expect(WEBHOOK_EVENTS).toContain(e.type);
    }
    expect(new Set(r.requests.map((d) => d.headers['omotenashi-delivery'])).size).toBe(r.requests.length);
    expect(new Set(events(r).map((e) => e.id)).size).toBe(r.requests.length);
  };

  it('tells subscribers about a conversation\'s life: created, messages, status, satisfaction; signed, filtered by event, per workspace', async () => {
    t = await startTestApp(factory, { services: { allowPrivateWebhooks: true } });
    const url = await listen(t);
    const all = await rx('/hooks/all');
    const messagesOnly = await rx('/hooks/messages');
    const elsewhere = await rx('/hooks/other-shop');
    await subscribe(all.url, WEBHOOK_EVENTS);
    await subscribe(messagesOnly.url, ['message.created']);
    const other = await t.services.tenancy.createWorkspace('Other shop');
    await subscribe(elsewhere.url, WEBHOOK_EVENTS, other.apiToken);
    const secret = (await ok(t.api('GET', '/api/v1/webhooks/secret'))).json<{ secret: string }>().secret;
    const otherSecret = (await ok(t.api('GET', '/api/v1/webhooks/secret', undefined, other.apiToken))).json<{ secret: string }>().secret;
    expect(otherSecret).not.toBe(secret);

    // A visitor writes: the conversation is created, then its first message.
    const v: RawSocket = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-hooks' });
    cleanup.push(() => v.close());
    v.send({ type: 'message', clientMessageId: 'h-1', text: 'Do you gift-wrap?' });
    const ack = await v.next((f) => f.type === 'ack');
    const conversationId = ack['message'].conversationId as string;
    const at1 = t.clock.now();
    expect(all.requests).toHaveLength(0); // nothing is sent inside the transaction
    expect(await t.services.webhooks.deliverDue()).toBe(3);
    // (The order of events written together is checked on its own below.)
    expect(sortedTypes(all)).toEqual(['conversation.created', 'message.created']);
    const created = one(all, 'conversation.created');
    const firstMessage = one(all, 'message.created');
    expect(created).toMatchObject({ workspaceId: t.ws.id, createdAt: new Date(at1).toISOString(), data: { conversation: { id: conversationId, status: 'open', channel: 'webchat', lastSeq: 1 } } });
    expect(Object.keys(created.data)).toEqual(['conversation']);
    expect(firstMessage.data).toMatchObject({
      conversation: { id: conversationId },
      message: { id: ack['message'].id, conversationId, seq: 1, kind: 'text', text: 'Do you gift-wrap?', author: { type: 'customer' }, clientMessageId: 'h-1' },
    });
    // The same event reaches each subscriber with the same body (receivers de-duplicate on its id).
    expect(messagesOnly.requests.map((r) => JSON.parse(r.body) as Event)).toEqual([firstMessage]);

    // An operator answers, then resolves.
    t.clock.advance(60_000);
    const reply = (await ok(t.api('POST', `/api/v1/conversations/${conversationId}/messages`, { text: 'We do, for free.' }), 201)).json<{ message: { id: string } }>();
    expect(await t.services.webhooks.deliverDue()).toBe(2);
    expect(types(all).slice(2)).toEqual(['message.created']);
    expect(events(all)[2]!.data).toMatchObject({ message: { id: reply.message.id, seq: 2, author: { type: 'operator' }, text: 'We do, for free.' } });
    t.clock.advance(60_000);
    await ok(t.api('POST', `/api/v1/conversations/${conversationId}/status`, { status: 'resolved' }));
    expect(await t.services.webhooks.deliverDue()).toBe(1);
    expect(types(all).slice(3)).toEqual(['conversation.updated']);
    expect(events(all)[3]).toMatchObject({ createdAt: new Date(t.clock.now()).toISOString(), data: { changes: ['status'], conversation: { id: conversationId, status: 'resolved', resolvedAt: t.clock.now() } } });

    // The customer rates the conversation.
    const before = await t.count('webhook_outbox');
    v.send({ type: 'csat', conversationId, score: 4, comment: 'Quick and kind' });
    await until(async () => (await t.count('webhook_outbox')) > before, 5_000, 'the rating to be stored');
    expect(await t.services.webhooks.deliverDue()).toBe(2);
    const rated = { requests: all.requests.slice(4) } as Receiver;
    expect(sortedTypes(rated)).toEqual(['conversation.updated', 'csat.received']);
    expect(one(rated, 'conversation.updated').data).toMatchObject({ changes: ['csat'], conversation: { id: conversationId, csat: { score: 4, comment: 'Quick and kind' } } });
    expect(one(rated, 'csat.received').data).toMatchObject({ score: 4, comment: 'Quick and kind', conversation: { id: conversationId, status: 'resolved', csat: { score: 4 } } });

    expect(types(messagesOnly)).toEqual(['message.created', 'message.created']);
    checkDeliveries(all, secret, t.ws.id);
    checkDeliveries(messagesOnly, secret, t.ws.id);
    expect(elsewhere.requests).toHaveLength(0);

    // The other shop's subscription hears its own conversations only.
    expect((await t.track('/v1/identify', { userId: 'other-customer' }, { writeKey: other.writeKey })).statusCode).toBe(200);
    const theirs = (await ok(t.api('POST', '/api/v1/conversations', { customer: { userId: 'other-customer' }, text: 'Hello other shop' }, other.apiToken), 201)).json<{ conversation: Conversation }>().conversation;
    expect(await t.services.webhooks.deliverDue()).toBe(2);
    expect(sortedTypes(elsewhere)).toEqual(['conversation.created', 'message.created']);
    expect(one(elsewhere, 'conversation.created').data['conversation'].id).toBe(theirs.id);
    checkDeliveries(elsewhere, otherSecret, other.workspace.id);
    expect(elsewhere.requests.every((r) => !verify(secret, r.headers['omotenashi-signature'], r.body))).toBe(true);
    expect(all.requests).toHaveLength(6);
    expect(messagesOnly.requests).toHaveLength(2);
    expect(JSON.stringify(elsewhere.requests)).not.toContain(conversationId);

    // Delivered is done: nothing more goes out later.
    t.clock.advance(86_400_000);
    expect(await t.services.webhooks.deliverDue()).toBe(0);
    expect(all.requests.length + messagesOnly.requests.length + elsewhere.requests.length).toBe(10);
  });

  it('delivers events in the order they happened (created before its first message)', async () => {
    t = await startTestApp(factory, { services: { allowPrivateWebhooks: true } });
    const all = await rx('/hooks/all');
    await subscribe(all.url, WEBHOOK_EVENTS);
    const batch = async () => {
      const from = all.requests.length;
      await t.services.webhooks.deliverDue();
      return events({ requests: all.requests.slice(from) } as Receiver).map((e) => `${e.type}${e.data['changes'] ? `:${(e.data['changes'] as string[]).join()}` : ''}`);
    };
    for (let i = 0; i < 25; i++) {
      const userId = `order-${i}`;
      expect((await t.track('/v1/identify', { userId })).statusCode).toBe(200);
      const c = (await ok(t.api('POST', '/api/v1/conversations', { customer: { userId }, text: `hello ${i}` }), 201)).json<{ conversation: Conversation }>().conversation;
      expect(await batch(), `conversation ${i} started`).toEqual(['conversation.created', 'message.created']);
      t.clock.advance(60_000);
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Hello!' }), 201);
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'resolved' }));
      expect(await batch(), `conversation ${i} answered and resolved`).toEqual(['message.created', 'conversation.updated:status']);
      t.clock.advance(60_000);
      await t.services.conversations.rate(t.ws.id, c.id, 5, null);
      expect(await batch(), `conversation ${i} rated`).toEqual(['conversation.updated:csat', 'csat.received']);
      t.clock.advance(60_000);
      // The customer writes again into the resolved conversation: reopened, then the message.
      await t.services.conversations.send({
        workspaceId: t.ws.id, sender: { type: 'customer', customerId: c.customerId, name: null }, conversationId: c.id, channel: 'api', kind: 'text',
        text: 'One more question', attachmentIds: [], clientMessageId: null, customerScope: [c.customerId],
      });
      expect(await batch(), `conversation ${i} reopened`).toEqual(['conversation.updated:status', 'message.created']);
    }
  });

  it('refuses a receiver on a private address when private webhooks are not allowed: the delivery fails, naming why', async () => {
    t = await startTestApp(factory);
    const local = await rx('/hooks/local');
    await subscribe(local.url, ['conversation.created', 'message.created']);
    expect((await t.track('/v1/identify', { userId: 'private-1' })).statusCode).toBe(200);
    await ok(t.api('POST', '/api/v1/conversations', { customer: { userId: 'private-1' }, text: 'hello' }), 201);
    expect(await t.services.webhooks.deliverDue()).toBe(2);
    const rows = await db().selectFrom('webhook_outbox').selectAll().where('workspace_id', '=', t.ws.id).execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'failed', attempts: 1, url: local.url });
      expect(row.last_error).toMatch(/^refused: 127\.0\.0\.1 resolves to the private or loopback address 127\.0\.0\.1$/);
    }
    // Permanently: no retry, however long we wait.
    t.clock.advance(7 * 86_400_000);
    expect(await t.services.webhooks.deliverDue()).toBe(0);
    expect(local.requests).toHaveLength(0);
  });
});
