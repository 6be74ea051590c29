import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, screenshot, startServer, type RunningServer } from '../helpers/browser.js';
import { hasText, loginWithApi, newConsolePage, openView, tid, until, visible, type ConsolePage } from './console-support.js';

/**
 * Issue 6: the playbook editor refuses an invalid playbook with the server's own validation
 * messages, shown inline (each with the field's path), and nothing is saved. The same draft with
 * the mistake fixed is saved, so the refusal is the validation, not a broken editor.
 */

interface PlaybookList { items: { key: string; version: number }[] }

const KEY = 'browser-broken-cart';
/** JSON is YAML too, so this works whichever of the two the editor takes. */
function draft(fact: string): string {
  return JSON.stringify({
    key: KEY,
    name: 'Big cart, lingering',
    purpose: 'service',
    trigger: { dwell: { page: { path: { prefix: '/cart' } }, seconds: 30 } },
    conditions: [{ fact, op: 'gt', value: 100 }],
    steps: [{ action: 'hint', title: 'Free shipping', body: 'Orders over 100 EUR ship free.' }],
  }, null, 2);
}

/** The editor's text field: a textarea (or a contenteditable code area) inside playbook-editor. */
function editorField(page: Page): Locator {
  return page.locator('[data-testid="playbook-editor"] textarea, textarea[data-testid="playbook-editor"], [data-testid="playbook-editor"] [contenteditable="true"]').first();
}

describeBrowser('console: the playbook editor', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    cp = await newConsolePage(browser);
    await loginWithApi(cp.context, server);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('refuses an invalid playbook with its message inline (path + message) and saves nothing', async () => {
    const { page } = cp;
    const before = await server.api<PlaybookList>('GET', '/api/v1/playbooks');
    await openView(page, server, '/playbooks', 'playbooks', 'the playbooks list');
    // The starter playbooks of the demo workspace are listed.
    await until(async () => (await tid(page, 'playbook-row').count()) >= Math.min(1, before.items.length), 'the playbook rows');
    await tid(page, 'playbook-new').click();
    await visible(tid(page, 'playbook-editor'), 'the playbook editor');
    await editorField(page).fill(draft('cart.valu'));
    await tid(page, 'playbook-save').click();

    const issues = await visible(tid(page, 'playbook-issues'), 'the inline validation issues', 10_000);
    const issue = issues.getByTestId('playbook-issue').filter({ hasText: 'conditions[0].fact' });
    await visible(issue, 'the issue naming conditions[0].fact');
    await hasText(issue, 'did you mean cart.value', 'the issue message (from the server\'s validation)');
    await screenshot(page, 'console-playbook-invalid');

    const after = await server.api<PlaybookList>('GET', '/api/v1/playbooks');
    expect(after.items.map((p) => `${p.key}@${p.version}`).sort(), 'GET /api/v1/playbooks unchanged').toEqual(before.items.map((p) => `${p.key}@${p.version}`).sort());
    expect(after.items.some((p) => p.key === KEY)).toBe(false);

    // Fixed, the same draft is saved and the issues go away.
    await editorField(page).fill(draft('cart.value'));
    await tid(page, 'playbook-save').click();
    await until(async () => (await server.api<PlaybookList>('GET', '/api/v1/playbooks')).items.some((p) => p.key === KEY), `the fixed playbook ${KEY} to be saved`);
    await until(async () => (await tid(page, 'playbook-issue').count()) === 0, 'the issues to disappear after a successful save', 5_000);
  }, 60_000);
});
