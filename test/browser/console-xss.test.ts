import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, screenshot, startServer, type RunningServer } from '../helpers/browser.js';
import {
  connectVisitor, loginWithApi, newConsolePage, openView, tid, track, until, visible, visitorSays, visitorUploads, type ConsolePage, type Visitor,
} from './console-support.js';
import { isMarkerUrl, MARKER_HOST, xssPayloads, type XssPayload } from './xss-payloads.js';

/**
 * Issue 6: every customer-supplied string is rendered escaped. The corpus
 * (test/browser/xss-payloads.ts, ≥ 100 payloads) goes, one customer per payload, into every place
 * a shopper can write: the name and other traits (identify), page titles and names (page calls
 * and context.page.title), the current page of the chat hello, chat messages (visitor socket),
 * attachment file names (POST /v1/attachments) and operator notes; a playbook alert puts each
 * customer on the queue, so the queue renders them too. Then the console opens every view that
 * shows them: the inbox (all pages), each conversation with its customer panel, each customer's
 * page, live visitors and the queue.
 *
 * The console runs with CSP bypassed (Playwright's bypassCSP): the CSP is the second line of
 * defence, and this test is about the first one, escaping. A payload that ran would call
 * window.__xss(N), open a dialog, or request the marker URL; one that became markup would leave
 * elements, on… attributes or javascript: links in the DOM. All four are checked after each view.
 */

interface Seeded { payload: XssPayload; anonymousId: string; conversationId: string; customerId: string }

/**
 * DOM findings a payload turned into markup would leave (inside the app, not the page's own head).
 * Plain JavaScript in a string, so no transpiler helper can sneak into what runs in the page.
 */
const SCAN_DOM = `((marker) => {
  const found = [];
  const root = document.getElementById('app') || document.body;
  const DANGEROUS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'base', 'meta', 'link', 'style', 'math', 'marquee',
    'keygen', 'isindex', 'noscript', 'template', 'video', 'audio', 'picture', 'animate', 'set', 'foreignobject']);
  const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:', 'blob:']);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    const tag = el.tagName.toLowerCase();
    const owner = el.closest('[data-testid]');
    const where = '<' + tag + '> in ' + (owner ? owner.getAttribute('data-testid') : '?');
    if (DANGEROUS.has(tag)) found.push(where + ' element');
    if (el.hasAttribute('data-xss')) found.push(where + ' data-xss=' + el.getAttribute('data-xss'));
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) found.push(where + ' ' + a.name + '="' + a.value + '"');
      if (a.name === 'style' && /expression\\(|javascript:|xss-marker|url\\(/i.test(a.value)) found.push(where + ' style="' + a.value + '"');
      if (a.name === 'srcdoc' || a.name === 'formaction' || a.name === 'xlink:href') found.push(where + ' ' + a.name + '="' + a.value + '"');
    }
    for (const attr of ['href', 'src', 'action', 'data', 'poster', 'srcset']) {
      const v = el.getAttribute(attr);
      if (v === null) continue;
      // A link to an http(s) URL the customer wrote is fine (Markdown links): it loads nothing by itself.
      const plainLink = tag === 'a' && attr === 'href' && /^https?:/i.test(v);
      if (v.includes(marker) && !plainLink) found.push(where + ' ' + attr + '="' + v + '"');
      if (plainLink && el.getAttribute('target') === '_blank' && !/noopener/.test(el.getAttribute('rel') || '')) found.push(where + ' target=_blank without rel=noopener');
      if (attr === 'srcset') continue;
      let u = null;
      try { u = new URL(v, location.href); } catch (e) { u = null; }
      if (u && !SAFE_PROTOCOLS.has(u.protocol)) found.push(where + ' ' + attr + '="' + v + '" (' + u.protocol + ')');
    }
  }
  return found;
})`;

