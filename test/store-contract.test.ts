import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCareState } from '../packages/server/src/domain/playbooks/care-state.js';
import { emptyProfile } from '../packages/server/src/domain/profile/empty-profile.js';
import { IdGenerator } from '../packages/server/src/platform/ids.js';
import type { CustomerRecord, EventRecord, Store } from '../packages/server/src/ports/store.js';
import { storeFactories } from './helpers/stores.js';

/** One contract, every dialect: the Store port behaves the same on SQLite and PostgreSQL. */
describe.each(await storeFactories())('Store contract on $name', (factory) => {
  let store: Store;
  const ids = new IdGenerator();
  const T0 = Date.parse('2026-11-22T00:00:00Z');
  const W1 = 'ws_contract_one';
  const W2 = 'ws_contract_two';

  beforeAll(async () => {
    store = await factory.create();
    await store.insertWorkspace({ id: W1, name: 'One', createdAt: T0 });
    await store.insertWorkspace({ id: W2, name: 'Two', createdAt: T0 });
  });
  afterAll(async () => store.close());

  const customer = (workspaceId: string, id = ids.next('customer')): CustomerRecord => ({
    id, workspaceId, createdAt: T0, updatedAt: T0, mergedInto: null, userId: null, profile: emptyProfile(T0), care: emptyCareState(),
  });
  const event = (workspaceId: string, customerId: string, timestamp: number): EventRecord => ({
    id: ids.next('event'), workspaceId, customerId, type: 'track', name: 'Product Viewed', messageId: ids.ulid(),
    timestamp, receivedAt: timestamp, payload: '{"event":"Product Viewed"}',
  });

  it('claims a messageId once per workspace, however often it is retried', async () => {
    expect([...(await store.claimMessageIds(W1, ['m-a', 'm-b'], T0))].sort()).toEqual(['m-a', 'm-b']);
    expect([...(await store.claimMessageIds(W1, ['m-a', 'm-c'], T0))]).toEqual(['m-c']);
    expect([...(await store.claimMessageIds(W2, ['m-a'], T0))]).toEqual(['m-a']);
  });

  it('prunes the de-duplication window by age only', async () => {
    await store.claimMessageIds(W1, ['old-1'], T0 - 10 * 86_400_000);
    expect(await store.pruneDedupe(T0 - 86_400_000)).toBe(1);
    expect([...(await store.claimMessageIds(W1, ['old-1', 'm-a'], T0))]).toEqual(['old-1']);
  });

  it('round-trips customers with their profile and epoch-millisecond times', async () => {
    const c = customer(W1);
    c.profile.traits = { name: 'Ana', vip: true, nested: { a: [1, 2] } };
    c.profile.lastSeen = 1_795_385_010_088;
    await store.upsertCustomers([c]);
    const [back] = await store.loadCustomers(W1, [c.id]);
    expect(back?.profile.traits).toEqual({ name: 'Ana', vip: true, nested: { a: [1, 2] } });
    expect(back?.profile.lastSeen).toBe(1_795_385_010_088);
    expect(typeof back?.createdAt).toBe('number');
    c.userId = 'u-1';
    c.profile.eventCount = 7;
    await store.upsertCustomers([c]);
    expect((await store.getCustomer(W1, c.id))?.userId).toBe('u-1');
    expect((await store.getCustomer(W1, c.id))?.profile.eventCount).toBe(7);
    expect(await store.getCustomer(W2, c.id)).toBeNull();
  });

  it('lists customers seen since a time, most recent first, in keyset pages, without merged ones or other workspaces', async () => {
    const W3 = 'ws_contract_recent';
    await store.insertWorkspace({ id: W3, name: 'Recent', createdAt: T0 });
    const seen = async (workspaceId: string, lastSeen: number, mergedInto: string | null = null) => {
      const c = customer(workspaceId);
      c.profile.lastSeen = lastSeen;
      c.mergedInto = mergedInto;
      await store.upsertCustomers([c]);
      return c.id;
    };
    const since = T0 + 60_000;
    const tied = [await seen(W3, T0 + 120_000), await seen(W3, T0 + 120_000), await seen(W3, T0 + 120_000)];
    const newest = await seen(W3, T0 + 180_000);
    const atEdge = await seen(W3, since);
    await seen(W3, since - 1);
    await seen(W3, T0 + 200_000, newest);
    await seen(W1, T0 + 150_000);
    const expected = [newest, ...[...tied].sort().reverse(), atEdge];

    const all = await store.listRecentlySeen(W3, { since, before: null, limit: 100 });
    expect(all.map((c) => c.id)).toEqual(expected);
    const paged: string[] = [];
    let before: { lastSeen: number; id: string } | null = null;
    for (;;) {
      const page = await store.listRecentlySeen(W3, { since, before, limit: 2 });
      paged.push(...page.map((c) => c.id));
      const last = page[page.length - 1];
      if (page.length < 2 || !last) break;
      before = { lastSeen: last.profile.lastSeen, id: last.id };
    }
    expect(paged).toEqual(expected);
    expect(await store.listRecentlySeen(W2, { since, before: null, limit: 100 })).toEqual([]);
  });

  it('finds identities by (kind, value) tuples within one workspace and moves them', async () => {
    const a = customer(W1);
    const b = customer(W1);
    await store.upsertCustomers([a, b]);
    await store.upsertIdentities(W1, [
      { kind: 'user', value: 'x', customerId: a.id, verified: true, createdAt: T0 },
      { kind: 'anon', value: 'x', customerId: b.id, verified: false, createdAt: T0 },
    ]);
    const found = await store.findIdentities(W1, [{ kind: 'user', value: 'x' }]);
    expect(found).toEqual([{ kind: 'user', value: 'x', customerId: a.id, verified: true, createdAt: T0 }]);
    expect(await store.findIdentities(W2, [{ kind: 'user', value: 'x' }])).toEqual([]);
    await store.moveIdentities(W1, [{ kind: 'anon', value: 'x' }], a.id);
    expect((await store.identitiesOf(W1, [a.id])).map((i) => i.kind).sort()).toEqual(['anon', 'user']);
    expect(await store.findCustomerIdByIdentity(W1, { kind: 'anon', value: 'x' })).toBe(a.id);
  });

  it('pages a timeline newest first with a stable keyset cursor', async () => {
    const c = customer(W1);
    await store.upsertCustomers([c]);
    const evs = [0, 1, 1, 2, 3].map((d) => event(W1, c.id, T0 + d * 1000));
    await store.insertEvents(evs);
    const page1 = await store.listEvents(W1, [c.id], { before: null, limit: 2 });
    const last = page1[1]!;
    const page2 = await store.listEvents(W1, [c.id], { before: { timestamp: last.timestamp, id: last.id }, limit: 10 });
    const seen = [...page1, ...page2].map((e) => e.id);
    expect(new Set(seen).size).toBe(5);
    const expected = [...evs].sort((x, y) => y.timestamp - x.timestamp || (y.id < x.id ? -1 : 1)).map((e) => e.id);
    expect(seen).toEqual(expected);
    expect(await store.listEvents(W2, [c.id], { before: null, limit: 10 })).toEqual([]);
  });

  it('rolls a transaction back entirely when it fails', async () => {
    const c = customer(W1);
    await expect(store.transaction(async (tx) => {
      await tx.upsertCustomers([c]);
      await tx.insertEvents([event(W1, c.id, T0)]);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await store.getCustomer(W1, c.id)).toBeNull();
    expect(await store.listEvents(W1, [c.id], { before: null, limit: 10 })).toEqual([]);
  });

  it('deletes a customer only within its workspace', async () => {
    const mine = customer(W1);
    const theirs = customer(W2, mine.id.replace('cus_', 'cus_') + 'X');
    await store.upsertCustomers([mine, theirs]);
    await store.insertEvents([event(W1, mine.id, T0), event(W2, theirs.id, T0)]);
    const counts = await store.deleteCustomers(W2, [mine.id]);
    expect(counts['customers']).toBe(0);
    expect(await store.getCustomer(W1, mine.id)).not.toBeNull();
    const gone = await store.deleteCustomers(W1, [mine.id]);
    expect(gone).toMatchObject({ customers: 1, events: 1 });
    expect(await store.getCustomer(W2, theirs.id)).not.toBeNull();
  });

  it('keeps suppressions unique per workspace and counts what they drop', async () => {
    const row = { id: ids.next('suppression'), workspaceId: W1, identifierHash: 'h1', kind: 'user', createdAt: T0, suppressedCount: 0, lastSuppressedAt: null };
    await store.insertSuppressions([row]);
    await store.insertSuppressions([{ ...row, id: ids.next('suppression') }]);
    expect(await store.listSuppressions(W1)).toHaveLength(1);
    expect([...(await store.findSuppressed(W1, ['h1', 'h2']))]).toEqual(['h1']);
    expect([...(await store.findSuppressed(W2, ['h1']))]).toEqual([]);
    await store.countSuppressed(W1, new Map([['h1', 3]]), T0 + 5);
    expect((await store.listSuppressions(W1))[0]).toMatchObject({ suppressedCount: 3, lastSuppressedAt: T0 + 5 });
    expect(await store.deleteSuppressionByHash(W2, 'h1')).toBe(false);
    expect(await store.deleteSuppressionByHash(W1, 'h1')).toBe(true);
  });

  it('stores keys and tokens by hash and revokes them once', async () => {
    await store.insertWriteKey({ id: 'wk_1', workspaceId: W1, name: 'k', keyHint: 'wk_ab…cd', createdAt: T0, revokedAt: null }, 'hash-1');
    expect((await store.findWriteKeyByHash('hash-1'))?.workspaceId).toBe(W1);
    expect(await store.revokeWriteKey(W2, 'wk_1', T0)).toBe(false);
    expect(await store.revokeWriteKey(W1, 'wk_1', T0)).toBe(true);
    expect(await store.revokeWriteKey(W1, 'wk_1', T0)).toBe(false);
    expect((await store.findWriteKeyByHash('hash-1'))?.revokedAt).toBe(T0);
  });
  it('stores a touch answer only on the customers\' own touch in the workspace, first answer wins', async () => {
    const c = customer(W1);
    const other = customer(W1);
    await store.upsertCustomers([c, other]);
    const touch = { id: ids.next('touch'), workspaceId: W1, customerId: c.id, decisionId: 'dec_x', playbookKey: 'manual', kind: 'invite' as const, content: { message: 'Hi' }, createdAt: T0, response: null, respondedAt: null };
    await store.insertOnsiteMessages([touch]);
    expect(await store.recordTouchResponse(W1, [other.id], touch.id, 'dismissed', T0 + 1)).toBeNull();
    expect(await store.recordTouchResponse(W2, [c.id], touch.id, 'dismissed', T0 + 1)).toBeNull();
    expect(await store.recordTouchResponse(W1, [], touch.id, 'dismissed', T0 + 1)).toBeNull();
    expect(await store.recordTouchResponse(W1, [other.id, c.id], touch.id, 'accepted', T0 + 2)).toEqual({ playbookKey: 'manual', recorded: true });
    expect(await store.recordTouchResponse(W1, [c.id], touch.id, 'dismissed', T0 + 3)).toEqual({ playbookKey: 'manual', recorded: false });
    expect((await store.listOnsiteMessages(W1, c.id, 10))[0]).toMatchObject({ id: touch.id, response: 'accepted', respondedAt: T0 + 2 });
  });
  it('keeps an operator\'s photo URL, changes name and photo only within the operator\'s workspace', async () => {
    const op = (id: string, workspaceId: string, avatarUrl?: string | null) => ({
      id, workspaceId, email: `${id}@shop.test`, name: `Name ${id}`, role: 'agent' as const, passwordHash: 'x', createdAt: T0, disabledAt: null,
      ...(avatarUrl !== undefined ? { avatarUrl } : {}),
    });
    await store.insertOperator(op('op_photo', W1, '/demo/assets/operator.svg'));
    await store.insertOperator(op('op_plain', W1));
    expect(await store.getOperator(W1, 'op_photo')).toMatchObject({ avatarUrl: '/demo/assets/operator.svg', name: 'Name op_photo' });
    expect((await store.getOperator(W1, 'op_plain'))?.avatarUrl).toBeNull();

    // Another workspace cannot touch it, and an unknown operator is reported as such.
    expect(await store.updateOperatorProfile(W2, 'op_photo', { avatarUrl: 'https://evil.test/x.png' })).toBe(false);
    expect(await store.updateOperatorProfile(W1, 'op_nobody', { name: 'X' })).toBe(false);
    expect((await store.getOperator(W1, 'op_photo'))?.avatarUrl).toBe('/demo/assets/operator.svg');

    // Absent fields stay; null clears the photo.
    const long = `https://cdn.shop.test/${'a'.repeat(2048 - 22)}`;
    expect(await store.updateOperatorProfile(W1, 'op_photo', { avatarUrl: long })).toBe(true);
    expect(await store.getOperator(W1, 'op_photo')).toMatchObject({ avatarUrl: long, name: 'Name op_photo' });
    expect(await store.updateOperatorProfile(W1, 'op_photo', { name: 'Aiko' })).toBe(true);
    expect(await store.getOperator(W1, 'op_photo')).toMatchObject({ avatarUrl: long, name: 'Aiko' });
    expect(await store.updateOperatorProfile(W1, 'op_photo', {})).toBe(true);
    expect(await store.updateOperatorProfile(W1, 'op_photo', { avatarUrl: null })).toBe(true);
    expect((await store.listOperators(W1)).find((o) => o.id === 'op_photo')).toMatchObject({ avatarUrl: null, name: 'Aiko' });
  });
});
