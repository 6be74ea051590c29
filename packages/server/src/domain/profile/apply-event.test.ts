import { describe, expect, it } from 'vitest';
import { applyEvent } from './apply-event.js';
import { emptyProfile } from './empty-profile.js';
import { PROFILE_LIMITS } from './limits.js';
import { PROFILE_BOUNDS } from './profile.js';
import { at, fold, identify, makeEvent, page, track } from './profile.test-helpers.js';

const shoes = { product_id: 'SKU-SHOE', sku: 'SHOE-42', name: 'Running shoe', price: 89.9, currency: 'EUR' };
const socks = { product_id: 'SKU-SOCK', name: 'Socks', price: '4.95', quantity: 2 };

describe('applyEvent: a realistic shop visit', () => {
  it('tracks products, cart, order and journey stage at each step', () => {
    const profile = emptyProfile(at('2026-11-22T09:00:00Z'));
    const step = (event: ReturnType<typeof track>) => {
      applyEvent(profile, event, { geo: null });
      return profile.journey.stage;
    };

    expect(step(page('2026-11-22T09:00:00Z', { url: 'https://shop.example/', title: 'Home' }))).toBe('browsing');
    expect(step(page('2026-11-22T09:01:00Z', { url: 'https://shop.example/shoes?color=red' }))).toBe('browsing');
    expect(step(track('2026-11-22T09:02:00Z', 'Product Viewed', shoes))).toBe('considering');
    expect(step(track('2026-11-22T09:03:00Z', 'Product Viewed', socks))).toBe('considering');
    expect(profile.recentProducts.map((p) => p.productId)).toEqual(['SKU-SOCK', 'SKU-SHOE']);

    expect(step(track('2026-11-22T09:04:00Z', 'Product Added', { ...shoes, quantity: 1 }))).toBe('considering');
    expect(step(track('2026-11-22T09:05:00Z', 'Product Added', socks))).toBe('considering');
    expect(profile.cart.items).toHaveLength(2);
    expect(profile.cart.value).toBe(99.8); // 89.90 + 2 × 4.95, no float drift
    expect(profile.cart.currency).toBe('EUR');

    expect(step(track('2026-11-22T09:06:00Z', 'Checkout Started', { value: 99.8 }))).toBe('buying');
    expect(profile.cart.checkoutStartedAt).toBe(at('2026-11-22T09:06:00Z'));
    expect(step(track('2026-11-22T09:07:00Z', 'Payment Info Entered', {}))).toBe('buying');
    expect(profile.cart.paymentInfoAt).toBe(at('2026-11-22T09:07:00Z'));

    expect(
      step(
        track('2026-11-22T09:08:00Z', 'Order Completed', {
          order_id: 'A-1001',
          total: 104.8,
          currency: 'EUR',
          products: [
            { ...shoes, quantity: 1 },
            { ...socks, quantity: 2 },
          ],
        }),
      ),
    ).toBe('awaiting_delivery');
    expect(profile.orders.count).toBe(1);
    expect(profile.orders.lifetimeValue).toBe(104.8);
    expect(profile.orders.recent[0]).toMatchObject({ orderId: 'A-1001', itemCount: 3, status: 'completed' });
    expect(profile.cart).toMatchObject({ items: [], value: 0, checkoutStartedAt: null, paymentInfoAt: null });

    expect(step(track('2026-11-24T08:00:00Z', 'Order Shipped', { order_id: 'A-1001' }))).toBe('awaiting_delivery');
    expect(step(track('2026-11-25T15:00:00Z', 'Order Delivered', { order_id: 'A-1001' }))).toBe('after_care');
    expect(profile.orders.recent[0]).toMatchObject({ status: 'delivered', deliveredAt: at('2026-11-25T15:00:00Z') });

    expect(profile.journey.since).toBe(at('2026-11-25T15:00:00Z')); // when the stage last changed
    expect(profile.eventCount).toBe(11);
    expect(profile.session.count).toBe(1); // backend fulfilment events do not open sessions
  });

  it('records pages newest first, de-duplicated, with the current page and the session path', () => {
    const profile = fold([
      page('2026-01-01T10:00:00Z', { url: 'https://shop.example/a' }),
      page('2026-01-01T10:01:00Z', {}, { page: { url: 'https://shop.example/b?x=1', title: 'B' } }),
      page('2026-01-01T10:02:00Z', { url: 'https://shop.example/a' }),
    ]);
    expect(profile.recentPages.map((p) => p.url)).toEqual(['https://shop.example/a', 'https://shop.example/b?x=1']);
    expect(profile.recentPages[1]).toMatchObject({ path: '/b', title: 'B' });
    expect(profile.session.pages.map((p) => p.path)).toEqual([
      '/a',
      '/b',
      '/a',
    ]);
    expect(profile.session.currentPage?.at).toBe(at('2026-01-01T10:02:00Z'));
  });

  it('records app screens by name', () => {
    const profile = fold([makeEvent('screen', '2026-01-01T10:00:00Z', { name: 'Product Detail' })]);
    expect(profile.recentPages[0]).toMatchObject({ name: 'Product Detail', url: null });
    expect(profile.session.currentPage?.name).toBe('Product Detail');
  });
});

