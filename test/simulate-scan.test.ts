import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventCursor, EventHead, EventRecord, Store } from '../packages/server/src/ports/store.js';
import { storeFactories } from './helpers/stores.js';

/** The period scan the simulation stands on: half-open, time-ordered, keyset-paged, one workspace only. */
describe.each(await storeFactories())('scanEventHeads on $name', (factory) => {
  let store: Store;
  const T0 = Date.parse('2026-11-22T00:00:00Z');
  const W1 = 'ws_scan_one';
  const W2 = 'ws_scan_two';
  const event = (workspaceId: string, customerId: string, timestamp: number, id: string): EventRecord => ({
    id, workspaceId, customerId, type: 'track', name: 'Product Viewed', messageId: id, timestamp, receivedAt: T0, payload: '{}',
  });

  beforeAll(async () => {
    store = await factory.create();
    await store.insertWorkspace({ id: W1, name: 'One', createdAt: T0 });
    await store.insertWorkspace({ id: W2, name: 'Two', createdAt: T0 });
    // Inserted out of order, with ties on the timestamp (the id breaks them).
    await store.insertEvents([
      event(W1, 'c2', T0 + 3_000, 'evt_b'), event(W1, 'c1', T0 + 1_000, 'evt_x'), event(W1, 'c1', T0 - 1, 'evt_before'), event(W1, 'c3', T0 + 3_000, 'evt_a'),
      event(W1, 'c1', T0 + 3_000, 'evt_c'), event(W1, 'c2', T0 + 5_000, 'evt_at_to'), event(W1, 'c1', T0, 'evt_at_from'), event(W2, 'c9', T0 + 2_000, 'evt_other'),
    ]);
  });
  afterAll(async () => store.close());

  async function all(from: number, to: number, limit: number): Promise<EventHead[]> {
    const out: EventHead[] = [];
    let after: EventCursor | null = null;
    for (;;) {
      const page = await store.scanEventHeads(W1, { from, to, after, limit });
      out.push(...page);
      if (page.length < limit) return out;
      const last = page[page.length - 1]!;
      after = { timestamp: last.timestamp, id: last.id };
    }
  }

  it('returns heads from ≤ t < to in (timestamp, id) order, and pages without skipping or repeating', async () => {
    const whole = await all(T0, T0 + 5_000, 100);
    expect(whole.map((h) => [h.timestamp - T0, h.customerId, h.id])).toEqual([
      [0, 'c1', 'evt_at_from'], [1_000, 'c1', 'evt_x'], [3_000, 'c3', 'evt_a'], [3_000, 'c2', 'evt_b'], [3_000, 'c1', 'evt_c'],
    ]);
    for (const limit of [1, 2, 3]) expect(await all(T0, T0 + 5_000, limit), `limit ${limit}`).toEqual(whole);
  });

  it('sees only its own workspace', async () => {
    expect(await store.scanEventHeads(W2, { from: T0, to: T0 + 10_000, after: null, limit: 10 })).toEqual([{ id: 'evt_other', customerId: 'c9', timestamp: T0 + 2_000 }]);
    expect(await store.scanEventHeads('ws_none', { from: 0, to: T0 * 2, after: null, limit: 10 })).toEqual([]);
  });
});
