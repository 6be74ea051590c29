import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/normalized-event.js';
import { at, fold, identify, makeEvent, page, track } from '../profile/profile.test-helpers.js';
import type { Profile } from '../profile/profile.js';
import { compileFact, FACT_NAMES, factKind, newFactContext, resetFactContext, suggestFact } from './facts.js';

const tokyo = { timezone: 'Asia/Tokyo', locale: 'ja-JP' };
const iphone = {
  ...tokyo,
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
};
const teaSet = { product_id: 'tea-set', name: 'Tea set', price: 40, quantity: 2, currency: 'EUR' };

/** A returning customer in Tokyo, at the payment step of their third order. */
function customer(): Profile {
  return fold(
    [
      track('2026-03-01T10:00:00Z', 'Order Completed', { order_id: 'o1', total: 80, currency: 'EUR' }, tokyo),
      track('2026-04-01T10:00:00Z', 'Order Completed', { order_id: 'o2', total: 120, currency: 'EUR', promised_delivery_date: '2026-04-05' }, tokyo),
      identify(
        '2026-05-10T09:00:00Z',
        { plan: 'gold', birthday: '1990-05-20', address: { city: 'Kyoto' }, channelPreferences: { email: true } },
        { ...iphone, consent: { categoryPreferences: { marketing: true, analytics: false } } },
      ),
      page('2026-05-10T09:00:10Z', { path: '/products/tea-set', title: 'Tea set' }, iphone),
      track('2026-05-10T09:00:20Z', 'Product Viewed', { ...teaSet, quantity: 1 }, iphone),
      track('2026-05-10T09:01:00Z', 'Product Added', teaSet, iphone),
      page('2026-05-10T09:02:00Z', { url: 'https://shop.example/checkout/payment?step=3', title: 'Payment' }, iphone),
      track('2026-05-10T09:02:05Z', 'Checkout Started', { products: [teaSet], currency: 'EUR' }, iphone),
    ],
    { country: 'JP', region: null, city: 'Kyoto', timezone: 'Asia/Tokyo' },
  );
}

const now = at('2026-05-10T09:05:00Z'); // 18:05 in Tokyo

function read(name: string, profile: Profile, event: NormalizedEvent | null = null): unknown {
  const fact = compileFact(name);
  expect(fact, name).not.toBeNull();
  return fact!(newFactContext(event, profile, now));
}