describe('applyEvent: sessions', () => {
  it('starts a new session after 30 minutes of inactivity and resets its pages', () => {
    const profile = fold([
      page('2026-01-01T10:00:00Z', { url: 'https://s.example/1' }),
      page('2026-01-01T10:29:00Z', { url: 'https://s.example/2' }),
      page('2026-01-01T10:59:00Z', { url: 'https://s.example/3' }), // exactly 30 min: same session
      page('2026-01-01T11:29:01Z', { url: 'https://s.example/4' }), // 30 min 1 s: new session
    ]);
    expect(profile.session.count).toBe(2);
    expect(profile.session.startedAt).toBe(at('2026-01-01T11:29:01Z'));
    expect(profile.session.pages.map((p) => p.path)).toEqual(['/4']);
    expect(profile.recentPages).toHaveLength(4);
  });

  it('a product viewed in an earlier session no longer means considering', () => {
    const profile = fold([
      track('2026-01-01T10:00:00Z', 'Product Viewed', shoes),
      page('2026-01-01T12:00:00Z', { url: 'https://s.example/' }),
    ]);
    expect(profile.journey.stage).toBe('browsing');
  });
});

describe('applyEvent: out-of-order events', () => {
  it('keeps first/last seen as min/max and orders recent lists by event time', () => {
    const profile = fold([
      page('2026-01-01T10:05:00Z', { url: 'https://s.example/late' }),
      page('2026-01-01T10:00:00Z', { url: 'https://s.example/early' }),
      track('2026-01-01T10:03:00Z', 'Product Viewed', { product_id: 'p1' }),
      track('2026-01-01T10:01:00Z', 'Product Viewed', { product_id: 'p1' }), // older view of the same product
    ]);
    expect(profile.firstSeen).toBe(at('2026-01-01T10:00:00Z'));
    expect(profile.lastSeen).toBe(at('2026-01-01T10:05:00Z'));
    expect(profile.recentPages.map((p) => p.url)).toEqual(['https://s.example/late', 'https://s.example/early']);
    expect(profile.recentProducts).toEqual([expect.objectContaining({ productId: 'p1', at: at('2026-01-01T10:03:00Z') })]);
    expect(profile.session).toMatchObject({
      count: 1,
      startedAt: at('2026-01-01T10:00:00Z'),
      lastActivityAt: at('2026-01-01T10:05:00Z'),
    });
    expect(profile.session.pages.map((p) => p.path)).toEqual(['/early', '/late']);
    expect(profile.session.currentPage?.url).toBe('https://s.example/late');
  });

  it('a late event does not overwrite the present device or language', () => {
    const profile = fold([
      page('2026-01-01T10:05:00Z', {}, { locale: 'ja-JP', userAgent: IPHONE }),
      page('2026-01-01T10:00:00Z', {}, { locale: 'en-US', userAgent: WINDOWS_CHROME }),
    ]);
    expect(profile.language).toBe('ja-JP');
    expect(profile.device.os).toBe('iOS');
  });

  it('a late Order Completed does not empty a cart filled after it', () => {
    const profile = fold([
      track('2026-01-01T10:10:00Z', 'Product Added', { product_id: 'next', price: 5 }),
      track('2026-01-01T10:00:00Z', 'Order Completed', { order_id: 'o1', total: 20 }),
    ]);
    expect(profile.cart.items.map((i) => i.productId)).toEqual(['next']);
    expect(profile.orders.count).toBe(1);
  });
});

