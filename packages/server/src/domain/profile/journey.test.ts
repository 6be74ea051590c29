import { describe, expect, it } from 'vitest';
import { journeyStage } from './journey.js';
import { at, fold, page, track } from './profile.test-helpers.js';

describe('journeyStage', () => {
  it('keeps `since` when the stage does not change', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Product Viewed', { product_id: 'a' }),
      track('2026-01-01T10:05:00Z', 'Product Viewed', { product_id: 'b' }),
    ]);
    expect(profile.journey).toEqual({ stage: 'considering', since: at('2026-01-01T10:00:00Z') });
  });

  it('buying beats awaiting delivery; awaiting delivery beats considering', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Order Completed', { order_id: 'o1', total: 1 }),
      track('2026-01-02T10:00:00Z', 'Product Added', { product_id: 'a', price: 1 }),
    ]);
    expect(profile.journey.stage).toBe('awaiting_delivery');
    fold([track('2026-01-02T10:01:00Z', 'Checkout Started', {})], null, profile);
    expect(profile.journey.stage).toBe('buying');
  });

  it('stops awaiting a delivery nobody reported after 30 days, or 14 days after the promised date', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Order Completed', { order_id: 'o1', total: 1 }),
      page('2026-02-15T10:00:00Z', { url: 'https://s.example/' }),
    ]);
    expect(profile.journey.stage).toBe('browsing');
    const promised = fold([
      track('2026-01-01T10:00:00Z', 'Order Completed', { order_id: 'o1', total: 1, promised_delivery_date: '2026-03-01' }),
      page('2026-03-10T10:00:00Z', { url: 'https://s.example/' }),
    ]);
    expect(journeyStage(promised, at('2026-03-10T10:00:00Z'))).toBe('awaiting_delivery');
    expect(journeyStage(promised, at('2026-03-16T10:00:00Z'))).toBe('browsing');
  });

  it('after a refund or cancellation there is nothing to await', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Order Completed', { order_id: 'o1', total: 1 }),
      track('2026-01-01T11:00:00Z', 'Order Cancelled', { order_id: 'o1' }),
    ]);
    expect(profile.journey.stage).toBe('browsing');
  });
});
