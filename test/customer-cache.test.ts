import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../packages/server/src/services.js';
import { buildApp } from '../packages/server/src/transport/http/build-app.js';
import type { Store } from '../packages/server/src/ports/store.js';
import { storeFactories } from './helpers/stores.js';
import type { FastifyInstance } from 'fastify';

/** Two server processes over one database, each with its own profile cache. */
describe.each(await storeFactories())('profile cache with two writers on $name', (factory) => {
  let store: Store;
  let a: { s: Services; app: FastifyInstance };
  let b: { s: Services; app: FastifyInstance };
  let writeKey: string;
  let token: string;

  beforeAll(async () => {
    store = await factory.create();
    const sa = createServices(store, { geo: false });
    const sb = createServices(store, { geo: false });
    a = { s: sa, app: await buildApp(sa) };
    b = { s: sb, app: await buildApp(sb) };
    const ws = await sa.tenancy.createWorkspace('Shared');
    writeKey = ws.writeKey;
    token = ws.apiToken;
  });
  afterAll(async () => {
    await a.app.close();
    await b.app.close();
    await a.s.ingest.close();
    await b.s.ingest.close();
    await store.close();
  });

  const view = (app: FastifyInstance, n: number) =>
    app.inject({
      method: 'POST', url: '/v1/track',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      payload: JSON.stringify({ userId: 'shared-1', event: 'Product Viewed', properties: { product_id: `p${n}` }, messageId: `shared-${n}` }),
    });

  it('never loses an update made by the other writer', async () => {
    for (let i = 0; i < 12; i++) expect((await view(i % 3 === 0 ? b.app : a.app, i)).statusCode).toBe(200);
    const profile = await a.app.inject({ method: 'GET', url: '/api/v1/customers/lookup?userId=shared-1', headers: { authorization: `Bearer ${token}` } });
    const p = profile.json<{ profile: { eventCount: number; recentProducts: { productId: string }[] } }>().profile;
    expect(p.eventCount).toBe(12);
    expect(p.recentProducts.map((x) => x.productId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `p${i}`).sort());
  });

  it('sees an erasure made through the other process', async () => {
    const id = (await a.app.inject({ method: 'GET', url: '/api/v1/customers/lookup?userId=shared-1', headers: { authorization: `Bearer ${token}` } })).json<{ id: string }>().id;
    expect((await b.app.inject({ method: 'DELETE', url: `/api/v1/customers/${id}`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    const r = await view(a.app, 99);
    expect(r.json()).toMatchObject({ suppressed: 1, accepted: 0 });
    expect((await a.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(404);
  });
});
