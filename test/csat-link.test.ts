import { CONVERSATION_LIMITS } from '@omotenashi/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

describe.each(await storeFactories())('satisfaction survey links on $name', (factory) => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t.close());

  /** A resolved conversation and its survey link. */
  const resolved = async (opts: { resolve?: boolean; ws?: { writeKey: string; apiToken: string }; traits?: Record<string, unknown> } = {}) => {
    const ws = opts.ws ?? t.ws;
    const userId = `csat-${++n}`;
    expect((await t.track('/v1/identify', { userId, traits: opts.traits ?? { firstName: 'Sora' } }, { writeKey: ws.writeKey })).statusCode).toBe(200);
    const started = await t.api('POST', '/api/v1/conversations', { customer: { userId }, text: 'My parcel is late' }, ws.apiToken);
    expect(started.statusCode, started.body).toBe(201);
    const c = started.json<{ conversation: { id: string; customerId: string } }>().conversation;
    if (opts.resolve !== false) {
      expect((await t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'resolved' }, ws.apiToken)).statusCode).toBe(200);
    }
    const link = await t.api('GET', `/api/v1/conversations/${c.id}/csat-link`, undefined, ws.apiToken);
    expect(link.statusCode, link.body).toBe(200);
    const { url } = link.json<{ url: string }>();
    expect(url).toMatch(/^\/v1\/csat\/[^/?#]+$/);
    return { ...c, url };
  };
  const postJson = (url: string, body: unknown) =>
    t.app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const postForm = (url: string, form: string) =>
    t.app.inject({ method: 'POST', url, payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const csatOf = async (id: string) => (await t.api('GET', `/api/v1/conversations/${id}`)).json<{ csat: unknown }>().csat;

  it('shows a self-contained page, takes one rating, and refuses a second', async () => {
    const c = await resolved();
    const page = await t.app.inject({ method: 'GET', url: c.url });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(page.body).toContain('<form method="post">');
    for (let s = 1; s <= 5; s++) expect(page.body).toContain(`name="score" value="${s}"`);
    // No scripts, no external assets.
    expect(page.body).not.toMatch(/<script|src=|href=|url\(/i);

    const rated = await postJson(c.url, { score: 5, comment: '  Lovely, thank you  ' });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toEqual({ ok: true });
    expect(await csatOf(c.id)).toEqual({ score: 5, comment: 'Lovely, thank you', at: t.clock.now() });

    const again = await postJson(c.url, { score: 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'conflict' } });
    expect(await csatOf(c.id)).toMatchObject({ score: 5 });
    expect((await t.app.inject({ method: 'GET', url: c.url })).body).toContain('already rated');
  });

  it('takes a full-length comment in Japanese from the form (2,000 characters are ~18 KB url-encoded)', async () => {
    const c = await resolved();
    const comment = 'ありがとう'.repeat(CONVERSATION_LIMITS.csatCommentChars / 5);
    const r = await postForm(c.url, `score=5&comment=${encodeURIComponent(comment)}`);
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    expect(await csatOf(c.id)).toMatchObject({ score: 5, comment });
  });

  it('takes a plain HTML form post and answers with a page', async () => {
    const c = await resolved();
    const r = await postForm(c.url, 'score=4&comment=Quick+and+kind%21');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(r.body).toContain('Thank you');
    expect(await csatOf(c.id)).toMatchObject({ score: 4, comment: 'Quick and kind!' });

    const twice = await postForm(c.url, 'score=3&comment=');
    expect(twice.statusCode).toBe(409);
    expect(twice.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(twice.body).toContain('already been rated');

    const noComment = await resolved();
    expect((await postForm(noComment.url, 'score=3&comment=')).statusCode).toBe(200);
    expect(await csatOf(noComment.id)).toMatchObject({ score: 3, comment: null });
  });

  it('answers forged, altered and unknown tokens with not found', async () => {
    const c = await resolved();
    const token = c.url.slice('/v1/csat/'.length);
    const dot = token.lastIndexOf('.');
    const [ws, conversationId] = decodeURIComponent(token.slice(0, dot)).split('~');
    const other = await resolved();
    const otherId = other.id;
    const forgeries = [
      `${token.slice(0, dot)}.${'A'.repeat(token.length - dot - 1)}`,
      // The signature of one conversation does not carry over to another.
      `${ws}~${otherId}${token.slice(dot)}`,
      `ws_00000000000000000000000000~${conversationId}${token.slice(dot)}`,
      'nothing-here',
      `${ws}~${conversationId}`,
    ];
    for (const f of forgeries) {
      const get = await t.app.inject({ method: 'GET', url: `/v1/csat/${encodeURIComponent(f)}` });
      expect(get.statusCode, f).toBe(404);
      expect(get.json(), f).toMatchObject({ error: { code: 'not_found' } });
      const post = await postJson(`/v1/csat/${encodeURIComponent(f)}`, { score: 5 });
      expect(post.statusCode, f).toBe(404);
    }
    const form = await postForm(`/v1/csat/${encodeURIComponent(forgeries[0]!)}`, 'score=5');
    expect(form.statusCode).toBe(404);
    expect(form.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(await csatOf(c.id)).toBeNull();
    expect(await csatOf(otherId)).toBeNull();
    // Verifying a link for an unknown workspace must not give it a link secret.
    expect(await t.services.store.getWorkspaceSettings('ws_00000000000000000000000000')).toEqual({});
  });

  it('refuses bad scores and comments, storing nothing', async () => {
    const c = await resolved();
    const before = await t.count('care_items');
    for (const body of [{ score: 0 }, { score: 6 }, { score: 2.5 }, { score: 'five' }, {}, { score: 5, comment: 'x'.repeat(2001) }, { score: 5, extra: true }]) {
      const r = await postJson(c.url, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
    const form = await postForm(c.url, 'score=9');
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('score from 1 to 5');
    expect(await csatOf(c.id)).toBeNull();
    expect(await t.count('care_items')).toBe(before);
  });

  it('refuses a rating before the conversation is resolved', async () => {
    const c = await resolved({ resolve: false });
    expect((await t.app.inject({ method: 'GET', url: c.url })).body).toContain('still going on');
    const r = await postJson(c.url, { score: 4 });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ error: { code: 'invalid_transition' } });
  });

  it('puts a low score in the "needs you now" queue', async () => {
    const c = await resolved();
    expect((await postJson(c.url, { score: 2, comment: 'Nobody answered for a day' })).statusCode).toBe(200);
    const queue = await t.api('GET', `/api/v1/queue?status=open&customerId=${c.customerId}`);
    expect(queue.statusCode, queue.body).toBe(200);
    const items = queue.json<{ items: { customerId: string; priority: string; title: string; status: string }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ customerId: c.customerId, priority: 'high', status: 'open', title: 'Unhappy after a conversation (2/5)' });
  });

  it('names the unhappy customer in the queue item, as playbook alerts do', async () => {
    const c = await resolved({ traits: { firstName: 'Jiro', lastName: 'Unhappy', email: 'jiro@example.com' } });
    expect((await postJson(c.url, { score: 1, comment: 'Rude' })).statusCode).toBe(200);
    const queue = await t.api('GET', `/api/v1/queue?status=open&customerId=${c.customerId}`);
    expect(queue.statusCode, queue.body).toBe(200);
    const items = queue.json<{ items: { title: string; context: Record<string, unknown> }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]!.title).toBe('Unhappy after a conversation (1/5)');
    expect(items[0]!.context).toMatchObject({
      reason: 'low_csat', conversationId: c.id, score: 1, comment: 'Rude',
      customer: { name: 'Jiro Unhappy', email: 'jiro@example.com' },
    });
    // Another workspace's queue does not hold it.
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const theirs = await t.api('GET', '/api/v1/queue?status=open', undefined, other.apiToken);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('escapes the shop\'s name on the page', async () => {
    const w = await t.services.tenancy.createWorkspace('Tea & <b>Cake</b> "Shop"');
    const c = await resolved({ ws: { writeKey: w.writeKey, apiToken: w.apiToken } });
    const page = await t.app.inject({ method: 'GET', url: c.url });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tea &amp; &lt;b&gt;Cake&lt;/b&gt; &quot;Shop&quot;');
    expect(page.body).not.toContain('<b>Cake');
    // A link of one workspace says nothing about another's conversations.
    expect((await t.api('GET', `/api/v1/conversations/${c.id}/csat-link`)).statusCode).toBe(404);
  });
});
