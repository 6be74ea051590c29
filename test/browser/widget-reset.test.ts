import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import { VIEWPORT, action, anonymousIdOf, conversationMessages, customerOf, cuttableNetwork, messages, part, until, visible } from './widget-support.js';

/**
 * `Omotenashi.reset()` on logout, on a computer someone else uses next: a line the first person
 * typed while the connection was down is dropped, not sent later as the next person; nothing of
 * their chat stays in the page or in localStorage; the next visitor starts with a new anonymous
 * id and an empty chat.
 */
describeBrowser('widget: reset() on logout', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => {
    [server, browser] = [s, b];
  });

  const say = async (page: Page, text: string) => {
    await part(page, 'composer', ' textarea').fill(text);
    await action(page, 'panel', 'send').click();
  };
  const storedKeys = (page: Page) => page.evaluate(() => Object.keys((globalThis as any).localStorage as Record<string, string>).filter((k) => k.startsWith('omotenashi:')));

  it('drops the line still waiting to be sent, and leaves nothing of the first person behind', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const net = await cuttableNetwork(context);
    const page = await context.newPage();
    await page.goto(`${server.base}/demo/help`);
    await visible(part(page, 'launcher'), 'the launcher');
    await part(page, 'launcher').click();
    await visible(part(page, 'panel'), 'the chat panel');
    await say(page, 'My order is A-17, address 1-2-3 Ginza');
    await visible(messages(page, 'customer').filter({ hasText: 'A-17' }), 'the first line');
    const first = await customerOf(server, page);
    const firstAnon = await anonymousIdOf(page);
    const conversationId = await until(async () => {
      const convs = (await server.api<{ conversations: { id: string }[] }>('GET', `/api/v1/customers/${first.id}/conversations`)).conversations;
      return convs[0]?.id;
    }, 'the first person\'s conversation');

    // The connection drops; they type one more line, which waits in the outbox; then they log out.
    await net.cut();
    const unsent = 'Please also change the card ending 4242';
    await say(page, unsent);
    await until(async () => (await storedKeys(page)).length > 0, 'the unsent line to be kept for a retry');
    await page.evaluate(() => (globalThis as any).Omotenashi.reset());
    net.restore();

    // The next person on this browser: a new anonymous id, an empty chat, nothing stored of the first.
    const nextAnon = await until(async () => {
      const a = await anonymousIdOf(page);
      return a !== firstAnon ? a : undefined;
    }, 'a new anonymous id after reset()');
    expect(nextAnon).not.toBe(firstAnon);
    expect(await storedKeys(page), 'nothing of the first person\'s chat in localStorage').not.toContain(`omotenashi:${server.writeKey}:${firstAnon}`);
    await part(page, 'launcher').click();
    await visible(part(page, 'panel'), 'the chat panel for the next person');
    expect(await messages(page).filter({ hasText: 'A-17' }).count(), 'the first person\'s lines are not shown').toBe(0);
    // Give a (wrong) retry every chance to happen, then check the server never got the line.
    await say(page, 'Hello, is anyone there?');
    await visible(messages(page, 'customer').filter({ hasText: 'anyone there' }), 'the next person\'s own line');
    await page.waitForTimeout(1_500);
    const firstThread = await conversationMessages(server, conversationId);
    expect(firstThread.map((m) => m.text)).not.toContain(unsent);
    const next = await customerOf(server, page);
    expect(next.id).not.toBe(first.id);
    const nextConvs = (await server.api<{ conversations: { id: string }[] }>('GET', `/api/v1/customers/${next.id}/conversations`)).conversations;
    for (const c of nextConvs) expect((await conversationMessages(server, c.id)).map((m) => m.text)).not.toContain(unsent);
    await context.close();
  }, 60_000);
});