describe('applyEvent: traits, moments, preferences', () => {
  it('merges identify traits (latest wins) and context.traits, and stores null as null', () => {
    const profile = fold([
      identify('2026-01-01T10:00:00Z', { name: 'Aiko', email: 'a@example.com', plan: 'gold' }),
      page('2026-01-01T10:01:00Z', {}, { traits: { email: 'aiko@example.com' } }),
      identify('2026-01-01T10:02:00Z', { plan: null }),
    ]);
    expect(profile.traits).toEqual({ name: 'Aiko', email: 'aiko@example.com', plan: null });
  });

  it('ignores group traits for the person and keeps a bounded set of groups', () => {
    const events = Array.from({ length: 25 }, (_, i) =>
      makeEvent('group', 1_700_000_000_000 + i, { groupId: `g${i}`, traits: { name: 'ACME' } }),
    );
    events.push(makeEvent('group', 1_700_000_001_000, { groupId: 'g24' }));
    const profile = fold(events);
    expect(profile.traits).toEqual({});
    expect(profile.groups).toHaveLength(PROFILE_LIMITS.groups);
    expect(profile.groups[0]).toBe('g24');
    expect(new Set(profile.groups).size).toBe(PROFILE_LIMITS.groups);
  });

  it('derives moments from date traits and drops them when the trait is cleared', () => {
    const profile = fold([
      identify('2026-01-01T10:00:00Z', {
        birthday: '1990-05-14T00:00:00.000Z',
        anniversary: '--06-01',
        reservation_date: '2026-12-24',
        checkInDate: '2026-02-30', // impossible: ignored
        favourite_date_idea: 'picnic', // not a date trait name
      }),
    ]);
    expect(profile.moments).toEqual([
      { kind: 'birthday', trait: 'birthday', date: '1990-05-14', yearly: true },
      { kind: 'anniversary', trait: 'anniversary', date: '--06-01', yearly: true },
      { kind: 'reservation_date', trait: 'reservation_date', date: '2026-12-24', yearly: false },
    ]);
    applyEvent(profile, identify('2026-01-02T10:00:00Z', { birthday: null }), { geo: null });
    expect(profile.moments.map((m) => m.kind)).toEqual(['anniversary', 'reservation_date']);
  });

  it('reads date_of_birth and birthdate as the birthday', () => {
    expect(fold([identify(1_700_000_000_000, { date_of_birth: '1985-02-29' })]).moments).toEqual([]); // 1985 is not leap
    expect(fold([identify(1_700_000_000_000, { birthdate: '1984-02-29' })]).moments[0]).toMatchObject({
      kind: 'birthday',
      date: '1984-02-29',
    });
  });

  it('merges channel preferences and consent categories', () => {
    const profile = fold([
      identify('2026-01-01T10:00:00Z', { channelPreferences: { email: true, sms: false, push: 'yes' } }),
      identify('2026-01-01T10:01:00Z', { channelPreferences: { sms: true } }),
      page('2026-01-01T10:02:00Z', {}, { consent: { categoryPreferences: { Advertising: false, Analytics: true } } }),
      page('2026-01-01T10:00:30Z', {}, { consent: { categoryPreferences: { Advertising: true } } }), // older answer
    ]);
    expect(profile.channels).toEqual({ email: true, sms: true });
    expect(profile.consent).toEqual({
      categories: { Advertising: false, Analytics: true },
      updatedAt: at('2026-01-01T10:02:00Z'),
    });
  });

  it('records the last campaign touch', () => {
    const profile = fold([
      page('2026-01-01T10:00:00Z', {}, { campaign: { source: 'google', medium: 'cpc', name: 'winter' } }),
      page('2026-01-01T10:05:00Z', {}, { campaign: { source: 'newsletter', medium: 'email', name: 'sale' } }),
    ]);
    expect(profile.campaign).toEqual({
      source: 'newsletter',
      medium: 'email',
      name: 'sale',
      at: at('2026-01-01T10:05:00Z'),
    });
  });
});

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('applyEvent: device, language, IP, location', () => {
  it('reads a browser device from the User-Agent and language/IP from context', () => {
    const profile = fold([page('2026-01-01T10:00:00Z', {}, { userAgent: IPHONE, locale: 'ja_jp', ip: '203.0.113.9' })]);
    expect(profile.device).toEqual({ type: 'mobile', browser: 'Safari', os: 'iOS', model: null, app: null });
    expect(profile.language).toBe('ja-JP');
    expect(profile.lastIp).toBe('203.0.113.9');
  });

  it('reads a mobile app device from context.device, os and app', () => {
    const profile = fold([
      makeEvent('screen', '2026-01-01T10:00:00Z', {
        name: 'Home',
        context: {
          device: { type: 'ios', model: 'iPad13,4', manufacturer: 'Apple' },
          os: { name: 'iPadOS', version: '17.1' },
          app: { name: 'Omise Shop', version: '3.2' },
        },
      }),
    ]);
    expect(profile.device).toEqual({ type: 'tablet', browser: null, os: 'iOS', model: 'Apple iPad13,4', app: 'Omise Shop' });
  });

  it('keeps the device when a server-side call carries no device information', () => {
    const profile = fold([
      page('2026-01-01T10:00:00Z', {}, { userAgent: IPHONE }),
      identify('2026-01-01T10:01:00Z', { plan: 'gold' }, { library: { name: 'analytics-node' } }),
    ]);
    expect(profile.device.type).toBe('mobile');
  });

  it('takes place from the IP database but lets context.timezone win for the time zone', () => {
    const geo = { country: 'US', region: 'CA', city: 'San Francisco', timezone: 'America/Los_Angeles' };
    const ipOnly = fold([page('2026-01-01T10:00:00Z', {}, { ip: '198.51.100.1' })], geo);
    expect(ipOnly.location).toEqual({ ...geo, timezoneSource: 'ip' });

    const withContext = fold(
      [
        page('2026-01-01T10:00:00Z', {}, { timezone: 'Asia/Tokyo' }),
        page('2026-01-01T10:01:00Z', {}, {}), // IP lookup only: must not undo the client's zone
      ],
      geo,
    );
    expect(withContext.location).toMatchObject({ country: 'US', timezone: 'Asia/Tokyo', timezoneSource: 'context' });
  });

  it('ignores a context time zone Intl does not know', () => {
    const profile = fold([page('2026-01-01T10:00:00Z', {}, { timezone: 'Mars/Olympus_Mons' })]);
    expect(profile.location.timezone).toBeNull();
  });
});

