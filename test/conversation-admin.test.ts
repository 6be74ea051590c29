import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

interface Ws { id: string; token: string; writeKey: string }
interface IssueBody { error: { code: string; message: string; issues?: { path: string; code: string; message: string }[] } }

const paths = (r: { json: <T>() => T }) => (r.json<IssueBody>().error.issues ?? []).map((i) => i.path);

describe.each(await storeFactories())('conversation administration on $name', (factory) => {
  let t: TestApp;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t.close());

  /** A fresh workspace, so counters, policies and limits of one test never meet another's. */
  const workspace = async (): Promise<Ws> => {
    const w = await t.services.tenancy.createWorkspace(`Shop ${++seq}`);
    return { id: w.workspace.id, token: w.apiToken, writeKey: w.writeKey };
  };
  const agentToken = async (w: Ws) => (await t.services.tenancy.createApiToken(w.id, { role: 'agent' })).token;
  const operator = async (w: Ws, name: string) => {
    const op = await t.services.tenancy.createOperator(w.id, { email: `${name.split(' ')[0]!.toLowerCase()}${++seq}@shop.test`, name, role: 'agent', password: 'correct horse battery' });
    return { op, token: (await t.services.tenancy.createApiToken(w.id, { role: 'agent', operatorId: op.id })).token };
  };
  /** A customer identified through the tracking API, then a conversation they start (api channel). */
  const conversationFor = async (w: Ws, userId: string, traits: Record<string, unknown> = {}, context: Record<string, unknown> = {}) => {
    const r = await t.track('/v1/identify', { userId, traits, context }, { writeKey: w.writeKey });
    expect(r.statusCode, r.body).toBe(200);
    const c = await t.api('POST', '/api/v1/conversations', { customer: { userId }, text: 'Where is my parcel?' }, w.token);
    expect(c.statusCode, c.body).toBe(201);
    return c.json<{ conversation: { id: string; customerId: string; sla: { policyId: string | null } } }>().conversation;
  };

  describe('service-level policies', () => {
    it('creates, lists and deletes, and the next conversation is under the new policy', async () => {
      const w = await workspace();
      await conversationFor(w, 'before'); // warms the policy cache: creating must forget it
      const body = {
        name: 'Webchat, office hours', channel: 'api', priority: null, firstResponseMinutes: 30, nextResponseMinutes: 60,
        businessHours: { timeZone: 'Asia/Tokyo', week: { 1: [['09:00', '18:00']], 2: [['09:00', '12:00'], ['13:00', '18:00']] } },
      };
      const created = await t.api('POST', '/api/v1/sla-policies', body, w.token);
      expect(created.statusCode, created.body).toBe(201);
      const policy = created.json<{ id: string }>();
      expect(policy).toMatchObject({ ...body, resolutionMinutes: null, createdAt: t.clock.now() });
      expect(policy.id).toMatch(/^slp_/);
      expect((await t.api('GET', '/api/v1/sla-policies', undefined, w.token)).json()).toEqual({ items: [created.json()] });

      const c = await conversationFor(w, 'after');
      expect(c.sla.policyId).toBe(policy.id);

      expect((await t.api('DELETE', `/api/v1/sla-policies/${policy.id}`, undefined, w.token)).statusCode).toBe(204);
      const again = await t.api('DELETE', `/api/v1/sla-policies/${policy.id}`, undefined, w.token);
      expect(again.statusCode).toBe(404);
      expect(again.json()).toMatchObject({ error: { code: 'not_found' } });
      expect((await t.api('GET', '/api/v1/sla-policies', undefined, w.token)).json()).toEqual({ items: [] });
    });

    it('refuses bad fields and bad business hours, naming each, and stores nothing', async () => {
      const w = await workspace();
      const before = await t.count('sla_policies');
      const bad = await t.api('POST', '/api/v1/sla-policies', { name: '', channel: 'email', firstResponseMinutes: 0, nextResponseMinutes: 600_000, colour: 'red' }, w.token);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
      expect(paths(bad)).toEqual(expect.arrayContaining(['name', 'channel', 'firstResponseMinutes', 'nextResponseMinutes', 'colour']));

      const hours = await t.api('POST', '/api/v1/sla-policies', {
        name: 'Broken hours', firstResponseMinutes: 60,
        businessHours: { timeZone: 'Mars/Olympus_Mons', week: { 1: [['09:00', '25:00']], 2: [['18:00', '09:00']], 8: [] } },
      }, w.token);
      expect(hours.statusCode).toBe(400);
      expect(paths(hours)).toEqual(['businessHours.timeZone', 'businessHours.week.1[0][1]', 'businessHours.week.2[0]', 'businessHours.week.8']);
      expect(hours.json<IssueBody>().error.message).toMatch(/Mars\/Olympus_Mons.*not a known IANA time zone/);

      const notObject = await t.api('POST', '/api/v1/sla-policies', { name: 'x', firstResponseMinutes: 60, businessHours: 'weekdays' }, w.token);
      expect(notObject.statusCode).toBe(400);
      expect(paths(notObject)).toEqual(['businessHours']);
      expect(await t.count('sla_policies')).toBe(before);
    });

    it('allows at most 50 per workspace', async () => {
      const w = await workspace();
      for (let i = 0; i < 50; i++) {
        const r = await t.api('POST', '/api/v1/sla-policies', { name: `Policy ${i}`, firstResponseMinutes: 60 + i }, w.token);
        expect(r.statusCode, r.body).toBe(201);
      }
      const over = await t.api('POST', '/api/v1/sla-policies', { name: 'One too many', firstResponseMinutes: 60 }, w.token);
      expect(over.statusCode).toBe(409);
      expect(over.json()).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/at most 50/) } });
      expect((await t.api('GET', '/api/v1/sla-policies', undefined, w.token)).json<{ items: unknown[] }>().items).toHaveLength(50);
    });
  });

  describe('snippets', () => {
    it('creates, filters, edits and deletes; a duplicate shortcut is a conflict naming it', async () => {
      const w = await workspace();
      const created = await t.api('POST', '/api/v1/snippets', { shortcut: 'where-is-order', title: 'Where is my order', body: 'Hi {{first_name}}, your order {{last_order_number}} is on its way.' }, w.token);
      expect(created.statusCode, created.body).toBe(201);
      const snippet = created.json<{ id: string; createdAt: number; updatedAt: number }>();
      expect(snippet).toMatchObject({ shortcut: 'where-is-order', title: 'Where is my order', createdAt: t.clock.now(), updatedAt: t.clock.now() });
      await t.api('POST', '/api/v1/snippets', { shortcut: 'thanks', title: 'Thank you', body: 'Thank you, {{first_name}}!' }, w.token);

      const dup = await t.api('POST', '/api/v1/snippets', { shortcut: 'thanks', title: 'Again', body: 'Thanks' }, w.token);
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toMatchObject({ error: { code: 'conflict', message: expect.stringContaining('"thanks"') } });

      const listed = (q?: string) => t.api('GET', `/api/v1/snippets${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`, undefined, w.token)
        .then((r) => r.json<{ items: { shortcut: string }[] }>().items.map((x) => x.shortcut));
      expect(await listed()).toEqual(['thanks', 'where-is-order']);
      expect(await listed('ORDER')).toEqual(['where-is-order']);
      expect(await listed('thank YOU')).toEqual(['thanks']);
      expect(await listed('nothing like it')).toEqual([]);

      t.clock.advance(1000);
      const patched = await t.api('PATCH', `/api/v1/snippets/${snippet.id}`, { title: 'Order status' }, w.token);
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({ id: snippet.id, shortcut: 'where-is-order', title: 'Order status', createdAt: snippet.createdAt, updatedAt: snippet.createdAt + 1000 });
      const clash = await t.api('PATCH', `/api/v1/snippets/${snippet.id}`, { shortcut: 'thanks' }, w.token);
      expect(clash.statusCode).toBe(409);
      expect(clash.json<IssueBody>().error.message).toContain('"thanks"');
      expect((await t.api('PATCH', '/api/v1/snippets/snp_unknown', { title: 'x' }, w.token)).statusCode).toBe(404);

      expect((await t.api('DELETE', `/api/v1/snippets/${snippet.id}`, undefined, w.token)).statusCode).toBe(204);
      expect((await t.api('DELETE', `/api/v1/snippets/${snippet.id}`, undefined, w.token)).statusCode).toBe(404);
      expect(await listed()).toEqual(['thanks']);
    });

    it('refuses an unknown variable with a suggestion, and bad shortcuts, storing nothing', async () => {
      const w = await workspace();
      const before = await t.count('snippets');
      const typo = await t.api('POST', '/api/v1/snippets', { shortcut: 'hello', title: 'Hello', body: 'Hello {{frist_name}}!' }, w.token);
      expect(typo.statusCode).toBe(400);
      expect(typo.json()).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: 'body', message: expect.stringContaining('did you mean {{first_name}}?') }] } });
      const shortcut = await t.api('POST', '/api/v1/snippets', { shortcut: 'Hello World', title: '', body: 'Hi' }, w.token);
      expect(shortcut.statusCode).toBe(400);
      expect(paths(shortcut)).toEqual(expect.arrayContaining(['shortcut', 'title']));
      const long = await t.api('POST', '/api/v1/snippets', { shortcut: 'x'.repeat(41), title: 't', body: 'b'.repeat(5001) }, w.token);
      expect(paths(long)).toEqual(expect.arrayContaining(['shortcut', 'body']));
      expect(await t.count('snippets')).toBe(before);

      const ok = (await t.api('POST', '/api/v1/snippets', { shortcut: 'hello', title: 'Hello', body: 'Hello!' }, w.token)).json<{ id: string }>();
      const badPatch = await t.api('PATCH', `/api/v1/snippets/${ok.id}`, { body: 'Hi {{ greting }}' }, w.token);
      expect(badPatch.statusCode).toBe(400);
      expect(badPatch.json<IssueBody>().error.message).toContain('did you mean {{greeting}}?');
    });

    it('suggests snippets rendered for the customer and the calling operator, without sending anything', async () => {
      const w = await workspace();
      const { token: aiko } = await operator(w, 'Aiko Tanaka');
      // 12:00 UTC is 21:00 in Tokyo: an evening greeting, in Japanese.
      const c = await conversationFor(w, 'hana-1', { firstName: 'Hana', email: 'hana@example.jp' }, { timezone: 'Asia/Tokyo', locale: 'ja-JP' });
      const order = await t.track('/v1/track', { userId: 'hana-1', event: 'Order Completed', properties: { order_id: 'A-1001', total: 3000, currency: 'JPY' } }, { writeKey: w.writeKey });
      expect(order.statusCode, order.body).toBe(200);
      await t.api('POST', '/api/v1/snippets', { shortcut: 'order', title: 'Order status', body: '{{greeting}}, {{first_name}}! Your order {{last_order_number}} is on its way. — {{operator_name}}' }, w.token);
      await t.api('POST', '/api/v1/snippets', { shortcut: 'thanks', title: 'Thank you', body: 'Thank you, {{first_name}}!' }, w.token);
      const messagesBefore = await t.count('messages');

      const r = await t.api('GET', `/api/v1/conversations/${c.id}/snippets?q=ord`, undefined, aiko);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({
        suggestions: [{ id: expect.stringMatching(/^snp_/), shortcut: 'order', title: 'Order status', text: 'こんばんは, Hana! Your order A-1001 is on its way. — Aiko Tanaka', missing: [] }],
      });

      // The owner token is no operator: the name is left out, and reported.
      const all = (await t.api('GET', `/api/v1/conversations/${c.id}/snippets`, undefined, w.token)).json<{ suggestions: { shortcut: string; text: string; missing: string[] }[] }>();
      expect(all.suggestions.map((x) => [x.shortcut, x.text, x.missing])).toEqual([
        ['order', 'こんばんは, Hana! Your order A-1001 is on its way. —', ['operator_name']],
        ['thanks', 'Thank you, Hana!', []],
      ]);
      expect(await t.count('messages')).toBe(messagesBefore);

      // A customer known only by name: the first word of it.
      const named = await conversationFor(w, 'kenji-1', { name: 'Kenji  Watanabe' });
      const thanks = (await t.api('GET', `/api/v1/conversations/${named.id}/snippets?q=thanks`, undefined, aiko)).json<{ suggestions: { text: string }[] }>();
      expect(thanks.suggestions.map((x) => x.text)).toEqual(['Thank you, Kenji!']);
      expect((await t.api('GET', '/api/v1/conversations/cnv_unknown/snippets', undefined, aiko)).statusCode).toBe(404);
    });

    it('allows at most 500 per workspace', async () => {
      const w = await workspace();
      const now = t.clock.now();
      for (let i = 0; i < 500; i++) {
        await t.store.insertSnippet({ id: `snp_fill${w.id}${i}`, workspaceId: w.id, shortcut: `s${i}`, title: `t${i}`, body: 'b', createdAt: now, updatedAt: now });
      }
      const over = await t.api('POST', '/api/v1/snippets', { shortcut: 'one-more', title: 'One more', body: 'Hello' }, w.token);
      expect(over.statusCode).toBe(409);
      expect(over.json()).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/at most 500/) } });
    });
  });

  describe('webhook subscriptions', () => {
    it('subscribes, lists and unsubscribes; events are queued for a subscriber at once', async () => {
      const w = await workspace();
      const c = await conversationFor(w, 'hook-1'); // warms the subscription cache: subscribing must forget it
      const created = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://crm.example.com/hooks/omotenashi?key=abc', events: ['message.created', 'csat.received'] }, w.token);
      expect(created.statusCode, created.body).toBe(201);
      const sub = created.json<{ id: string }>();
      expect(sub).toEqual({ id: expect.stringMatching(/^whs_/), url: 'https://crm.example.com/hooks/omotenashi?key=abc', events: ['message.created', 'csat.received'], createdAt: t.clock.now() });
      expect((await t.api('GET', '/api/v1/webhook-subscriptions', undefined, w.token)).json()).toEqual({ items: [sub] });

      const outbox = await t.count('webhook_outbox');
      const reply = await t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'On its way!' }, w.token);
      expect(reply.statusCode, reply.body).toBe(201);
      expect(await t.count('webhook_outbox')).toBe(outbox + 1);

      expect((await t.api('DELETE', `/api/v1/webhook-subscriptions/${sub.id}`, undefined, w.token)).statusCode).toBe(204);
      expect((await t.api('DELETE', `/api/v1/webhook-subscriptions/${sub.id}`, undefined, w.token)).statusCode).toBe(404);
      await t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Anything else?' }, w.token);
      expect(await t.count('webhook_outbox')).toBe(outbox + 1);
    });

    it('refuses bad URLs and events, naming the field, and stores nothing', async () => {
      const w = await workspace();
      const before = await t.count('webhook_subscriptions');
      for (const url of ['ftp://files.example.com/drop', 'javascript:alert(1)', 'not a url', `https://example.com/${'a'.repeat(2000)}`]) {
        const r = await t.api('POST', '/api/v1/webhook-subscriptions', { url, events: ['message.created'] }, w.token);
        expect(r.statusCode, url).toBe(400);
        expect(paths(r), url).toEqual(['url']);
      }
      const unknown = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/h', events: ['message.created', 'conversation.deleted'] }, w.token);
      expect(unknown.statusCode).toBe(400);
      expect(new Set(paths(unknown))).toEqual(new Set(['events.1']));
      expect(paths(await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/h', events: [] }, w.token))).toEqual(['events']);
      expect(paths(await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/h', events: ['sla.breached', 'sla.breached'] }, w.token))).toEqual(['events']);
      expect(paths(await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/h' }, w.token))).toEqual(['events']);
      expect(await t.count('webhook_subscriptions')).toBe(before);
    });

    it('allows at most 20 per workspace', async () => {
      const w = await workspace();
      for (let i = 0; i < 20; i++) {
        const r = await t.api('POST', '/api/v1/webhook-subscriptions', { url: `https://example.com/h/${i}`, events: ['sla.breached'] }, w.token);
        expect(r.statusCode, r.body).toBe(201);
      }
      const over = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/h/21', events: ['sla.breached'] }, w.token);
      expect(over.statusCode).toBe(409);
      expect(over.json()).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/at most 20/) } });
    });
  });

  describe('settings', () => {
    it('round-trips conversation settings and never shows the identity secret again', async () => {
      const w = await workspace();
      const defaults = { autoAssign: false, defaultTeam: null, reassignOnOffline: false, requireIdentityVerification: false };
      expect((await t.api('GET', '/api/v1/settings/conversations', undefined, w.token)).json()).toEqual(defaults);
      const put = await t.api('PUT', '/api/v1/settings/conversations', { autoAssign: true, defaultTeam: 'billing' }, w.token);
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toEqual({ ...defaults, autoAssign: true, defaultTeam: 'billing' });
      const partial = await t.api('PUT', '/api/v1/settings/conversations', { reassignOnOffline: true, defaultTeam: null }, w.token);
      expect(partial.json()).toEqual({ ...defaults, autoAssign: true, reassignOnOffline: true });
      expect(paths(await t.api('PUT', '/api/v1/settings/conversations', { autoAssign: 'yes', defaultTeam: 'a:b', colour: 1 }, w.token)))
        .toEqual(expect.arrayContaining(['autoAssign', 'defaultTeam', 'colour']));

      // Verification cannot be required before there is a secret to verify with.
      const early = await t.api('PUT', '/api/v1/settings/conversations', { requireIdentityVerification: true }, w.token);
      expect(early.statusCode).toBe(400);
      expect(paths(early)).toEqual(['requireIdentityVerification']);

      expect((await t.api('GET', '/api/v1/settings/identity-secret', undefined, w.token)).json()).toEqual({ configured: false });
      const first = await t.api('POST', '/api/v1/settings/identity-secret', undefined, w.token);
      expect(first.statusCode).toBe(200);
      const { secret } = first.json<{ secret: string }>();
      expect(secret).toMatch(/^idsec_/);
      expect(first.headers['cache-control']).toBe('no-store');
      const shown = await t.api('GET', '/api/v1/settings/identity-secret', undefined, w.token);
      expect(shown.json()).toEqual({ configured: true });
      expect(shown.body).not.toContain(secret);
      const settings = await t.api('GET', '/api/v1/settings/conversations', undefined, w.token);
      expect(settings.body).not.toContain(secret);
      expect(settings.json()).not.toHaveProperty('identitySecret');
      const second = (await t.api('POST', '/api/v1/settings/identity-secret', undefined, w.token)).json<{ secret: string }>().secret;
      expect(second).not.toBe(secret);

      const now = await t.api('PUT', '/api/v1/settings/conversations', { requireIdentityVerification: true }, w.token);
      expect(now.json()).toMatchObject({ requireIdentityVerification: true, autoAssign: true });
      expect(now.body).not.toContain(second);
    });
  });

  describe('operator routing and presence', () => {
    it('sets teams and capacity, and presence for an operator token', async () => {
      const w = await workspace();
      const { op, token } = await operator(w, 'Mei Sato');
      const r = await t.api('PUT', `/api/v1/operators/${op.id}/routing`, { teams: ['billing', 'vip', 'billing'], capacity: 3 }, w.token);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ id: op.id, teams: ['billing', 'vip'], capacity: 3, presence: 'offline' });
      const only = await t.api('PUT', `/api/v1/operators/${op.id}/routing`, { capacity: 0 }, w.token);
      expect(only.json()).toMatchObject({ teams: ['billing', 'vip'], capacity: 0 });
      const bad = await t.api('PUT', `/api/v1/operators/${op.id}/routing`, { teams: ['a:b', 'x'.repeat(51)], capacity: 1001 }, w.token);
      expect(bad.statusCode).toBe(400);
      expect(paths(bad)).toEqual(expect.arrayContaining(['teams.0', 'teams.1', 'capacity']));
      const tooMany = await t.api('PUT', `/api/v1/operators/${op.id}/routing`, { teams: Array.from({ length: 21 }, (_, i) => `t${i}`) }, w.token);
      expect(paths(tooMany)).toEqual(['teams']);
      expect((await t.api('PUT', '/api/v1/operators/op_unknown/routing', { capacity: 1 }, w.token)).statusCode).toBe(404);

      const online = await t.api('POST', '/api/v1/operators/me/presence', { presence: 'online' }, token);
      expect(online.statusCode, online.body).toBe(200);
      expect(online.json()).toEqual({ operatorId: op.id, presence: 'online' });
      expect((await t.store.getOperator(w.id, op.id))?.presence).toBe('online');
      const notOperator = await t.api('POST', '/api/v1/operators/me/presence', { presence: 'away' }, w.token);
      expect(notOperator.statusCode).toBe(403);
      expect(notOperator.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect(paths(await t.api('POST', '/api/v1/operators/me/presence', { presence: 'asleep' }, token))).toContain('presence');
    });
  });

  describe('reports', () => {
    it('reports SLA attainment and satisfaction by day from the counters', async () => {
      const w = await workspace();
      const day1 = new Date(t.clock.now()).toISOString().slice(0, 10);
      const answered = await conversationFor(w, 'report-1');
      expect((await t.api('POST', `/api/v1/conversations/${answered.id}/messages`, { text: 'Hello!' }, w.token)).statusCode).toBe(201);
      expect((await t.api('POST', `/api/v1/conversations/${answered.id}/status`, { status: 'resolved' }, w.token)).statusCode).toBe(200);
      await t.services.conversations.rate(w.id, answered.id, 5, null);
      const late = await conversationFor(w, 'report-2');

      // The default policy answers within 24 hours: a day later the second one is breached.
      t.clock.advance(25 * 3_600_000);
      const day2 = new Date(t.clock.now()).toISOString().slice(0, 10);
      await t.services.conversations.checkDue(w.id, late.id);
      expect((await t.api('POST', `/api/v1/conversations/${late.id}/status`, { status: 'resolved' }, w.token)).statusCode).toBe(200);
      await t.services.conversations.rate(w.id, late.id, 2, 'too slow');
      // Counters older than the window are left out.
      await t.store.adjustCounts(w.id, { 'csat:2026-01-01:1': 7, 'sla:2026-01-01:breached:first_response': 9 });

      const sla = await t.api('GET', '/api/v1/reports/sla?days=7', undefined, w.token);
      expect(sla.statusCode, sla.body).toBe(200);
      const report = sla.json<{ days: number; targets: Record<string, unknown>; byDay: { day: string; first_response: { met: number; breached: number } }[] }>();
      expect(report.days).toBe(7);
      expect(report.targets).toEqual({
        first_response: { met: 1, breached: 1, attainment: 0.5 },
        next_response: { met: 0, breached: 0, attainment: null },
        resolution: { met: 0, breached: 0, attainment: null },
      });
      expect(report.byDay).toHaveLength(7);
      expect(report.byDay.at(-1)?.day).toBe(day2);
      expect(report.byDay.map((d) => [d.day, d.first_response])).toEqual(expect.arrayContaining([
        [day1, { met: 1, breached: 0 }], [day2, { met: 0, breached: 1 }],
      ]));

      const csat = await t.api('GET', '/api/v1/reports/csat?days=7', undefined, w.token);
      expect(csat.statusCode, csat.body).toBe(200);
      const c = csat.json<{ days: number; responses: number; average: number | null; distribution: Record<string, number>; byDay: { day: string; responses: number; average: number | null }[] }>();
      expect(c).toMatchObject({ days: 7, responses: 2, average: 3.5, distribution: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 } });
      expect(c.byDay.filter((d) => d.responses > 0)).toEqual([{ day: day1, responses: 1, average: 5 }, { day: day2, responses: 1, average: 2 }]);
      expect((await t.api('GET', '/api/v1/reports/csat?days=1', undefined, w.token)).json()).toMatchObject({ responses: 1, average: 2 });
      expect((await t.api('GET', '/api/v1/reports/csat?days=366', undefined, w.token)).statusCode).toBe(400);
      // A workspace without data: no division by zero.
      const empty = await workspace();
      expect((await t.api('GET', '/api/v1/reports/csat', undefined, empty.token)).json()).toMatchObject({ days: 30, responses: 0, average: null });
      expect((await t.api('GET', '/api/v1/reports/sla', undefined, empty.token)).json()).toMatchObject({ targets: { first_response: { attainment: null } } });
    });
  });

  describe('workspace isolation and roles', () => {
    it('keeps one workspace\'s configuration and conversations out of another\'s reach', async () => {
      const a = await workspace();
      const b = await workspace();
      const policy = (await t.api('POST', '/api/v1/sla-policies', { name: 'A only', firstResponseMinutes: 10 }, a.token)).json<{ id: string }>();
      const snippet = (await t.api('POST', '/api/v1/snippets', { shortcut: 'a-only', title: 'A', body: 'Hi' }, a.token)).json<{ id: string }>();
      const sub = (await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://a.example.com/h', events: ['message.created'] }, a.token)).json<{ id: string }>();
      const c = await conversationFor(a, 'a-customer');
      const { op } = await operator(a, 'Ren Kato');

      expect((await t.api('GET', '/api/v1/sla-policies', undefined, b.token)).json()).toEqual({ items: [] });
      expect((await t.api('GET', '/api/v1/snippets', undefined, b.token)).json()).toEqual({ items: [] });
      expect((await t.api('GET', '/api/v1/webhook-subscriptions', undefined, b.token)).json()).toEqual({ items: [] });
      for (const [method, url, body] of [
        ['DELETE', `/api/v1/sla-policies/${policy.id}`, undefined],
        ['PATCH', `/api/v1/snippets/${snippet.id}`, { title: 'taken over' }],
        ['DELETE', `/api/v1/snippets/${snippet.id}`, undefined],
        ['DELETE', `/api/v1/webhook-subscriptions/${sub.id}`, undefined],
        ['GET', `/api/v1/conversations/${c.id}`, undefined],
        ['GET', `/api/v1/conversations/${c.id}/snippets`, undefined],
        ['GET', `/api/v1/conversations/${c.id}/csat-link`, undefined],
        ['PUT', `/api/v1/operators/${op.id}/routing`, { capacity: 1 }],
      ] as const) {
        const r = await t.api(method, url, body, b.token);
        expect(r.statusCode, `${method} ${url}`).toBe(404);
      }
      expect((await t.api('GET', '/api/v1/sla-policies', undefined, a.token)).json<{ items: unknown[] }>().items).toHaveLength(1);
      expect((await t.api('GET', '/api/v1/snippets', undefined, a.token)).json()).toMatchObject({ items: [{ id: snippet.id, title: 'A' }] });
      expect((await t.api('GET', '/api/v1/webhook-subscriptions', undefined, a.token)).json<{ items: unknown[] }>().items).toHaveLength(1);
      expect((await t.store.getOperator(a.id, op.id))?.capacity).toBe(10);
    });

    it('gives agents 403 on admin routes and lets them read', async () => {
      const w = await workspace();
      const agent = await agentToken(w);
      const { op } = await operator(w, 'Yui Mori');
      const policy = (await t.api('POST', '/api/v1/sla-policies', { name: 'P', firstResponseMinutes: 10 }, w.token)).json<{ id: string }>();
      const sub = (await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/h', events: ['message.created'] }, w.token)).json<{ id: string }>();
      for (const [method, url, body] of [
        ['POST', '/api/v1/sla-policies', { name: 'Q', firstResponseMinutes: 10 }],
        ['DELETE', `/api/v1/sla-policies/${policy.id}`, undefined],
        ['GET', '/api/v1/webhook-subscriptions', undefined],
        ['POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/x', events: ['message.created'] }],
        ['DELETE', `/api/v1/webhook-subscriptions/${sub.id}`, undefined],
        ['PUT', '/api/v1/settings/conversations', { autoAssign: true }],
        ['POST', '/api/v1/settings/identity-secret', undefined],
        ['PUT', `/api/v1/operators/${op.id}/routing`, { capacity: 1 }],
      ] as const) {
        const r = await t.api(method, url, body, agent);
        expect(r.statusCode, `${method} ${url}`).toBe(403);
        expect(r.json(), `${method} ${url}`).toMatchObject({ error: { code: 'forbidden' } });
      }
      expect((await t.api('GET', '/api/v1/sla-policies', undefined, w.token)).json<{ items: unknown[] }>().items).toHaveLength(1);
      expect((await t.api('GET', '/api/v1/settings/identity-secret', undefined, w.token)).json()).toEqual({ configured: false });
      for (const url of ['/api/v1/sla-policies', '/api/v1/snippets', '/api/v1/settings/conversations', '/api/v1/settings/identity-secret', '/api/v1/reports/sla', '/api/v1/reports/csat']) {
        expect((await t.api('GET', url, undefined, agent)).statusCode, url).toBe(200);
      }
      expect((await t.api('GET', '/api/v1/sla-policies', undefined, 'ot_not_a_token')).statusCode).toBe(401);
    });
  });
});
