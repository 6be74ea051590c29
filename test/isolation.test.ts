import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/**
 * Workspaces are walls: the same userId in two shops is two people, a token only ever sees its
 * own workspace (another workspace's ids answer 404, exactly like ids that do not exist), a
 * write key only stores into its workspace, and roles and token lifetimes are enforced.
 */

interface View { id: string; userId: string | null; mergedFrom: string[]; profile: { traits: Record<string, unknown>; eventCount: number; recentProducts: { productId: string }[] } }

describe.each(await storeFactories())('workspace isolation on $name', (factory) => {
  let t: TestApp;
  /** Workspace B, created next to the test app's workspace A. */
  let b: { id: string; writeKey: string; apiToken: string };
  /** B's customer u-1 (after B's merge) and the merge's id. */
  let bCustomer: View;
  let bMergeId = '';
  let bWriteKeyId = '';
  let bTokenId = '';
  let bSuppressionId = '';

  const asB = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => t.api(method, url, body, b.apiToken);

  async function bSnapshot() {
    const view = (await asB('GET', `/api/v1/customers/${bCustomer.id}`)).json<View>();
    const timeline = (await asB('GET', `/api/v1/customers/${bCustomer.id}/timeline?limit=200`)).json<{ items: unknown[] }>();
    const merges = (await asB('GET', `/api/v1/customers/${bCustomer.id}/merges`)).json<{ items: { id: string; undoneAt: string | null }[] }>();
    const keys = (await asB('GET', '/api/v1/write-keys')).json<{ items: { id: string; revokedAt: string | null }[] }>();
    const tokens = (await asB('GET', '/api/v1/tokens')).json<{ items: { id: string; revokedAt: string | null }[] }>();
    const suppressions = (await asB('GET', '/api/v1/suppressions')).json<{ items: unknown[] }>();
    return { view: { ...view, updatedAt: undefined }, timeline, merges, keys, tokens, suppressions };
  }

  beforeAll(async () => {
    t = await startTestApp(factory);
    const created = await t.services.tenancy.createWorkspace('Shop B');
    b = { id: created.workspace.id, writeKey: created.writeKey, apiToken: created.apiToken };

    // The same userId in both shops, with different lives.
    await t.track('/v1/identify', { userId: 'u-1', traits: { name: 'Ana in A', email: 'ana@example.com' }, messageId: 'a-1' });
    await t.track('/v1/track', { userId: 'u-1', event: 'Product Viewed', properties: { product_id: 'tea' }, messageId: 'a-2' });
    // In B, u-1 browsed anonymously first and then logged in: one merge.
    await t.track('/v1/batch', { batch: [
      { type: 'track', anonymousId: 'b-anon', event: 'Product Viewed', properties: { product_id: 'kettle' }, messageId: 'b-1' },
      { type: 'identify', userId: 'u-1', traits: { name: 'Ana in B', email: 'ana@example.com' }, messageId: 'b-2' },
      { type: 'identify', userId: 'u-1', anonymousId: 'b-anon', messageId: 'b-3' },
    ] }, { writeKey: b.writeKey });
    await t.track('/v1/identify', { userId: 'u-only-b', traits: { name: 'Only in B' }, messageId: 'b-4' }, { writeKey: b.writeKey });
    // A person B erased: their id is suppressed in B only.
    await t.track('/v1/identify', { userId: 'u-erased', traits: { name: 'Erased in B' }, messageId: 'b-5' }, { writeKey: b.writeKey });
    const erased = (await asB('GET', '/api/v1/customers/lookup?userId=u-erased')).json<View>();
    expect((await asB('DELETE', `/api/v1/customers/${erased.id}`)).statusCode).toBe(200);

    bCustomer = (await asB('GET', '/api/v1/customers/lookup?userId=u-1')).json<View>();
    bMergeId = (await asB('GET', `/api/v1/customers/${bCustomer.id}/merges`)).json<{ items: { id: string }[] }>().items[0]!.id;
    const key = await asB('POST', '/api/v1/write-keys', { name: 'second key' });
    bWriteKeyId = key.json<{ id: string }>().id;
    const token = await asB('POST', '/api/v1/tokens', { name: 'B agent', role: 'agent' });
    bTokenId = token.json<{ id: string }>().id;
    bSuppressionId = (await asB('GET', '/api/v1/suppressions')).json<{ items: { id: string }[] }>().items[0]!.id;
  });
  afterAll(async () => t.close());

  it('the same userId in two workspaces is two customers with their own data', async () => {
    const a = (await t.api('GET', '/api/v1/customers/lookup?userId=u-1')).json<View>();
    expect(a.id).not.toBe(bCustomer.id);
    expect(a.profile.traits['name']).toBe('Ana in A');
    expect(a.mergedFrom).toEqual([]);
    expect(a.profile.recentProducts.map((p) => p.productId)).toEqual(['tea']);
    expect(bCustomer.profile.traits['name']).toBe('Ana in B');
    expect(bCustomer.mergedFrom).toHaveLength(1);
    expect(bCustomer.profile.recentProducts.map((p) => p.productId)).toEqual(['kettle']);
    // The same email in both shops: each lookup finds its own.
    expect((await t.api('GET', '/api/v1/customers/lookup?email=ana@example.com')).json<View>().id).toBe(a.id);
    expect((await asB('GET', '/api/v1/customers/lookup?email=ana@example.com')).json<View>().id).toBe(bCustomer.id);
    // B's erasure did not suppress the same userId in A.
    const r = await t.track('/v1/identify', { userId: 'u-erased', traits: { name: 'Alive in A' }, messageId: 'a-erased' });
    expect(r.json()).toMatchObject({ accepted: 1, suppressed: 0 });
    expect((await t.api('GET', '/api/v1/customers/lookup?userId=u-erased')).statusCode).toBe(200);
  });

  it("A's token cannot read, look up, export, erase, undo, list or lift anything of B's (404), and B is unchanged", async () => {
    const before = await bSnapshot();
    const id = bCustomer.id;
    const loserId = bCustomer.mergedFrom[0]!;
    const attempts: [method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown][] = [
      ['GET', `/api/v1/customers/${id}`],
      ['GET', `/api/v1/customers/${loserId}`],
      ['GET', `/api/v1/customers/${id}/timeline`],
      ['GET', `/api/v1/customers/${id}/export`],
      ['GET', `/api/v1/customers/${id}/merges`],
      ['GET', '/api/v1/customers/lookup?userId=u-only-b'],
      ['GET', '/api/v1/customers/lookup?anonymousId=b-anon'],
      ['POST', `/api/v1/merges/${bMergeId}/undo`],
      ['DELETE', `/api/v1/customers/${id}`],
      ['DELETE', `/api/v1/customers/${loserId}`],
      ['DELETE', `/api/v1/write-keys/${bWriteKeyId}`],
      ['DELETE', `/api/v1/tokens/${bTokenId}`],
      ['DELETE', `/api/v1/suppressions/${bSuppressionId}`],
      ['POST', '/api/v1/suppressions/lift', { kind: 'userId', value: 'u-erased' }],
    ];
    for (const [method, url, body] of attempts) {
      const r = await t.api(method, url, body);
      expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(404);
      expect(r.json<{ error: { code: string } }>().error.code, `${method} ${url}`).toBe('not_found');
      // Nothing of B's leaks through the message either.
      expect(r.body).not.toMatch(/Ana in B|kettle|Only in B/);
    }
    // A's lists do not show B's things.
    const aKeys = (await t.api('GET', '/api/v1/write-keys')).json<{ items: { id: string }[] }>().items.map((k) => k.id);
    expect(aKeys).not.toContain(bWriteKeyId);
    const aTokens = (await t.api('GET', '/api/v1/tokens')).json<{ items: { id: string }[] }>().items.map((k) => k.id);
    expect(aTokens).not.toContain(bTokenId);
    expect((await t.api('GET', '/api/v1/suppressions')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await t.api('GET', '/api/v1/workspace')).json<{ id: string }>().id).toBe(t.ws.id);
    expect((await asB('GET', '/api/v1/workspace')).json<{ id: string }>().id).toBe(b.id);

    expect(await bSnapshot()).toEqual(before);
    // B's key still works, and B's erased person is still suppressed.
    const still = await t.track('/v1/identify', { userId: 'u-erased', messageId: 'b-6' }, { writeKey: b.writeKey });
    expect(still.json()).toMatchObject({ accepted: 0, suppressed: 1 });
  });

  it("B's own token can do what A's could not (the 404s above were about the workspace, not the ids)", async () => {
    expect((await asB('GET', `/api/v1/customers/${bCustomer.id}/export`)).statusCode).toBe(200);
    expect((await asB('GET', '/api/v1/customers/lookup?userId=u-only-b')).statusCode).toBe(200);
  });

  it("A's write key stores only into A", async () => {
    const aEvents = await t.count('events');
    const bBefore = await bSnapshot();
    const r = await t.track('/v1/batch', { batch: [
      { type: 'identify', userId: 'u-only-b', traits: { name: 'Written with A’s key' }, messageId: 'x-1' },
      { type: 'track', anonymousId: 'b-anon', event: 'Product Viewed', properties: { product_id: 'spoon' }, messageId: 'x-2' },
    ] });
    expect(r.json()).toMatchObject({ accepted: 2 });
    expect(await t.count('events')).toBe(aEvents + 2);
    // The events are A's: A now has u-only-b and b-anon…
    const inA = (await t.api('GET', '/api/v1/customers/lookup?userId=u-only-b')).json<View>();
    expect(inA.profile.traits['name']).toBe('Written with A’s key');
    expect((await t.api('GET', '/api/v1/customers/lookup?anonymousId=b-anon')).json<View>().profile.recentProducts.map((p) => p.productId)).toEqual(['spoon']);
    // …and B's people are untouched.
    const onlyB = (await asB('GET', '/api/v1/customers/lookup?userId=u-only-b')).json<View>();
    expect(onlyB.profile.traits['name']).toBe('Only in B');
    expect(onlyB.id).not.toBe(inA.id);
    expect(await bSnapshot()).toEqual(bBefore);
  });

  it("a body naming B's write key, sent with A's key in the header, stores into A only", async () => {
    const bBefore = await bSnapshot();
    const r = await t.track('/v1/batch', { writeKey: b.writeKey, batch: [{ type: 'identify', userId: 'u-1', traits: { plan: 'header wins' }, messageId: 'x-3' }] });
    expect(r.statusCode).toBe(200);
    expect((await t.api('GET', '/api/v1/customers/lookup?userId=u-1')).json<View>().profile.traits['plan']).toBe('header wins');
    expect(await bSnapshot()).toEqual(bBefore);
  });

  it('an agent token can read but cannot erase, export, undo merges or manage keys (403 forbidden)', async () => {
    const agent = (await t.api('POST', '/api/v1/tokens', { name: 'agent', role: 'agent' })).json<{ token: string; role: string }>();
    expect(agent.role).toBe('agent');
    const a = (await t.api('GET', '/api/v1/customers/lookup?userId=u-1')).json<View>();
    expect((await t.api('GET', `/api/v1/customers/${a.id}`, undefined, agent.token)).statusCode).toBe(200);
    expect((await t.api('GET', `/api/v1/customers/${a.id}/timeline`, undefined, agent.token)).statusCode).toBe(200);
    const events = await t.count('events');
    const denied: [method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown][] = [
      ['DELETE', `/api/v1/customers/${a.id}`],
      ['GET', `/api/v1/customers/${a.id}/export`],
      ['POST', '/api/v1/merges/mrg_whatever/undo'],
      ['GET', '/api/v1/suppressions'],
      ['POST', '/api/v1/write-keys', { name: 'sneaky' }],
      ['POST', '/api/v1/tokens', { name: 'escalate', role: 'owner' }],
    ];
    for (const [method, url, body] of denied) {
      const r = await t.api(method, url, body, agent.token);
      expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(403);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('forbidden');
    }
    // The erase did not happen.
    expect(await t.count('events')).toBe(events);
    expect((await t.api('GET', `/api/v1/customers/${a.id}`)).statusCode).toBe(200);
    // An agent of B cannot even see A's customer.
    const bAgent = (await asB('POST', '/api/v1/tokens', { name: 'b agent', role: 'agent' })).json<{ token: string }>();
    expect((await t.api('GET', `/api/v1/customers/${a.id}`, undefined, bAgent.token)).statusCode).toBe(404);
  });

  it('an admin token cannot mint an owner token (403)', async () => {
    const admin = (await t.api('POST', '/api/v1/tokens', { name: 'admin', role: 'admin' })).json<{ token: string }>();
    const r = await t.api('POST', '/api/v1/tokens', { name: 'owner please', role: 'owner' }, admin.token);
    expect(r.statusCode).toBe(403);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('forbidden');
  });

  it('revoked and expired tokens get 401', async () => {
    const created = (await t.api('POST', '/api/v1/tokens', { name: 'to revoke', role: 'admin' })).json<{ id: string; token: string }>();
    expect((await t.api('GET', '/api/v1/workspace', undefined, created.token)).statusCode).toBe(200);
    expect((await t.api('DELETE', `/api/v1/tokens/${created.id}`)).statusCode).toBe(204);
    const revoked = await t.api('GET', '/api/v1/workspace', undefined, created.token);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json<{ error: { code: string } }>().error.code).toBe('unauthorized');
    // Revoking twice is a 404 (there is no active token with that id any more).
    expect((await t.api('DELETE', `/api/v1/tokens/${created.id}`)).statusCode).toBe(404);

    const short = (await t.api('POST', '/api/v1/tokens', { name: 'short-lived', role: 'admin', ttlSeconds: 60 })).json<{ token: string; expiresAt: string }>();
    expect(Date.parse(short.expiresAt)).toBe(t.clock.now() + 60_000);
    t.clock.advance(59_000);
    expect((await t.api('GET', '/api/v1/workspace', undefined, short.token)).statusCode).toBe(200);
    t.clock.advance(1_000);
    const expired = await t.api('GET', '/api/v1/workspace', undefined, short.token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json<{ error: { code: string } }>().error.code).toBe('unauthorized');
    const a = (await t.api('GET', '/api/v1/customers/lookup?userId=u-1')).json<View>();
    expect((await t.api('DELETE', `/api/v1/customers/${a.id}`, undefined, short.token)).statusCode).toBe(401);
    expect((await t.api('GET', `/api/v1/customers/${a.id}`)).statusCode).toBe(200);
  });

  it('no token, a malformed header or a write key used as a token get 401', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer ' },
      { authorization: 'Bearer ot_not_a_real_token' },
      { authorization: `Basic ${Buffer.from(`${t.ws.apiToken}:`).toString('base64')}` },
      { authorization: `Bearer ${t.ws.writeKey}` },
      { authorization: t.ws.apiToken },
    ];
    for (const headers of cases) {
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/workspace', headers });
      expect(r.statusCode, JSON.stringify(headers)).toBe(401);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('unauthorized');
    }
  });
});
