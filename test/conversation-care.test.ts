import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, until, visitor } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

/** Conversations and the care loop: each tells the other what it needs to know. */
describe.each(await storeFactories())('Conversations and the care loop on $name', (factory) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('marks a chatting customer as in a conversation, so other touches wait', async () => {
    t = await startTestApp(factory);
    // The care loop runs only where playbooks are enabled.
    const def = parse(readFileSync(new URL('../packages/server/starter-playbooks/stuck-at-payment.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect((await t.api('POST', '/api/v1/playbooks', def)).statusCode).toBe(201);
    const url = await listen(t);
    const v = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-chat' });
    try {
      v.send({ type: 'message', clientMessageId: 'm1', text: 'Where is my parcel?' });
      await v.next((f) => f.type === 'ack');
      const id = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-chat')).json().id as string;
      const until30 = await until(async () => (await t.store.getCustomer(t.ws.id, id))?.care.inConversationUntil);
      expect(until30).toBe(t.clock.now() + 30 * 60_000);
      // The chat shows on the customer's timeline as an event the playbooks can see.
      const items = (await t.api('GET', `/api/v1/customers/${id}/timeline`)).json().items as { name?: string }[];
      expect(items.some((i) => i.name === 'Omotenashi Conversation Message')).toBe(true);
    } finally {
      v.close();
    }
  });

  it('reports a customer left waiting past the reply target as "Chat Wait Exceeded"', async () => {
    t = await startTestApp(factory);
    expect((await t.track('/v1/identify', { userId: 'u-wait', traits: { firstName: 'Mei' } })).statusCode).toBe(200);
    const start = await t.api('POST', '/api/v1/conversations', { customer: { userId: 'u-wait' }, text: 'Hello? Anyone?' });
    expect(start.statusCode).toBe(201);
    const customerId = start.json().conversation.customerId as string;
    t.clock.advance(24 * 3_600_000 + 1_000);
    expect(await t.services.slaMonitor.tick()).toBe(1);
    const seen = await until(async () => {
      const items = (await t.api('GET', `/api/v1/customers/${customerId}/timeline`)).json().items as { name?: string; payload?: { properties?: Record<string, unknown> } }[];
      return items.find((i) => i.name === 'Chat Wait Exceeded');
    });
    expect(seen.payload?.properties).toMatchObject({ conversationId: start.json().conversation.id, target: 'first_response' });
    // Once: the monitor ticking again reports nothing new.
    expect(await t.services.slaMonitor.tick()).toBe(0);
  });

  it('erases a customer\'s conversations, messages, uploads and webhook deliveries, and fixes the counts', async () => {
    t = await startTestApp(factory);
    expect((await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://hooks.example.com/omotenashi', events: ['message.created', 'conversation.created'] })).statusCode).toBe(201);
    await t.track('/v1/identify', { userId: 'u-erase', traits: { email: 'erase@example.com' } });
    const started = await t.api('POST', '/api/v1/conversations', { customer: { userId: 'u-erase' }, text: 'my address is 1-2-3 Ginza' });
    const { conversation } = started.json<{ conversation: { id: string; customerId: string } }>();
    await t.api('POST', `/api/v1/conversations/${conversation.id}/messages`, { text: 'Thank you, noted.' });
    const other = await t.api('POST', '/api/v1/conversations', { customer: { customerId: (await t.track('/v1/identify', { userId: 'u-stays' }), (await t.api('GET', '/api/v1/customers/lookup?userId=u-stays')).json().id) }, text: 'I stay' });
    expect(other.statusCode).toBe(201);
    expect(await t.count('webhook_outbox')).toBe(5);
    expect((await t.api('GET', '/api/v1/conversations/counts')).json().byStatus.open).toBe(2);

    const erased = await t.api('DELETE', `/api/v1/customers/${conversation.customerId}`);
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json().deleted).toMatchObject({ conversations: 1, messages: 2, webhook_outbox: 3 });
    expect(await t.count('webhook_outbox')).toBe(2);
    expect((await t.api('GET', `/api/v1/conversations/${conversation.id}`)).statusCode).toBe(404);
    expect((await t.api('GET', '/api/v1/conversations/counts')).json().byStatus.open).toBe(1);
    const outbox = await t.store.dueOutbox(t.clock.now() + 1, 100);
    expect(outbox.map((o) => o.body).join('\n')).not.toContain('Ginza');
  });
});
