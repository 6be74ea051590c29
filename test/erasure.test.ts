import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/**
 * The right to be forgotten, through the API: exporting first gives everything, erasing removes
 * every row about the person (merged profiles included), later events naming them are dropped
 * and counted, lifting a suppression lets them back in, and nobody else is touched.
 */

interface Customer {
  id: string;
  userId: string | null;
  mergedFrom: string[];
  identities: { kind: string; value: string }[];
  profile: { traits: Record<string, unknown>; eventCount: number; recentProducts: unknown[]; orders: { count: number } };
}
interface Export {
  customer: Customer;
  events: { messageId: string; customerId: string }[];
  traitHistory: { trait: string; value: unknown }[];
  merges: { winnerId: string; loserId: string }[];
}
interface Suppression { id: string; kind: string; suppressedEvents: number; lastSuppressedAt: string | null }
interface Answer { success: boolean; accepted: number; duplicates: number; suppressed: number; duplicate?: boolean }

const TABLES = ['events', 'event_dedupe', 'customers', 'identities', 'trait_changes', 'merges', 'suppressions'] as const;

describe.each(await storeFactories())('erasure on $name', (factory) => {
  let t: TestApp;
  let ana: Export;
  let kenBefore: { view: Customer; timeline: unknown; export: Export };

  const get = <T>(url: string) => t.api('GET', url).then((r) => r.json<T>());
  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = await t.count(table);
    return out;
  }
  async function kenNow() {
    const view = await get<Customer>('/api/v1/customers/lookup?userId=u-ken');
    const timeline = await get<unknown>(`/api/v1/customers/${view.id}/timeline?limit=200`);
    const exported: Partial<Export & { exportedAt: string }> = await get<Export & { exportedAt: string }>(`/api/v1/customers/${view.id}/export`);
    delete exported.exportedAt;
    return { view, timeline, export: exported as Export };
  }
  const suppressions = () => get<{ items: Suppression[] }>('/api/v1/suppressions').then((r) => r.items);

  beforeAll(async () => {
    t = await startTestApp(factory);
    // Ana: known customer, then an anonymous visit on her phone that her login merges.
    await t.track('/v1/identify', { userId: 'u-ana', traits: { name: 'Ana Silva', email: 'Ana@Example.com', phone: '+81 90-1234-5678', birthday: '1990-05-14' }, messageId: 'ana-1' });
    await t.track('/v1/batch', { batch: [
      { type: 'page', anonymousId: 'anon-ana', properties: { url: 'https://shop.test/', title: 'Home' }, messageId: 'ana-2' },
      { type: 'track', anonymousId: 'anon-ana', event: 'Product Viewed', properties: { product_id: 'tea', name: 'Sencha', price: 12 }, messageId: 'ana-3' },
      { type: 'track', anonymousId: 'anon-ana', event: 'Product Added', properties: { product_id: 'tea', price: 12, quantity: 1 }, messageId: 'ana-4' },
    ] });
    await t.track('/v1/identify', { userId: 'u-ana', anonymousId: 'anon-ana', traits: { name: 'Ana S.' }, messageId: 'ana-5' });
    await t.track('/v1/track', { userId: 'u-ana', event: 'Order Completed', properties: { order_id: 'o-ana', total: 12 }, messageId: 'ana-6' });
    // Ken: another customer, with his own merge, who must not be touched.
    await t.track('/v1/page', { anonymousId: 'anon-ken', name: 'Home', messageId: 'ken-1' });
    await t.track('/v1/identify', { userId: 'u-ken', traits: { name: 'Ken', email: 'ken@example.com' }, messageId: 'ken-2' });
    await t.track('/v1/identify', { userId: 'u-ken', anonymousId: 'anon-ken', messageId: 'ken-3' });
    await t.track('/v1/track', { userId: 'u-ken', event: 'Product Viewed', properties: { product_id: 'tea' }, messageId: 'ken-4' });
  });
  afterAll(async () => t.close());

  it('the export before erasure contains all of the person: events of both merged profiles, trait history, merges', async () => {
    const view = await get<Customer>('/api/v1/customers/lookup?email=ana@example.com');
    const res = await t.api('GET', `/api/v1/customers/${view.id}/export`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${view.id}.json"`);
    ana = res.json<Export>();
    expect(ana.customer.id).toBe(view.id);
    expect(ana.customer.mergedFrom).toHaveLength(1);
    expect(ana.events.map((e) => e.messageId).sort()).toEqual(['ana-1', 'ana-2', 'ana-3', 'ana-4', 'ana-5', 'ana-6']);
    expect(new Set(ana.events.map((e) => e.customerId))).toEqual(new Set([view.id, ...view.mergedFrom]));
    expect(ana.customer.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(['anon:anon-ana', 'email:ana@example.com', 'phone:+819012345678', 'user:u-ana']);
    expect(ana.traitHistory.map((h) => h.trait)).toEqual(expect.arrayContaining(['name', 'email', 'phone', 'birthday']));
    expect(ana.traitHistory.filter((h) => h.trait === 'name').map((h) => h.value)).toEqual(expect.arrayContaining(['Ana Silva', 'Ana S.']));
    expect(ana.merges).toEqual([expect.objectContaining({ winnerId: view.id, loserId: view.mergedFrom[0] })]);
    kenBefore = await kenNow();
  });

  it('erasing removes every row about the person and nothing else', async () => {
    const before = await counts();
    const erasuresBefore = await t.count('erasures');
    const id = ana.customer.id;
    const loserId = ana.customer.mergedFrom[0]!;

    const res = await t.api('DELETE', `/api/v1/customers/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ customerId: string; deleted: Record<string, number>; suppressedIdentifiers: number }>();
    expect(body).toEqual({
      customerId: id,
      deleted: {
        events: ana.events.length,
        event_dedupe: ana.events.length,
        identities: ana.customer.identities.length,
        // No playbooks in this workspace: nothing was decided or caused for her.
        decisions: 0, timers: 0, care_items: 0, tasks: 0, onsite_messages: 0, webhook_outbox: 0,
        conversations: 0, messages: 0, attachments: 0,
        trait_changes: ana.traitHistory.length,
        merges: ana.merges.length,
        customers: 2,
      },
      suppressedIdentifiers: ana.customer.identities.length,
    });

    expect(await counts()).toEqual({
      ...before,
      events: before['events']! - ana.events.length,
      // Her messageIds leave the de-duplication window with her (a lifted suppression must not
      // turn her re-sent events into "duplicates").
      event_dedupe: before['event_dedupe']! - ana.events.length,
      customers: before['customers']! - 2,
      identities: before['identities']! - ana.customer.identities.length,
      trait_changes: before['trait_changes']! - ana.traitHistory.length,
      merges: before['merges']! - ana.merges.length,
      suppressions: before['suppressions']! + ana.customer.identities.length,
    });
    expect(await t.count('erasures')).toBe(erasuresBefore + 1);

    // Gone from every read path, by any id or identifier.
    for (const url of [
      `/api/v1/customers/${id}`, `/api/v1/customers/${loserId}`, `/api/v1/customers/${id}/timeline`, `/api/v1/customers/${id}/export`,
      `/api/v1/customers/${id}/merges`, '/api/v1/customers/lookup?userId=u-ana', '/api/v1/customers/lookup?anonymousId=anon-ana',
      '/api/v1/customers/lookup?email=ana@example.com', '/api/v1/customers/lookup?phone=%2B81%2090-1234-5678',
    ]) {
      const r = await t.api('GET', url);
      expect(r.statusCode, url).toBe(404);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('not_found');
    }
    // Erasing again finds nothing.
    expect((await t.api('DELETE', `/api/v1/customers/${id}`)).statusCode).toBe(404);
    expect((await t.api('DELETE', `/api/v1/customers/${loserId}`)).statusCode).toBe(404);

    // The suppression list and the erasure log hold no personal data, only hashes and counts.
    const db = (t.store as unknown as { connection: { db: Kysely<unknown> } }).connection.db;
    for (const table of ['suppressions', 'erasures']) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
      const text = JSON.stringify(rows.rows).toLowerCase();
      for (const pii of ['u-ana', 'anon-ana', 'ana@example.com', '9012345678', 'silva']) expect(text, `${table} mentions ${pii}`).not.toContain(pii);
    }

    // Ken is exactly as he was.
    expect(await kenNow()).toEqual(kenBefore);
  });

  it('later events naming the person by userId, anonymousId, email or phone are dropped and counted', async () => {
    const before = await counts();
    const sends: [path: string, body: unknown][] = [
      ['/v1/track', { userId: 'u-ana', event: 'Product Viewed', properties: { product_id: 'tea' }, messageId: 'late-1' }],
      ['/v1/page', { anonymousId: 'anon-ana', name: 'Home', messageId: 'late-2' }],
      ['/v1/identify', { userId: 'u-ana-new-account', traits: { email: ' ANA@example.COM ' }, messageId: 'late-3' }],
      ['/v1/track', { anonymousId: 'fresh-device', event: 'Signed Up', context: { traits: { email: 'ana@example.com' } }, messageId: 'late-4' }],
      ['/v1/identify', { anonymousId: 'other-device', traits: { phone: '+81 (90) 1234 5678' }, messageId: 'late-5' }],
      ['/v1/alias', { userId: 'u-ana-2', previousId: 'u-ana', messageId: 'late-6' }],
      ['/v1/track', { userId: 'u-ana', event: 'Order Completed', properties: { order_id: 'o-2', total: 5 } }],
    ];
    for (const [path, body] of sends) {
      const r = await t.track(path, body);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json<Answer>(), `${path} ${JSON.stringify(body)}`).toEqual({ success: true, accepted: 0, duplicates: 0, suppressed: 1, duplicate: false });
    }
    // In a batch, only the erased person's events are dropped.
    const mixed = await t.track('/v1/batch', { batch: [
      { type: 'track', userId: 'u-ana', event: 'Product Viewed', messageId: 'late-7' },
      { type: 'track', userId: 'u-ken', event: 'Product Viewed', properties: { product_id: 'cup' }, messageId: 'ken-5' },
      { type: 'page', anonymousId: 'anon-ana', messageId: 'late-8' },
    ] });
    expect(mixed.json<Answer>()).toEqual({ success: true, accepted: 1, duplicates: 0, suppressed: 2 });

    const after = await counts();
    expect(after['events']).toBe(before['events']! + 1); // Ken's
    expect(after['customers']).toBe(before['customers']);
    expect(after['identities']).toBe(before['identities']);
    expect(after['trait_changes']).toBe(before['trait_changes']);
    expect(after['merges']).toBe(before['merges']);
    for (const q of ['userId=u-ana', 'anonymousId=anon-ana', 'email=ana@example.com', 'userId=u-ana-new-account', 'anonymousId=fresh-device', 'anonymousId=other-device', 'userId=u-ana-2']) {
      expect((await t.api('GET', `/api/v1/customers/lookup?${q}`)).statusCode, q).toBe(404);
    }

    // Counted per identifier: the first identifier of the event that is suppressed takes the count.
    const items = await suppressions();
    expect(items.map((s) => s.kind).sort()).toEqual(['anonymousId', 'email', 'phone', 'userId']);
    const byKind = Object.fromEntries(items.map((s) => [s.kind, s.suppressedEvents]));
    expect(byKind).toEqual({ userId: 4, anonymousId: 2, email: 2, phone: 1 });
    for (const s of items) expect(s.lastSuppressedAt).not.toBeNull();
    expect(items.reduce((n, s) => n + s.suppressedEvents, 0)).toBe(sends.length + 2);
  });

  it('lifting a suppression lets new events in, for that identifier only', async () => {
    const r = await t.api('POST', '/api/v1/suppressions/lift', { kind: 'userId', value: 'u-ana' });
    expect(r.statusCode, r.body).toBe(204);
    expect((await suppressions()).map((s) => s.kind).sort()).toEqual(['anonymousId', 'email', 'phone']);

    const events = await t.count('events');
    const back = await t.track('/v1/track', { userId: 'u-ana', event: 'Product Viewed', properties: { product_id: 'matcha' }, messageId: 'back-1' });
    expect(back.json<Answer>()).toMatchObject({ accepted: 1, suppressed: 0 });
    expect(await t.count('events')).toBe(events + 1);
    // A fresh start: none of the erased history comes back.
    const fresh = await get<Customer>('/api/v1/customers/lookup?userId=u-ana');
    expect(fresh.id).not.toBe(ana.customer.id);
    expect(fresh.mergedFrom).toEqual([]);
    expect(fresh.profile.eventCount).toBe(1);
    expect(fresh.profile.traits).toEqual({});
    expect(fresh.profile.orders.count).toBe(0);
    expect(fresh.identities.map((i) => `${i.kind}:${i.value}`)).toEqual(['user:u-ana']);

    // Her email and anonymous id are still suppressed.
    expect((await t.track('/v1/identify', { userId: 'u-ana', traits: { email: 'ana@example.com' }, messageId: 'back-2' })).json<Answer>()).toMatchObject({ accepted: 0, suppressed: 1 });
    expect((await t.track('/v1/page', { userId: 'u-ana', anonymousId: 'anon-ana', messageId: 'back-3' })).json<Answer>()).toMatchObject({ accepted: 0, suppressed: 1 });

    // Lifting by naming the email again (any case), and by the suppression's id.
    expect((await t.api('POST', '/api/v1/suppressions/lift', { kind: 'email', value: 'ANA@EXAMPLE.COM' })).statusCode).toBe(204);
    const anon = (await suppressions()).find((s) => s.kind === 'anonymousId')!;
    expect((await t.api('DELETE', `/api/v1/suppressions/${anon.id}`)).statusCode).toBe(204);
    expect((await suppressions()).map((s) => s.kind)).toEqual(['phone']);
    expect((await t.track('/v1/identify', { userId: 'u-ana', anonymousId: 'anon-ana', traits: { email: 'ana@example.com' }, messageId: 'back-4' })).json<Answer>()).toMatchObject({ accepted: 1, suppressed: 0 });
    const again = await get<Customer>('/api/v1/customers/lookup?email=ana@example.com');
    expect(again.id).toBe(fresh.id);

    // Lifting what is not suppressed is a 404; a bad kind is a 400.
    const missing = await t.api('POST', '/api/v1/suppressions/lift', { kind: 'userId', value: 'u-ana' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('not_found');
    const badKind = await t.api('POST', '/api/v1/suppressions/lift', { kind: 'name', value: 'Ana' });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    expect((await t.api('DELETE', `/api/v1/suppressions/${anon.id}`)).statusCode).toBe(404);
  });

  it('a suppressed event leaves no trace: once the suppression is lifted, the same message is stored', async () => {
    // Mia is erased; while suppressed, her client sends an event (and retries it).
    await t.track('/v1/identify', { userId: 'u-mia', traits: { name: 'Mia' }, messageId: 'mia-1' });
    const mia = await get<Customer>('/api/v1/customers/lookup?userId=u-mia');
    expect((await t.api('DELETE', `/api/v1/customers/${mia.id}`)).statusCode).toBe(200);
    const dedupe = await t.count('event_dedupe');
    const event = { userId: 'u-mia', event: 'Product Viewed', properties: { product_id: 'tea' }, messageId: 'mia-while-suppressed' };
    expect((await t.track('/v1/track', event)).json<Answer>()).toMatchObject({ accepted: 0, duplicates: 0, suppressed: 1 });
    // Nothing was stored for it, not even its messageId…
    expect(await t.count('event_dedupe')).toBe(dedupe);
    // …so a retry is suppressed again (and counted), not called a duplicate of a stored event.
    expect((await t.track('/v1/track', event)).json<Answer>()).toMatchObject({ accepted: 0, duplicates: 0, suppressed: 1, duplicate: false });
    expect((await suppressions()).find((s) => s.kind === 'userId')?.suppressedEvents).toBe(2);
    // Once lifted, the event the server never stored is accepted.
    expect((await t.api('POST', '/api/v1/suppressions/lift', { kind: 'userId', value: 'u-mia' })).statusCode).toBe(204);
    expect((await t.track('/v1/track', event)).json<Answer>()).toMatchObject({ accepted: 1, duplicates: 0, suppressed: 0 });
  });

  it('erasing by the id of a merged-away profile erases the whole person', async () => {
    await t.track('/v1/page', { anonymousId: 'anon-leo', name: 'Home', messageId: 'leo-1' });
    await t.track('/v1/identify', { userId: 'u-leo', traits: { name: 'Leo' }, messageId: 'leo-2' });
    await t.track('/v1/identify', { userId: 'u-leo', anonymousId: 'anon-leo', messageId: 'leo-3' });
    const leo = await get<Customer>('/api/v1/customers/lookup?userId=u-leo');
    expect(leo.mergedFrom).toHaveLength(1);
    const before = await counts();
    const kenSnapshot = await kenNow();
    const res = await t.api('DELETE', `/api/v1/customers/${leo.mergedFrom[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ customerId: string; deleted: Record<string, number> }>()).toMatchObject({ customerId: leo.id, deleted: { events: 3, customers: 2, merges: 1, identities: 2 } });
    expect(await t.count('events')).toBe(before['events']! - 3);
    for (const q of ['userId=u-leo', 'anonymousId=anon-leo']) expect((await t.api('GET', `/api/v1/customers/lookup?${q}`)).statusCode).toBe(404);
    expect(await kenNow()).toEqual(kenSnapshot);
  });
});
