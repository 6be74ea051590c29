import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

const PASSWORD = 'correct horse battery';
type Op = { id: string; name: string; avatarUrl: string | null };
type ErrorBody = { error: { code: string; message: string; details?: { issues: { path: string; code: string; message: string }[] } } };

/**
 * An operator's name and photo, shown to shoppers in the invitation bubble: set at creation,
 * listed, and changed by the operator themself (PATCH /api/v1/operators/me); only photo URLs
 * that cannot run script are kept.
 */
describe.each(await storeFactories())('operator profile on $name', (factory) => {
  let t: TestApp;
  let n = 0;
  beforeEach(async () => {
    t = await startTestApp(factory);
  });
  afterEach(async () => {
    await t?.close();
  });

  /** A new operator in the workspace of `adminToken`, and their session token. */
  const operator = async (adminToken = t.ws.apiToken, extra: Record<string, unknown> = {}) => {
    const email = `op${++n}@shop.test`;
    const r = await t.api('POST', '/api/v1/operators', { email, name: `Op ${n}`, role: 'agent', password: PASSWORD, ...extra }, adminToken);
    expect(r.statusCode, r.body).toBe(201);
    const login = await t.api('POST', '/api/v1/auth/login', { email, password: PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    return { id: r.json<Op>().id, created: r.json<Op>(), token: login.json<{ token: string }>().token };
  };
  const listed = async (token = t.ws.apiToken) => (await t.api('GET', '/api/v1/operators', undefined, token)).json<{ items: Op[] }>().items;
  const refused = (r: { statusCode: number; json: <T>() => T; body: string }, field: string, problem: RegExp) => {
    expect(r.statusCode, r.body).toBe(400);
    const e = r.json<ErrorBody>().error;
    expect(e.code).toBe('validation_failed');
    expect(e.message).toMatch(field);
    expect(e.message).toMatch(problem);
  };

  it('takes a photo URL at creation and lists it; operators without one list null', async () => {
    const a = await operator(undefined, { avatarUrl: 'https://cdn.shop.test/team/aiko.jpg' });
    expect(a.created.avatarUrl).toBe('https://cdn.shop.test/team/aiko.jpg');
    const b = await operator();
    expect(b.created.avatarUrl).toBeNull();
    const items = await listed();
    expect(items.find((o) => o.id === a.id)?.avatarUrl).toBe('https://cdn.shop.test/team/aiko.jpg');
    expect(items.find((o) => o.id === b.id)?.avatarUrl).toBeNull();
  });

  it('lets an operator change their own name and photo, and clear the photo', async () => {
    const me = await operator();
    const r = await t.api('PATCH', '/api/v1/operators/me', { name: '  Aiko Tanaka ', avatarUrl: '/demo/assets/operator.svg' }, me.token);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ id: me.id, name: 'Aiko Tanaka', avatarUrl: '/demo/assets/operator.svg' });
    expect((await listed()).find((o) => o.id === me.id)).toMatchObject({ name: 'Aiko Tanaka', avatarUrl: '/demo/assets/operator.svg' });

    // One field at a time: the other stays.
    expect((await t.api('PATCH', '/api/v1/operators/me', { avatarUrl: 'http://photos.shop.test/a.png' }, me.token)).json()).toMatchObject({ name: 'Aiko Tanaka', avatarUrl: 'http://photos.shop.test/a.png' });
    expect((await t.api('PATCH', '/api/v1/operators/me', { avatarUrl: null }, me.token)).json()).toMatchObject({ name: 'Aiko Tanaka', avatarUrl: null });
    expect((await listed()).find((o) => o.id === me.id)?.avatarUrl).toBeNull();
  });

  it('works from the console with the session cookie and its CSRF token', async () => {
    const me = await operator();
    const login = await t.app.inject({ method: 'POST', url: '/console/api/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: `op${n}@shop.test`, password: PASSWORD }) });
    expect(login.statusCode, login.body).toBe(200);
    const raw = login.headers['set-cookie'];
    const cookie = (Array.isArray(raw) ? raw : [raw]).find((l) => typeof l === 'string' && l.startsWith('omotenashi_session='))!.split(';')[0]!;
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const patch = (headers: Record<string, string>) => t.app.inject({
      method: 'PATCH', url: '/api/v1/operators/me', headers: { cookie, 'content-type': 'application/json', ...headers }, payload: JSON.stringify({ avatarUrl: 'https://cdn.shop.test/me.png' }),
    });
    expect((await patch({})).statusCode).toBe(403);
    expect((await listed()).find((o) => o.id === me.id)?.avatarUrl).toBeNull();
    const ok = await patch({ 'x-csrf-token': csrf });
    expect(ok.statusCode, ok.body).toBe(200);
    // The console's session shows the photo in the top bar.
    const session = await t.app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie } });
    expect(session.json<{ operator: Op }>().operator).toMatchObject({ id: me.id, avatarUrl: 'https://cdn.shop.test/me.png' });
  });

  it('refuses a workspace API token (no operator behind it), saying why', async () => {
    const r = await t.api('PATCH', '/api/v1/operators/me', { name: 'Robot' });
    expect(r.statusCode, r.body).toBe(403);
    expect(r.json<ErrorBody>().error).toMatchObject({ code: 'forbidden' });
    expect(r.json<ErrorBody>().error.message).toMatch(/operator's session token/);
  });

  it('refuses photo URLs that could run script or point nowhere, and stores nothing', async () => {
    const me = await operator(undefined, { avatarUrl: 'https://cdn.shop.test/ok.png' });
    const bad: [unknown, RegExp][] = [
      ['javascript:alert(1)', /https: or http:, not javascript:/],
      ['data:image/svg+xml,<svg onload=alert(1)>', /without spaces|not data:/],
      ['data:image/png;base64,AAAA', /not data:/],
      ['photos/me.png', /absolute http\(s\) URL or a path starting with \//],
      ['//evil.test/me.png', /absolute http\(s\) URL or a path starting with \//],
      ['https://user:pw@cdn.shop.test/me.png', /user name or password/],
      ['', /without spaces/],
      [42, /string or null/],
      [{ href: '/a.png' }, /string or null/],
    ];
    for (const [avatarUrl, problem] of bad) {
      refused(await t.api('PATCH', '/api/v1/operators/me', { avatarUrl }, me.token), 'avatarUrl', problem);
    }
    // Name and photo together: one bad field stores neither.
    refused(await t.api('PATCH', '/api/v1/operators/me', { name: 'New name', avatarUrl: 'javascript:x' }, me.token), 'avatarUrl', /javascript/);
    refused(await t.api('PATCH', '/api/v1/operators/me', { name: '   ', avatarUrl: '/a.png' }, me.token), 'name', /1 to 100/);
    refused(await t.api('PATCH', '/api/v1/operators/me', { name: 'x'.repeat(101) }, me.token), 'name', /1 to 100/);
    expect((await listed()).find((o) => o.id === me.id)).toMatchObject({ name: `Op ${n}`, avatarUrl: 'https://cdn.shop.test/ok.png' });

    // At creation too: no operator is created.
    const before = await t.count('operators');
    refused(await t.api('POST', '/api/v1/operators', { email: 'x@shop.test', name: 'X', role: 'agent', password: PASSWORD, avatarUrl: 'javascript:alert(1)' }), 'avatarUrl', /javascript/);
    expect(await t.count('operators')).toBe(before);
  });

  it('takes a photo URL of exactly 2048 characters and refuses 2049, on both routes', async () => {
    const me = await operator();
    const url = (length: number) => { const head = 'https://cdn.shop.test/'; return head + 'p'.repeat(length - head.length); };
    expect(url(2048)).toHaveLength(2048);
    const ok = await t.api('PATCH', '/api/v1/operators/me', { avatarUrl: url(2048) }, me.token);
    expect(ok.statusCode, ok.body).toBe(200);
    refused(await t.api('PATCH', '/api/v1/operators/me', { avatarUrl: url(2049) }, me.token), 'avatarUrl', /at most 2048 characters, got 2049/);
    expect((await listed()).find((o) => o.id === me.id)?.avatarUrl).toBe(url(2048));

    expect((await t.api('POST', '/api/v1/operators', { email: 'long@shop.test', name: 'L', role: 'agent', password: PASSWORD, avatarUrl: url(2048) })).statusCode).toBe(201);
    const before = await t.count('operators');
    refused(await t.api('POST', '/api/v1/operators', { email: 'longer@shop.test', name: 'L', role: 'agent', password: PASSWORD, avatarUrl: url(2049) }), 'avatarUrl', /at most 2048/);
    expect(await t.count('operators')).toBe(before);
  });

  it('changes only the caller: an operator of another workspace cannot reach this one\'s', async () => {
    const mine = await operator(undefined, { avatarUrl: '/mine.png' });
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const spy = await operator(other.apiToken);
    // The spy's PATCH changes the spy, never the operator of workspace A, whatever it sends.
    const r = await t.api('PATCH', '/api/v1/operators/me', { name: 'Hacked', avatarUrl: 'https://evil.test/x.png' }, spy.token);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<Op>().id).toBe(spy.id);
    expect((await t.api('PATCH', '/api/v1/operators/me', { id: mine.id, name: 'Hacked' }, spy.token)).statusCode).toBe(400);
    expect((await listed()).find((o) => o.id === mine.id)).toMatchObject({ name: `Op ${n - 1}`, avatarUrl: '/mine.png' });
    // And workspace A's list never shows B's operator or photo.
    expect((await listed()).some((o) => o.id === spy.id || o.avatarUrl === 'https://evil.test/x.png')).toBe(false);
    expect((await listed(other.apiToken)).map((o) => o.id)).toEqual([spy.id]);
  });
});
