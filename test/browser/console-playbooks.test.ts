import type { Browser, Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, screenshot, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import { hasText, loginWithApi, newConsolePage, openView, tid, until, visible, type ConsolePage } from './console-support.js';

/**
 * Issue 6: the playbook editor refuses an invalid playbook with the server's own validation
 * messages, shown inline (each with the field's path and line), and nothing is saved. The editor
 * speaks YAML, as people write playbooks: a YAML syntax error is shown with its line and column
 * and nothing is sent. The same draft with the mistake fixed is saved, so the refusal is the
 * validation, not a broken editor.
 */

interface PlaybookList { items: { key: string; version: number }[] }

const KEY = 'browser-broken-cart';
/** The draft as a customer-experience lead writes it; `fact: …` is on line 10. */
function draft(fact: string): string {
  return [
    `key: ${KEY}`,
    'name: Big cart, lingering',
    'purpose: service',
    'trigger:',
    '  dwell:',
    '    page:',
    '      path: { prefix: /cart }',
    '    seconds: 30',
    'conditions:',
    `  - fact: ${fact}`,
    '    op: gt',
    '    value: 100',
    'steps:',
    '  - action: hint',
    '    title: Free shipping',
    '    body: Orders over 100 EUR ship free.',
    '',
  ].join('\n');
}
const FACT_LINE = 10;
/** The same, with the flow map on line 7 left open: a YAML syntax error, found at line 8, column 5. */
const BROKEN_SYNTAX = draft('cart.value').replace('{ prefix: /cart }', '{ prefix: /cart');

/** The editor's text field: a textarea (or a contenteditable code area) inside playbook-editor. */
function editorField(page: Page): Locator {
  return page.locator('[data-testid="playbook-editor"] textarea, textarea[data-testid="playbook-editor"], [data-testid="playbook-editor"] [contenteditable="true"]').first();
}

/** The 1-based line of the caret in the editor's textarea. */
async function caretLine(page: Page): Promise<{ line: number; text: string }> {
  return editorField(page).evaluate((el) => {
    const area = el as HTMLTextAreaElement;
    const before = area.value.slice(0, area.selectionStart).split('\n');
    return { line: before.length, text: area.value.split('\n')[before.length - 1] ?? '' };
  });
}

describeBrowser('console: the playbook editor', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;

  withServerAndBrowser(async (s, b) => {
    [server, browser] = [s, b];
    cp = await newConsolePage(browser);
    await loginWithApi(cp.context, server);
  });

  it('shows YAML, refuses an invalid playbook inline (path, line, message), a syntax error with its line and column, and saves the fixed YAML', async () => {
    const { page } = cp;
    const playbookPosts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/playbooks') playbookPosts.push(r.postData() ?? ''); });
    const before = await server.api<PlaybookList>('GET', '/api/v1/playbooks');
    const listed = () => server.api<PlaybookList>('GET', '/api/v1/playbooks').then((l) => l.items.map((p) => `${p.key}@${p.version}`).sort());
    const listedBefore = before.items.map((p) => `${p.key}@${p.version}`).sort();
    await openView(page, server, '/playbooks', 'playbooks', 'the playbooks list');
    // The starter playbooks of the demo workspace are listed.
    expect(before.items.length, 'the demo workspace has its starter playbooks').toBeGreaterThan(0);
    await until(async () => (await tid(page, 'playbook-row').count()) >= 1, 'the playbook rows');
    await tid(page, 'playbook-new').click();
    await visible(tid(page, 'playbook-editor'), 'the playbook editor');

    // The new-playbook template is YAML, and the toggle says so.
    const template = await editorField(page).inputValue();
    expect(template, 'the template is YAML, not JSON').toMatch(/^key: my-playbook$/m);
    expect(template.trimStart().startsWith('{')).toBe(false);
    expect(await tid(page, 'playbook-format').locator('[data-format="yaml"]').getAttribute('aria-pressed')).toBe('true');

    // 1. A YAML syntax error: shown with its line and column, nothing sent.
    await editorField(page).fill(BROKEN_SYNTAX);
    await tid(page, 'playbook-save').click();
    const syntax = page.locator('[data-testid="playbook-issue"][data-path="(syntax)"]');
    await visible(syntax, 'the syntax error');
    await hasText(syntax, 'line 8, column 5', 'the syntax error\'s position');
    await hasText(syntax, 'Flow map', 'the parser\'s message');
    await screenshot(page, 'console-playbook-syntax');
    expect(playbookPosts, 'nothing is sent for a syntax error').toEqual([]);
    // The format toggle does not convert a text that does not parse.
    await tid(page, 'playbook-format').locator('[data-format="json"]').click();
    expect(await editorField(page).inputValue()).toBe(BROKEN_SYNTAX);
    expect(await tid(page, 'playbook-format').locator('[data-format="yaml"]').getAttribute('aria-pressed')).toBe('true');

    // 2. Valid YAML, invalid playbook: the server refuses it; each issue inline with path and message.
    await editorField(page).fill(draft('cart.valu'));
    await tid(page, 'playbook-save').click();
    const issues = await visible(tid(page, 'playbook-issues'), 'the inline validation issues', 10_000);
    const issue = issues.getByTestId('playbook-issue').filter({ hasText: 'conditions[0].fact' });
    await visible(issue, 'the issue naming conditions[0].fact');
    await hasText(issue, 'did you mean cart.value', 'the issue message (from the server\'s validation)');
    expect(await issue.getAttribute('data-path')).toBe('conditions[0].fact');
    expect(await issue.getAttribute('data-line'), 'the issue knows the line of its field').toBe(String(FACT_LINE));
    expect(playbookPosts, 'the YAML went to the server as JSON').toHaveLength(1);
    expect((JSON.parse(playbookPosts[0]!) as { conditions: { fact: string }[] }).conditions[0]!.fact).toBe('cart.valu');
    expect(await listed(), 'GET /api/v1/playbooks unchanged').toEqual(listedBefore);

    // Clicking the issue puts the caret on that field's line.
    await editorField(page).evaluate((el) => (el as HTMLTextAreaElement).setSelectionRange(0, 0));
    await issue.getByRole('button').click();
    const caret = await caretLine(page);
    expect(caret, 'the caret is on the field the issue names').toEqual({ line: FACT_LINE, text: '  - fact: cart.valu' });
    await screenshot(page, 'console-playbook-invalid');

    // The toggle shows the same definition as JSON, and back as YAML, without losing anything.
    await tid(page, 'playbook-format').locator('[data-format="json"]').click();
    await until(async () => (await editorField(page).inputValue()).trimStart().startsWith('{'), 'the JSON text');
    expect(JSON.parse(await editorField(page).inputValue())).toEqual(JSON.parse(playbookPosts[0]!));
    expect(await issue.getAttribute('data-line'), 'the issue\'s line follows the JSON text').not.toBe(String(FACT_LINE));
    await tid(page, 'playbook-format').locator('[data-format="yaml"]').click();
    await until(async () => /^key: browser-broken-cart$/m.test(await editorField(page).inputValue()), 'the YAML text again');

    // Typing: Enter keeps the indentation of the line it continues, as YAML needs (the converted
    // YAML has `seconds: 30` on line 8; the condition is now one flow line).
    await editorField(page).evaluate((el) => {
      const area = el as HTMLTextAreaElement;
      const at = area.value.indexOf('    seconds: 30\n') + '    seconds: 30'.length;
      area.focus();
      area.setSelectionRange(at, at);
    });
    await page.keyboard.press('Enter');
    await page.keyboard.type('note: typed');
    expect(await caretLine(page)).toEqual({ line: 9, text: '    note: typed' });

    // 3. Fixed, the YAML is saved and the issues go away.
    await editorField(page).fill(draft('cart.value'));
    await tid(page, 'playbook-save').click();
    await until(async () => (await server.api<PlaybookList>('GET', '/api/v1/playbooks')).items.some((p) => p.key === KEY), `the fixed playbook ${KEY} to be saved`);
    await until(async () => (await tid(page, 'playbook-issue').count()) === 0, 'the issues to disappear after a successful save', 5_000);
    const saved = await server.api<{ definition: { trigger: unknown; conditions: unknown } }>('GET', `/api/v1/playbooks/${KEY}`);
    expect(saved.definition.conditions).toEqual([{ fact: 'cart.value', op: 'gt', value: 100 }]);
    expect(saved.definition.trigger).toEqual({ dwell: { page: { path: { prefix: '/cart' } }, seconds: 30 } });
    // The saved playbook opens as YAML.
    await until(async () => /^key: browser-broken-cart$/m.test(await editorField(page).inputValue()), 'the saved playbook shown as YAML');
    // The refusal is a 400 the browser logs as a failed resource; nothing else may go wrong.
    expect(cp.errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  }, 90_000);
});
