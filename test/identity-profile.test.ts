import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

describe.each(await storeFactories())('identity and the living profile on $name', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t.close());

  it('joins an anonymous visit to the known customer on login and merges their profiles', async () => {
    // Known customer u-42 from an earlier visit on another device.
    await t.track('/v1/identify', { userId: 'u-42', traits: { name: 'Ana', email: 'ana@example.com' }, messageId: 'k1' });
    // Anonymous browsing on a new device.
    await t.track('/v1/batch', {
      batch: [
        { type: 'page', anonymousId: 'anon-9', properties: { url: 'https://shop.test/p/tea', title: 'Tea' }, messageId: 'k2' },
        { type: 'track', anonymousId: 'anon-9', event: 'Product Viewed', properties: { product_id: 'tea', name: 'Sencha', price: 12 }, messageId: 'k3' },
      ],
    });
    const anon = await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-9');
    expect(anon.statusCode).toBe(200);
    const anonId = anon.json<{ id: string }>().id;

    // Login: identify ties anon-9 to u-42.
    const r = await t.track('/v1/identify', { userId: 'u-42', anonymousId: 'anon-9', messageId: 'k4' });
    expect(r.json()).toMatchObject({ accepted: 1 });

    const known = (await t.api('GET', '/api/v1/customers/lookup?userId=u-42')).json<{ id: string; mergedFrom: string[]; profile: { recentProducts: { productId: string }[] } }>();
    expect(known.mergedFrom).toEqual([anonId]);
    expect(known.profile.recentProducts.map((p) => p.productId)).toEqual(['tea']);
    // The anonymous id now leads to the surviving profile.
    const again = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-9')).json<{ id: string }>();
    expect(again.id).toBe(known.id);
    // The merge is on the timeline, with its reason.
    const tl = (await t.api('GET', `/api/v1/customers/${known.id}/timeline`)).json<{ items: { kind: string; reason?: string }[] }>();
    expect(tl.items.find((i) => i.kind === 'merge')?.reason).toMatch(/identify/);

    // And it can be undone.
    const merges = (await t.api('GET', `/api/v1/customers/${known.id}/merges`)).json<{ items: { id: string }[] }>();
    const undo = await t.api('POST', `/api/v1/merges/${merges.items[0]!.id}/undo`);
    expect(undo.statusCode).toBe(200);
    const split = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-9')).json<{ id: string; profile: { recentProducts: unknown[] } }>();
    expect(split.id).toBe(anonId);
    expect(split.profile.recentProducts).toHaveLength(1);
    const knownAfter = (await t.api('GET', `/api/v1/customers/${known.id}`)).json<{ mergedFrom: string[]; profile: { recentProducts: unknown[] } }>();
    expect(knownAfter.mergedFrom).toEqual([]);
    expect(knownAfter.profile.recentProducts).toHaveLength(0);
  });

  it('never merges on an email typed by an anonymous visitor', async () => {
    await t.track('/v1/identify', { userId: 'u-7', traits: { email: 'kenji@example.com' }, messageId: 'w1' });
    await t.track('/v1/identify', { anonymousId: 'stranger', traits: { email: 'kenji@example.com' }, messageId: 'w2' });
    const owner = (await t.api('GET', '/api/v1/customers/lookup?email=kenji@example.com')).json<{ userId: string; mergedFrom: string[] }>();
    expect(owner.userId).toBe('u-7');
    expect(owner.mergedFrom).toEqual([]);
    const stranger = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=stranger')).json<{ userId: string | null; identities: { kind: string }[]; profile: { traits: Record<string, unknown> } }>();
    expect(stranger.userId).toBeNull();
    expect(stranger.identities.map((i) => i.kind)).toEqual(['anon']);
    expect(stranger.profile.traits['email']).toBe('kenji@example.com');
  });
});
