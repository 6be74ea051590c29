import type { Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { describeBrowser, screenshot, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import {
  composerInput, connectVisitor, hasText, loginWithApi, newConsolePage, openView, tid, track, until, visible, visitorSays,
  type ConsolePage, type Visitor,
} from './console-support.js';

/**
 * Issue 6, "suggestions for what else could be done": the customer panel shows the server's
 * suggestions (GET /api/v1/customers/:id/suggestions) as text, with their actions — an
 * invitation sent through the etiquette, a snippet search handed to the composer beside it, a
 * task named (no route creates one).
 */
interface Suggestion { kind: string; text: string; action: { type: string } | null }

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describeBrowser('console: the customer panel\'s suggestions and their actions', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;
  const shoppers: Visitor[] = [];

  withServerAndBrowser(async (s, b) => {
    [server, browser] = [s, b];
    cp = await newConsolePage(browser);
    await loginWithApi(cp.context, server);
  });
  afterAll(() => {
    for (const s of shoppers) s.close();
  });

  const suggestionsOf = async (anonymousId: string, kinds: string[]) => {
    const id = (await server.api<{ id: string }>('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`)).id;
    await until(async () => {
      const got = (await server.api<{ suggestions: Suggestion[] }>('GET', `/api/v1/customers/${id}/suggestions`)).suggestions;
      return kinds.every((k) => got.some((s) => s.kind === k)) ? got : null;
    }, `suggestions ${kinds.join(', ')} for ${anonymousId}`);
    return id;
  };

  it('beside a conversation: a late order\'s snippet opens the composer\'s picker; a moment names its task; a name stays text', async () => {
    const { page } = cp;
    const anon = `anon-suggest-${Date.now()}`;
    const now = Date.now();
    // firstName() takes the first word: markup without spaces, so the whole of it reaches the sentence.
    const name = '<i>Mika</i> Sato';
    const soon = new Date(now + 3 * DAY);
    await track(server, [
      { type: 'identify', anonymousId: anon, traits: { name, birthday: `1990-${String(soon.getUTCMonth() + 1).padStart(2, '0')}-${String(soon.getUTCDate()).padStart(2, '0')}` } },
      { type: 'track', anonymousId: anon, event: 'Order Completed', timestamp: new Date(now - 6 * DAY).toISOString(), properties: { order_id: 'LATE-1', total: 40, currency: 'EUR', promised_delivery_date: isoDay(now - 3 * DAY) } },
    ]);
    const shopper = await connectVisitor(server, anon);
    shoppers.push(shopper);
    const { conversationId } = await visitorSays(shopper, 'Where is my order?');
    await suggestionsOf(anon, ['late_order', 'moment']);

    await openView(page, server, `/inbox/${conversationId}`, 'customer-suggestions', 'the suggestions beside the conversation');
    const late = tid(page, 'customer-suggestions').locator('[data-testid="suggestion"][data-kind="late_order"]');
    await hasText(late, 'Order LATE-1 was promised for', 'the late order suggestion');
    const moment = tid(page, 'customer-suggestions').locator('[data-testid="suggestion"][data-kind="moment"]');
    await hasText(moment, 'birthday is in 3 days', 'the moment suggestion');
    await hasText(moment, 'Send a birthday note', 'the moment\'s task');
    // The customer's name (markup in a trait) is text in the sentence, never an element.
    await hasText(moment, '<i>Mika</i>\'s birthday', 'the name as text');
    expect(await tid(page, 'customer-suggestions').locator('i').count()).toBe(0);
    await tid(page, 'customer-suggestions').scrollIntoViewIfNeeded();
    await screenshot(page, 'console-suggestions');

    await late.locator('[data-testid="suggestion-snippet"]').click();
    await visible(tid(page, 'snippet-picker'), 'the composer\'s snippet picker');
    expect(await composerInput(page).inputValue()).toBe('/delivery');

    // The moment's task becomes a staff task with one click, and is not suggested again.
    await moment.locator('[data-testid="suggestion-add-task"]').click();
    await visible(moment.locator('[data-testid="suggestion-task-added"]'), 'the task added confirmation');
    const customerId = (await server.api<{ id: string }>('GET', `/api/v1/customers/lookup?anonymousId=${anon}`)).id;
    // (A playbook's own tasks may be there too: the one made here is the one naming the suggestion.)
    const tasks = (await server.api<{ items: { title: string; context: { note: string; suggestionKey?: string } }[] }>('GET', `/api/v1/tasks?customerId=${customerId}`)).items
      .filter((x) => x.context.suggestionKey !== undefined);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.title).toBe('Send a birthday note');
    expect(tasks[0]!.context.note).toContain('birthday is in 3 days');
    expect(tasks[0]!.context.suggestionKey).toMatch(/^moment:birthday:/);
    const again = (await server.api<{ suggestions: { kind: string }[] }>('GET', `/api/v1/customers/${customerId}/suggestions`)).suggestions;
    expect(again.map((s) => s.kind)).not.toContain('moment');
  });

  it('on the customer page: an open cart\'s invitation is sent through the etiquette and says so', async () => {
    const { page } = cp;
    const anon = `anon-cart-${Date.now()}`;
    const now = Date.now();
    await track(server, [
      { type: 'track', anonymousId: anon, event: 'Product Added', timestamp: new Date(now - 45 * 60_000).toISOString(), properties: { product_id: 'tea-1', name: 'Sencha', price: 12, quantity: 2, currency: 'EUR' } },
      { type: 'page', anonymousId: anon, name: 'Teas', properties: { url: 'https://shop.example/teas', path: '/teas', title: 'Teas' } },
    ]);
    const id = await suggestionsOf(anon, ['open_cart']);
    await openView(page, server, `/customers/${id}`, 'customer-suggestions', 'the suggestions on the customer page');
    const cart = tid(page, 'customer-suggestions').locator('[data-testid="suggestion"][data-kind="open_cart"]');
    await hasText(cart, 'A cart of 2 items', 'the open cart suggestion');
    await cart.locator('[data-testid="suggestion-invite"]').click();
    const result = cart.locator('[data-testid="invite-result"]');
    await visible(result, 'the invitation\'s outcome');
    expect(await result.getAttribute('data-ok')).toBe('true');
    await screenshot(page, 'console-suggestion-invited');
    const touches = (await server.api<{ items: { content: { message?: string } }[] }>('GET', `/api/v1/customers/${id}/touches`)).items;
    expect(touches.map((t) => t.content.message)).toEqual(['Can I help you with anything in your cart?']);
    expect(cp.errors).toEqual([]);
  });

  it('in Japanese: the suggestions are worded in the operator\'s language from their data', async () => {
    const ja = await newConsolePage(browser, { locale: 'ja-JP' });
    await loginWithApi(ja.context, server);
    const anon = `anon-ja-${Date.now()}`;
    await track(server, [
      { type: 'track', anonymousId: anon, event: 'Product Added', timestamp: new Date(Date.now() - 3 * 3_600_000).toISOString(), properties: { product_id: 'tea-2', name: 'Gyokuro', price: 30, quantity: 3, currency: 'JPY' } },
      { type: 'identify', anonymousId: anon, timestamp: new Date(Date.now() - 3 * 3_600_000).toISOString(), traits: { firstName: 'Haruto' } },
    ]);
    const id = await suggestionsOf(anon, ['open_cart']);
    await openView(ja.page, server, `/customers/${id}`, 'customer-suggestions', 'the suggestions on the customer page (ja)');
    const cart = tid(ja.page, 'customer-suggestions').locator('[data-testid="suggestion"][data-kind="open_cart"]');
    await hasText(cart, 'カート(3点、', 'the open cart suggestion in Japanese');
    await hasText(cart, '3時間前から止まったまま', 'how long the cart has waited, in Japanese');
    await hasText(cart, 'カートについて声をかける', 'the task, named in Japanese');
    expect(await cart.textContent()).not.toContain('A cart of');
    await screenshot(ja.page, 'console-suggestions-ja');
    expect(ja.errors).toEqual([]);
    await ja.context.close();
  });
});
