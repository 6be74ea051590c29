import type { Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { describeBrowser, screenshot, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import {
  connectVisitor, hasText, loginWithApi, newConsolePage, openView, track, until, visible, visitorReceives,
  type ConsolePage, type Visitor,
} from './console-support.js';

/**
 * Issue 6, "Live visitors": who is on the site now, their page, time on page and cart, and
 * "invite to chat" — a manual touch that reaches the shopper's open chat socket, and that the
 * etiquette holds back, with its reason, when it would intrude.
 */
describeBrowser('console: live visitors and "invite to chat"', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;
  let shopper: Visitor | undefined;

  withServerAndBrowser(async (s, b) => {
    [server, browser] = [s, b];
    cp = await newConsolePage(browser);
    await loginWithApi(cp.context, server);
  });
  afterAll(() => shopper?.close());

  it('lists the shopper with page, time on page and cart; invites once; a second invitation is held back and says why', async () => {
    const { page } = cp;
    const anon = `anon-live-${Date.now()}`;
    await track(server, [
      { type: 'identify', anonymousId: anon, traits: { name: 'Yui Tanaka' } },
      { type: 'track', anonymousId: anon, event: 'Product Added', properties: { product_id: 'whisk-1', name: 'Matcha whisk', price: 12, quantity: 2, currency: 'EUR' } },
      { type: 'page', anonymousId: anon, name: 'Matcha whisk', properties: { url: 'https://shop.example/products/whisk', path: '/products/whisk', title: 'Matcha whisk' } },
    ]);
    const { id: customerId } = await until(
      () => server.api<{ id: string }>('GET', `/api/v1/customers/lookup?anonymousId=${anon}`), 'the shopper to be known', 10_000, 200);
    shopper = await connectVisitor(server, anon, { url: 'https://shop.example/products/whisk', title: 'Matcha whisk' });

    await openView(page, server, '/visitors', 'live-visitors', 'the live visitors');
    const row = page.locator(`[data-testid="visitor-row"][data-customer-id="${customerId}"]`);
    await visible(row, 'the shopper\'s row', 15_000);
    await hasText(row, 'Yui Tanaka', 'the row');
    await hasText(row, 'Matcha whisk', 'the current page');
    await hasText(row, '/products/whisk', 'the current path');
    await hasText(row, '€24.00', 'the cart value (2 × €12)');
    // Time on page counts on between reads of the list (a clock, not a snapshot).
    const onPage = row.locator('td').nth(2);
    const first = await onPage.textContent();
    expect(first).toMatch(/\d/);
    await until(async () => (await onPage.textContent()) !== first, 'the time on page to count on', 5_000, 200);

    await row.locator('[data-testid="invite-visitor"]').click();
    await row.locator('[data-testid="invite-message"]').fill('Hello Yui, can I help you choose a whisk?');
    await row.locator('[data-testid="invite-send"]').click();
    const result = row.locator('[data-testid="invite-result"]');
    await visible(result, 'the invitation\'s outcome');
    expect(await result.getAttribute('data-ok')).toBe('true');
    const inv = await visitorReceives(shopper, (f) => f.type === 'invitation', 'the invitation');
    expect(JSON.stringify(inv)).toContain('Hello Yui, can I help you choose a whisk?');
    await screenshot(page, 'console-visitors-invited');

    // Straight away again: the etiquette holds it back, and the operator is told why.
    await row.locator('[data-testid="invite-visitor"]').click();
    await row.locator('[data-testid="invite-send"]').click();
    await until(async () => (await result.getAttribute('data-ok')) === 'false', 'the second invitation to be held back');
    expect(await result.textContent()).toMatch(/held back/i);
    const touches = (await server.api<{ items: unknown[] }>('GET', `/api/v1/customers/${customerId}/touches`)).items;
    expect(touches, 'only the first invitation became a touch').toHaveLength(1);
    expect(cp.errors).toEqual([]);
  });
});
