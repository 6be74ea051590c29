import type { Browser, Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import { hasText, loginWithApi, newConsolePage, tid, until, visible } from './console-support.js';

/**
 * The operator's profile in the console: the demo operator's seeded portrait shows in the top
 * bar (under the console's CSP); "Your profile" refuses a script URL with the server's message
 * and changes nothing; a new name and photo are saved and shown at once.
 */
describeBrowser('console: your profile (name and photo)', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => { server = s; browser = b; });

  type Op = { email: string; name: string; avatarUrl: string | null };
  const me = async () => (await server.api<{ items: Op[] }>('GET', '/api/v1/operators')).items.find((o) => o.email === server.operator.email)!;

  it('shows the seeded photo, refuses a javascript: URL, saves a new name and photo', async () => {
    const cp = await newConsolePage(browser);
    await loginWithApi(cp.context, server);
    await cp.page.goto(`${server.base}/console/`);
    const open = tid(cp.page, 'profile-open');
    await visible(open, 'the operator in the top bar', 15_000);
    // The demo operator's portrait, loaded (not blocked by the CSP, not a broken image).
    const img = open.locator('img');
    await visible(img, 'the photo in the top bar');
    await until(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0), 'the top-bar photo to load');
    expect(await img.getAttribute('src')).toBe('/demo/assets/operator.svg');

    const dialog = tid(cp.page, 'profile-dialog');
    await openProfile(open, dialog);
    await dialog.locator('input[name="avatarUrl"]').fill('javascript:alert(1)');
    await tid(cp.page, 'profile-save').click();
    await hasText(tid(cp.page, 'profile-error'), 'avatarUrl must use https: or http:', 'the server\'s reason in the dialog');
    expect((await me()).avatarUrl).toBe('/demo/assets/operator.svg');

    await dialog.locator('input[name="name"]').fill('Hana Mori');
    await dialog.locator('input[name="avatarUrl"]').fill('');
    await tid(cp.page, 'profile-save').click();
    await closedAfterSaving(cp.page, dialog, 'the new name');
    await hasText(open, 'Hana Mori', 'the new name in the top bar');
    expect(await open.locator('img').count()).toBe(0);
    expect(await open.textContent()).toContain('HM');
    expect(await me()).toMatchObject({ name: 'Hana Mori', avatarUrl: null });

    // And back: the photo again, through the dialog.
    await openProfile(open, dialog);
    await dialog.locator('input[name="avatarUrl"]').fill('/demo/assets/operator.svg');
    await tid(cp.page, 'profile-save').click();
    await closedAfterSaving(cp.page, dialog, 'the photo');
    await visible(open.locator('img'), 'the photo back in the top bar').catch(async (e: Error) => {
      // Say what the top bar holds instead (initials after a failed load, or no top bar at all).
      const bar = await open.evaluate((b) => b.outerHTML).catch(() => '(no top bar)');
      throw new Error(`${e.message}\ntop bar: ${bar}\nbrowser said: ${cp.errors.join(' | ') || 'nothing'}`);
    });
    expect((await me()).avatarUrl).toBe('/demo/assets/operator.svg');
    // The refused save is a 400 the browser logs; nothing else went wrong (no blocked image).
    expect(cp.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await cp.context.close();
  }, 60_000);
});

/**
 * Opens "Your profile" and waits for it to put the focus on the name, as it does on opening:
 * a fill that raced that focus once typed the photo URL into the name (CI, 1 run in ~10).
 */
async function openProfile(open: Locator, dialog: Locator): Promise<void> {
  await open.click();
  await visible(dialog, 'the profile dialog');
  const name = dialog.locator('input[name="name"]');
  await until(() => name.evaluate((el) => el === (el.getRootNode() as Document).activeElement), 'the dialog to focus the name field');
}

/** Waits for the dialog to close after a save; a refusal shown in it fails with the server's words. */
async function closedAfterSaving(page: Page, dialog: Locator, what: string): Promise<void> {
  const refusal = tid(page, 'profile-error');
  const outcome = await until(async () => {
    if (!(await dialog.isVisible())) return 'closed';
    if (await refusal.isVisible()) return `refused: ${await refusal.textContent()}`;
    return null;
  }, `the dialog to close after saving ${what}`);
  if (outcome !== 'closed') throw new Error(`saving ${what} was ${outcome}`);
}