describe('applyEvent: bounds', () => {
  it('keeps every list bounded however long the history', () => {
    const profile = emptyProfile(0);
    const start = at('2026-01-01T00:00:00Z');
    for (let i = 0; i < 500; i++) {
      const when = start + i * 1000;
      applyEvent(profile, page(when, { url: `https://s.example/p${i}` }), { geo: null });
      applyEvent(profile, track(when, 'Product Viewed', { product_id: `p${i}`, price: 1 }), { geo: null });
      applyEvent(profile, track(when, 'Product Added', { product_id: `p${i}`, price: 1 }), { geo: null });
      applyEvent(profile, track(when, 'Order Completed', { order_id: `o${i}`, total: 1 }), { geo: null });
      applyEvent(profile, identify(when, { [`custom_${i}`]: i }), { geo: null });
    }
    expect(profile.recentPages).toHaveLength(PROFILE_BOUNDS.recentPages);
    expect(profile.recentPages[0]?.url).toBe('https://s.example/p499');
    expect(profile.session.pages).toHaveLength(PROFILE_BOUNDS.sessionPages);
    expect(profile.recentProducts).toHaveLength(PROFILE_BOUNDS.recentProducts);
    expect(profile.orders.recent).toHaveLength(PROFILE_BOUNDS.recentOrders);
    expect(profile.orders.recent[0]?.orderId).toBe('o499');
    expect(profile.orders.count).toBe(500);
    expect(profile.orders.lifetimeValue).toBe(500);
    expect(Object.keys(profile.traits)).toHaveLength(PROFILE_LIMITS.traitKeys);
  });

  it('caps the cart at 100 lines', () => {
    const events = Array.from({ length: 150 }, (_, i) => track(1_700_000_000_000 + i, 'Product Added', { product_id: `p${i}` }));
    expect(fold(events).cart.items).toHaveLength(PROFILE_BOUNDS.cartItems);
  });
});

