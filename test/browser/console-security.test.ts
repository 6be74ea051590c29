import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, startServer, type RunningServer } from '../helpers/browser.js';
import { connectVisitor, loginWithApi, newConsolePage, until, visitorSays, type ConsolePage } from './console-support.js';

/**
 * Issue 6, security from the browser's side: the console page carries a strict CSP; the session
 * cookie is HttpOnly (page script cannot read it); and a form on another origin that posts to
 * the API with the operator's cookie but without the CSRF header is refused, changing nothing.
 *
 * The attacker page is served from another port on 127.0.0.1: another origin but the same site,
 * so SameSite=Strict does not keep the cookie off the request and only the CSRF check stands
 * between the form and the change. That is the case the header exists for.
 */

describeBrowser('console security in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;
  let attacker: Server;
  let attackerBase: string;
  let attackerHtml = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(attackerHtml);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    attackerBase = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    cp = await newConsolePage(browser);
    // The form itself is console-flow's subject; here the same cookie through the login API.
    await loginWithApi(cp.context, server);
    await cp.page.goto(`${server.base}/console/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => attacker?.close(r));
    await server?.stop();
  });

  it('serves the console with a strict Content-Security-Policy (no inline script, no eval)', async () => {
    const res = await cp.page.goto(`${server.base}/console/`);
    const csp = (await res!.allHeaders())['content-security-policy'];
    expect(csp, 'content-security-policy header on /console/').toBeTruthy();
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp!)?.[1] ?? /(?:^|;)\s*default-src ([^;]*)/.exec(csp!)?.[1];
    expect(scriptSrc, 'a script-src (or default-src) directive').toBeTruthy();
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    // The browser enforces it: an inline script injected into the page does not run, and eval is refused.
    const inlineRan = await cp.page.evaluate(async () => {
      const w = window as unknown as { __inline?: boolean };
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return w.__inline === true;
    });
    expect(inlineRan, 'an injected inline script ran').toBe(false);
    // eval: a string timer is compiled when it fires, in the page's own context (DevTools'
    // evaluate itself is exempt from CSP, so new Function inside it would prove nothing).
    const evalRan = await cp.page.evaluate(async () => {
      const w = window as unknown as { __evalRan?: boolean };
      (setTimeout as unknown as (code: string, ms: number) => number)('window.__evalRan = true', 0);
      await new Promise((r) => setTimeout(r, 100));
      return w.__evalRan === true;
    });
    expect(evalRan, 'a string setTimeout (eval) ran').toBe(false);
    // Every console path (client-side routes) and a deep link carry it too.
    for (const path of ['/console/inbox', '/console/dashboard', '/console/playbooks']) {
      const r = await fetch(`${server.base}${path}`);
      expect(r.headers.get('content-security-policy'), `CSP on ${path}`).toBe(csp);
    }
  });

  it('keeps the session cookie out of page script (HttpOnly)', async () => {
    const cookies = await cp.context.cookies(server.base);
    const session = cookies.find((c) => c.httpOnly);
    expect(session, `an HttpOnly cookie among ${JSON.stringify(cookies.map((c) => c.name))}`).toBeTruthy();
    expect(session!.sameSite).toBe('Strict');
    const visible = await cp.page.evaluate(() => document.cookie);
    expect(visible).not.toContain(session!.name);
    expect(visible).not.toContain(session!.value);
    // The console still works with it: the session answers.
    const me = await cp.page.evaluate(async () => (await fetch('/console/api/session')).status);
    expect(me).toBe(200);
  });

  /** Serves `html` as the attacker's page and opens it in the operator's browser; returns the answer to the forged POST. */
  async function forge(target: string, html: string): Promise<{ status: number; body: string; cookie: string }> {
    attackerHtml = html;
    const page = await cp.context.newPage();
    try {
      const answer = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST', { timeout: 10_000 });
      await page.goto(`${attackerBase}/`);
      const res = await answer;
      return { status: res.status(), body: await res.text(), cookie: (await res.request().allHeaders())['cookie'] ?? '' };
    } finally {
      await page.close();
    }
  }

  it('refuses a cross-site form POST that carries the cookie but not the CSRF header, and changes nothing', async () => {
    // Something to forge a change on: a low rating puts the customer on the queue.
    const v = await connectVisitor(server, `anon-csrf-${Date.now()}`);
    const m = await visitorSays(v, 'Please do not touch my case behind my back');
    await server.api('POST', `/api/v1/conversations/${m.conversationId}/status`, { status: 'resolved' });
    await v.socket.next((f) => f.type === 'conversation' && f['conversation'].csatRequested === true);
    v.socket.send({ type: 'csat', conversationId: m.conversationId, score: 1 });
    v.close();
    const item = await until(async () => (await server.api<{ items: { id: string; status: string }[] }>('GET', '/api/v1/queue?status=open')).items[0], 'the low rating on the queue');

    // Claiming needs no body, so a plain cross-site form reaches the route with the cookie:
    // only the CSRF check can stop it.
    const claim = `${server.base}/api/v1/queue/${item.id}/claim`;
    const forged = await forge(claim, `<!doctype html><html><body>
      <form id="f" method="POST" enctype="text/plain" action="${claim}"><input name="x" value="y"></form>
      <script>document.getElementById('f').submit()</script></body></html>`);
    expect(forged.cookie, 'the browser sent the session cookie (same site, other origin)').not.toBe('');
    expect(forged.status, `status of the forged claim: ${forged.body}`).toBe(403);
    expect((JSON.parse(forged.body) as { error: { code: string } }).error.code).toBe('csrf_failed');
    const still = await server.api<{ items: { id: string }[] }>('GET', '/api/v1/queue?status=open');
    expect(still.items.some((i) => i.id === item.id), 'the item is still open').toBe(true);

    // A JSON route: the classic JSON-in-a-text/plain-form trick ({"status":"open","x":"="}) is refused too.
    const reopen = `${server.base}/api/v1/conversations/${m.conversationId}/status`;
    const forged2 = await forge(reopen, `<!doctype html><html><body>
      <form id="f" method="POST" enctype="text/plain" action="${reopen}"><input name='{"status":"open","x":"' value='"}'></form>
      <script>document.getElementById('f').submit()</script></body></html>`);
    expect(forged2.status, `status of the forged status change: ${forged2.body}`).toBeGreaterThanOrEqual(400);
    expect((await server.api<{ status: string }>('GET', `/api/v1/conversations/${m.conversationId}`)).status, 'the conversation is unchanged').toBe('resolved');

    // The same claim made by the console page itself (cookie + its CSRF token) goes through:
    // the refusal above is the CSRF check, not a malformed request.
    const ok = await cp.page.evaluate(async (url) => {
      const s = (await (await fetch('/console/api/session')).json()) as { csrfToken: string };
      const r = await fetch(url, { method: 'POST', headers: { 'x-csrf-token': s.csrfToken } });
      return r.status;
    }, `/api/v1/queue/${item.id}/claim`);
    expect(ok).toBe(200);
    const claimed = await server.api<{ items: { id: string }[] }>('GET', '/api/v1/queue?status=claimed');
    expect(claimed.items.some((i) => i.id === item.id)).toBe(true);
  });
});
