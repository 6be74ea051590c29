import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleStaticRoutes } from '../packages/server/src/transport/http/routes/console-static.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { RawSocket, listen } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

const PASSWORD = 'correct horse battery';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
type Res = { statusCode: number; body: string; headers: Record<string, unknown>; json: <T = any>() => T };

/** `name=value` of the session cookie a response set, and the Set-Cookie line itself. */
function sessionCookie(r: Res): { pair: string; line: string } {
  const raw = r.headers['set-cookie'];
  const lines = (Array.isArray(raw) ? raw : [raw]).filter((l): l is string => typeof l === 'string');
  const line = lines.find((l) => l.startsWith('omotenashi_session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(raw)}`);
  return { pair: line.split(';')[0]!, line };
}

describe.each(await storeFactories())('console session on $name', (factory) => {
  let t: TestApp;
  let n = 0;
  beforeEach(async () => {
    t = await startTestApp(factory);
  });
  afterEach(async () => {
    await t?.close();
  });

  const operator = async (ws = t.ws.id, role: 'agent' | 'admin' = 'agent') =>
    t.services.tenancy.createOperator(ws, { email: `op${++n}@shop.test`, name: `Op ${n}`, role, password: PASSWORD });
  const login = async (email: string, password = PASSWORD, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/console/api/login', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify({ email, password }) });
  const withCookie = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, cookie: string, opts: { body?: unknown; csrf?: string; bearer?: string } = {}) =>
    t.app.inject({
      method, url,
      headers: {
        cookie,
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.csrf !== undefined ? { 'x-csrf-token': opts.csrf } : {}),
        ...(opts.bearer !== undefined ? { authorization: `Bearer ${opts.bearer}` } : {}),
      },
      ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
    });
  const loggedIn = async (ws = t.ws.id) => {
    const op = await operator(ws);
    const r = await login(op.email);
    expect(r.statusCode, r.body).toBe(200);
    return { op, cookie: sessionCookie(r).pair, csrf: r.json<{ csrfToken: string }>().csrfToken };
  };

  it('login sets an HttpOnly, SameSite=Strict cookie on / and returns the operator and a CSRF token', async () => {
    const op = await operator();
    const r = await login(op.email);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{ operator: { id: string; email: string; role: string; workspaceId: string }; csrfToken: string; expiresAt: string }>();
    expect(body.operator).toEqual({ id: op.id, email: op.email, name: op.name, role: 'agent', workspaceId: t.ws.id, avatarUrl: null });
    expect(body.csrfToken.length).toBeGreaterThan(20);
    const { line } = sessionCookie(r);
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Strict/i);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/; Secure/i);
    expect(line).toMatch(/; Max-Age=43200/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).not.toContain(sessionCookie(r).pair.split('=')[1]);
  });

  it('marks the cookie Secure when the browser came over https', async () => {
    const op = await operator();
    const r = await login(op.email, PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(r.statusCode, r.body).toBe(200);
    expect(sessionCookie(r).line).toMatch(/; Secure/i);
  });

  it('refuses a wrong password with 401 invalid_credentials and sets no cookie', async () => {
    const op = await operator();
    const r = await login(op.email, 'not the password');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('invalid_credentials');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('after 5 wrong passwords for an email, refuses even the right one with 429 and Retry-After until 15 minutes have passed', async () => {
    const op = await operator();
    const other = await operator();
    for (let i = 1; i <= 5; i++) {
      const r = await login(op.email, `guess ${i}`);
      expect(r.statusCode, `wrong password ${i} of 5 is still only wrong`).toBe(401);
    }
    const locked = await login(op.email);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toEqual({ code: 'rate_limited', message: 'too many failed logins: try again in 15 minutes' });
    expect(Number(locked.headers['retry-after'])).toBe(900);
    expect(locked.headers['set-cookie']).toBeUndefined();
    // The API login is the same door, and is locked too (the email differs only in case).
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: op.email.toUpperCase(), password: PASSWORD } });
    expect(api.statusCode).toBe(429);
    // Only that email is locked: a colleague at the same address logs in.
    expect((await login(other.email)).statusCode).toBe(200);

    t.clock.advance(15 * 60_000 - 1_000);
    const almost = await login(op.email);
    expect(almost.statusCode).toBe(429);
    expect(almost.headers['retry-after']).toBe('1');
    t.clock.advance(1_000);
    expect((await login(op.email)).statusCode, 'the window has passed').toBe(200);
  });

  it('forgets the wrong passwords of an email once it logs in', async () => {
    const op = await operator();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await login(op.email, 'nope')).statusCode).toBe(401);
      expect((await login(op.email)).statusCode, `round ${round}: 4 failures, then the right password`).toBe(200);
    }
  });

  it('locks one client address after 50 failed logins, whatever the emails; other addresses go on', async () => {
    const op = await operator();
    const from = (remoteAddress: string, email: string, password = PASSWORD) =>
      t.app.inject({ method: 'POST', url: '/console/api/login', remoteAddress, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password }) });
    for (let i = 0; i < 50; i++) expect((await from('203.0.113.9', `nobody${i}@shop.test`)).statusCode).toBe(401);
    const r = await from('203.0.113.9', op.email);
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('rate_limited');
    expect((await from('198.51.100.7', op.email)).statusCode).toBe(200);
  });

  it('believes X-Forwarded-For from a proxy on a private network, not from a client on the internet', async () => {
    const op = await operator();
    const via = (remoteAddress: string, forwardedFor: string) =>
      t.app.inject({ method: 'POST', url: '/console/api/login', remoteAddress, headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, payload: JSON.stringify({ email: `x${forwardedFor}@shop.test`, password: 'nope' }) });
    // A client on the internet that names a new address on every try is still one address.
    for (let i = 0; i < 50; i++) expect((await via('203.0.113.9', `198.51.100.${i}`)).statusCode).toBe(401);
    expect((await via('203.0.113.9', '198.51.100.200')).statusCode, 'its own address is locked, whatever it claims').toBe(429);
    // Through the shop's reverse proxy (10.0.0.5), each client is its own address.
    for (let i = 0; i < 50; i++) expect((await via('10.0.0.5', `192.0.2.${i}`)).statusCode).toBe(401);
    const own = await t.app.inject({ method: 'POST', url: '/console/api/login', remoteAddress: '10.0.0.5', headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.99' }, payload: JSON.stringify({ email: op.email, password: PASSWORD }) });
    expect(own.statusCode, 'another client behind the same proxy is not locked').toBe(200);
  });

  it('refuses a login posted from another origin (login CSRF) and accepts one from its own', async () => {
    const op = await operator();
    const evil = await login(op.email, PASSWORD, { origin: 'https://evil.example', host: 'console.shop.test' });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.code).toBe('csrf_failed');
    expect(evil.headers['set-cookie']).toBeUndefined();
    const own = await login(op.email, PASSWORD, { origin: 'https://console.shop.test', host: 'console.shop.test' });
    expect(own.statusCode, own.body).toBe(200);
  });

  it('GET /console/api/session answers with the cookie and 401 without or with a bad one', async () => {
    const { op, cookie, csrf } = await loggedIn();
    const r = await withCookie('GET', '/console/api/session', cookie);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ operator: { id: op.id, email: op.email }, csrfToken: csrf });
    expect((await t.app.inject({ method: 'GET', url: '/console/api/session' })).statusCode).toBe(401);
    const bad = await withCookie('GET', '/console/api/session', 'omotenashi_session=ot_forged');
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('unauthorized');
  });

  it('the cookie reads /api/v1 routes without a CSRF token', async () => {
    const { cookie } = await loggedIn();
    const r = await withCookie('GET', '/api/v1/workspace', cookie);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().id).toBe(t.ws.id);
    expect((await withCookie('GET', '/api/v1/conversations', cookie)).statusCode).toBe(200);
  });

  it('a change with the cookie but without x-csrf-token is refused with 403 csrf_failed and changes nothing', async () => {
    const { cookie, csrf } = await loggedIn();
    const before = await t.count('snippets');
    const snippet = { shortcut: 'hello', title: 'Hello', body: 'Hello {{first_name}}' };
    for (const header of [undefined, 'wrong', `${csrf}x`]) {
      const r = await withCookie('POST', '/api/v1/snippets', cookie, { body: snippet, ...(header !== undefined ? { csrf: header } : {}) });
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json().error.code).toBe('csrf_failed');
    }
    expect(await t.count('snippets')).toBe(before);
    // Another session's token is not this session's.
    const other = await loggedIn();
    const cross = await withCookie('POST', '/api/v1/snippets', cookie, { body: snippet, csrf: other.csrf });
    expect(cross.statusCode).toBe(403);
    expect(await t.count('snippets')).toBe(before);

    const ok = await withCookie('POST', '/api/v1/snippets', cookie, { body: snippet, csrf });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await t.count('snippets')).toBe(before + 1);
    const put = await withCookie('PUT', '/api/v1/settings/conversations', cookie, { body: { autoAssign: false } });
    expect(put.statusCode).toBe(403);
    const del = await withCookie('DELETE', `/api/v1/snippets/${ok.json().id as string}`, cookie);
    expect(del.statusCode).toBe(403);
    expect(await t.count('snippets')).toBe(before + 1);
  });

  it('bearer callers need no CSRF token, and a bearer header wins over the cookie', async () => {
    const { cookie } = await loggedIn();
    const r = await t.api('POST', '/api/v1/snippets', { shortcut: 'bye', title: 'Bye', body: 'Bye' });
    expect(r.statusCode, r.body).toBe(201);
    // An owner bearer token with an agent's cookie: the bearer decides, and no CSRF is asked for.
    const both = await withCookie('POST', '/api/v1/write-keys', cookie, { body: { name: 'both' }, bearer: t.ws.apiToken });
    expect(both.statusCode, both.body).toBe(201);
    // The agent's cookie alone (with its CSRF token) lacks the admin role.
    const session = (await withCookie('GET', '/console/api/session', cookie)).json<{ csrfToken: string }>();
    const agent = await withCookie('POST', '/api/v1/write-keys', cookie, { body: { name: 'agent' }, csrf: session.csrfToken });
    expect(agent.statusCode).toBe(403);
    expect(agent.json().error.code).toBe('forbidden');
  });

  it('logout needs the CSRF token, then revokes the session and clears the cookie', async () => {
    const { cookie, csrf } = await loggedIn();
    const refused = await withCookie('POST', '/console/api/logout', cookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('csrf_failed');
    expect((await withCookie('GET', '/console/api/session', cookie)).statusCode).toBe(200);

    const out = await withCookie('POST', '/console/api/logout', cookie, { csrf });
    expect(out.statusCode, out.body).toBe(204);
    expect(sessionCookie(out).line).toMatch(/omotenashi_session=;.*Max-Age=0/);
    expect((await withCookie('GET', '/console/api/session', cookie)).statusCode).toBe(401);
    expect((await withCookie('GET', '/api/v1/workspace', cookie)).statusCode).toBe(401);
    // The session token is revoked in the store, not just forgotten by the browser.
    const tokens = (await t.api('GET', '/api/v1/tokens')).json<{ items: { name: string; revokedAt: string | null }[] }>().items;
    const sessions = tokens.filter((x) => x.name.startsWith('session for '));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.revokedAt).not.toBeNull();
    // Logging out again, or without a cookie, only clears the cookie.
    expect((await withCookie('POST', '/console/api/logout', cookie)).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: '/console/api/logout' })).statusCode).toBe(204);
  });

  it('a session of workspace A never reads or changes workspace B', async () => {
    const b = await t.services.tenancy.createWorkspace('Shop B');
    const bUser = await t.track('/v1/identify', { userId: 'b-user', traits: { email: 'b@example.com' } }, { writeKey: b.writeKey });
    expect(bUser.statusCode).toBe(200);
    const bCustomer = (await t.api('GET', '/api/v1/customers/lookup?userId=b-user', undefined, b.apiToken)).json<{ id: string }>().id;
    const bConv = await t.api('POST', '/api/v1/conversations', { customer: { userId: 'b-user' }, text: 'B only' }, b.apiToken);
    expect(bConv.statusCode, bConv.body).toBe(201);
    const bConvId = bConv.json<{ conversation: { id: string } }>().conversation.id;

    const { cookie, csrf } = await loggedIn(t.ws.id);
    expect((await withCookie('GET', '/api/v1/workspace', cookie)).json().id).toBe(t.ws.id);
    expect((await withCookie('GET', `/api/v1/customers/${bCustomer}`, cookie)).statusCode).toBe(404);
    expect((await withCookie('GET', `/api/v1/conversations/${bConvId}`, cookie)).statusCode).toBe(404);
    const list = (await withCookie('GET', '/api/v1/conversations', cookie)).json<{ conversations: { id: string }[] }>();
    expect(list.conversations.map((c) => c.id)).not.toContain(bConvId);
    const reply = await withCookie('POST', `/api/v1/conversations/${bConvId}/messages`, cookie, { body: { text: 'hi' }, csrf });
    expect(reply.statusCode).toBe(404);
    const msgs = (await t.api('GET', `/api/v1/conversations/${bConvId}/messages`, undefined, b.apiToken)).json<{ messages: unknown[] }>();
    expect(msgs.messages).toHaveLength(1);
    // Logging in with workspace A's operator and workspace B's id finds nobody.
    const op = await operator(t.ws.id);
    const wrongWs = await t.app.inject({ method: 'POST', url: '/console/api/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: op.email, password: PASSWORD, workspaceId: b.workspace.id }) });
    expect(wrongWs.statusCode).toBe(401);
  });

  it('serves console pages, deep links and the session API with the strict CSP, nosniff and same-origin referrer', async () => {
    // Pages: 200 when the console is built, 503 (a page saying how to build it) when not.
    const expected: [string, number[]][] = [
      ['/console', [200, 503]], ['/console/', [200, 503]], ['/console/inbox/cnv_123', [200, 503]],
      ['/console/api/session', [401]], ['/console/api/nothing-here', [404]],
    ];
    for (const [url, statuses] of expected) {
      const r = await t.app.inject({ method: 'GET', url });
      expect(statuses, url).toContain(r.statusCode);
      expect(r.headers['content-security-policy'], url).toBe(CSP);
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['referrer-policy'], url).toBe('same-origin');
    }
    const api404 = await t.app.inject({ method: 'GET', url: '/console/api/nothing-here' });
    expect(api404.statusCode).toBe(404);
    expect(api404.json().error.code).toBe('not_found');
  });

  it('the operators\' WebSocket accepts the session cookie when the hello has no token', async () => {
    const { op, cookie } = await loggedIn();
    const { ws: base, port } = await listen(t);
    const open = (headers: Record<string, string>) => RawSocket.open(`${base}/api/v1/realtime`, { headers });
    const s = await open({ cookie, origin: `http://127.0.0.1:${port}` });
    s.send({ type: 'hello', v: 1 });
    const welcome = await s.next((f) => f.type === 'welcome' || f.type === 'error');
    expect(welcome.type).toBe('welcome');
    expect(welcome['operatorId']).toBe(op.id);
    expect(welcome['workspaceId']).toBe(t.ws.id);
    s.close();

    // From a page on another origin the cookie is not trusted.
    const foreign = await open({ cookie, origin: 'https://evil.example' });
    foreign.send({ type: 'hello', v: 1 });
    const refused = await foreign.next((f) => f.type === 'welcome' || f.type === 'error');
    expect(refused).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect((await foreign.closed).code).toBe(4001);

    // No cookie, no token: refused as before.
    const bare = await RawSocket.open(`${base}/api/v1/realtime`);
    bare.send({ type: 'hello', v: 1 });
    expect(await bare.next((f) => f.type === 'error')).toMatchObject({ code: 'unauthorized' });
  });
});

