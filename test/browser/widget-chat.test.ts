import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import {
  VIEWPORT, action, conversationMessages, customerOf, cuttableNetwork, focusedInWidget, hidden, messages, operatorReply, operatorSession, part, servePage, shopPage, until, visible,
  watchBatches, type CustomerView,
} from './widget-support.js';

async function openChat(page: Page, label: string): Promise<void> {
  if (!(await part(page, 'panel').isVisible())) {
    await visible(part(page, 'launcher'), `the launcher (${label})`);
    await part(page, 'launcher').click();
  }
  await visible(part(page, 'panel'), `the chat panel (${label})`);
}

async function send(page: Page, text: string): Promise<void> {
  await part(page, 'composer', ' textarea').fill(text);
  await action(page, 'panel', 'send').click();
}

/** The chat as a shopper lives it: it survives a reload and a dropped connection, and works from the keyboard. */
describeBrowser('widget: chat across reloads, reconnects, and from the keyboard', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => {
    [server, browser] = [s, b];
  });

  it('history is shown again after a reload, and messages get through after the connection drops', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const net = await cuttableNetwork(context);
    const page = await context.newPage();
    await page.goto(`${server.base}/demo/help`);
    await openChat(page, 'first visit');
    const question = 'Do you ship to Osaka?';
    await send(page, question);
    await visible(messages(page, 'customer').filter({ hasText: question }), 'the shopper\'s message');
    const customer = await customerOf(server, page);
    const session = await operatorSession(server, context.request);
    const answer = 'Yes, within 2–3 days.';
    const conversationId = await operatorReply(server, context.request, session.token, customer.id, answer);
    await visible(messages(page, 'operator').filter({ hasText: answer }), 'the operator\'s answer');

    await page.reload();
    await openChat(page, 'after the reload');
    await visible(messages(page, 'customer').filter({ hasText: question }), 'the shopper\'s earlier message after the reload');
    await visible(messages(page, 'operator').filter({ hasText: answer }), 'the operator\'s earlier answer after the reload');
    expect(await messages(page, 'customer').filter({ hasText: question }).count(), 'the history is not duplicated').toBe(1);

    // The connection drops and stays down a while: the shopper writes, the operator writes; both
    // arrive once the widget has reconnected by itself.
    const connectsBefore = net.connects;
    await net.cut();
    const offlineLine = 'Typed while the connection was down';
    await send(page, offlineLine);
    await server.api('POST', `/api/v1/conversations/${conversationId}/messages`, { text: 'Sent while you were offline' });
    await page.waitForTimeout(1_500);
    expect((await conversationMessages(server, conversationId)).some((m) => m.text === offlineLine), 'nothing can arrive during the outage').toBe(false);
    net.restore();
    await visible(messages(page, 'operator').filter({ hasText: 'Sent while you were offline' }), 'the operator message sent during the outage', 20_000);
    await until(async () => (await conversationMessages(server, conversationId)).some((m) => m.text === offlineLine && m.author.type === 'customer'),
      'the line typed during the outage to reach the conversation', 20_000, 250);
    expect(net.connects, 'the widget reconnected by itself').toBeGreaterThan(connectsBefore);
    const stored = (await conversationMessages(server, conversationId)).filter((m) => m.text === offlineLine);
    expect(stored, 'the line typed during the outage is stored exactly once').toHaveLength(1);
    expect(await messages(page, 'customer').filter({ hasText: offlineLine }).count()).toBe(1);
    await context.close();
  }, 60_000);

  it('with nobody online the panel says when to expect an answer by email and keeps the address given', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(`${server.base}/demo/help`);
    await openChat(page, 'no operator online');
    const offline = await visible(part(page, 'offline'), 'the away notice (no operator is connected)', 10_000);
    expect(await offline.innerText()).toMatch(/email/i);
    const email = `aiko.${Date.now()}@example.jp`;
    await part(page, 'offline', ' input[type="email"]').fill(email);
    await action(page, 'offline', 'save-email').click();
    await until(async () => (await offline.innerText()).includes(email), 'the notice to confirm the saved address', 5_000);
    // The operators can now reach this shopper: the address is on their customer.
    const anon = await customerOf(server, page);
    const byEmail = await until(() => server.api<{ id: string }>('GET', `/api/v1/customers/lookup?email=${encodeURIComponent(email)}`),
      'the customer to be found by the email given in the widget', 10_000, 250);
    expect(byEmail.id).toBe(anon.id);
    await context.close();
  }, 30_000);

  it('an address left while analytics consent is still unanswered reaches the operators all the same', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const url = `${server.base}/__test/consent-offline/`;
    await servePage(context, url, shopPage(server, { attrs: 'data-require-consent="true"' }));
    const page = await context.newPage();
    const batches = watchBatches(page);
    await page.goto(url);
    await openChat(page, 'a shop that asks for consent first');
    const offline = await visible(part(page, 'offline'), 'the away notice', 10_000);
    const email = `kenji.${Date.now()}@example.jp`;
    await part(page, 'offline', ' input[type="email"]').fill(email);
    await action(page, 'offline', 'save-email').click();
    await until(async () => (await offline.innerText()).includes(email), 'the notice to confirm the saved address', 5_000);
    // The address is the service the shopper asked for: it goes over the chat socket, so the
    // operators can answer although no tracking was ever allowed (and none was sent).
    const found = await until(() => server.api<CustomerView>('GET', `/api/v1/customers/lookup?email=${encodeURIComponent(email)}`),
      'the customer to be found by the address left before any consent', 10_000, 250);
    expect(found.profile.traits.email).toBe(email);
    expect(batches.requests.map((r) => r.url()), 'no tracking batch without analytics consent').toEqual([]);
    await context.close();
  }, 30_000);

  it('the keyboard opens the chat and sends; Escape closes it and gives focus back to the launcher; reduced motion is honoured', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${server.base}/demo/help`);
    await visible(part(page, 'launcher'), 'the launcher');
    await part(page, 'launcher').focus();
    expect((await focusedInWidget(page))?.part).toBe('launcher');
    await page.keyboard.press('Enter');
    await visible(part(page, 'panel'), 'the chat panel opened with Enter');
    await until(async () => (await focusedInWidget(page))?.inPanel, 'focus to move into the open panel', 3_000);
    expect(await part(page, 'panel').evaluate((el) => (globalThis as any).getComputedStyle(el).animationName as string), 'no panel animation with prefers-reduced-motion').toBe('none');

    await part(page, 'composer', ' textarea').focus();
    const line = 'Sent with the keyboard only';
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    await visible(messages(page, 'customer').filter({ hasText: line }), 'the message sent with Enter');
    expect(await part(page, 'composer', ' textarea').inputValue(), 'the composer is emptied after sending').toBe('');

    await page.keyboard.press('Escape');
    await hidden(part(page, 'panel'), 'the panel after Escape', 3_000);
    await until(async () => (await focusedInWidget(page))?.part === 'launcher', 'focus to return to the launcher after Escape', 3_000);
    // And Space on the launcher opens it again (a button, not a div).
    await page.keyboard.press('Space');
    await visible(part(page, 'panel'), 'the chat panel opened again with Space');
    await context.close();
  }, 30_000);
});
