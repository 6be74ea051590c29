import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, startServer, type RunningServer } from '../helpers/browser.js';
import { VIEWPORT, clickShop, customerOf, part, servePage, shopPage, timeline, until, visible, waitForPath, watchBatches, type TimelineEvent } from './widget-support.js';

const pathOf = (e: TimelineEvent): string | undefined => {
  const p = e.payload?.properties ?? {};
  return p.path ?? (typeof p.url === 'string' ? new URL(p.url).pathname : undefined);
};

/**
 * What the tracker tells the server, checked where an operator would look (the customer's
 * timeline): every client-side route is a page view, time on page and scroll depth arrive, and
 * with data-require-consent nothing leaves the browser before the shopper agrees.
 */
describeBrowser('widget: tracking in a single-page shop, and consent', () => {
  let server: RunningServer;
  let browser: Browser;
  let spa: { expected: string[]; left: TimelineEvent[] } | undefined;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('client-side navigation produces a page view per route, Page Left with time on page, and scroll depth', async () => {
    // A short window so the product list scrolls.
    const context = await browser.newContext({ viewport: { width: 1280, height: 500 } });
    const page = await context.newPage();
    await page.goto(`${server.base}/demo/`);
    await visible(page.locator('a[href^="/demo/products/"]'), 'the product list');
    await visible(part(page, 'launcher'), 'the widget launcher');
    // A marker that a full page load would wipe: the routes below must be client-side.
    await page.evaluate(() => { (globalThis as any).__sameDocument = true; });

    const scrollable = await page.evaluate(() => {
      const g = globalThis as any;
      return g.document.documentElement.scrollHeight > g.innerHeight + 100;
    });
    expect(scrollable, 'the demo product list is taller than a 500 px window').toBe(true);
    await page.mouse.move(640, 250);
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(50);
    }

    await clickShop(page, 'a[href^="/demo/products/"]', 'product link');
    await waitForPath(page, /^\/demo\/products\/[^/]+$/);
    const productPath = new URL(page.url()).pathname;
    await page.waitForTimeout(300); // a visible stay on the product page before moving on
    await clickShop(page, '[data-testid="add-to-cart"]', 'add-to-cart button');
    await clickShop(page, '[data-testid="cart-link"]', 'cart link');
    await waitForPath(page, '/demo/cart');
    await clickShop(page, 'a[href="/demo/returns"]', 'returns link');
    await waitForPath(page, '/demo/returns');
    await page.goBack(); // popstate
    await waitForPath(page, '/demo/cart');
    expect(await page.evaluate(() => (globalThis as any).__sameDocument === true), 'the shop routes without reloading').toBe(true);

    const customer = await customerOf(server, page);
    const expected = ['/demo/', productPath, '/demo/cart', '/demo/returns', '/demo/cart'];
    const events = await until(async () => {
      const all = await timeline(server, customer.id);
      const pages = all.filter((e) => e.type === 'page').map(pathOf);
      const left = all.filter((e) => e.name === 'Page Left').length;
      return pages.length >= expected.length && left >= 4 ? all : undefined;
    }, `page views for ${expected.join(', ')} in the customer's timeline`, 15_000, 500);

    const pages = events.filter((e) => e.type === 'page').map(pathOf);
    expect(pages).toEqual(expected);
    // Each page view but the last is followed by the Page Left of that page, in order.
    const left = events.filter((e) => e.name === 'Page Left');
    expect(left.length, 'a "Page Left" for each route left').toBe(expected.length - 1);
    for (const e of left) expect(e.payload.properties.timeOnPageMs).toBeGreaterThan(0);
    expect(left[1]!.payload.properties.timeOnPageMs, 'time on the product page (stayed ≥ 300 ms)').toBeGreaterThanOrEqual(300);
    expect(left[0]!.payload.properties.maxScrollPercent, 'the product list was scrolled to its end').toBeGreaterThanOrEqual(90);
    const depths = events.filter((e) => e.name === 'Scroll Depth Reached').map((e) => e.payload.properties.percent as number);
    expect(depths).toEqual(expect.arrayContaining([25, 50, 75, 100]));
    spa = { expected, left };
    await context.close();
  }, 60_000);

  it('rage clicks, leave intent and form errors on opted-in forms are tracked; other forms are not', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const url = `${server.base}/__test/signals`;
    await servePage(context, url, shopPage(server, {
      attrs: 'data-track-form-errors="form.checkout"',
      body: `<main><h1>Checkout</h1>
        <button id="apply-coupon" type="button">Apply coupon</button>
        <form class="checkout"><label>Email <input name="email" type="email" required></label><button id="pay" type="submit">Pay</button></form>
        <form class="newsletter"><input name="newsletter" type="email" required><button id="subscribe" type="submit">Subscribe</button></form>
      </main>`,
    }));
    const page = await context.newPage();
    await page.goto(url);
    await visible(part(page, 'launcher'), 'the widget launcher');
    // A coupon button that does nothing, clicked again and again.
    for (let i = 0; i < 4; i++) await page.click('#apply-coupon', { delay: 10 });
    // Submitting the opted-in form with a bad email, then the newsletter form likewise.
    await page.fill('form.checkout input[name="email"]', 'not-an-email');
    await page.click('#pay');
    await page.fill('form.newsletter input[name="newsletter"]', 'nope');
    await page.click('#subscribe');
    // The pointer leaves through the top of the window (towards the tabs and the back button).
    await page.mouse.move(600, 200);
    await page.evaluate(() => {
      const g = globalThis as any;
      g.document.dispatchEvent(new g.MouseEvent('mouseout', { bubbles: true, clientX: 600, clientY: 0, relatedTarget: null }));
    });

    const customer = await customerOf(server, page);
    const events = await until(async () => {
      const all = await timeline(server, customer.id);
      const names = new Set(all.map((e) => e.name));
      return names.has('Rage Click') && names.has('Form Error') && names.has('Leave Intent') ? all : undefined;
    }, '"Rage Click", "Form Error" and "Leave Intent" in the customer\'s timeline', 15_000, 500);
    const rage = events.filter((e) => e.name === 'Rage Click');
    expect(rage).toHaveLength(1);
    expect(rage[0]!.payload.properties).toMatchObject({ selector: 'button#apply-coupon' });
    expect(rage[0]!.payload.properties.count).toBeGreaterThanOrEqual(3);
    const formErrors = events.filter((e) => e.name === 'Form Error');
    expect(formErrors.map((e) => e.payload.properties.field), 'only the opted-in form is reported').toEqual(['email']);
    expect(formErrors[0]!.payload.properties.form).toContain('checkout');
    expect(String(formErrors[0]!.payload.properties.message).length).toBeGreaterThan(0);
    expect(events.filter((e) => e.name === 'Leave Intent')).toHaveLength(1);
    await context.close();
  }, 40_000);

  it('with data-honor-gpc, a browser sending Global Privacy Control sends no tracking at all', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(() => {
      Object.defineProperty((globalThis as any).navigator, 'globalPrivacyControl', { value: true, configurable: true });
    });
    const url = `${server.base}/__test/gpc/`;
    await servePage(context, url, shopPage(server, { attrs: 'data-honor-gpc="true"' }));
    const page = await context.newPage();
    const batches = watchBatches(page);
    await page.goto(url);
    await visible(part(page, 'launcher'), 'the widget launcher (chat stays available)');
    await page.evaluate(() => {
      const g = globalThis as any;
      g.history.pushState({}, '', '/__test/gpc/next');
      g.Omotenashi.track('Coupon Applied', { code: 'TEA10' });
    });
    await page.waitForTimeout(4_000); // longer than the tracker's flush interval
    await page.close({ runBeforeUnload: true }); // page hide: the beacon flush must send nothing either
    expect(batches.requests.map((r) => r.url()), 'no /v1/batch request from a GPC browser').toEqual([]);
    await context.close();
  }, 30_000);

  it('each "Page Left" is about the page that was left (its context.page), not the page the shopper went to', () => {
    // The server places an event on its context.page (dwell timers, the operator's timeline), so a
    // Page Left sent after the route changed would land on the next page.
    if (!spa) throw new Error('needs the events of the SPA navigation test above');
    expect(spa.left.map((e) => e.payload.context?.page?.path)).toEqual(spa.expected.slice(0, -1));
  });

  it('with data-require-consent nothing is sent before consent({analytics: true}), then the queued page views are', async () => {
    const context = await browser.newContext();
    const url = `${server.base}/__test/consent/`;
    await servePage(context, url, shopPage(server, { attrs: 'data-require-consent="true"' }));
    const page = await context.newPage();
    const batches = watchBatches(page);
    const other: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === server.base && /^\/v1\/(track|page|identify|screen|group|alias)/.test(u.pathname)) other.push(u.pathname);
    });
    await page.goto(url);
    await until(() => page.evaluate(() => typeof (globalThis as any).Omotenashi?.consent === 'function'), 'window.Omotenashi.consent to exist', 10_000);
    // Things that would normally be tracked: a route change, a custom event, a scroll.
    await page.evaluate(() => {
      const g = globalThis as any;
      g.history.pushState({}, '', '/__test/consent/second');
      g.Omotenashi.track('Coupon Applied', { code: 'TEA10' });
    });
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(4_000); // longer than the tracker's flush interval
    expect(batches.requests.map((r) => r.url()), 'no /v1/batch request before consent').toEqual([]);
    expect(other, 'no other tracking request before consent').toEqual([]);

    await page.evaluate(() => (globalThis as any).Omotenashi.consent({ analytics: true }));
    const sent = await until(() => {
      const evs = batches.events();
      return evs.some((e) => e.type === 'page') && evs.some((e) => e.event === 'Coupon Applied') ? evs : undefined;
    }, 'the queued page views and track call to be sent after consent', 10_000, 100);
    const paths = sent.filter((e) => e.type === 'page').map((e) => e.properties?.path as string);
    expect(paths).toEqual(expect.arrayContaining(['/__test/consent/', '/__test/consent/second']));
    for (const r of batches.requests) expect(r.postData()).toContain(server.writeKey);
    // And they are stored: the customer's timeline has both page views.
    const customer = await customerOf(server, page);
    await until(async () => {
      const stored = (await timeline(server, customer.id)).filter((e) => e.type === 'page').map(pathOf);
      return stored.includes('/__test/consent/') && stored.includes('/__test/consent/second');
    }, 'the page views sent after consent to be stored', 10_000, 250);
    await context.close();
  }, 40_000);

  it('a withdrawn consent holds on the next page: after consent({analytics: false, service: false}) a reload sends nothing', async () => {
    const context = await browser.newContext();
    const url = `${server.base}/__test/withdraw/`;
    await servePage(context, url, shopPage(server)); // no data-require-consent: tracking starts allowed
    const page = await context.newPage();
    const batches = watchBatches(page);
    await page.goto(url);
    await until(() => batches.events().some((e) => e.type === 'page') || undefined, 'the first page view', 10_000, 100);
    await page.evaluate(() => (globalThis as any).Omotenashi.consent({ analytics: false, service: false }));
    const kept = await page.evaluate(() => {
      const ls = (globalThis as any).localStorage;
      return { consent: ls.getItem('omotenashi.consent'), anonymousId: ls.getItem('omotenashi.anonymousId') };
    });
    expect(JSON.parse(kept.consent), 'the refusal is stored').toEqual({ analytics: false, service: false });
    expect(kept.anonymousId, 'the stored anonymous id is forgotten').toBeNull();

    const before = batches.requests.length;
    await page.reload();
    await until(() => page.evaluate(() => (globalThis as any).Omotenashi?._loaded === true), 'the widget to load again', 10_000);
    await page.evaluate(() => (globalThis as any).Omotenashi.track('Coupon Applied', { code: 'TEA10' }));
    await page.waitForTimeout(4_000); // longer than the tracker's flush interval
    expect(batches.requests.slice(before).map((r) => r.postData()), 'no /v1/batch request after the refusal').toEqual([]);
    await context.close();
  }, 40_000);
});