describe('console static files', () => {
  const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script><div id="app"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
  writeFileSync(join(dist, 'assets', 'index-abc123.css'), 'body{margin:0}');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(tmpdir(), 'console-secret.txt'), 'TOP-SECRET-CONTENT');

  const appWith = async (distDir: string) => {
    const app = Fastify();
    consoleStaticRoutes(app, { distDir });
    await app.ready();
    return app;
  };

  it('serves index.html (never cached) for /console and every client route', async () => {
    const app = await appWith(dist);
    for (const url of ['/console', '/console/', '/console/inbox', '/console/conversations/cnv_1?tab=customer', '/console/index.html']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.body).toContain('<div id="app">');
      expect(r.headers['content-security-policy']).toBe(CSP);
    }
    await app.close();
  });

  it('serves hashed assets with a year-long immutable cache and their type; a missing asset is a 404', async () => {
    const app = await appWith(dist);
    const js = await app.inject({ method: 'GET', url: '/console/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.body).toBe('console.log("app")');
    const css = await app.inject({ method: 'GET', url: '/console/assets/index-abc123.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await app.inject({ method: 'GET', url: '/console/favicon.svg' });
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
    const gone = await app.inject({ method: 'GET', url: '/console/assets/index-old999.js' });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).not.toContain('<div id="app">');
    await app.close();
  });

  it('never serves a file outside dist', async () => {
    const app = await appWith(dist);
    for (const url of ['/console/../console-secret.txt', '/console/%2e%2e/console-secret.txt', '/console/assets/..%2f..%2fconsole-secret.txt', '/console/%00']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.body, url).not.toContain('TOP-SECRET-CONTENT');
    }
    await app.close();
  });

  it('answers 503 with a page saying how to build when the console is not built', async () => {
    const app = await appWith(join(dist, 'missing'));
    const r = await app.inject({ method: 'GET', url: '/console/inbox' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build -w @omotenashi/console');
    expect(r.headers['content-security-policy']).toBe(CSP);
    await app.close();
  });
});