describe('facts on a realistic profile', () => {
  const profile = customer();

  it.each<[string, unknown]>([
    ['page.path', '/checkout/payment'],
    ['page.url', 'https://shop.example/checkout/payment?step=3'],
    ['page.title', 'Payment'],
    ['page.secondsOnPage', 180],
    ['session.pageCount', 2],
    ['session.secondsOnSite', 300],
    ['session.count', 3],
    ['cart.value', 80],
    ['cart.itemCount', 2],
    ['cart.currency', 'EUR'],
    ['cart.secondsSinceCheckoutStarted', 175],
    ['orders.count', 2],
    ['orders.lifetimeValue', 200],
    ['orders.daysSinceLastOrder', 38],
    ['orders.averageIntervalDays', 31],
    ['orders.lateCount', 1],
    ['journey.stage', 'buying'],
    ['journey.daysInStage', 0],
    ['recent.productCount', 1],
    ['recent.pageCount', 2],
    ['recent.productIds', ['tea-set']],
    ['local.hour', 18],
    ['local.weekday', 'sunday'],
    ['local.date', '2026-05-10'],
    ['language', 'ja-JP'],
    ['location.country', 'JP'],
    ['device.type', 'mobile'],
    ['consent.marketing', true],
    ['consent.analytics', false],
    ['consent.ads', null],
    ['channels.email', true],
    ['channels.sms', null],
    ['moments.birthday.daysUntil', 10],
    ['moments.anniversary.daysUntil', null],
    ['customer.firstSeenDaysAgo', 69],
    ['customer.eventCount', 8],
    ['traits.plan', 'gold'],
    ['traits.address.city', 'Kyoto'],
    ['traits.address.zip', null],
    ['traits.constructor', null],
    ['traits.__proto__', null],
    ['event.type', null],
    ['event.name', null],
    ['event.properties.total', null],
  ])('%s = %j', (name, expected) => {
    expect(read(name, profile)).toEqual(expected);
  });

  it('reads the event: type, name, properties by dot path', () => {
    const event = track(now, 'Checkout Started', { products: [teaSet], coupon: { code: 'SPRING' } }, iphone);
    expect(read('event.type', profile, event)).toBe('track');
    expect(read('event.name', profile, event)).toBe('Checkout Started');
    expect(read('event.properties.coupon.code', profile, event)).toBe('SPRING');
    expect(read('event.properties.products.0.product_id', profile, event)).toBe('tea-set');
    expect(read('event.properties.products.7.product_id', profile, event)).toBeNull();
    const named = makeEvent('page', now, { name: 'Payment', properties: { path: '/pay' } });
    expect(read('event.name', profile, named)).toBe('Payment');
  });

  it("page facts prefer the event's own page over the session's current page", () => {
    const onCart = track(now, 'Coupon Denied', { url: 'https://shop.example/products/x' }, { page: { path: '/cart', url: 'https://shop.example/cart', title: 'Cart' } });
    expect(read('page.path', profile, onCart)).toBe('/cart');
    expect(read('page.title', profile, onCart)).toBe('Cart');
    // A track call's properties.url is about something else (a product), not the page.
    const noPage = track(now, 'Coupon Denied', { url: 'https://shop.example/products/x' });
    expect(read('page.path', profile, noPage)).toBe('/checkout/payment');
    const pageCall = page(now, { url: 'https://shop.example/help/returns' });
    expect(read('page.path', profile, pageCall)).toBe('/help/returns');
  });

  it('is null when the customer is unknown in that respect', () => {
    const fresh = fold([track('2026-05-10T09:00:00Z', 'Signed Up')]);
    expect(read('local.hour', fresh)).toBeNull();
    expect(read('local.date', fresh)).toBeNull();
    expect(read('orders.daysSinceLastOrder', fresh)).toBeNull();
    expect(read('orders.averageIntervalDays', fresh)).toBeNull();
    expect(read('cart.secondsSinceCheckoutStarted', fresh)).toBeNull();
    expect(read('page.path', fresh)).toBeNull();
    expect(read('page.secondsOnPage', fresh)).toBeNull();
    expect(read('orders.lateCount', fresh)).toBe(0);
  });

  it('computes local time once per evaluation and forgets it on reset', () => {
    const ctx = newFactContext(null, profile, now);
    const hour = compileFact('local.hour')!;
    const date = compileFact('local.date')!;
    expect(hour(ctx)).toBe(18);
    expect(ctx.cache.local).not.toBeUndefined();
    expect(date(ctx)).toBe('2026-05-10');
    resetFactContext(ctx, null, profile, at('2026-05-10T16:00:00Z'));
    expect(ctx.cache.local).toBeUndefined();
    expect(hour(ctx)).toBe(1);
    expect(date(ctx)).toBe('2026-05-11');
  });
});

describe('the fact set is closed', () => {
  it.each(['cart.valu', 'cart', 'traits.', 'traits.a..b', 'event.properties.', 'consent.a.b', 'moments.birthday', 'moments..daysUntil', 'local.minute', 'toString', '__proto__', 'constructor'])(
    '%s is unknown',
    (name) => {
      expect(compileFact(name)).toBeNull();
      expect(factKind(name)).toBeNull();
    },
  );

  it('knows the kind of each fact', () => {
    expect(factKind('cart.value')).toBe('number');
    expect(factKind('moments.birthday.daysUntil')).toBe('number');
    expect(factKind('journey.stage')).toBe('string');
    expect(factKind('traits.plan')).toBe('any');
    expect(factKind('consent.marketing')).toBe('boolean');
    expect(factKind('recent.productIds')).toBe('array');
  });

  it('lists every fact for the docs', () => {
    expect(FACT_NAMES).toContain('orders.lateCount');
    expect(FACT_NAMES).toContain('traits.<path>');
    expect(FACT_NAMES).toContain('moments.<kind>.daysUntil');
  });

  it.each([
    ['cart.valu', 'cart.value'],
    ['cart.Value', 'cart.value'],
    ['order.count', 'orders.count'],
    ['trait.plan', 'traits.plan'],
    ['event.property.reason', 'event.properties.reason'],
    ['moments.birthday.daysuntil', 'moments.birthday.daysUntil'],
    ['local.weekDay', 'local.weekday'],
  ])('suggests %s → %s', (typo, suggestion) => {
    expect(suggestFact(typo)).toBe(suggestion);
  });

  it('suggests nothing for a name far from any fact', () => {
    expect(suggestFact('the weather in Paris')).toBeNull();
  });
});
