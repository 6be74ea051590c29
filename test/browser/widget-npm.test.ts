import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, type RunningServer } from '../helpers/browser.js';
import { VIEWPORT, customerOf, part, servePage, timeline, until, visible } from './widget-support.js';

/** What a bundler would put in the shop's bundle for `import { loadOmotenashi } from '@omotenashi/widget'`. */
const NPM_ENTRY = readFileSync(resolve(import.meta.dirname, '../../packages/widget/dist/index.js'), 'utf8');

describeBrowser('widget: the npm import', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => {
    [server, browser] = [s, b];
  });

  it('loadOmotenashi() adds the widget once, and a call made before the script arrived reaches the server', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.route(`${server.base}/__test/npm/index.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: NPM_ENTRY }));
    await servePage(context, `${server.base}/__test/npm`, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bundled shop</title></head>
<body><h1>A shop built with a bundler</h1>
<script type="module">
  import { loadOmotenashi } from '/__test/npm/index.js';
  const omotenashi = loadOmotenashi({ host: location.origin, writeKey: ${JSON.stringify(server.writeKey)} });
  // Called at once, before widget.js has loaded: queued, then replayed by the loader.
  omotenashi.track('Bundled Shop Opened', { via: 'npm' });
  window.__again = loadOmotenashi({ host: location.origin, writeKey: ${JSON.stringify(server.writeKey)} });
</script></body></html>`);
    const page = await context.newPage();
    await page.goto(`${server.base}/__test/npm`);

    await visible(part(page, 'launcher'), 'the launcher added by loadOmotenashi()');
    // Loading twice adds one script tag, not two widgets.
    expect(await page.locator('script[data-omotenashi-npm]').count()).toBe(1);
    expect(await page.locator('#omotenashi-widget').count()).toBe(1);

    const customer = await customerOf(server, page);
    const events = await until(async () => {
      const t = await timeline(server, customer.id);
      return t.some((e) => e.name === 'Bundled Shop Opened') ? t : undefined;
    }, 'the queued track call to reach the server', 10_000, 250);
    expect(events.find((e) => e.name === 'Bundled Shop Opened')?.payload).toMatchObject({ properties: { via: 'npm' } });

    // After the loader arrived, the same API object calls straight through to it.
    await page.evaluate(() => (globalThis as any).__again.open());
    await visible(part(page, 'panel'), 'the chat panel opened through the npm API');
    await context.close();
  });
});
