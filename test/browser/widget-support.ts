import type { APIRequestContext, BrowserContext, Locator, Page, Request, WebSocketRoute } from 'playwright-core';
import type { RunningServer } from '../helpers/browser.js';
import { until, visible } from '../helpers/browser.js';

export { until, visible };

/**
 * Shared pieces of the widget's real-browser tests (test/browser/widget-*.test.ts): bounded waits,
 * locators into the widget's shadow root (Playwright's CSS engine pierces open shadow roots), and
 * the admin-API look-ups that show what the server made of a shopper's visit.
 */

export async function hidden(locator: Locator, what: string, timeoutMs = 10_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'hidden', timeout: timeoutMs });
  } catch (e) {
    throw new Error(`${what} did not disappear within ${timeoutMs} ms: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** A part of the widget: the first `[data-part="…"]` inside `#omotenashi-widget`'s shadow root. */
export function part(page: Page, name: string, extra = ''): Locator {
  return page.locator(`#omotenashi-widget [data-part="${name}"]${extra}`).first();
}

export function action(page: Page, scope: string, name: string): Locator {
  return page.locator(`#omotenashi-widget [data-part="${scope}"] [data-action="${name}"]`).first();
}

export function messages(page: Page, author?: 'customer' | 'operator' | 'system'): Locator {
  return page.locator(`#omotenashi-widget [data-part="message"]${author ? `[data-author="${author}"]` : ''}`);
}

/** The widget's anonymous id as it keeps it (contract: localStorage `omotenashi.anonymousId`). */
export async function anonymousIdOf(page: Page): Promise<string> {
  return until(async () => {
    const raw = await page.evaluate(() => (globalThis as any).localStorage.getItem('omotenashi.anonymousId') as string | null);
    if (!raw) return undefined;
    // Tolerate a JSON-encoded string; the contract names the key, not the encoding.
    return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }, 'localStorage "omotenashi.anonymousId" to be set by the widget', 10_000);
}

export interface CustomerView { id: string; profile: any; identities: { kind: string; value: string }[] }

/** The server's customer for the shopper in `page` (waits until the widget's events created it). */
export async function customerOf(server: RunningServer, page: Page, timeoutMs = 10_000): Promise<CustomerView> {
  const anon = await anonymousIdOf(page);
  return until(() => server.api<CustomerView>('GET', `/api/v1/customers/lookup?anonymousId=${encodeURIComponent(anon)}`),
    `the server to know the shopper ${anon} (GET /api/v1/customers/lookup?anonymousId=…)`, timeoutMs, 250);
}

export interface TimelineEvent { kind: 'event'; type: string; name: string | null; at: string; payload: any }

/** Every event of a customer, oldest first. */
export async function timeline(server: RunningServer, customerId: string): Promise<TimelineEvent[]> {
  const res = await server.api<{ items: (TimelineEvent | { kind: 'merge' })[] }>('GET', `/api/v1/customers/${customerId}/timeline?limit=200`);
  return res.items.filter((i): i is TimelineEvent => i.kind === 'event').reverse();
}

export interface Decision { playbook: { key: string }; step: number; action: string; outcome: 'fired' | 'held_back'; reason: string | null; explanation: { summary: string } }

export async function decisions(server: RunningServer, customerId: string): Promise<Decision[]> {
  return (await server.api<{ items: Decision[] }>('GET', `/api/v1/customers/${customerId}/decisions`)).items;
}

/** Logs in as the demo operator (POST /api/v1/auth/login) from `request` and returns a bearer. */
export async function operatorSession(server: RunningServer, request: APIRequestContext): Promise<{ token: string; name: string }> {
  const res = await request.post(`${server.base}/api/v1/auth/login`, { data: { email: server.operator.email, password: server.operator.password } });
  if (!res.ok()) throw new Error(`operator login failed: ${res.status()} ${await res.text()}`);
  const body = (await res.json()) as { token: string; operator: { name: string } };
  return { token: body.token, name: body.operator.name };
}

/** Answers the customer's latest conversation as the operator, as an operator's own app would. */
export async function operatorReply(server: RunningServer, request: APIRequestContext, token: string, customerId: string, text: string): Promise<string> {
  const auth = { authorization: `Bearer ${token}` };
  const conversationId = await until(async () => {
    const res = await request.get(`${server.base}/api/v1/customers/${customerId}/conversations`, { headers: auth });
    if (!res.ok()) throw new Error(`GET conversations → ${res.status()} ${await res.text()}`);
    return ((await res.json()) as { conversations: { id: string }[] }).conversations[0]?.id;
  }, `a conversation for ${customerId} (the shopper's message reaching the inbox)`, 10_000, 200);
  const res = await request.post(`${server.base}/api/v1/conversations/${conversationId}/messages`, { headers: auth, data: { text } });
  if (res.status() !== 201) throw new Error(`operator reply → ${res.status()} ${await res.text()}`);
  return conversationId;
}

export interface ConversationMessage { seq: number; text: string | null; author: { type: string } }

export async function conversationMessages(server: RunningServer, conversationId: string): Promise<ConversationMessage[]> {
  return (await server.api<{ messages: ConversationMessage[] }>('GET', `/api/v1/conversations/${conversationId}/messages?afterSeq=0`)).messages;
}

/**
 * Serves `html` at `url` for this context (the server never sees that path), so a test page can
 * sit on the server's origin. Chromium treats a page fulfilled this way as coming from the public
 * internet, and its Local Network Access checks then block the widget's socket to 127.0.0.1
 * (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS). A real shop and a real Omotenashi server are
 * both public, so the permission is granted, as it is in production by construction.
 */
export async function servePage(context: BrowserContext, url: string, html: string): Promise<void> {
  await context.grantPermissions(['local-network-access']);
  await context.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
}

/** A minimal shop page embedding the widget with the contract's snippet. */
export function shopPage(server: RunningServer, opts: { lang?: string; head?: string; body?: string; attrs?: string } = {}): string {
  return `<!doctype html>
<html lang="${opts.lang ?? 'en'}">
<head><meta charset="utf-8"><title>Test shop</title>${opts.head ?? ''}</head>
<body>
${opts.body ?? '<main><h1>Test shop</h1><p>Tea and cups.</p></main>'}
<script src="${server.base}/widget.js" data-write-key="${server.writeKey}" ${opts.attrs ?? ''} async></script>
</body>
</html>`;
}

/** Collects the tracking batches a page sends (fetch, XHR and sendBeacon alike). */
export function watchBatches(page: Page): { requests: Request[]; events(): any[] } {
  const requests: Request[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v1/batch') requests.push(r);
  });
  return {
    requests,
    events: () => requests.flatMap((r) => {
      const body = r.postData();
      if (!body) return [];
      try {
        return (JSON.parse(body) as { batch?: any[] }).batch ?? [];
      } catch {
        return [];
      }
    }),
  };
}

/** The shadow root's focused element, described by its data-part / data-action (for focus assertions). */
export async function focusedInWidget(page: Page): Promise<{ part: string | null; action: string | null; tag: string; inPanel: boolean } | null> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const root = doc.getElementById('omotenashi-widget')?.shadowRoot;
    const el = root?.activeElement;
    if (!el) return null;
    return {
      part: el.getAttribute('data-part') as string | null,
      action: el.getAttribute('data-action') as string | null,
      tag: String(el.tagName).toLowerCase(),
      inPanel: Boolean(el.closest('[data-part="panel"]')),
    };
  });
}

