import { describe, expect, it } from 'vitest';
import { at, fold, page, track } from './profile.test-helpers.js';

const completed = (when: string, orderId: string, props: Record<string, unknown> = {}) =>
  track(when, 'Order Completed', { order_id: orderId, currency: 'JPY', ...props });

describe('orders and lifetime value', () => {
  it('takes the order total, else revenue, else the products sum', () => {
    const profile = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: '1200', revenue: 1000 }),
      completed('2026-01-02T10:00:00Z', 'o2', { revenue: 800 }),
      completed('2026-01-03T10:00:00Z', 'o3', { products: [{ product_id: 'a', price: 0.1, quantity: 3 }, { product_id: 'b', price: '0.2' }] }),
    ]);
    expect(profile.orders.recent.map((o) => [o.orderId, o.total])).toEqual([
      ['o3', 0.5],
      ['o2', 800],
      ['o1', 1200],
    ]);
    expect(profile.orders.lifetimeValue).toBe(2000.5);
    expect(profile.orders.firstOrderAt).toBe(at('2026-01-01T10:00:00Z'));
    expect(profile.orders.lastOrderAt).toBe(at('2026-01-03T10:00:00Z'));
    expect(profile.orders.currency).toBe('JPY');
  });

  it('counts the same order_id once when both browser and backend report it', () => {
    const profile = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: 100 }),
      completed('2026-01-01T10:00:02Z', 'o1', { total: 100, promised_delivery_date: '2026-01-05' }),
    ]);
    expect(profile.orders.count).toBe(1);
    expect(profile.orders.lifetimeValue).toBe(100);
    expect(profile.orders.recent[0]?.promisedBy).toBe(at('2026-01-05T23:59:59.999Z'));
  });

  it('a full refund takes the order out of lifetime value and marks it refunded', () => {
    const profile = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: 100 }),
      completed('2026-01-02T10:00:00Z', 'o2', { total: 50 }),
      track('2026-01-03T10:00:00Z', 'Order Refunded', { order_id: 'o1' }),
      track('2026-01-03T10:00:01Z', 'Order Refunded', { order_id: 'o1' }), // duplicate: no more money back
    ]);
    expect(profile.orders.lifetimeValue).toBe(50);
    expect(profile.orders.count).toBe(2);
    expect(profile.orders.recent.find((o) => o.orderId === 'o1')?.status).toBe('refunded');
  });

  it('a partial refund reduces lifetime value by the refunded total, capped at the order', () => {
    const partial = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: 100 }),
      track('2026-01-03T10:00:00Z', 'Order Refunded', { order_id: 'o1', total: 30.5 }),
    ]);
    expect(partial.orders.lifetimeValue).toBe(69.5);
    const capped = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: 100 }),
      completed('2026-01-02T10:00:00Z', 'o2', { total: 40 }),
      track('2026-01-03T10:00:00Z', 'Order Refunded', { order_id: 'o1', total: 500 }),
    ]);
    expect(capped.orders.lifetimeValue).toBe(40);
  });

  it('a refund for an order before our history still counts when it says how much, never below zero', () => {
    const profile = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: 20 }),
      track('2026-01-03T10:00:00Z', 'Order Refunded', { order_id: 'ancient', total: 15 }),
      track('2026-01-03T10:00:00Z', 'Order Refunded', { order_id: 'older', total: 15 }),
    ]);
    expect(profile.orders.lifetimeValue).toBe(0);
  });

  it('cancelling removes the order value once; a later refund of it changes nothing', () => {
    const profile = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: 100 }),
      completed('2026-01-01T11:00:00Z', 'o2', { total: 10 }),
      track('2026-01-01T12:00:00Z', 'Order Cancelled', { order_id: 'o1' }),
      track('2026-01-01T12:00:01Z', 'order_canceled', { order_id: 'o1' }),
      track('2026-01-01T13:00:00Z', 'Order Refunded', { order_id: 'o1' }),
    ]);
    expect(profile.orders.lifetimeValue).toBe(10);
    expect(profile.orders.recent.find((o) => o.orderId === 'o1')?.status).toBe('cancelled');
  });

  it('shipping and delivery advance the status but never undo a later one', () => {
    const profile = fold([
      completed('2026-01-01T10:00:00Z', 'o1', { total: 100 }),
      track('2026-01-03T10:00:00Z', 'Order Delivered', { order_id: 'o1' }),
      track('2026-01-02T10:00:00Z', 'Order Shipped', { order_id: 'o1' }), // arrives late
    ]);
    expect(profile.orders.recent[0]).toMatchObject({
      status: 'delivered',
      shippedAt: at('2026-01-02T10:00:00Z'),
      deliveredAt: at('2026-01-03T10:00:00Z'),
    });
  });

  it('reads the promised delivery date in the customer time zone', () => {
    const tokyo = fold([
      page('2026-01-01T10:00:00Z', {}, { timezone: 'Asia/Tokyo' }),
      completed('2026-01-01T10:01:00Z', 'o1', { total: 1, promised_delivery_date: '2026-01-05' }),
      completed('2026-01-01T10:02:00Z', 'o2', { total: 1, promised_delivery_date: '2026-01-05T12:00:00+02:00' }),
      completed('2026-01-01T10:03:00Z', 'o3', { total: 1, promised_delivery_date: '2026-01-05T12:00' }),
      completed('2026-01-01T10:04:00Z', 'o4', { total: 1, promised_delivery_date: 'next tuesday' }),
    ]);
    const promised = Object.fromEntries(tokyo.orders.recent.map((o) => [o.orderId, o.promisedBy]));
    expect(promised).toEqual({
      o1: at('2026-01-05T14:59:59.999Z'), // end of 5 January in Tokyo
      o2: at('2026-01-05T10:00:00Z'),
      o3: at('2026-01-05T03:00:00Z'), // noon in Tokyo
      o4: null,
    });
  });

  it('an order without order_id still counts', () => {
    const profile = fold([track('2026-01-01T10:00:00Z', 'Order Completed', { total: 12 })]);
    expect(profile.orders.count).toBe(1);
    expect(profile.orders.recent[0]?.orderId).toMatch(/^message:/);
  });
});

