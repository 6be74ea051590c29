import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, withServerAndBrowser, screenshot, type RunningServer } from '../helpers/browser.js';
import { VIEWPORT, action, customerOf, hidden, messages, part, servePage, settled, shopPage, until, visible } from './widget-support.js';

/** Global CSS a careless (or hostile) shop might ship: it reaches everything it can. */
const HOSTILE_CSS = `
* { all: unset !important; font-size: 40px !important; display: block !important; line-height: 3 !important;
    letter-spacing: 8px !important; color: #f0f !important; font-family: "Comic Sans MS", fantasy !important;
    text-transform: uppercase !important; box-sizing: content-box !important; cursor: wait !important; }
div { position: static !important; visibility: hidden !important; z-index: -1 !important; opacity: 0.2 !important; }
button, textarea, input { width: 2px !important; height: 2px !important; padding: 30px !important; }
body { pointer-events: none !important; }
head, script, style { display: none !important; }
`;

interface Box { width: number; height: number; x: number; y: number }

async function box(page: Page, name: string): Promise<Box> {
  const b = await part(page, name).boundingBox();
  if (!b) throw new Error(`the widget's ${name} has no box (not rendered)`);
  return b;
}

/** Opens the panel with the launcher, measures launcher and panel, sends a line, closes again. */
async function exercise(server: RunningServer, page: Page, label: string): Promise<{ launcher: Box; panel: Box; fontSize: string }> {
  await visible(part(page, 'launcher'), `the launcher (${label})`);
  const launcher = await box(page, 'launcher');
  await part(page, 'launcher').click();
  await visible(part(page, 'panel'), `the chat panel (${label})`);
  const panel = await box(page, 'panel');
  const text = `Hello from the ${label} page`;
  await part(page, 'composer', ' textarea').fill(text);
  await action(page, 'panel', 'send').click();
  const mine = await visible(messages(page, 'customer').filter({ hasText: text }), `the sent message (${label})`);
  // It really went through: the server stored it in the shopper's conversation.
  const customer = await customerOf(server, page);
  await until(async () => {
    const convs = await server.api<{ conversations: { preview: string | null }[] }>('GET', `/api/v1/customers/${customer.id}/conversations`);
    return convs.conversations.some((c) => c.preview?.includes(text));
  }, `the message from the ${label} page to be stored`, 10_000, 250);
  const fontSize = await mine.evaluate((el) => (globalThis as any).getComputedStyle(el).fontSize as string);
  return { launcher, panel, fontSize };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 2;

describeBrowser('widget: isolation from the shop, and localization', () => {
  let server: RunningServer;
  let browser: Browser;
  withServerAndBrowser((s, b) => {
    [server, browser] = [s, b];
  });

  it('hostile global CSS leaves the launcher and panel working at their normal size', async () => {
    // Two shoppers (contexts), so neither page inherits the other's chat state.
    const plainContext = await browser.newContext({ viewport: VIEWPORT });
    await servePage(plainContext, `${server.base}/__test/plain`, shopPage(server));
    const plain = await plainContext.newPage();
    await plain.goto(`${server.base}/__test/plain`);
    const normal = await exercise(server, plain, 'plain');
    await plainContext.close();

    const context = await browser.newContext({ viewport: VIEWPORT });
    await servePage(context, `${server.base}/__test/hostile`, shopPage(server, {
      head: `<style>${HOSTILE_CSS}</style>`,
      body: '<div class="page"><h1>Hostile shop</h1><p>Everything unset, huge and hidden.</p></div>',
    }));
    const page = await context.newPage();
    await page.goto(`${server.base}/__test/hostile`);
    const hostile = await exercise(server, page, 'hostile');
    await settled(page);
    await screenshot(page, 'widget-hostile-css');

    for (const which of ['launcher', 'panel'] as const) {
      const [a, b] = [normal[which], hostile[which]];
      expect(close(a.width, b.width) && close(a.height, b.height), `${which} size ${b.width}×${b.height} on the hostile page, ${a.width}×${a.height} normally`).toBe(true);
      expect(close(a.x, b.x) && close(a.y, b.y), `${which} position (${b.x},${b.y}) on the hostile page, (${a.x},${a.y}) normally`).toBe(true);
      expect(b.x >= 0 && b.y >= 0 && b.x + b.width <= VIEWPORT.width && b.y + b.height <= VIEWPORT.height, `${which} inside the viewport`).toBe(true);
    }
    expect(hostile.fontSize).toBe(normal.fontSize);
    // Escape still closes it on the hostile page.
    await page.keyboard.press('Escape');
    await hidden(part(page, 'panel'), 'the panel after Escape on the hostile page', 5_000);
    await context.close();
  }, 45_000);

  it('adds no global but Omotenashi and leaves the shop\'s own styles alone', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const url = `${server.base}/__test/bare`;
    await servePage(context, url, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bare</title></head>
<body><h1 id="title">Bare shop</h1><p id="text">Nothing but text.</p><button id="buy">Buy</button></body></html>`);
    const page = await context.newPage();
    await page.goto(url);
    const shopStyle = (): Promise<string> => page.evaluate(() => {
      const g = globalThis as any;
      return ['title', 'text', 'buy'].map((id) => {
        const cs = g.getComputedStyle(g.document.getElementById(id));
        return `${id}:${cs.fontSize}/${cs.fontFamily}/${cs.color}/${cs.margin}/${cs.display}`;
      }).concat([g.getComputedStyle(g.document.body).margin, g.getComputedStyle(g.document.documentElement).fontSize]).join('|');
    });
    const before = await page.evaluate(() => Object.keys(globalThis));
    const styleBefore = await shopStyle();

    await page.evaluate(({ base, writeKey }) => {
      const doc = (globalThis as any).document;
      const s = doc.createElement('script');
      s.src = `${base}/widget.js`;
      s.async = true;
      s.setAttribute('data-write-key', writeKey);
      doc.body.appendChild(s);
    }, { base: server.base, writeKey: server.writeKey });
    await visible(part(page, 'launcher'), 'the launcher after loading the script');
    // The lazily loaded chat panel must not add globals either.
    await part(page, 'launcher').click();
    await visible(part(page, 'panel'), 'the chat panel');
    await page.waitForTimeout(500);
    const after = await page.evaluate(() => Object.keys(globalThis));
    expect(after.filter((k) => !before.includes(k))).toEqual(['Omotenashi']);
    expect(await shopStyle()).toBe(styleBefore);
    // One host element, with an open shadow root.
    const host = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const hosts = doc.querySelectorAll('#omotenashi-widget');
      return { count: hosts.length as number, open: Boolean(hosts[0]?.shadowRoot), parent: String(hosts[0]?.parentElement?.tagName) };
    });
    expect(host).toEqual({ count: 1, open: true, parent: 'BODY' });
    await context.close();
  }, 30_000);

  it('speaks Japanese on a <html lang="ja"> page (and Russian with data-locale="ru")', async () => {
    const pages = {
      en: shopPage(server),
      ja: shopPage(server, { lang: 'ja', body: '<main><h1>お茶の店</h1></main>' }),
      ru: shopPage(server, { attrs: 'data-locale="ru"' }),
    };
    const seen: Record<string, string> = {};
    for (const [locale, html] of Object.entries(pages)) {
      const url = `${server.base}/__test/locale-${locale}`;
      const context = await browser.newContext({ viewport: VIEWPORT });
      await servePage(context, url, html);
      const page = await context.newPage();
      await page.goto(url);
      await visible(part(page, 'launcher'), `the launcher (${locale})`);
      const launcherLabel = `${await part(page, 'launcher').getAttribute('aria-label') ?? ''} ${await part(page, 'launcher').innerText()}`;
      await part(page, 'launcher').click();
      const panel = await visible(part(page, 'panel'), `the chat panel (${locale})`);
      const placeholder = await part(page, 'composer', ' textarea').getAttribute('placeholder') ?? '';
      const send = `${await action(page, 'panel', 'send').getAttribute('aria-label') ?? ''} ${await action(page, 'panel', 'send').innerText()}`;
      seen[locale] = [launcherLabel, placeholder, send, await panel.innerText()].join('\n');
      if (locale === 'ja') {
        expect(launcherLabel, 'launcher label in Japanese').toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        expect(placeholder, 'composer placeholder in Japanese').toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        expect(send, 'send button in Japanese').toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        await settled(page);
        await screenshot(page, 'widget-ja');
      }
      if (locale === 'ru') {
        expect(placeholder, 'composer placeholder in Russian').toMatch(/[\u0400-\u04ff]/);
        expect(send, 'send button in Russian').toMatch(/[\u0400-\u04ff]/);
      }
      if (locale === 'en') expect(placeholder).toMatch(/^[\x20-\x7e\u2018-\u201d\u2026]+$/);
      await context.close();
    }
    expect(seen['ja']).not.toBe(seen['en']);
  }, 30_000);
});
