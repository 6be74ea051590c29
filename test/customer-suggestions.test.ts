import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
interface Suggestion { kind: string; text: string; priority: number; action: { type: string } | null; ref: Record<string, unknown> }

describe.each(await storeFactories())('customer suggestions on $name', (factory) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(factory);
  });
  afterEach(async () => t?.close());

  const ok = async <R extends { statusCode: number; body: string }>(p: Promise<R>, status = 200): Promise<R> => {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return r;
  };
  const suggestions = async (id: string, token?: string) => {
    const r = await t.api('GET', `/api/v1/customers/${id}/suggestions`, undefined, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ customerId: string; suggestions: Suggestion[] }>();
  };

  it('reads the profile, conversations and queue into what else could be done', async () => {
    // 2026-11-22: Ana's birthday is in 5 days; she ordered with a promised date now past; she left a cart.
    await ok(t.track('/v1/identify', { userId: 'ana', traits: { first_name: 'Ana', birthday: '1990-11-27' } }));
    const order = { order_id: 'A-1001', total: 40, currency: 'EUR', promised_delivery_date: '2026-11-20', products: [{ product_id: 'p1', price: 40, quantity: 1 }] };
    await ok(t.track('/v1/track', { userId: 'ana', event: 'Order Completed', timestamp: new Date(t.clock.now() - 5 * DAY).toISOString(), properties: order }));
    await ok(t.track('/v1/track', { userId: 'ana', event: 'Product Added', properties: { product_id: 'p2', name: 'Tea', price: 12.5, quantity: 2, currency: 'EUR' } }));
    const id = (await t.api('GET', '/api/v1/customers/lookup?userId=ana')).json<{ id: string }>().id;
    t.clock.advance(2 * HOUR);

    let r = await suggestions(id);
    expect(r.customerId).toBe(id);
    expect(r.suggestions.map((s) => s.kind).sort()).toEqual(['late_order', 'moment', 'open_cart']);
    expect(r.suggestions.find((s) => s.kind === 'moment')!.text).toBe("Ana's birthday is in 5 days (2026-11-27), and nothing has been sent yet.");
    expect(r.suggestions.find((s) => s.kind === 'late_order')).toMatchObject({ priority: 1, action: { type: 'snippet' }, ref: { orderId: 'A-1001' } });
    expect(r.suggestions.find((s) => s.kind === 'open_cart')!.text).toContain('25.00 EUR');

    // She writes; the conversation is resolved and rated 1: the cart is now being talked about,
    // and the low score asks for a follow-up until its queue item is resolved.
    const c = (await ok(t.api('POST', '/api/v1/conversations', { customer: { userId: 'ana' }, text: 'Where is my parcel?' }), 201)).json<{ conversation: { id: string } }>().conversation;
    await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Checking now' }), 201);
    await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'resolved' }));
    await t.services.conversations.rate(t.ws.id, c.id, 1, 'Still nothing');
    r = await suggestions(id);
    const low = r.suggestions.find((s) => s.kind === 'low_csat');
    expect(low).toMatchObject({ priority: 1, action: { type: 'task' }, ref: { conversationId: c.id, score: 1 } });
    expect(r.suggestions[0]!.priority).toBe(1);
    const item = (await t.api('GET', `/api/v1/queue?customerId=${id}`)).json<{ items: { id: string }[] }>().items[0]!;
    await ok(t.api('POST', `/api/v1/queue/${item.id}/resolve`, { resolution: 'called her' }));
    expect((await suggestions(id)).suggestions.map((s) => s.kind)).not.toContain('low_csat');
  });

  it('keeps a customer of workspace A out of workspace B, and says which customer is unknown', async () => {
    await ok(t.track('/v1/identify', { userId: 'ana', traits: { birthday: '1990-11-27' } }));
    const id = (await t.api('GET', '/api/v1/customers/lookup?userId=ana')).json<{ id: string }>().id;
    expect((await suggestions(id)).suggestions).toHaveLength(1);
    const b = await t.services.tenancy.createWorkspace('Shop B');
    const other = await t.api('GET', `/api/v1/customers/${id}/suggestions`, undefined, b.apiToken);
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining(id) } });
    expect((await t.api('GET', `/api/v1/customers/${id}/suggestions`, undefined, 'nope')).statusCode).toBe(401);
  });
});
