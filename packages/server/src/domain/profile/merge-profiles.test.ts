import { describe, expect, it } from 'vitest';
import { applyEvent } from './apply-event.js';
import { emptyProfile } from './empty-profile.js';
import { mergeProfiles } from './merge-profiles.js';
import { PROFILE_BOUNDS } from './profile.js';
import { at, fold, identify, page, track } from './profile.test-helpers.js';

describe('mergeProfiles: an anonymous visitor logs in', () => {
  // The known customer: ordered last month from a laptop in Tokyo.
  const known = () =>
    fold(
      [
        identify('2026-10-01T10:00:00Z', { name: 'Aiko', email: 'aiko@example.com', plan: null, birthday: '1990-11-23' }),
        page('2026-10-01T10:01:00Z', { url: 'https://shop.example/' }, { timezone: 'Asia/Tokyo', locale: 'ja-JP' }),
        track('2026-10-01T10:05:00Z', 'Order Completed', { order_id: 'o1', total: 100, currency: 'JPY' }),
        track('2026-10-03T10:00:00Z', 'Order Delivered', { order_id: 'o1' }),
      ],
      { country: 'JP', region: '13', city: 'Tokyo', timezone: 'Asia/Tokyo' },
    );
  // Today, anonymously on a phone: browsed and filled a cart, then logged in.
  const anonymous = () =>
    fold([
      page('2026-11-22T09:00:00Z', { url: 'https://shop.example/' }, { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1' }),
      track('2026-11-22T09:01:00Z', 'Product Viewed', { product_id: 'p1', price: 20 }),
      track('2026-11-22T09:02:00Z', 'Product Added', { product_id: 'p1', price: 20 }),
      identify('2026-11-22T09:03:00Z', { plan: 'gold', name: 'A.' }),
    ]);

  it('combines history with the known profile winning on traits', () => {
    const merged = mergeProfiles(known(), anonymous());
    expect(merged.traits).toEqual({ name: 'Aiko', email: 'aiko@example.com', plan: null, birthday: '1990-11-23' });
    expect(merged.firstSeen).toBe(at('2026-10-01T10:00:00Z'));
    expect(merged.lastSeen).toBe(at('2026-11-22T09:03:00Z'));
    expect(merged.eventCount).toBe(8);
    expect(merged.session.count).toBe(2);
    expect(merged.recentPages.map((p) => p.url)).toEqual(['https://shop.example/']);
    expect(merged.recentPages[0]?.at).toBe(at('2026-11-22T09:00:00Z'));
    expect(merged.cart.items.map((i) => i.productId)).toEqual(['p1']);
    expect(merged.orders).toMatchObject({ count: 1, lifetimeValue: 100, currency: 'JPY' });
    expect(merged.device.type).toBe('mobile'); // seen last
    expect(merged.language).toBe('ja-JP'); // only the known profile knew it
    expect(merged.location).toMatchObject({ country: 'JP', timezone: 'Asia/Tokyo', timezoneSource: 'context' });
    expect(merged.moments.map((m) => m.kind)).toEqual(['birthday']);
    expect(merged.journey.stage).toBe('considering');
  });

  it('shares nothing mutable with its inputs', () => {
    const winner = known();
    const loser = anonymous();
    const snapshot = JSON.stringify([winner, loser]);
    const merged = mergeProfiles(winner, loser);
    applyEvent(merged, track('2026-11-22T09:04:00Z', 'Product Added', { product_id: 'p1', price: 20 }), { geo: null });
    applyEvent(merged, track('2026-11-22T09:05:00Z', 'Order Refunded', { order_id: 'o1' }), { geo: null });
    applyEvent(merged, identify('2026-11-22T09:05:00Z', { email: 'new@example.com' }), { geo: null });
    expect(JSON.stringify([winner, loser])).toBe(snapshot);
  });

  it('counts one visit split across the two profiles once', () => {
    const anon = fold([page('2026-11-22T09:00:00Z', { url: 'https://s.example/a' })]);
    const user = fold([identify('2026-11-22T09:02:00Z', { name: 'Aiko' }), page('2026-11-22T09:03:00Z', { url: 'https://s.example/b' })]);
    const merged = mergeProfiles(user, anon);
    expect(merged.session).toMatchObject({ count: 1, startedAt: at('2026-11-22T09:00:00Z') });
    expect(merged.session.pages.map((p) => p.path)).toEqual(['/a', '/b']);
    expect(merged.session.currentPage?.url).toBe('https://s.example/b');
  });

  it('counts an order recorded under both identities once', () => {
    const order = (when: string) => track(when, 'Order Completed', { order_id: 'o1', total: 50 });
    const a = fold([order('2026-01-01T10:00:00Z'), track('2026-01-02T10:00:00Z', 'Order Completed', { order_id: 'o2', total: 5 })]);
    const b = fold([order('2026-01-01T10:00:01Z'), track('2026-01-03T10:00:00Z', 'Order Shipped', { order_id: 'o1' })]);
    const merged = mergeProfiles(a, b);
    expect(merged.orders.count).toBe(2);
    expect(merged.orders.lifetimeValue).toBe(55);
    expect(merged.orders.recent.find((o) => o.orderId === 'o1')?.status).toBe('shipped');
  });

  it('keeps merged lists bounded', () => {
    const many = (prefix: string, offset: number) =>
      fold(
        Array.from({ length: 30 }, (_, i) =>
          track(1_700_000_000_000 + i * 2 + offset, 'Product Viewed', { product_id: `${prefix}${i}` }),
        ),
      );
    const merged = mergeProfiles(many('a', 0), many('b', 1));
    expect(merged.recentProducts).toHaveLength(PROFILE_BOUNDS.recentProducts);
    expect(merged.recentProducts.slice(0, 2).map((p) => p.productId)).toEqual(['b29', 'a29']);
  });

  it('ignores the creation time of a profile that never saw an event', () => {
    const merged = mergeProfiles(emptyProfile(at('2030-01-01T00:00:00Z')), anonymous());
    expect(merged.firstSeen).toBe(at('2026-11-22T09:00:00Z'));
    expect(merged.lastSeen).toBe(at('2026-11-22T09:03:00Z'));
  });
});
