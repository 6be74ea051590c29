import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { RunningServer } from '../helpers/browser.js';
import { RawSocket, type Frame } from '../helpers/realtime.js';
import { until, visible } from '../helpers/browser.js';

export { until, visible };

/**
 * Shared pieces of the console's real-browser tests (test/browser/console-*.test.ts): bounded
 * waits that say what was expected, the console's data-testid hooks (packages/console/src/testids.ts),
 * logging in, and the shopper's side driven through the public interfaces (the tracking API with
 * the write key, the visitor WebSocket, visitor attachment uploads).
 */

/** Waits until the locator's text contains `text`. */
export async function hasText(locator: Locator, text: string, what: string, timeoutMs = 10_000): Promise<void> {
  await until(async () => (await locator.first().textContent({ timeout: 1_000 }))?.includes(text), `${what} to show "${text}"`, timeoutMs, 150);
}

/** `[data-testid="…"]` (Playwright's getByTestId uses data-testid). */
export function tid(page: Page | Locator, id: string): Locator {
  return page.getByTestId(id);
}

export const VIEWPORT = { width: 1280, height: 800 };

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console.error lines, for the failure message. */
  errors: string[];
}

/** A fresh browser context (no cookies) with a page, at the usual laptop size. */
export async function newConsolePage(browser: Browser, opts: { bypassCSP?: boolean; locale?: string } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: VIEWPORT, bypassCSP: opts.bypassCSP ?? false, locale: opts.locale ?? 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  return { context, page, errors };
}

/** Logs in through the login form, as a person does; resolves when the inbox is there. */
export async function loginWithForm(page: Page, server: RunningServer): Promise<void> {
  await page.goto(`${server.base}/console/`);
  await visible(tid(page, 'login-email'), 'the login form');
  await tid(page, 'login-email').fill(server.operator.email);
  await tid(page, 'login-password').fill(server.operator.password);
  await tid(page, 'login-submit').click();
  await visible(tid(page, 'inbox-list'), 'the inbox after logging in', 15_000);
}

/**
 * Logs the context in through the console's login API (the same cookie the form gets), for
 * tests whose subject is not the form. The context's request API shares its cookie jar.
 */
export async function loginWithApi(context: BrowserContext, server: RunningServer): Promise<string> {
  const res = await context.request.post(`${server.base}/console/api/login`, { data: server.operator });
  if (!res.ok()) throw new Error(`POST /console/api/login → ${res.status()}: ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  return body.csrfToken;
}

/** Opens a console path (e.g. "/inbox") with a full page load. */
export async function openView(page: Page, server: RunningServer, path: string, readyTestId: string, what: string, timeoutMs = 15_000): Promise<void> {
  await page.goto(`${server.base}/console${path}`);
  await visible(tid(page, readyTestId), what, timeoutMs);
}

/** The composer's text field (the testid may sit on the field itself or on its form). */
export function composerInput(page: Page): Locator {
  return page.locator('textarea[data-testid="composer"], [data-testid="composer"] textarea').first();
}

/** Tracking calls through /v1/batch with the write key in the body, as the widget sends them. */
export async function track(server: RunningServer, batch: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${server.base}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ writeKey: server.writeKey, batch: batch.map((e, i) => ({ messageId: `m-${Date.now()}-${Math.random().toString(36).slice(2)}-${i}`, ...e })) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /v1/batch → ${res.status}: ${text}`);
}

/** A shopper's chat socket (the visitor protocol), after its welcome. */
export interface Visitor {
  socket: RawSocket;
  anonymousId: string;
  sessionToken: string;
  close(): void;
}

export async function connectVisitor(server: RunningServer, anonymousId: string, page?: { url: string; title: string }): Promise<Visitor> {
  const socket = await RawSocket.open(`${server.base.replace(/^http/, 'ws')}/v1/realtime`);
  socket.send({ type: 'hello', v: 1, writeKey: server.writeKey, anonymousId, ...(page ? { page } : {}) });
  const welcome = await socket.next((f) => f.type === 'welcome' || f.type === 'error', 10_000);
  if (welcome.type !== 'welcome') throw new Error(`visitor hello refused: ${JSON.stringify(welcome)}`);
  return { socket, anonymousId, sessionToken: welcome['sessionToken'] as string, close: () => socket.close() };
}

let clientIds = 0;
/** Sends a chat message as the visitor; resolves with the stored message (from the ack). */
export async function visitorSays(v: Visitor, text: string, extra: Record<string, unknown> = {}): Promise<{ id: string; conversationId: string; seq: number }> {
  const clientMessageId = `c-${process.pid}-${++clientIds}`;
  const from = v.socket.frames.length;
  v.socket.send({ type: 'message', clientMessageId, text, ...extra });
  const f = await v.socket.next((x) => (x.type === 'ack' && x['clientMessageId'] === clientMessageId) || (x.type === 'error' && x['ref'] === clientMessageId), 10_000, from);
  if (f.type !== 'ack') throw new Error(`visitor message refused: ${JSON.stringify(f)}`);
  return f['message'] as { id: string; conversationId: string; seq: number };
}

/** The next frame the visitor receives that matches. */
export function visitorReceives(v: Visitor, pred: (f: Frame) => boolean, what: string, timeoutMs = 10_000): Promise<Frame> {
  return v.socket.next(pred, timeoutMs).catch(() => {
    throw new Error(`the visitor did not receive ${what} within ${timeoutMs} ms; frames: ${JSON.stringify(v.socket.frames.map((f) => f.type))}`);
  });
}

/** The smallest valid PNG (1×1), for attachment uploads (the server sniffs the bytes). */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Uploads a file as the visitor (POST /v1/attachments with the session token); returns its id. */
export async function visitorUploads(server: RunningServer, v: Visitor, fileName: string): Promise<{ id: string; fileName: string }> {
  const res = await fetch(`${server.base}/v1/attachments?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${v.sessionToken}`, 'content-type': 'image/png' },
    body: TINY_PNG,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /v1/attachments → ${res.status}: ${text}`);
  return JSON.parse(text) as { id: string; fileName: string };
}

/** The demo operator's id (the one the tests log in as). */
export async function operatorId(server: RunningServer): Promise<string> {
  const r = await server.api<{ items: { id: string; email: string }[] }>('GET', '/api/v1/operators');
  const me = r.items.find((o) => o.email === server.operator.email);
  if (!me) throw new Error(`no operator ${server.operator.email} in GET /api/v1/operators`);
  return me.id;
}