describe('cart', () => {
  it('adds, increases, decreases and removes lines', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Product Added', { product_id: 'a', price: 10, quantity: 1 }),
      track('2026-01-01T10:01:00Z', 'Product Added', { product_id: 'a', price: 10, quantity: 2 }),
      track('2026-01-01T10:02:00Z', 'Product Added', { product_id: 'b', price: 3.33 }),
      track('2026-01-01T10:03:00Z', 'Product Removed', { product_id: 'a', quantity: 1 }),
    ]);
    expect(profile.cart.items.map((i) => [i.productId, i.quantity])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(profile.cart.value).toBe(23.33);
    fold([track('2026-01-01T10:04:00Z', 'Product Removed', { product_id: 'a' })], null, profile);
    expect(profile.cart.items.map((i) => i.productId)).toEqual(['b']);
    expect(profile.cart.value).toBe(3.33);
  });

  it('Cart Viewed and Checkout Started with products replace the cart', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Product Added', { product_id: 'stale', price: 99 }),
      track('2026-01-01T10:01:00Z', 'Checkout Started', {
        currency: 'usd',
        products: [
          { product_id: 'x', price: 5, quantity: 2 },
          { sku: 'y-sku', price: 1 },
          { name: 'no id: ignored', price: 1000 },
        ],
      }),
    ]);
    expect(profile.cart.items.map((i) => i.productId)).toEqual(['x', 'y-sku']);
    expect(profile.cart.value).toBe(11);
    expect(profile.cart.checkoutStartedAt).toBe(at('2026-01-01T10:01:00Z'));
    expect(profile.journey.stage).toBe('buying');
  });

  it('keeps the first currency seen (no conversion)', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Product Added', { product_id: 'a', price: 10, currency: 'EUR' }),
      track('2026-01-01T10:01:00Z', 'Product Added', { product_id: 'b', price: 10, currency: 'USD' }),
    ]);
    expect(profile.cart.currency).toBe('EUR');
    expect(profile.cart.value).toBe(20);
  });
});
