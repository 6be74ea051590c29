import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, screenshot, startServer, type RunningServer } from '../helpers/browser.js';
import {
  composerInput, connectVisitor, hasText, loginWithForm, newConsolePage, openView, operatorId, tid, track, until, visible,
  visitorReceives, visitorSays, type ConsolePage, type Visitor,
} from './console-support.js';

/**
 * Issue 6, the operator's day in a real browser: log in through the form, take a visitor's
 * conversation from the inbox, watch the customer panel fill while the shopper browses, reply,
 * resolve, and see the satisfaction score the shopper gives over the visitor socket. Then the
 * "needs you now" queue: a low score puts the customer there, and the operator claims and
 * resolves the item. The server is the built one started as `npm start` does.
 */

interface Conversation { id: string; status: string; assigneeId: string | null; csat: { score: number } | null; customerId: string }

/** Assigns the open conversation to me, whether the control is a select of operators or a button. */
async function assignToMe(page: Page, me: string): Promise<void> {
  const control = await visible(tid(page, 'assign'), 'the assign control');
  const tag = await control.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') {
    await control.selectOption(me);
    return;
  }
  const inner = control.locator('select');
  if (await inner.count()) {
    await inner.first().selectOption(me);
    return;
  }
  await control.click();
}

describeBrowser('console: an operator takes, answers and resolves a conversation', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;
  let shopper: Visitor;
  let me: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    cp = await newConsolePage(browser);
    me = await operatorId(server);
  }, 60_000);

  afterAll(async () => {
    shopper?.close();
    await browser?.close();
    await server?.stop();
  });

  it('logs in, takes the conversation, sees the shopper browse live, replies, resolves and sees the rating', async () => {
    const { page } = cp;
    const anon = `anon-flow-${Date.now()}`;
    // The shopper: identified by name through the tracking API, then chatting over the visitor socket.
    await track(server, [
      { type: 'identify', anonymousId: anon, traits: { name: 'Hanako Browser', email: 'hanako.browser@example.com' } },
      { type: 'page', anonymousId: anon, name: 'Home', properties: { url: 'https://shop.example/', path: '/', title: 'Kyoto Crafts — Home' } },
    ]);
    shopper = await connectVisitor(server, anon, { url: 'https://shop.example/', title: 'Kyoto Crafts — Home' });
    const first = await visitorSays(shopper, 'Hello, is the indigo yukata still available in size M?');
    const cid = first.conversationId;

    await loginWithForm(page, server);
    const cookies = await cp.context.cookies();
    expect(cookies.find((c) => c.httpOnly && c.sameSite === 'Strict'), 'an HttpOnly SameSite=Strict session cookie').toBeTruthy();

    const row = page.locator(`[data-testid="conversation-row"][data-conversation-id="${cid}"]`);
    await visible(row, `the shopper's conversation ${cid} in the inbox`);
    await hasText(row, 'indigo yukata', 'the inbox row (preview)');
    await screenshot(page, 'console-inbox');
    await row.click();
    await visible(tid(page, 'thread'), 'the conversation thread');
    await hasText(tid(page, 'thread'), 'indigo yukata', 'the thread');
    expect(await tid(page, 'message').first().getAttribute('data-author-type')).toBe('customer');

    // Take it: assigned to me, as the API confirms.
    await assignToMe(page, me);
    await until(async () => (await server.api<Conversation>('GET', `/api/v1/conversations/${cid}`)).assigneeId === me, 'the conversation to be assigned to the demo operator (GET /api/v1/conversations/:id)');

    // The customer panel: who it is, and the pages of this visit, updating while the shopper browses.
    const panel = await visible(tid(page, 'customer-panel'), 'the customer panel');
    await hasText(panel, 'Hanako Browser', 'the customer panel (name)');
    const pages = tid(page, 'customer-pages');
    await hasText(pages, 'Kyoto Crafts — Home', 'the pages viewed');
    await track(server, [{ type: 'page', anonymousId: anon, name: 'Indigo yukata', properties: { url: 'https://shop.example/products/indigo-yukata', path: '/products/indigo-yukata', title: 'Indigo yukata — Kyoto Crafts' } }]);
    await hasText(pages, 'Indigo yukata — Kyoto Crafts', 'the pages viewed, live (no reload) after a page call', 15_000);
    await track(server, [
      { type: 'track', anonymousId: anon, event: 'Product Added', properties: { product_id: 'yukata-m', name: 'Indigo yukata (M)', price: 89, quantity: 1, currency: 'EUR' } },
      { type: 'page', anonymousId: anon, name: 'Cart', properties: { url: 'https://shop.example/cart', path: '/cart', title: 'Your cart — Kyoto Crafts' } },
    ]);
    await hasText(pages, 'Your cart — Kyoto Crafts', 'the pages viewed, live, after a second page call', 15_000);
    await screenshot(page, 'console-conversation');

    // Reply: the shopper receives it on the socket; the thread shows it as the operator's.
    const reply = 'Yes, size M is in stock. Shall I reserve one for you?';
    await composerInput(page).fill(reply);
    await tid(page, 'composer-send').click();
    const got = await visitorReceives(shopper, (f) => f.type === 'message' && f['message']?.text === reply, 'the operator reply');
    expect(got['message'].author.type).toBe('operator');
    await visible(page.locator('[data-testid="message"][data-author-type="operator"]', { hasText: 'size M is in stock' }), 'the reply in the thread');
    await until(async () => (await composerInput(page).inputValue()) === '', 'the composer to be emptied after sending', 5_000);

    // Resolve: the shopper's conversation is resolved and asks for a rating. The HTTP answer is
    // held back until the rating has arrived over the socket, so it lands late (the race).
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let answered!: () => void;
    const lateAnswer = new Promise<void>((resolve) => { answered = resolve; });
    await page.route(`**/api/v1/conversations/${cid}/status`, async (route) => {
      const res = await route.fetch();
      await held;
      await route.fulfill({ response: res });
      answered();
    });
    await tid(page, 'resolve').click();
    await visitorReceives(shopper, (f) => f.type === 'conversation' && f['conversation'].id === cid && f['conversation'].status === 'resolved' && f['conversation'].csatRequested === true, 'the resolved conversation asking for a rating');
    expect((await server.api<Conversation>('GET', `/api/v1/conversations/${cid}`)).status).toBe('resolved');

    // The shopper rates it; the console shows the score without a reload.
    shopper.socket.send({ type: 'csat', conversationId: cid, score: 5, comment: 'Quick and kind, thank you' });
    await until(async () => (await server.api<Conversation>('GET', `/api/v1/conversations/${cid}`)).csat?.score === 5,
      `the rating stored (visitor frames: ${JSON.stringify(shopper.socket.frames.slice(-3))})`);
    const csat = tid(page, 'csat');
    await visible(csat, 'the satisfaction score (live, without a reload)', 15_000);
    expect(await csat.getAttribute('data-score')).toBe('5');
    await hasText(csat, 'Quick and kind', 'the satisfaction comment');
    // Now the resolve answer (older than the rating) arrives: the view keeps the later state.
    release();
    await lateAnswer;
    await page.unroute(`**/api/v1/conversations/${cid}/status`);
    await page.evaluate(() => new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 300)); }));
    expect(await csat.count(), 'the score still shown after the late resolve answer').toBe(1);
    expect(await csat.getAttribute('data-score')).toBe('5');
    await screenshot(page, 'console-resolved-csat');
    expect(cp.errors.filter((e) => !/Failed to load resource/.test(e)), 'no page errors').toEqual([]);
  }, 120_000);

  it('a low rating puts the customer on the "needs you now" queue, where the operator claims and resolves it', async () => {
    const { page } = cp;
    const anon = `anon-queue-${Date.now()}`;
    await track(server, [{ type: 'identify', anonymousId: anon, traits: { name: 'Jiro Unhappy' } }]);
    const v = await connectVisitor(server, anon);
    try {
      const m = await visitorSays(v, 'My parcel is two weeks late.');
      await server.api('POST', `/api/v1/conversations/${m.conversationId}/status`, { status: 'resolved' });
      await visitorReceives(v, (f) => f.type === 'conversation' && f['conversation'].csatRequested === true, 'the rating request');
      v.socket.send({ type: 'csat', conversationId: m.conversationId, score: 1, comment: 'Took far too long' });
      const customerId = (await server.api<{ id: string }>('GET', `/api/v1/customers/lookup?anonymousId=${anon}`)).id;
      const item = await until(async () => (await server.api<{ items: { id: string; customerId: string; status: string }[] }>('GET', '/api/v1/queue?status=open')).items.find((i) => i.customerId === customerId),
        'this customer\'s low rating on the queue (GET /api/v1/queue)');

      await openView(page, server, '/queue', 'queue', 'the queue view');
      const entry = page.locator(`[data-testid="queue-item"][data-item-id="${item.id}"]`);
      await visible(entry, `the queue item ${item.id}`);
      await hasText(entry, 'Took far too long', 'the queue item (the rating\'s comment)');
      expect(await entry.locator(`a[href$="/customers/${item.customerId}"]`).count(), 'a link to the customer').toBeGreaterThan(0);
      await hasText(entry, 'Jiro Unhappy', 'the queue item (the customer\'s name from its snapshot)');
      await screenshot(page, 'console-queue');

      // An item from before the queue carried a customer snapshot: the view looks the name up by id.
      const lookups: string[] = [];
      page.on('request', (r) => { if (r.url().includes(`/api/v1/customers/${item.customerId}`)) lookups.push(r.url()); });
      await page.route('**/api/v1/queue?*', async (route) => {
        const res = await route.fetch();
        const body = await res.json() as { items: { context: Record<string, unknown> }[] };
        for (const i of body.items) delete i.context['customer'];
        await route.fulfill({ response: res, json: body });
      });
      await openView(page, server, '/queue', 'queue', 'the queue view (items without a customer snapshot)');
      await hasText(entry, 'Jiro Unhappy', 'the queue item (the customer\'s name looked up by id)');
      expect(lookups.length, 'the customer looked up once').toBe(1);
      await page.unrouteAll();
      await entry.getByTestId('queue-claim').click();
      await until(async () => (await server.api<{ items: { id: string; status: string }[] }>('GET', '/api/v1/queue?status=claimed')).items.some((i) => i.id === item.id), 'the item to be claimed (GET /api/v1/queue?status=claimed)');
      await visible(entry.getByTestId('queue-resolve'), 'the resolve button of the claimed item');
      // The resolution note, typed into the item's own field.
      await entry.locator('input, textarea').first().fill('Called him; a voucher is on its way.');
      await entry.getByTestId('queue-resolve').click();
      const resolved = await until(async () => (await server.api<{ items: { id: string; resolution: string | null }[] }>('GET', '/api/v1/queue?status=resolved')).items.find((i) => i.id === item.id),
        'the item to be resolved (GET /api/v1/queue?status=resolved)');
      expect(resolved.resolution).toBe('Called him; a voucher is on its way.');
    } finally {
      v.close();
    }
  }, 60_000);
});