describeBrowser('console: the XSS corpus is rendered escaped everywhere', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;
  const corpus = xssPayloads();
  const seeded: Seeded[] = [];
  const visitors: Visitor[] = [];
  const executed: number[] = [];
  const dialogs: string[] = [];
  const markerRequests: string[] = [];
  const domFindings: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    // Every payload's customer lands on the queue through a playbook alert.
    await server.api('POST', '/api/v1/playbooks', {
      key: 'xss-probe-alert', name: 'XSS probe', purpose: 'service',
      trigger: { on: { event: 'XSS Probe' } },
      steps: [{ action: 'alert', priority: 'high', note: 'the probe fired' }],
    });
    // Seed: one customer per payload, in groups (the machine has 2 cores).
    const GROUP = 8;
    for (let i = 0; i < corpus.length; i += GROUP) {
      const group = corpus.slice(i, i + GROUP);
      const events = group.flatMap((p) => {
        const anon = `anon-xss-${p.id}`;
        const url = p.id % 2 === 0 ? `javascript:__xss(${p.id})` : `https://shop.example/p/${p.id}?q=${encodeURIComponent(p.text)}`;
        return [
          { type: 'identify', anonymousId: anon, traits: { name: p.text, company: p.text, nickname: p.text, title: p.text } },
          { type: 'page', anonymousId: anon, name: p.text, properties: { url: `https://shop.example/before/${p.id}`, path: `/before/${p.id}`, title: p.text }, context: { page: { title: p.text } } },
          { type: 'page', anonymousId: anon, name: p.text, properties: { url, title: p.text }, context: { page: { title: p.text, url } } },
        ];
      });
      await track(server, events);
      const done = await Promise.all(group.map(async (p): Promise<Seeded> => {
        const anonymousId = `anon-xss-${p.id}`;
        const v = await connectVisitor(server, anonymousId, { url: `https://shop.example/p/${p.id}`, title: p.text });
        visitors.push(v);
        const m = await visitorSays(v, p.text);
        const att = await visitorUploads(server, v, `${p.text}.png`);
        await visitorSays(v, p.text, { conversationId: m.conversationId, attachmentIds: [att.id] });
        await server.api('POST', `/api/v1/conversations/${m.conversationId}/notes`, { text: p.text });
        const conv = await server.api<{ customerId: string }>('GET', `/api/v1/conversations/${m.conversationId}`);
        return { payload: p, anonymousId, conversationId: m.conversationId, customerId: conv.customerId };
      }));
      seeded.push(...done);
      await track(server, group.map((p) => ({ type: 'track', anonymousId: `anon-xss-${p.id}`, event: 'XSS Probe', properties: { label: p.text } })));
    }
    await until(async () => (await server.api<{ items: unknown[] }>('GET', '/api/v1/queue?status=open&limit=200')).items.length >= corpus.length, `${corpus.length} queue items from the probe playbook`, 30_000, 500);

    cp = await newConsolePage(browser, { bypassCSP: true });
    await cp.context.exposeFunction('__xss', (id: number) => executed.push(id));
    await cp.context.route((url) => url.hostname === MARKER_HOST, async (route) => route.fulfill({ status: 204, body: '' }));
    cp.context.on('request', (r) => {
      if (isMarkerUrl(r.url())) markerRequests.push(r.url());
    });
    cp.page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    await loginWithApi(cp.context, server);
  }, 240_000);

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
    await server?.stop();
  });

  async function check(page: Page, view: string): Promise<void> {
    // Give onerror/onload handlers and lazy loads a moment to fire.
    await page.waitForTimeout(100);
    const found = await page.evaluate<string[]>(`${SCAN_DOM}(${JSON.stringify(MARKER_HOST)})`);
    for (const f of found) domFindings.push(`${view}: ${f}`);
  }

  function summary(): string {
    const byId = (id: number) => corpus.find((p) => p.id === id);
    return JSON.stringify({
      executed: executed.map((id) => ({ id, payload: byId(id)?.text })),
      dialogs, markerRequests, domFindings: domFindings.slice(0, 40),
    }, null, 2);
  }

  it(`has at least 100 payloads (${corpus.length})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    expect(new Set(corpus.map((p) => p.text)).size).toBe(corpus.length);
    expect(seeded.length).toBe(corpus.length);
  });

  it('the detectors work: markup injected into the page is caught by each of them', async () => {
    // A negative control: without it, a broken detector would make every other test pass.
    const { page } = cp;
    await openView(page, server, '/inbox', 'inbox-list', 'the inbox');
    await page.evaluate((host) => {
      const d = document.createElement('div');
      d.id = 'xss-control';
      d.innerHTML = `<img src=x onerror="__xss(0)"><img src="http://${host}/0"><b data-xss="0">x</b>`;
      document.getElementById('app')!.appendChild(d);
    }, MARKER_HOST);
    await until(() => executed.includes(0) && markerRequests.some((u) => u.endsWith('/0')), 'the control payload to run and load the marker');
    await check(page, 'control');
    expect(domFindings.some((f) => f.includes('onerror')) && domFindings.some((f) => f.includes('data-xss=0'))).toBe(true);
    executed.length = 0;
    markerRequests.length = 0;
    domFindings.length = 0;
  });

  it('inbox: every row renders, nothing runs', async () => {
    const { page } = cp;
    await openView(page, server, '/inbox', 'inbox-list', 'the inbox');
    // Resolved-or-not, all corpus conversations are open: page through them all.
    const want = new Set(seeded.map((s) => s.conversationId));
    await until(async () => {
      const ids = await page.locator('[data-testid="conversation-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')));
      if ([...want].every((id) => ids.includes(id))) return true;
      const more = tid(page, 'inbox-load-more');
      if (await more.isVisible() && await more.isEnabled()) await more.click();
      return false;
    }, `all ${want.size} corpus conversations in the inbox (paging with inbox-load-more)`, 60_000, 300);
    await check(page, 'inbox');
    await screenshot(page, 'console-xss-inbox');
    expect(summary()).toBe(JSON.stringify({ executed: [], dialogs: [], markerRequests: [], domFindings: [] }, null, 2));
  }, 120_000);

  it('each conversation with its customer panel: the payload is shown as text, nothing runs', async () => {
    const { page } = cp;
    const unshown: string[] = [];
    for (const s of seeded) {
      // Client-side navigation (the router listens to popstate): no full reload per conversation.
      await page.evaluate((path) => {
        history.pushState(null, '', path);
        dispatchEvent(new PopStateEvent('popstate'));
      }, `/console/inbox/${s.conversationId}`);
      const thread = await visible(tid(page, 'thread'), `the thread of payload #${s.payload.id}`);
      await until(async () => (await thread.getByTestId('message').count()) >= 3, `payload #${s.payload.id}: its 2 messages and note in the thread`, 10_000);
      await visible(page.getByTestId('message-attachment'), `payload #${s.payload.id}: the attachment`);
      const panel = await visible(tid(page, 'customer-panel'), `payload #${s.payload.id}: the customer panel`);
      // The name is plain text (not Markdown): it must read exactly as the customer wrote it.
      const norm = (x: string) => x.replace(/\s+/g, ' ').trim();
      const shown = await until(async () => norm((await panel.textContent()) ?? '').includes(norm(s.payload.text)) || null, `payload #${s.payload.id}'s name in the panel`, 10_000).catch(() => null);
      if (!shown) unshown.push(`#${s.payload.id}`);
      await check(page, `conversation #${s.payload.id}`);
      if (s.payload.id === 16) await screenshot(page, 'console-xss-conversation');
    }
    expect(summary()).toBe(JSON.stringify({ executed: [], dialogs: [], markerRequests: [], domFindings: [] }, null, 2));
    expect(unshown, 'payloads whose name the customer panel did not show as text').toEqual([]);
  }, 240_000);

  it('each customer page: traits, pages and history render as text, nothing runs', async () => {
    const { page } = cp;
    const norm = (x: string) => x.replace(/\s+/g, ' ').trim();
    const unshown: string[] = [];
    for (const s of seeded) {
      await page.evaluate((path) => {
        history.pushState(null, '', path);
        dispatchEvent(new PopStateEvent('popstate'));
      }, `/console/customers/${s.customerId}`);
      // The previous customer's page stays visible until this one has loaded: wait for this
      // customer's name, or the scan below would look at the page before.
      const name = tid(page, 'customer-name');
      await visible(name, `the customer page of payload #${s.payload.id}`);
      const shown = await until(async () => norm((await name.textContent()) ?? '').includes(norm(s.payload.text)) || null, `payload #${s.payload.id}'s name on its customer page`, 10_000).catch(() => null);
      if (!shown) unshown.push(`#${s.payload.id}`);
      await check(page, `customer #${s.payload.id}`);
    }
    expect(summary()).toBe(JSON.stringify({ executed: [], dialogs: [], markerRequests: [], domFindings: [] }, null, 2));
    expect(unshown, 'payloads whose customer page did not show their name as text').toEqual([]);
  }, 240_000);

  it('live visitors and the queue: nothing runs', async () => {
    const { page } = cp;
    await openView(page, server, '/visitors', 'live-visitors', 'the live visitors');
    await until(async () => (await tid(page, 'visitor-row').count()) > 0, 'visitor rows', 15_000);
    await check(page, 'live visitors');
    await screenshot(page, 'console-xss-visitors');
    await openView(page, server, '/queue', 'queue', 'the queue');
    await until(async () => (await tid(page, 'queue-item').count()) > 0, 'queue items', 15_000);
    await check(page, 'queue');
    expect(summary()).toBe(JSON.stringify({ executed: [], dialogs: [], markerRequests: [], domFindings: [] }, null, 2));
  }, 60_000);
});