export const VIEWPORT = { width: 1280, height: 800 };

function durationMs(d: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(m[1]) * (units[m[2]!] ?? 0);
  return total;
}

/**
 * The demo's stuck-at-payment pace (contract: dwell 10 s on /demo/checkout/payment, invitation 10 s
 * after the hint), read from the seeded playbook. A seed without it is a broken contract, so this
 * fails rather than saving a faster copy that would let the journey pass anyway.
 */
export async function demoPace(server: RunningServer): Promise<{ dwellMs: number; inviteAfterMs: number }> {
  const def = (await server.api<{ definition: any }>('GET', '/api/v1/playbooks/stuck-at-payment')).definition;
  const dwellMs = Number(def?.trigger?.dwell?.seconds ?? Infinity) * 1000;
  const inviteStep = (def?.steps as any[] | undefined)?.find((s) => s.action === 'invite');
  const inviteAfterMs = inviteStep?.after ? durationMs(String(inviteStep.after)) : Infinity;
  const trigger = JSON.stringify(def?.trigger ?? {});
  const coversDemo = trigger.includes('/demo/checkout/payment') || trigger.includes('**');
  if (dwellMs <= 10_000 && inviteAfterMs <= 10_000 && coversDemo && def?.steps?.[0]?.action === 'hint') return { dwellMs, inviteAfterMs };
  throw new Error(`the demo seed's stuck-at-payment is not at demo pace (dwell ${dwellMs} ms, invite after ${inviteAfterMs} ms, covers /demo: ${coversDemo}, first step ${String(def?.steps?.[0]?.action)})`);
}

