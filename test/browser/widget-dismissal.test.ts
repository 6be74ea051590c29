import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import {
  VIEWPORT, action, browseToPayment, customerOf, decisions, demoPace, hidden, part, timeline, until, visible,
} from './widget-support.js';

/**
 * "No thanks" is one click and it is respected: the shopper who dismissed the invitation comes
 * back to the payment step later, lingers again, and is left in peace; the decision API says why.
 */
describeBrowser('widget: a dismissal is respected on the next visit', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => {
    [server, browser] = [s, b];
  });

  it('dismissed invitation → next linger brings no hint or invitation, and the decision is held back with its reason', async () => {
    const pace = await demoPace(server);
    const margin = 15_000;
    const shopper = await browser.newContext({ viewport: VIEWPORT });
    const first = await shopper.newPage();
    await browseToPayment(first, server);
    await visible(part(first, 'hint'), 'the quiet hint', pace.dwellMs + margin);
    await visible(part(first, 'invitation'), 'the invitation', pace.inviteAfterMs + margin);

    await action(first, 'invitation', 'dismiss').click();
    await hidden(part(first, 'invitation'), 'the dismissed invitation', 5_000);
    const customer = await customerOf(server, first);
    // The dismissal travels over the socket and is recorded as the customer's answer.
    await until(async () => (await timeline(server, customer.id)).some((e) => e.name === 'Omotenashi Touch Dismissed'),
      'the dismissal to be recorded as "Omotenashi Touch Dismissed" in the customer\'s timeline', 10_000, 250);
    await first.close();

    // Later: the same shopper (same browser, same anonymous id) comes back straight to the payment step.
    const again = await shopper.newPage();
    await again.goto(`${server.base}/demo/checkout/payment`);
    await visible(part(again, 'launcher'), 'the widget launcher on the return visit');
    const heldBack = await until(async () => (await decisions(server, customer.id))
      .find((d) => d.playbook.key === 'stuck-at-payment' && d.outcome === 'held_back'),
      'a held-back stuck-at-payment decision for the returning shopper', pace.dwellMs + margin, 500);
    expect(['declined', 'dismissed_recently']).toContain(heldBack.reason);
    expect(heldBack.explanation.summary).toMatch(/held back \((declined|dismissed_recently):/);
    // The decision is made when the touch would have been sent: nothing reaches the shopper.
    await again.waitForTimeout(1_500);
    expect(await part(again, 'hint').isVisible()).toBe(false);
    expect(await part(again, 'invitation').isVisible()).toBe(false);
    const fired = (await decisions(server, customer.id)).filter((d) => d.playbook.key === 'stuck-at-payment' && d.outcome === 'fired');
    expect(fired.map((d) => d.action).sort()).toEqual(['hint', 'invite']);

    await shopper.close();
  }, 120_000);
});
