import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, screenshot, type RunningServer } from '../helpers/browser.js';
import {
  VIEWPORT, action, browseToPayment, customerOf, decisions, demoPace, messages, operatorOnline, operatorReply, operatorSession, part, settled, until, visible,
} from './widget-support.js';

/**
 * Issue 5's first minute, end to end: a shopper walks through the demo shop, lingers on the
 * payment step, gets the quiet hint, then the invitation with the operator's name, accepts,
 * writes; an operator answers from another browser context; the shopper sees the answer and the
 * live region announces it.
 */
describeBrowser('widget: a shopper stuck at payment is helped by a person', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => {
    [server, browser] = [s, b];
  });

  it('hint, then invitation with the operator name, accept, chat, operator reply announced', async () => {
    const pace = await demoPace(server);
    const operators = await server.api<{ items: { name: string; email: string }[] }>('GET', '/api/v1/operators');
    const operatorName = operators.items.find((o) => o.email === server.operator.email)!.name;

    // The operator is at work in another browser context: logged in and online.
    const operatorContext = await browser.newContext();
    const session = await operatorSession(server, operatorContext.request);
    await operatorOnline(server, operatorContext, session.token);

    const shopper = await browser.newContext({ viewport: VIEWPORT });
    const page = await shopper.newPage();
    await page.goto(`${server.base}/demo/`);
    await visible(page.locator('[data-testid="add-to-cart"], a[href^="/demo/products/"]'), 'the demo shop product list');
    await visible(part(page, 'launcher'), 'the widget launcher on the demo shop');
    await settled(page);
    await screenshot(page, 'demo-shop');

    await browseToPayment(page, server);
    await screenshot(page, 'demo-payment');

    // Linger: the quiet hint comes after the dwell, the invitation after its wait.
    const margin = 15_000;
    const hint = await visible(part(page, 'hint'), 'the quiet hint on the payment step', pace.dwellMs + margin);
    expect((await hint.innerText()).trim().length).toBeGreaterThan(0);
    await visible(part(page, 'hint', ' [data-action="dismiss"]'), 'the hint\'s dismiss button', 1_000);
    await settled(page);
    await screenshot(page, 'widget-hint');

    const invitation = await visible(part(page, 'invitation'), 'the invitation bubble', pace.inviteAfterMs + margin);
    await until(async () => (await part(page, 'operator-name').first().innerText()).includes(operatorName),
      `the invitation to name the operator "${operatorName}"`, 5_000);
    await visible(action(page, 'invitation', 'dismiss'), 'the invitation\'s "No thanks"', 1_000);
    await settled(page);
    await screenshot(page, 'widget-invitation');

    const customer = await customerOf(server, page);
    const fired = await decisions(server, customer.id);
    expect(fired.filter((d) => d.playbook.key === 'stuck-at-payment' && d.outcome === 'fired').map((d) => d.action).sort()).toEqual(['hint', 'invite']);

    // Accept: the chat panel opens as a dialog, the invitation goes away.
    await action(page, 'invitation', 'accept').click();
    const panel = await visible(part(page, 'panel'), 'the chat panel after accepting', 10_000);
    expect(await panel.getAttribute('role')).toBe('dialog');
    expect(await part(page, 'offline').isVisible(), 'the away notice while an operator is online').toBe(false);
    await until(async () => !(await invitation.isVisible()), 'the invitation to close once accepted', 5_000);

    const question = 'Hello, my card is refused. Can I pay by bank transfer?';
    await part(page, 'composer', ' textarea').fill(question);
    await action(page, 'panel', 'send').click();
    await visible(messages(page, 'customer').filter({ hasText: question }), 'the shopper\'s own message in the chat');

    // The operator answers from the second browser context.
    const reply = 'Yes, of course! I will send you our bank details right here.';
    const conversationId = await operatorReply(server, operatorContext.request, session.token, customer.id, reply);
    expect(conversationId).toMatch(/^cnv_/);

    await visible(messages(page, 'operator').filter({ hasText: reply }), 'the operator\'s reply in the shopper\'s chat');
    await until(async () => (await part(page, 'live').first().textContent())?.includes(reply), 'the live region to announce the reply', 5_000);
    await settled(page);
    await screenshot(page, 'widget-chat');

    await operatorContext.close();
    await shopper.close();
  }, 120_000);
});