describe('applyEvent: nonsense input', () => {
  const junk: unknown[] = [null, 42, -1, 'NaN', '', '   ', [], [1, [2]], { a: { b: null } }, true, 1e308, '1e999'];

  it('never throws and never produces NaN', () => {
    const profile = emptyProfile(0);
    const names = ['Product Viewed', 'Product Added', 'Product Removed', 'Cart Viewed', 'Checkout Started', 'Order Completed', 'Order Refunded', 'Order Cancelled', 'Order Shipped', 'Order Delivered'];
    let i = 0;
    for (const name of names) {
      for (const value of junk) {
        i++;
        const v = value as never;
        const props = { product_id: v, price: v, quantity: v, order_id: v, total: v, products: v, currency: v, url: v, promised_delivery_date: v };
        const context = { userAgent: v, device: v, os: v, app: v, locale: v, ip: v, timezone: v, consent: v, campaign: v, page: v, traits: v };
        expect(() => applyEvent(profile, track(1_700_000_000_000 + i, name, props, context), { geo: null })).not.toThrow();
        expect(() => applyEvent(profile, page(1_700_000_000_000 + i, props, context), { geo: null })).not.toThrow();
        expect(() => applyEvent(profile, identify(1_700_000_000_000 + i, { birthday: v, channelPreferences: v, some_date: v }), { geo: null })).not.toThrow();
      }
    }
    expect(() => applyEvent(profile, { ...track(1, 'Order Completed'), properties: null as never, context: 'x' as never }, { geo: null })).not.toThrow();
    const numbers = [profile.cart.value, profile.orders.lifetimeValue, ...profile.cart.items.map((item) => item.price * item.quantity)];
    expect(numbers.every(Number.isFinite)).toBe(true);
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });

  it('does not let a __proto__ trait change the prototype', () => {
    const profile = fold([identify(1_700_000_000_000, JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'))]);
    expect(Object.getPrototypeOf(profile.traits)).toBe(Object.prototype);
    expect(profile.traits).toEqual({ ok: 1 });
  });
});

describe('applyEvent: backend events', () => {
  it('an empty IP lookup keeps the known place, and fulfilment events never touch device or place', () => {
    const geo = { country: 'JP', region: '13', city: 'Tokyo', timezone: 'Asia/Tokyo' };
    const profile = fold([page('2026-01-01T10:00:00Z', {}, { userAgent: IPHONE })], geo);
    fold([page('2026-01-01T10:01:00Z', {}, {})], { country: null, region: null, city: null, timezone: null }, profile);
    fold([track('2026-01-01T10:00:00Z', 'Order Completed', { order_id: 'o1', total: 1 })], geo, profile);
    fold(
      [track('2026-01-03T10:00:00Z', 'Order Shipped', { order_id: 'o1' }, { userAgent: 'node-fetch/1.0', ip: '10.0.0.1' })],
      { country: 'US', region: 'VA', city: 'Ashburn', timezone: 'America/New_York' },
      profile,
    );
    expect(profile.location).toMatchObject({ country: 'JP', city: 'Tokyo', timezone: 'Asia/Tokyo' });
    expect(profile.device.type).toBe('mobile');
    expect(profile.lastIp).toBeNull();
    expect(profile.session.lastActivityAt).toBe(at('2026-01-01T10:01:00Z'));
  });
});
