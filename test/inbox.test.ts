import { CONVERSATION_LIMITS, CONVERSATION_STATUSES, PRIORITIES, SLA_STATES, type Conversation, type ConversationCounts, type Message } from '@omotenashi/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

interface IssueBody { error: { code: string; message: string; issues?: { path: string; code: string; message: string }[] } }
type Res = { statusCode: number; body: string; json: <T = any>() => T };
const paths = (r: Res) => (r.json<IssueBody>().error.issues ?? []).map((i) => i.path);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Newest activity first, ties by id (descending, code-unit order): the inbox's documented order. */
const byActivity = (a: { activityAt: number; id: string }, b: { activityAt: number; id: string }) =>
  b.activityAt - a.activityAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** A small seeded PRNG, so a failing random sequence can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(await storeFactories())('the inbox on $name', (factory) => {
  let t: TestApp;
  let n = 0;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    t = await startTestApp(factory);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  // ---- helpers -------------------------------------------------------------------------------

  const operator = async (name: string, ws = t.ws.id) => {
    const op = await t.services.tenancy.createOperator(ws, { email: `${name.toLowerCase()}${++n}@shop.test`, name, role: 'agent', password: 'correct horse battery' });
    const token = (await t.services.tenancy.createApiToken(ws, { role: 'agent', operatorId: op.id })).token;
    return { id: op.id, name, token };
  };
  const customerId = async (userId: string, writeKey = t.ws.writeKey, token = t.ws.apiToken): Promise<string> => {
    const r = await t.track('/v1/identify', { userId, traits: { email: `${userId}@example.com` } }, { writeKey });
    expect(r.statusCode, r.body).toBe(200);
    const c = await t.api('GET', `/api/v1/customers/lookup?userId=${encodeURIComponent(userId)}`, undefined, token);
    expect(c.statusCode, c.body).toBe(200);
    return c.json<{ id: string }>().id;
  };
  /** A customer starts a conversation on the api channel (REST). */
  const startApi = async (userId: string, text = 'Where is my parcel?'): Promise<Conversation> => {
    await customerId(userId);
    const r = await t.api('POST', '/api/v1/conversations', { customer: { userId }, text });
    expect(r.statusCode, r.body).toBe(201);
    return r.json<{ conversation: Conversation }>().conversation;
  };
  /** A customer starts a conversation on the webchat channel (as the visitor socket does). */
  const startWebchat = async (userId: string, text = 'Hello from the shop page'): Promise<Conversation> => {
    const id = await customerId(userId);
    const r = await t.services.conversations.send({
      workspaceId: t.ws.id, sender: { type: 'customer', customerId: id, name: null }, conversationId: null, channel: 'webchat', kind: 'text',
      text, attachmentIds: [], clientMessageId: null, customerScope: [id],
    });
    expect(r.created).toBe(true);
    return (await t.api('GET', `/api/v1/conversations/${r.conversation.id}`)).json<Conversation>();
  };
  const get = async (id: string, token?: string): Promise<Conversation> => {
    const r = await t.api('GET', `/api/v1/conversations/${id}`, undefined, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<Conversation>();
  };
  const ok = async (p: Promise<Res>, status = 200): Promise<Res> => {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return r;
  };
  /** Every conversation matching `query`, following nextCursor to the end. */
  const listAll = async (query = '', token?: string, limit = 100): Promise<Conversation[]> => {
    const out: Conversation[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const url: string = `/api/v1/conversations?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await ok(t.api('GET', url, undefined, token));
      const body = r.json<{ conversations: Conversation[]; nextCursor: string | null }>();
      expect(body.conversations.length).toBeLessThanOrEqual(limit);
      out.push(...body.conversations);
      cursor = body.nextCursor;
      if (cursor === null) return out;
    }
    throw new Error('more than 100 pages: the cursor does not advance');
  };
  const ids = (cs: { id: string }[]) => cs.map((c) => c.id);

  // ---- list filters and paging ---------------------------------------------------------------

  it('filters by status, assignee (me, none, an id), team, channel, priority and SLA state, newest activity first', async () => {
    const T0 = t.clock.now();
    await ok(t.api('POST', '/api/v1/sla-policies', { name: 'One hour', firstResponseMinutes: 60 }), 201);
    const ana = await operator('Ana');
    const ben = await operator('Ben');
    const statuses = ['open', 'pending', 'open', 'snoozed', 'open', 'resolved', 'open', 'pending', 'open', 'snoozed', 'resolved', 'open'] as const;
    const teams = ['billing', 'vip', null, 'billing'] as const;
    const assignees = [ana.id, ben.id, null] as const;
    interface Model { id: string; channel: string; status: string; assigneeId: string | null; team: string | null; priority: string; activityAt: number; sla: string }
    const model: Model[] = [];
    // Three groups, four each, started at T0, T0+10 min and T0+40 min; within a group at the same
    // millisecond (so the id breaks the tie).
    for (const [g, offset] of [0, 10 * MINUTE, 40 * MINUTE].entries()) {
      t.clock.ms = T0 + offset;
      for (let k = 0; k < 4; k++) {
        const i = g * 4 + k;
        const c = i % 2 === 0 ? await startApi(`filter-${i}`) : await startWebchat(`filter-${i}`);
        const status = statuses[i]!;
        const m: Model = { id: c.id, channel: i % 2 === 0 ? 'api' : 'webchat', status, assigneeId: assignees[i % 3]!, team: teams[i % 4]!, priority: PRIORITIES[i % 4]!, activityAt: t.clock.now(), sla: 'ok' };
        if (status !== 'open') {
          const body = status === 'snoozed' ? { status, snoozedUntil: new Date(T0 + 7 * 24 * HOUR).toISOString() } : { status };
          await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, body));
        }
        await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: m.assigneeId, team: m.team }));
        await ok(t.api('PATCH', `/api/v1/conversations/${c.id}`, { priority: m.priority }));
        model.push(m);
      }
    }
    // One open conversation answered in time: nothing owed, so no SLA state.
    await ok(t.api('POST', `/api/v1/conversations/${model[11]!.id}/messages`, { text: 'On its way!' }), 201);
    model[11]!.sla = 'none';
    for (const m of model) if (m.status !== 'open') m.sla = 'none';

    // At T0+62 min the first group is past its hour, the second past 80 % of it.
    t.clock.ms = T0 + 62 * MINUTE;
    expect(await t.services.slaMonitor.tick()).toBeGreaterThan(0);
    for (const m of model.slice(0, 4)) if (m.sla === 'ok') m.sla = 'breached';
    for (const m of model.slice(4, 8)) if (m.sla === 'ok') m.sla = 'at_risk';
    // A late answer moves the first conversation to the top; its breach stays on the record.
    t.clock.advance(MINUTE);
    await ok(t.api('POST', `/api/v1/conversations/${model[0]!.id}/messages`, { text: 'Sorry for the wait' }), 201);
    model[0]!.activityAt = t.clock.now();

    // The model matches what the API says of each conversation.
    for (const m of model) {
      const c = await get(m.id);
      expect({ id: c.id, channel: c.channel, status: c.status, assigneeId: c.assigneeId, team: c.team, priority: c.priority, sla: c.sla.state }, m.id)
        .toEqual({ id: m.id, channel: m.channel, status: m.status, assigneeId: m.assigneeId, team: m.team, priority: m.priority, sla: m.sla });
    }

    const expectList = async (query: string, pred: (m: Model) => boolean, token?: string) => {
      const expected = model.filter(pred).sort(byActivity).map((m) => m.id);
      const got = ids(await listAll(query, token));
      expect(got, query).toEqual(expected);
      return expected.length;
    };
    expect(await expectList('', () => true)).toBe(12);
    for (const s of CONVERSATION_STATUSES) expect(await expectList(`status=${s}`, (m) => m.status === s), s).toBeGreaterThan(0);
    expect(await expectList('assignee=me', (m) => m.assigneeId === ana.id, ana.token)).toBe(4);
    expect(await expectList('assignee=me', (m) => m.assigneeId === ben.id, ben.token)).toBe(4);
    expect(await expectList('assignee=none', (m) => m.assigneeId === null)).toBe(4);
    expect(await expectList(`assignee=${ben.id}`, (m) => m.assigneeId === ben.id)).toBe(4);
    expect(await expectList('assignee=op_01JUNKNOWN0000000000000000', () => false)).toBe(0);
    expect(await expectList('team=billing', (m) => m.team === 'billing')).toBe(6);
    expect(await expectList('team=vip', (m) => m.team === 'vip')).toBe(3);
    for (const ch of ['api', 'webchat']) expect(await expectList(`channel=${ch}`, (m) => m.channel === ch)).toBe(6);
    for (const p of PRIORITIES) expect(await expectList(`priority=${p}`, (m) => m.priority === p)).toBe(3);
    for (const s of SLA_STATES) expect(await expectList(`sla=${s}`, (m) => m.sla === s), s).toBeGreaterThan(0);
    // Filters combine.
    expect(await expectList(`status=open&team=billing&assignee=${ana.id}`, (m) => m.status === 'open' && m.team === 'billing' && m.assigneeId === ana.id)).toBe(1);
    expect(await expectList('status=open&channel=api&sla=breached', (m) => m.status === 'open' && m.channel === 'api' && m.sla === 'breached')).toBe(2);

    // assignee=me without an operator behind the token is refused, naming the field.
    const me = await t.api('GET', '/api/v1/conversations?assignee=me');
    expect(me.statusCode).toBe(400);
    expect(paths(me)).toEqual(['assignee']);
  });

  it('pages 40 conversations 7 at a time, each exactly once and in order, and refuses tampered cursors and unknown filters', async () => {
    const T0 = t.clock.now();
    const started: { id: string; activityAt: number }[] = [];
    for (let i = 0; i < 40; i++) {
      // Groups of three share a millisecond: the id orders them.
      t.clock.ms = T0 + Math.floor(i / 3) * 1000;
      const c = i % 4 === 3 ? await startWebchat(`page-${i}`) : await startApi(`page-${i}`);
      started.push({ id: c.id, activityAt: t.clock.now() });
    }
    // Replies move some to the top; a note does not (notes are not activity).
    t.clock.ms = T0 + 100_000;
    for (const i of [0, 17, 5]) {
      t.clock.advance(1000);
      await ok(t.api('POST', `/api/v1/conversations/${started[i]!.id}/messages`, { text: `reply to ${i}` }), 201);
      started[i]!.activityAt = t.clock.now();
    }
    t.clock.advance(1000);
    await ok(t.api('POST', `/api/v1/conversations/${started[30]!.id}/notes`, { text: 'just a note' }), 201);
    const expected = [...started].sort(byActivity).map((c) => c.id);
    expect(expected.slice(0, 3)).toEqual([started[5]!.id, started[17]!.id, started[0]!.id]);

    const pages: string[][] = [];
    let cursor: string | null = null;
    const cursors: string[] = [];
    do {
      const url: string = `/api/v1/conversations?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await ok(t.api('GET', url));
      const body = r.json<{ conversations: Conversation[]; nextCursor: string | null; counts: ConversationCounts }>();
      expect(body.counts.byStatus).toEqual({ open: 40, pending: 0, snoozed: 0, resolved: 0 });
      pages.push(ids(body.conversations));
      cursor = body.nextCursor;
      if (cursor) cursors.push(cursor);
    } while (cursor !== null && pages.length < 20);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 5]);
    expect(pages.flat()).toEqual(expected);
    expect(new Set(pages.flat()).size).toBe(40);

    // A filtered walk pages the same way.
    const webchat = await listAll('channel=webchat', undefined, 3);
    expect(ids(webchat)).toEqual(started.filter((_, i) => i % 4 === 3).sort(byActivity).map((c) => c.id));

    // Tampered cursors: refused, naming `cursor`.
    const real = Buffer.from(cursors[0]!, 'base64url').toString();
    const at = real.slice(0, real.indexOf('.'));
    const id = real.slice(real.indexOf('.') + 1);
    expect(Number(at)).toBe(started.find((c) => c.id === pages[0]![6])!.activityAt);
    for (const bad of [
      'not-a-cursor',
      Buffer.from(`${at}.${id}x`).toString('base64url'),
      Buffer.from(`${at}.msg_${id.slice(4)}`).toString('base64url'),
      Buffer.from(`.${id}`).toString('base64url'),
      Buffer.from(`${at}x.${id}`).toString('base64url'),
      Buffer.from(`${at}`).toString('base64url'),
    ]) {
      const r = await t.api('GET', `/api/v1/conversations?limit=7&cursor=${encodeURIComponent(bad)}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json<IssueBody>().error.code).toBe('validation_failed');
      expect(paths(r), bad).toEqual(['cursor']);
    }

    // Unknown filter values (and unknown filters) are refused, naming the field.
    for (const [query, field] of [
      ['status=closed', 'status'], ['channel=email', 'channel'], ['priority=critical', 'priority'], ['sla=late', 'sla'],
      ['limit=0', 'limit'], ['limit=101', 'limit'], ['team=a%3Ab', 'team'], ['colour=red', 'colour'],
    ] as const) {
      const r = await t.api('GET', `/api/v1/conversations?${query}`);
      expect(r.statusCode, query).toBe(400);
      expect(r.json<IssueBody>().error.code, query).toBe('validation_failed');
      const named = paths(r);
      expect(named.length, query).toBeGreaterThan(0);
      for (const p of named) expect(p, query).toMatch(new RegExp(`(^|\\.)${field}$`));
      expect(r.json<IssueBody>().error.message, query).toContain(field);
    }
  });

  // ---- counts --------------------------------------------------------------------------------

  it('keeps the counts equal to a brute-force count of the list through ~60 random operations', async () => {
    const rand = mulberry32(20261122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const ops = [await operator('Ana'), await operator('Ben'), await operator('Chie')];
    const teams = ['billing', 'vip', 'returns', null] as const;
    const convs: { id: string; customerId: string }[] = [];
    const log: string[] = [];
    let created = 0;

    const check = async (when: string) => {
      const all = await listAll();
      expect(all.length, when).toBe(convs.length);
      for (const viewer of [ops[0]!, ops[2]!]) {
        for (const s of CONVERSATION_STATUSES) {
          const inStatus = all.filter((c) => c.status === s);
          const byTeam: Record<string, number> = {};
          for (const c of inStatus) if (c.team) byTeam[c.team] = (byTeam[c.team] ?? 0) + 1;
          const expected: ConversationCounts = {
            byStatus: Object.fromEntries(CONVERSATION_STATUSES.map((x) => [x, all.filter((c) => c.status === x).length])) as ConversationCounts['byStatus'],
            mine: inStatus.filter((c) => c.assigneeId === viewer.id).length,
            unassigned: inStatus.filter((c) => c.assigneeId === null).length,
            byTeam,
          };
          const r = await ok(t.api('GET', `/api/v1/conversations/counts?status=${s}`, undefined, viewer.token));
          expect(r.json(), `${when}: counts for ${viewer.name}, status ${s}\n${log.join('\n')}`).toEqual(expected);
          // The list carries the same counts.
          const listed = await ok(t.api('GET', `/api/v1/conversations?limit=1&status=${s}`, undefined, viewer.token));
          expect(listed.json<{ counts: ConversationCounts }>().counts, `${when}: list counts, status ${s}`).toEqual(expected);
        }
      }
    };

    for (let step = 0; step < 60; step++) {
      const roll = rand();
      const target = convs.length ? pick(convs) : null;
      if (target === null || roll < 0.2) {
        const userId = `count-${created++}`;
        const c = rand() < 0.5 ? await startApi(userId) : await startWebchat(userId);
        convs.push({ id: c.id, customerId: c.customerId });
        log.push(`${step}: create ${c.id}`);
        continue;
      }
      const before = await get(target.id);
      if (roll < 0.4) {
        const to = pick(CONVERSATION_STATUSES);
        const body = to === 'snoozed' ? { status: to, snoozedUntil: new Date(t.clock.now() + (1 + Math.floor(rand() * 3)) * HOUR).toISOString() } : { status: to };
        const r = await t.api('POST', `/api/v1/conversations/${target.id}/status`, body);
        log.push(`${step}: ${before.status} -> ${to} on ${target.id}: ${r.statusCode}`);
        if (before.status === 'resolved' && to !== 'resolved' && to !== 'open') {
          expect(r.statusCode, r.body).toBe(409);
          expect(await get(target.id)).toEqual(before);
        } else expect(r.statusCode, r.body).toBe(200);
      } else if (roll < 0.55) {
        const assigneeId = rand() < 0.25 ? null : pick(ops).id;
        await ok(t.api('POST', `/api/v1/conversations/${target.id}/assign`, { assigneeId }));
        log.push(`${step}: assign ${target.id} to ${assigneeId}`);
      } else if (roll < 0.7) {
        const team = pick(teams);
        await ok(t.api('POST', `/api/v1/conversations/${target.id}/assign`, { team }));
        log.push(`${step}: team of ${target.id} = ${team}`);
      } else if (roll < 0.8) {
        await ok(t.api('POST', `/api/v1/conversations/${target.id}/status`, { status: 'resolved' }));
        log.push(`${step}: resolve ${target.id}`);
      } else if (roll < 0.92) {
        // The customer writes again into this conversation: whatever its status, it is open after.
        const r = await t.services.conversations.send({
          workspaceId: t.ws.id, sender: { type: 'customer', customerId: target.customerId, name: null }, conversationId: target.id,
          channel: before.channel, kind: 'text', text: `again at step ${step}`, attachmentIds: [], clientMessageId: null, customerScope: [target.customerId],
        });
        expect(r.conversation.id).toBe(target.id);
        expect(r.conversation.status).toBe('open');
        log.push(`${step}: customer writes to ${target.id} (was ${before.status})`);
      } else {
        // Time passes: snoozes that are over wake up.
        t.clock.advance(2 * HOUR);
        await t.services.slaMonitor.tick();
        log.push(`${step}: two hours pass`);
      }
      if (step % 15 === 14) await check(`after step ${step}`);
    }
    await check('after the random walk');

    // A burst of concurrent changes (different and same conversations at once) keeps them right too.
    const burst = Array.from({ length: 30 }, (_, k) => {
      const c = convs[k % convs.length]!;
      switch (k % 4) {
        case 0: return t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: pick(['open', 'pending', 'resolved'] as const) });
        case 1: return t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: rand() < 0.3 ? null : pick(ops).id });
        case 2: return t.api('POST', `/api/v1/conversations/${c.id}/assign`, { team: pick(teams) });
        default: return t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: `burst ${k}` });
      }
    });
    for (const r of await Promise.all(burst)) {
      // Reopening is the only way out of resolved: a refused move is a 409, anything else succeeds.
      if (r.statusCode === 409) expect(r.json<IssueBody>().error.code).toBe('invalid_transition');
      else expect([200, 201], r.body).toContain(r.statusCode);
    }
    await check('at the end');
    // The random walk really covered every status and some teams and assignees.
    const all = await listAll();
    expect(new Set(all.map((c) => c.status)).size).toBeGreaterThanOrEqual(3);
    expect(all.some((c) => c.team !== null) && all.some((c) => c.assigneeId !== null)).toBe(true);
  });

  // ---- status life cycle ---------------------------------------------------------------------

  it('moves through open → pending → snoozed → resolved → open, and refuses what the life cycle does not allow', async () => {
    const c = await startApi('cycle-1');
    expect(c).toMatchObject({ status: 'open', snoozedUntil: null, resolvedAt: null });
    const status = (body: unknown, id = c.id) => t.api('POST', `/api/v1/conversations/${id}/status`, body);

    t.clock.advance(MINUTE);
    expect((await ok(status({ status: 'pending' }))).json()).toMatchObject({ id: c.id, status: 'pending', snoozedUntil: null, updatedAt: t.clock.now() });
    const wake = t.clock.now() + 3 * HOUR;
    expect((await ok(status({ status: 'snoozed', snoozedUntil: new Date(wake).toISOString() }))).json()).toMatchObject({ status: 'snoozed', snoozedUntil: wake });
    t.clock.advance(MINUTE);
    const resolvedAt = t.clock.now();
    expect((await ok(status({ status: 'resolved' }))).json()).toMatchObject({ status: 'resolved', snoozedUntil: null, resolvedAt });
    const resolved = await get(c.id);

    // Refusals leave the conversation, its messages and the outbox exactly as they were.
    const counts = async () => [await t.count('conversations'), await t.count('messages'), await t.count('webhook_outbox'), await t.count('conversation_counts')];
    const stored = await counts();
    const countsBefore = (await ok(t.api('GET', '/api/v1/conversations/counts?status=resolved'))).json();
    const invalid = await status({ status: 'pending' });
    expect(invalid.statusCode).toBe(409);
    expect(invalid.json()).toMatchObject({ error: { code: 'invalid_transition', message: expect.stringContaining('resolved') } });
    const snoozeResolved = await status({ status: 'snoozed', snoozedUntil: new Date(t.clock.now() + HOUR).toISOString() });
    expect(snoozeResolved.statusCode).toBe(409);
    expect(await get(c.id)).toEqual(resolved);
    expect(await counts()).toEqual(stored);
    expect((await ok(t.api('GET', '/api/v1/conversations/counts?status=resolved'))).json()).toEqual(countsBefore);

    t.clock.advance(MINUTE);
    expect((await ok(status({ status: 'open' }))).json()).toMatchObject({ status: 'open', resolvedAt: null });

    // Snoozing needs a wake-up time: refused, naming snoozedUntil, nothing changed.
    const open = await get(c.id);
    for (const body of [{ status: 'snoozed' }, { status: 'snoozed', snoozedUntil: null }]) {
      const r = await status(body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json<IssueBody>().error.code).toBe('validation_failed');
      expect(paths(r)).toEqual(['snoozedUntil']);
    }
    const notATime = await status({ status: 'snoozed', snoozedUntil: 'next tuesday' });
    expect(notATime.statusCode).toBe(400);
    expect(paths(notATime).join()).toContain('snoozedUntil');
    const unknown = await status({ status: 'closed' });
    expect(unknown.statusCode).toBe(400);
    expect(paths(unknown).every((p) => p === 'status')).toBe(true);
    expect(await get(c.id)).toEqual(open);

    // A snooze wakes up once the clock passes snoozedUntil and the monitor looks.
    const until = t.clock.now() + 2 * HOUR;
    await ok(status({ status: 'snoozed', snoozedUntil: new Date(until).toISOString() }));
    t.clock.ms = until - 1;
    await t.services.slaMonitor.tick();
    expect(await get(c.id)).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    t.clock.ms = until;
    await t.services.slaMonitor.tick();
    expect(await get(c.id)).toMatchObject({ status: 'open', snoozedUntil: null });
    // Further ticks change nothing more.
    const woke = await get(c.id);
    t.clock.advance(MINUTE);
    await t.services.slaMonitor.tick();
    expect(await get(c.id)).toEqual(woke);
    expect((await ok(t.api('GET', '/api/v1/conversations/counts'))).json<ConversationCounts>().byStatus).toEqual({ open: 1, pending: 0, snoozed: 0, resolved: 0 });
  });

  it('reopens a resolved conversation when the customer writes again: same conversation, open', async () => {
    const url = await listen(t);
    const v = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-reopen' });
    sockets.push(v);
    v.send({ type: 'message', clientMessageId: 'r-1', text: 'My order arrived damaged' });
    const first = await v.next((f) => f.type === 'ack');
    const id = first['message'].conversationId as string;
    await ok(t.api('POST', `/api/v1/conversations/${id}/messages`, { text: 'So sorry! A new one is on its way.' }), 201);
    t.clock.advance(HOUR);
    await ok(t.api('POST', `/api/v1/conversations/${id}/status`, { status: 'resolved' }));
    expect(await get(id)).toMatchObject({ status: 'resolved', resolvedAt: t.clock.now() });

    t.clock.advance(HOUR);
    v.send({ type: 'message', clientMessageId: 'r-2', conversationId: id, text: 'It arrived, thank you!' });
    const again = await v.next((f) => f.type === 'ack' && f['clientMessageId'] === 'r-2');
    expect(again['message']).toMatchObject({ conversationId: id, seq: 3 });
    expect(await get(id)).toMatchObject({ id, status: 'open', resolvedAt: null, lastSeq: 3, preview: 'It arrived, thank you!', waitingSince: t.clock.now() });
    expect(await t.count('conversations')).toBe(1);
    expect((await ok(t.api('GET', '/api/v1/conversations/counts?status=open'))).json<ConversationCounts>()).toMatchObject({ byStatus: { open: 1, resolved: 0 }, unassigned: 1 });
  });

  // ---- messages ------------------------------------------------------------------------------

  it('takes operator replies and notes, within the text limits, and answers a retry with the same message', async () => {
    const ana = await operator('Ana');
    const c = await startApi('msg-1');
    t.clock.advance(MINUTE);
    const reply = await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Hello! Let me check.', clientMessageId: 'rep-1' }, ana.token), 201);
    expect(reply.json()).toMatchObject({
      duplicate: false,
      message: { conversationId: c.id, seq: 2, kind: 'text', author: { type: 'operator', id: ana.id, name: 'Ana' }, text: 'Hello! Let me check.', channel: 'api', clientMessageId: 'rep-1', createdAt: t.clock.now() },
      conversation: { id: c.id, lastSeq: 2, firstResponseAt: t.clock.now(), waitingSince: null, preview: 'Hello! Let me check.' },
    });
    const note = await ok(t.api('POST', `/api/v1/conversations/${c.id}/notes`, { text: 'Parcel lost by the carrier' }, ana.token), 201);
    expect(note.json()).toMatchObject({ duplicate: false, message: { seq: 2, kind: 'note', author: { type: 'operator', id: ana.id, name: 'Ana' }, text: 'Parcel lost by the carrier' } });
    const asKind = await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Second note', kind: 'note' }), 201);
    // The workspace token has no operator behind it: it answers as the team.
    expect(asKind.json()).toMatchObject({ message: { seq: 2, kind: 'note', author: { type: 'operator', id: null, name: 'Support team' } } });
    expect(await get(c.id)).toMatchObject({ lastSeq: 2, preview: 'Hello! Let me check.' });

    // A retry with the same clientMessageId: 200, the same message, nothing new stored.
    const stored = await t.count('messages');
    const retry = await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Hello! Let me check.', clientMessageId: 'rep-1' }, ana.token), 200);
    expect(retry.json()).toMatchObject({ duplicate: true, message: reply.json().message });
    const noteRetry1 = await ok(t.api('POST', `/api/v1/conversations/${c.id}/notes`, { text: 'n', clientMessageId: 'note-1' }, ana.token), 201);
    const noteRetry2 = await ok(t.api('POST', `/api/v1/conversations/${c.id}/notes`, { text: 'n', clientMessageId: 'note-1' }, ana.token), 200);
    expect(noteRetry2.json()).toEqual({ duplicate: true, message: noteRetry1.json().message });
    expect(await t.count('messages')).toBe(stored + 1);

    // Text limits on both sides of the boundary, counted in code points, for replies and for a customer starting.
    const max = CONVERSATION_LIMITS.messageChars;
    const sizes: [string, string][] = [['a'.repeat(max), 'a'.repeat(max + 1)], ['😀'.repeat(max), '😀'.repeat(max + 1)], [`${'é'.repeat(max - 1)}😀`, `${'é'.repeat(max)}😀`]];
    for (const [fits, over] of sizes) {
      const before = [await t.count('messages'), await t.count('conversations'), await t.count('webhook_outbox')];
      const tooLong = await t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: over });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json()).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: 'text', code: 'too_long' }] } });
      const noteTooLong = await t.api('POST', `/api/v1/conversations/${c.id}/notes`, { text: over });
      expect(paths(noteTooLong)).toEqual(['text']);
      await customerId(`long-${over.length}`);
      const startTooLong = await t.api('POST', '/api/v1/conversations', { customer: { userId: `long-${over.length}` }, text: over });
      expect(startTooLong.statusCode).toBe(400);
      expect(paths(startTooLong)).toEqual(['text']);
      expect([await t.count('messages'), await t.count('conversations'), await t.count('webhook_outbox')]).toEqual(before);

      const accepted = await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: fits }), 201);
      expect(accepted.json<{ message: Message }>().message.text).toBe(fits);
      const startFits = await ok(t.api('POST', '/api/v1/conversations', { customer: { userId: `long-${over.length}` }, text: fits }), 201);
      expect(startFits.json<{ message: Message }>().message.text).toBe(fits);
      expect(await t.count('messages')).toBe(before[0]! + 2);
    }

    // Empty, blank and NUL-bearing texts are refused, naming `text`, and nothing is stored.
    const before = [await t.count('messages'), await t.count('conversations'), await t.count('webhook_outbox')];
    for (const [text, code] of [['', 'empty'], ['   \n\t ', 'empty'], ['\u200b\u200b', 'empty'], ['before\u0000after', 'nul_byte'], ['\ud83d alone', 'lone_surrogate']] as const) {
      for (const url of [`/api/v1/conversations/${c.id}/messages`, `/api/v1/conversations/${c.id}/notes`]) {
        const r = await t.api('POST', url, { text });
        expect(r.statusCode, `${url} ${JSON.stringify(text)}`).toBe(400);
        expect(r.json<IssueBody>().error.issues, JSON.stringify(text)).toEqual([expect.objectContaining({ path: 'text', code })]);
      }
      await customerId('blank-starter');
      const start = await t.api('POST', '/api/v1/conversations', { customer: { userId: 'blank-starter' }, text });
      expect(start.statusCode, JSON.stringify(text)).toBe(400);
      expect(paths(start)).toEqual(['text']);
    }
    const missing = await t.api('POST', `/api/v1/conversations/${c.id}/messages`, {});
    expect(missing.statusCode).toBe(400);
    expect(paths(missing)).toEqual(['text']);
    expect([await t.count('messages'), await t.count('conversations'), await t.count('webhook_outbox')]).toEqual(before);
  });

  it('lists messages with notes in order, and cursor paging never skips a note that shares a seq', async () => {
    const c = await startApi('thread-1', 'first');
    const expected: string[] = ['first'];
    const say = async (text: string, kind: 'text' | 'note') => {
      t.clock.advance(1000);
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/${kind === 'note' ? 'notes' : 'messages'}`, { text }), 201);
      expected.push(text);
    };
    // seq 1: customer, then two notes; seq 2: reply, then one note; seq 3: reply; seq 4: reply, then three notes.
    await say('note 1a', 'note');
    await say('note 1b', 'note');
    await say('reply 2', 'text');
    await say('note 2a', 'note');
    await say('reply 3', 'text');
    await say('reply 4', 'text');
    await say('note 4a', 'note');
    await say('note 4b', 'note');
    await say('note 4c', 'note');
    await say('reply 5', 'text');

    const all = (await ok(t.api('GET', `/api/v1/conversations/${c.id}/messages`))).json<{ messages: Message[]; nextCursor: string | null }>();
    expect(all.messages.map((m) => m.text)).toEqual(expected);
    expect(all.messages.map((m) => m.seq)).toEqual([1, 1, 1, 2, 2, 3, 4, 4, 4, 4, 5]);
    expect(all.messages.map((m) => m.kind)).toEqual(['text', 'note', 'note', 'text', 'note', 'text', 'text', 'note', 'note', 'note', 'text']);
    expect(all.nextCursor).toBeNull();

    // Every page size, including ones that end in the middle of a seq's notes.
    for (const limit of [1, 2, 3, 4, 5, 6, 10]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 20; page++) {
        const q: string = cursor ? `cursor=${cursor}&limit=${limit}` : `limit=${limit}`;
        const r = (await ok(t.api('GET', `/api/v1/conversations/${c.id}/messages?${q}`))).json<{ messages: Message[]; nextCursor: string | null }>();
        expect(r.messages.length).toBeLessThanOrEqual(limit);
        seen.push(...r.messages.map((m) => m.text));
        if (r.nextCursor === null) break;
        cursor = r.nextCursor;
      }
      expect(seen, `limit ${limit}`).toEqual(expected);
    }
    expect((await t.api('GET', `/api/v1/conversations/${c.id}/messages?cursor=bm9wZQ`)).statusCode).toBe(400);
    const after2 = (await ok(t.api('GET', `/api/v1/conversations/${c.id}/messages?afterSeq=2`))).json<{ messages: Message[] }>();
    expect(after2.messages.map((m) => m.text)).toEqual(['reply 3', 'reply 4', 'note 4a', 'note 4b', 'note 4c', 'reply 5']);
  });

  it('gives one thread per customer across a webchat and an api conversation, newest first, in pages', async () => {
    const url = await listen(t);
    // The shop's tracker linked this browser to the signed-in customer.
    expect((await t.track('/v1/identify', { userId: 'u-thread', anonymousId: 'anon-thread', traits: { email: 'mei@example.com' } })).statusCode).toBe(200);
    const customer = (await ok(t.api('GET', '/api/v1/customers/lookup?userId=u-thread'))).json<{ id: string }>().id;
    const v = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-thread' });
    sockets.push(v);
    expect(v.frames[0]).toMatchObject({ type: 'welcome' });

    const texts: string[] = [];
    v.send({ type: 'message', clientMessageId: 'w-1', text: 'chat 1' });
    const webchatId = (await v.next((f) => f.type === 'ack'))['message'].conversationId as string;
    texts.push('chat 1');
    t.clock.advance(1000);
    await ok(t.api('POST', `/api/v1/conversations/${webchatId}/messages`, { text: 'chat reply' }), 201);
    texts.push('chat reply');
    t.clock.advance(1000);
    await ok(t.api('POST', `/api/v1/conversations/${webchatId}/notes`, { text: 'chat note' }), 201);
    texts.push('chat note');
    t.clock.advance(1000);
    const api = await ok(t.api('POST', '/api/v1/conversations', { customer: { userId: 'u-thread' }, text: 'app 1' }), 201);
    const apiId = api.json<{ conversation: Conversation }>().conversation.id;
    expect(apiId).not.toBe(webchatId);
    expect(api.json<{ conversation: Conversation }>().conversation).toMatchObject({ channel: 'api', customerId: customer });
    texts.push('app 1');
    t.clock.advance(1000);
    v.send({ type: 'message', clientMessageId: 'w-2', conversationId: webchatId, text: 'chat 2' });
    await v.next((f) => f.type === 'ack' && f['clientMessageId'] === 'w-2');
    texts.push('chat 2');
    t.clock.advance(1000);
    await ok(t.api('POST', `/api/v1/conversations/${apiId}/messages`, { text: 'app reply' }), 201);
    texts.push('app reply');
    // Two at the same millisecond: the id orders them.
    await ok(t.api('POST', `/api/v1/conversations/${apiId}/messages`, { text: 'app reply 2' }), 201);
    texts.push('app reply 2');

    const conversations = (await ok(t.api('GET', `/api/v1/customers/${customer}/conversations`))).json<{ conversations: Conversation[] }>().conversations;
    expect(conversations.map((c) => [c.id, c.channel])).toEqual([[apiId, 'api'], [webchatId, 'webchat']]);

    const newestFirst = [...texts].reverse();
    const full = (await ok(t.api('GET', `/api/v1/customers/${customer}/messages`))).json<{ messages: Message[]; nextCursor: string | null }>();
    expect(full.messages.map((m) => m.text)).toEqual(newestFirst);
    expect(full.messages.map((m) => m.conversationId)).toEqual([apiId, apiId, webchatId, apiId, webchatId, webchatId, webchatId]);
    expect(full.messages.map((m) => m.channel)).toEqual(['api', 'api', 'webchat', 'api', 'webchat', 'webchat', 'webchat']);
    expect(full.nextCursor).toBeNull();

    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let before: string | null = null;
      for (let page = 0; page < 20; page++) {
        const u: string = `/api/v1/customers/${customer}/messages?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
        const r = (await ok(t.api('GET', u))).json<{ messages: Message[]; nextCursor: string | null }>();
        expect(r.messages.length).toBeLessThanOrEqual(limit);
        seen.push(...r.messages.map((m) => m.text));
        before = r.nextCursor;
        if (before === null) break;
      }
      expect(seen, `limit ${limit}`).toEqual(newestFirst);
    }
    const bad = await t.api('GET', `/api/v1/customers/${customer}/messages?before=${encodeURIComponent('garbage')}`);
    expect(bad.statusCode).toBe(400);
    expect(paths(bad)).toEqual(['before']);
  });

  // ---- isolation and roles -------------------------------------------------------------------

  it('answers 404 to every conversation route called with another workspace\'s token, and changes nothing', async () => {
    const c = await startApi('mine-1');
    await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Hello' }), 201);
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const otherOp = await operator('Eve', other.workspace.id);
    const before = await get(c.id);
    const stored = async () => [await t.count('conversations'), await t.count('messages'), await t.count('webhook_outbox'), await t.count('conversation_counts')];
    const snapshot = await stored();
    const countsBefore = (await ok(t.api('GET', '/api/v1/conversations/counts'))).json();
    const messagesBefore = (await ok(t.api('GET', `/api/v1/conversations/${c.id}/messages`))).json();

    const routes: [('GET' | 'POST' | 'PATCH'), string, unknown][] = [
      ['GET', `/api/v1/conversations/${c.id}`, undefined],
      ['PATCH', `/api/v1/conversations/${c.id}`, { priority: 'urgent', labels: ['stolen'] }],
      ['GET', `/api/v1/conversations/${c.id}/messages`, undefined],
      ['POST', `/api/v1/conversations/${c.id}/messages`, { text: 'hijack' }],
      ['POST', `/api/v1/conversations/${c.id}/messages`, { text: 'hijack', kind: 'note' }],
      ['POST', `/api/v1/conversations/${c.id}/notes`, { text: 'hijack' }],
      ['POST', `/api/v1/conversations/${c.id}/status`, { status: 'resolved' }],
      ['POST', `/api/v1/conversations/${c.id}/status`, { status: 'snoozed', snoozedUntil: new Date(t.clock.now() + HOUR).toISOString() }],
      ['POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: otherOp.id }],
      ['POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: 'auto', team: 'x' }],
      ['POST', `/api/v1/conversations/${c.id}/read`, { seq: 2 }],
      ['GET', `/api/v1/conversations/${c.id}/csat-link`, undefined],
      ['GET', `/api/v1/conversations/${c.id}/snippets`, undefined],
      ['GET', `/api/v1/customers/${c.customerId}/conversations`, undefined],
      ['GET', `/api/v1/customers/${c.customerId}/messages`, undefined],
      ['POST', '/api/v1/conversations', { customer: { customerId: c.customerId }, text: 'hijack' }],
    ];
    for (const token of [other.apiToken, otherOp.token]) {
      for (const [method, url, body] of routes) {
        const r = await t.api(method, url, body, token);
        expect(r.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(404);
        expect(r.json(), `${method} ${url}`).toMatchObject({ error: { code: 'not_found' } });
        expect(r.body).not.toContain('Hello');
      }
      const theirs = await ok(t.api('GET', '/api/v1/conversations', undefined, token));
      expect(theirs.json()).toMatchObject({ conversations: [], nextCursor: null, counts: { byStatus: { open: 0, pending: 0, snoozed: 0, resolved: 0 } } });
      expect((await ok(t.api('GET', '/api/v1/conversations/counts', undefined, token))).json()).toMatchObject({ byStatus: { open: 0 }, unassigned: 0 });
    }
    // The other workspace's userId namespace is its own: the same userId is not this customer.
    const sameUser = await t.api('POST', '/api/v1/conversations', { customer: { userId: 'mine-1' }, text: 'hijack' }, other.apiToken);
    expect(sameUser.statusCode).toBe(404);

    expect(await get(c.id)).toEqual(before);
    expect(await stored()).toEqual(snapshot);
    expect((await ok(t.api('GET', '/api/v1/conversations/counts'))).json()).toEqual(countsBefore);
    expect((await ok(t.api('GET', `/api/v1/conversations/${c.id}/messages`))).json()).toEqual(messagesBefore);
  });

  it('lets an agent read and reply, and refuses it the admin-only routes', async () => {
    const ana = await operator('Ana');
    const plainAgent = (await t.services.tenancy.createApiToken(t.ws.id, { role: 'agent' })).token;
    const c = await startApi('agent-1');
    for (const token of [ana.token, plainAgent]) {
      expect((await t.api('GET', '/api/v1/conversations', undefined, token)).json<{ conversations: Conversation[] }>().conversations.map((x) => x.id)).toEqual([c.id]);
      for (const url of [`/api/v1/conversations/${c.id}`, `/api/v1/conversations/${c.id}/messages`, '/api/v1/conversations/counts', `/api/v1/customers/${c.customerId}/messages`, `/api/v1/customers/${c.customerId}/conversations`, '/api/v1/reports/sla']) {
        expect((await t.api('GET', url, undefined, token)).statusCode, url).toBe(200);
      }
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/messages`, { text: 'On it' }, token), 201);
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/notes`, { text: 'internal' }, token), 201);
      await ok(t.api('PATCH', `/api/v1/conversations/${c.id}`, { labels: ['shipping'] }, token));
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: ana.id }, token));
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'pending' }, token));
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/status`, { status: 'open' }, token));
    }
    expect(await get(c.id)).toMatchObject({ assigneeId: ana.id, labels: ['shipping'], lastSeq: 3 });

    const stored = async () => [await t.count('sla_policies'), await t.count('webhook_subscriptions')];
    const before = await stored();
    const settingsBefore = (await ok(t.api('GET', '/api/v1/settings/conversations'))).json();
    for (const token of [ana.token, plainAgent]) {
      for (const [method, url, body] of [
        ['POST', '/api/v1/sla-policies', { name: 'Agent policy', firstResponseMinutes: 5 }],
        ['GET', '/api/v1/webhook-subscriptions', undefined],
        ['POST', '/api/v1/webhook-subscriptions', { url: 'https://example.com/h', events: ['message.created'] }],
        ['PUT', '/api/v1/settings/conversations', { autoAssign: true }],
        ['POST', '/api/v1/settings/identity-secret', undefined],
        ['PUT', `/api/v1/operators/${ana.id}/routing`, { capacity: 100 }],
        ['GET', '/api/v1/webhooks/secret', undefined],
      ] as const) {
        const r = await t.api(method, url, body, token);
        expect(r.statusCode, `${method} ${url}`).toBe(403);
        expect(r.json(), `${method} ${url}`).toMatchObject({ error: { code: 'forbidden' } });
      }
    }
    expect(await stored()).toEqual(before);
    expect((await ok(t.api('GET', '/api/v1/settings/conversations'))).json()).toEqual(settingsBefore);
    expect((await t.store.getOperator(t.ws.id, ana.id))?.capacity ?? 10).toBe(10);
  });
});