/** Clicks a shop hook, failing with a message that names it when it is missing. */
export async function clickShop(page: Page, selector: string, what: string, timeoutMs = 10_000): Promise<void> {
  const el = page.locator(selector).first();
  try {
    await el.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (e) {
    throw new Error(`the shop shows no ${what} (${selector}) on ${page.url()} within ${timeoutMs} ms: ${(e as Error).message.split('\n')[0]}`);
  }
  await el.click({ timeout: timeoutMs });
}

export async function waitForPath(page: Page, path: string | RegExp, timeoutMs = 10_000): Promise<void> {
  await until(() => {
    const p = new URL(page.url()).pathname;
    return typeof path === 'string' ? p === path : path.test(p);
  }, `the shop to reach ${String(path)} (now at ${page.url()})`, timeoutMs, 50);
}

/** A shopper's way from the product list to the payment step, through the shop's own links (client-side routing). */
export async function browseToPayment(page: Page, server: RunningServer): Promise<void> {
  await page.goto(`${server.base}/demo/`);
  await clickShop(page, 'a[href^="/demo/products/"]', 'product link');
  await waitForPath(page, /^\/demo\/products\/[^/]+$/);
  await clickShop(page, '[data-testid="add-to-cart"]', 'add-to-cart button');
  await clickShop(page, '[data-testid="cart-link"]', 'cart link');
  await waitForPath(page, '/demo/cart');
  await clickShop(page, '[data-testid="checkout"]', 'checkout button');
  await waitForPath(page, '/demo/checkout');
  // The details form: whatever required fields it has are filled as a shopper would.
  const details: Record<string, string> = { name: 'Aiko Tanaka', email: 'aiko@example.jp', address: '1-2-3 Jingumae', city: 'Tokyo 150-0001' };
  for (const [name, value] of Object.entries(details)) {
    const input = page.locator(`form input[name="${name}"]`).first();
    if ((await input.count()) && !(await input.inputValue())) await input.fill(value);
  }
  await clickShop(page, '[data-testid="to-payment"]', 'to-payment button');
  await waitForPath(page, '/demo/checkout/payment');
}

/**
 * Puts the operator online as their inbox would: an operators' WebSocket (/api/v1/realtime) opened
 * from a page of their browser context and kept open, so visitors' welcomes say an operator is
 * online (no away notice in the widget). Returns the page holding the socket.
 */
export async function operatorOnline(server: RunningServer, context: BrowserContext, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.base}/healthz`);
  const first = await page.evaluate(({ url, token }) => new Promise<string>((resolve) => {
    const g = globalThis as any;
    const ws = new g.WebSocket(url);
    g.__operatorSocket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, token, presence: 'online' }));
    ws.onmessage = (e: { data: string }) => {
      const type = JSON.parse(e.data).type as string;
      if (type === 'welcome' || type === 'error') resolve(type === 'error' ? `error ${e.data}` : type);
    };
    ws.onclose = (e: { code: number }) => resolve(`closed ${e.code}`);
    setTimeout(() => resolve('no answer within 5 s'), 5_000);
  }), { url: `${server.base.replace(/^http/, 'ws')}/api/v1/realtime`, token });
  if (first !== 'welcome') throw new Error(`the operator's socket was not welcomed: ${first}`);
  return page;
}

/** Waits for the widget's entrance animations to finish (a screenshot mid-fade shows a ghost). */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const g = globalThis as any;
    await new Promise((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(r)));
    const root = g.document.getElementById('omotenashi-widget')?.shadowRoot;
    const all = [...g.document.getAnimations(), ...(root ? root.getAnimations() : [])] as { finished: Promise<unknown> }[];
    await Promise.race([Promise.all(all.map((a) => a.finished.catch(() => undefined))), new Promise((r) => setTimeout(r, 3_000))]);
  });
}

/** The widget's socket through a relay the test can cut, as a dropped network would. */
export interface CuttableNetwork {
  /** Connection attempts so far (refused ones during an outage included). */
  readonly connects: number;
  /** Drops every open socket; new ones are refused until restore(). */
  cut(): Promise<void>;
  restore(): void;
}

export async function cuttableNetwork(context: BrowserContext): Promise<CuttableNetwork> {
  let outage = false;
  let connects = 0;
  const relays: { page: WebSocketRoute; upstream: WebSocketRoute }[] = [];
  await context.routeWebSocket(/^ws:\/\/[^/]+\/v1\/realtime/, (ws) => {
    connects++;
    if (outage) {
      void ws.close({ code: 1001, reason: 'network down (test)' });
      return;
    }
    relays.push({ page: ws, upstream: ws.connectToServer() });
  });
  return {
    get connects() { return connects; },
    async cut() {
      outage = true;
      for (const r of relays.splice(0)) {
        await r.page.close({ code: 1001, reason: 'network down (test)' });
        await r.upstream.close();
      }
    },
    restore() { outage = false; },
  };
}
