import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, screenshot, type RunningServer } from '../helpers/browser.js';
import { composerInput, loginWithForm, tid } from './console-support.js';
import { VIEWPORT, action, customerOf, hidden, messages, part, settled, until, visible } from './widget-support.js';

/**
 * Both sides in real browsers: a shopper chats from the demo shop's widget, the operator answers
 * from the operators' console in another browser context; typing, the reply, resolving and the
 * satisfaction rating travel between them.
 */
describeBrowser('widget ↔ console: a shopper and an operator, each in their own browser', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => {
    [server, browser] = [s, b];
  });

  it('the shopper writes, the operator types and answers in the console, resolves; the shopper rates', async () => {
    const operatorContext = await browser.newContext({ viewport: VIEWPORT });
    const operatorPage = await operatorContext.newPage();
    await loginWithForm(operatorPage, server);

    const shopperContext = await browser.newContext({ viewport: VIEWPORT });
    const shop = await shopperContext.newPage();
    await shop.goto(`${server.base}/demo/help`);
    await visible(part(shop, 'launcher'), 'the widget launcher on the help page');
    await part(shop, 'launcher').click();
    await visible(part(shop, 'panel'), 'the chat panel');
    // An operator is online (logged in to the operatorPage): no away notice.
    expect(await part(shop, 'offline').isVisible(), 'the away notice while an operator is online').toBe(false);
    const question = 'Hello! Does the kyusu teapot come with a strainer?';
    await part(shop, 'composer', ' textarea').fill(question);
    await action(shop, 'panel', 'send').click();
    await visible(messages(shop, 'customer').filter({ hasText: question }), 'the shopper\'s message in the widget');

    const customer = await customerOf(server, shop);
    const conversationId = await until(async () => (await server.api<{ conversations: { id: string }[] }>('GET', `/api/v1/customers/${customer.id}/conversations`)).conversations[0]?.id,
      'the shopper\'s conversation', 10_000, 200);
    const row = operatorPage.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"]`);
    await visible(row, 'the shopper\'s conversation in the console inbox (live)', 15_000);
    await row.click();
    await visible(tid(operatorPage, 'thread').filter({ hasText: 'strainer' }), 'the shopper\'s question in the console thread');

    // The operator types: the shopper sees that someone is writing.
    const reply = 'Yes — a fine stainless strainer is built into the spout.';
    await composerInput(operatorPage).click();
    await composerInput(operatorPage).pressSequentially(reply.slice(0, 20), { delay: 20 });
    await visible(part(shop, 'typing'), 'the typing indicator in the widget while the operator types', 10_000);
    await composerInput(operatorPage).fill(reply);
    await tid(operatorPage, 'composer-send').click();

    await visible(messages(shop, 'operator').filter({ hasText: 'strainer is built into the spout' }), 'the operator\'s reply in the widget', 10_000);
    await until(async () => (await part(shop, 'live').textContent())?.includes('strainer is built into the spout'), 'the live region to announce the reply', 5_000);
    await hidden(part(shop, 'typing'), 'the typing indicator once the reply arrived', 10_000);
    await settled(shop);
    // The console's customer panel knows where the shopper is: the widget's page view of /demo/help.
    await until(async () => (await tid(operatorPage, 'customer-pages').textContent())?.includes('Help'),
      'the console\'s customer panel to list the help page the shopper is on (the widget\'s page call)', 10_000, 250);
    await screenshot(shop, 'widget-console-reply-shopper');
    await screenshot(operatorPage, 'widget-console-reply-operator');

    // Resolved in the console: the widget asks for a rating; the shopper gives 5.
    await tid(operatorPage, 'resolve').click();
    await visible(part(shop, 'csat'), 'the satisfaction survey in the widget after the operator resolved', 10_000);
    await part(shop, 'csat', ' [data-score="5"]').click();
    const rated = await until(async () => (await server.api<{ csat: { score: number } | null }>('GET', `/api/v1/conversations/${conversationId}`)).csat,
      'the rating to be stored on the conversation', 10_000, 250);
    expect(rated.score).toBe(5);

    await shopperContext.close();
    await operatorContext.close();
  }, 60_000);
});
