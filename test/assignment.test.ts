import type { Conversation, ConversationCounts } from '@omotenashi/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, operator as operatorSocket, until, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

type Res = { statusCode: number; body: string; json: <T = any>() => T };
interface IssueBody { error: { code: string; message: string; issues?: { path: string; code: string; message: string }[] } }
interface Op { id: string; name: string; token: string }

describe.each(await storeFactories())('assignment on $name', (factory) => {
  let t: TestApp;
  let wsUrl: string;
  let n = 0;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    t = await startTestApp(factory);
    wsUrl = (await listen(t)).ws;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const ok = async (p: Promise<Res>, status = 200): Promise<Res> => {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return r;
  };
  const operator = async (name: string, routing?: { teams?: string[]; capacity?: number }, ws = t.ws.id): Promise<Op> => {
    const op = await t.services.tenancy.createOperator(ws, { email: `${name.toLowerCase()}${++n}@shop.test`, name, role: 'agent', password: 'correct horse battery' });
    const token = (await t.services.tenancy.createApiToken(ws, { role: 'agent', operatorId: op.id })).token;
    if (routing) expect((await ok(t.api('PUT', `/api/v1/operators/${op.id}/routing`, routing))).json()).toMatchObject({ id: op.id, ...routing });
    return { id: op.id, name, token };
  };
  const presence = async (op: Op, p: 'online' | 'away' | 'offline') => {
    expect((await ok(t.api('POST', '/api/v1/operators/me/presence', { presence: p }, op.token))).json()).toEqual({ operatorId: op.id, presence: p });
  };
  const connect = async (op: Op): Promise<RawSocket> => {
    const s = await operatorSocket(wsUrl, op.token);
    expect(s.frames.find((f) => f.type === 'welcome')).toMatchObject({ operatorId: op.id, workspaceId: t.ws.id });
    sockets.push(s);
    return s;
  };
  const settings = async (patch: Record<string, unknown>) => ok(t.api('PUT', '/api/v1/settings/conversations', patch));
  const start = async (userId: string): Promise<Conversation> => {
    expect((await t.track('/v1/identify', { userId })).statusCode).toBe(200);
    return (await ok(t.api('POST', '/api/v1/conversations', { customer: { userId }, text: `Hello, this is ${userId}` }), 201)).json<{ conversation: Conversation }>().conversation;
  };
  const get = async (id: string) => (await ok(t.api('GET', `/api/v1/conversations/${id}`))).json<Conversation>();
  const presenceOf = async (op: Op) => (await t.store.getOperator(t.ws.id, op.id))?.presence ?? 'offline';
  /** Round-robin goes in id order, whatever order operators were created or connected in. */
  const inIdOrder = (...ops: Op[]) => [...ops].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  it('rotates new conversations among the team\'s online operators below capacity, skipping away and offline ones', async () => {
    await settings({ autoAssign: true, defaultTeam: 'support' });
    const ana = await operator('Ana', { teams: ['support'], capacity: 2 });
    const ben = await operator('Ben', { teams: ['support', 'vip'], capacity: 2 });
    const chie = await operator('Chie', { teams: ['support'], capacity: 2 });
    const dai = await operator('Dai', { teams: ['billing'], capacity: 5 });
    await operator('Emi', { teams: ['support'], capacity: 5 }); // never comes online

    await connect(ana); // online through the operator socket's hello
    expect(await presenceOf(ana)).toBe('online');
    await presence(ben, 'online'); // online through REST
    await presence(chie, 'away');
    await presence(dai, 'online'); // online, but not in the team

    const [first, second] = inIdOrder(ana, ben);
    const got: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await start(`rr-${i}`);
      expect(c.team).toBe('support');
      got.push(c.assigneeId);
    }
    expect(got).toEqual([first!.id, second!.id, first!.id, second!.id]);

    // Both are at capacity (2 open each): the next one waits unassigned.
    const waiting = await start('rr-full');
    expect(waiting).toMatchObject({ assigneeId: null, team: 'support' });
    const counts = (await ok(t.api('GET', '/api/v1/conversations/counts', undefined, ana.token))).json<ConversationCounts>();
    expect(counts).toEqual({ byStatus: { open: 5, pending: 0, snoozed: 0, resolved: 0 }, mine: 2, unassigned: 1, byTeam: { support: 5 } });

    // Chie comes back: she gets the next one.
    await presence(chie, 'online');
    const forChie = await start('rr-chie');
    expect(forChie.assigneeId).toBe(chie.id);

    // Capacity is about open conversations: one of Ana's resolved frees a place, and `auto` uses it.
    const anas = (await ok(t.api('GET', `/api/v1/conversations?assignee=${ana.id}`))).json<{ conversations: Conversation[] }>().conversations;
    expect(anas).toHaveLength(2);
    await ok(t.api('POST', `/api/v1/conversations/${anas[0]!.id}/status`, { status: 'resolved' }));
    // Eligible now: Ana (1 of 2) and Chie (1 of 2); the rotation continues after Chie.
    const eligible = inIdOrder(ana, chie).map((o) => o.id);
    const expected = eligible.find((id) => id > chie.id) ?? eligible[0]!;
    const auto = await ok(t.api('POST', `/api/v1/conversations/${waiting.id}/assign`, { assigneeId: 'auto' }));
    expect(auto.json<Conversation>()).toMatchObject({ id: waiting.id, assigneeId: expected, team: 'support' });

    // Capacity raised through routing: Ben takes more.
    await ok(t.api('PUT', `/api/v1/operators/${ben.id}/routing`, { capacity: 3 }));
    await presence(ana, 'away');
    await presence(chie, 'away');
    expect((await start('rr-ben')).assigneeId).toBe(ben.id);
    // Ben full, Ana and Chie away, Emi never online, Dai in another team: nobody.
    const nobody = await start('rr-nobody');
    expect(nobody.assigneeId).toBeNull();
    const stillNobody = await ok(t.api('POST', `/api/v1/conversations/${nobody.id}/assign`, { assigneeId: 'auto' }));
    expect(stillNobody.json<Conversation>().assigneeId).toBeNull();

    const all = (await ok(t.api('GET', '/api/v1/conversations?limit=100'))).json<{ conversations: Conversation[] }>().conversations;
    const load = (op: Op) => all.filter((c) => c.assigneeId === op.id && c.status === 'open').length;
    expect([load(ana), load(ben), load(chie), load(dai)]).toEqual([1 + (expected === ana.id ? 1 : 0), 3, 1 + (expected === chie.id ? 1 : 0), 0]);
  });

  it('goes offline when the operator\'s last socket closes, and is skipped from then on', async () => {
    await settings({ autoAssign: true });
    const ana = await operator('Ana', { capacity: 10 });
    const ben = await operator('Ben', { capacity: 10 });
    const a1 = await connect(ana);
    const a2 = await connect(ana);
    const b = await connect(ben);
    expect(await presenceOf(ana)).toBe('online');
    // One of two sockets closing keeps Ana online.
    a1.close();
    await a1.closed;
    await new Promise((r) => setTimeout(r, 100));
    expect(await presenceOf(ana)).toBe('online');
    a2.close();
    await until(async () => (await presenceOf(ana)) === 'offline', 5_000, 'Ana offline');
    await b.next((f) => f.type === 'presence' && f['operatorId'] === ana.id && f['presence'] === 'offline');
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await start(`off-${i}`)).assigneeId);
    expect(got).toEqual([ben.id, ben.id, ben.id]);
  });

  it('never assigns beyond capacity, even to concurrent `auto` requests', async () => {
    const ana = await operator('Ana', { capacity: 1 });
    await presence(ana, 'online');
    const waiting: Conversation[] = [];
    for (let i = 0; i < 6; i++) waiting.push(await start(`race-${i}`));
    const results = await Promise.all(waiting.map((c) => ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: 'auto' }))));
    expect(results.filter((r) => r.json<Conversation>().assigneeId === ana.id)).toHaveLength(1);
    const counts = (await ok(t.api('GET', '/api/v1/conversations/counts', undefined, ana.token))).json<ConversationCounts>();
    expect(counts).toMatchObject({ mine: 1, unassigned: 5 });
  });

  it('refuses manual assignment to an operator of another workspace, naming assigneeId, and changes nothing', async () => {
    const ana = await operator('Ana');
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const eve = await operator('Eve', undefined, other.workspace.id);
    const c = await start('manual-1');
    await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: ana.id, team: 'support' }));
    const before = await get(c.id);
    expect(before).toMatchObject({ assigneeId: ana.id, team: 'support' });
    const stored = async () => [await t.count('conversations'), await t.count('webhook_outbox'), await t.count('conversation_counts')];
    const snapshot = await stored();
    const countsBefore = (await ok(t.api('GET', '/api/v1/conversations/counts', undefined, ana.token))).json();

    for (const body of [{ assigneeId: eve.id }, { assigneeId: eve.id, team: 'elsewhere' }, { assigneeId: 'op_01JDOESNOTEXIST000000000000' }]) {
      const r = await t.api('POST', `/api/v1/conversations/${c.id}/assign`, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json<IssueBody>().error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'assigneeId' }] });
      expect(r.json<IssueBody>().error.issues).toHaveLength(1);
    }
    const empty = await t.api('POST', `/api/v1/conversations/${c.id}/assign`, {});
    expect(empty.statusCode).toBe(400);
    expect(await get(c.id)).toEqual(before);
    expect(await stored()).toEqual(snapshot);
    expect((await ok(t.api('GET', '/api/v1/conversations/counts', undefined, ana.token))).json()).toEqual(countsBefore);
    // Eve's own workspace sees no trace of it either.
    expect((await ok(t.api('GET', '/api/v1/conversations/counts', undefined, eve.token))).json()).toMatchObject({ byStatus: { open: 0 }, mine: 0 });

    // Unassigning and assigning within the workspace work.
    expect((await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: null }))).json()).toMatchObject({ assigneeId: null, team: 'support' });
    expect((await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: ana.id, team: null }))).json()).toMatchObject({ assigneeId: ana.id, team: null });
  });

  it('with reassignOnOffline, hands an operator\'s open conversations to someone online when their last socket closes', async () => {
    await settings({ reassignOnOffline: true });
    const ana = await operator('Ana', { teams: ['support'], capacity: 10 });
    const ben = await operator('Ben', { teams: ['support'], capacity: 10 });
    const a = await connect(ana);
    const b = await connect(ben);

    const open: Conversation[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await start(`handover-${i}`);
      await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: ana.id, team: i === 2 ? 'support' : null }));
      open.push(c);
    }
    const parked = await start('handover-pending');
    await ok(t.api('POST', `/api/v1/conversations/${parked.id}/assign`, { assigneeId: ana.id }));
    await ok(t.api('POST', `/api/v1/conversations/${parked.id}/status`, { status: 'pending' }));
    const from = b.frames.length;

    a.close();
    const updates = await until(() => {
      const got = b.frames.slice(from).filter((f) => f.type === 'conversation.updated' && f['changes'].includes('assignee'));
      return got.length >= 3 ? got : null;
    }, 5_000, 'three hand-overs on Ben\'s socket');
    await new Promise((r) => setTimeout(r, 150));
    const all = b.frames.slice(from).filter((f) => f.type === 'conversation.updated' && f['changes'].includes('assignee'));
    expect(all).toHaveLength(3);
    expect(updates.map((f) => f['changes'])).toEqual([['assignee'], ['assignee'], ['assignee']]);
    expect(updates.map((f) => f['conversation'].id).sort()).toEqual(open.map((c) => c.id).sort());
    for (const f of updates) expect(f['conversation'].assigneeId).toBe(ben.id);
    expect(b.frames.slice(from).some((f) => f.type === 'presence' && f['operatorId'] === ana.id && f['presence'] === 'offline')).toBe(true);

    for (const c of open) expect(await get(c.id)).toMatchObject({ assigneeId: ben.id, status: 'open' });
    // Only open conversations move: the pending one waits for Ana.
    expect(await get(parked.id)).toMatchObject({ assigneeId: ana.id, status: 'pending' });
    expect((await ok(t.api('GET', '/api/v1/conversations/counts', undefined, ben.token))).json<ConversationCounts>()).toMatchObject({ mine: 3, unassigned: 0 });
    expect((await ok(t.api('GET', '/api/v1/conversations/counts?status=pending', undefined, ana.token))).json<ConversationCounts>()).toMatchObject({ mine: 1 });
  });

  it('lets an operator reload the inbox without going offline or losing their conversations', async () => {
    await t.close();
    t = await startTestApp(factory, { services: { presenceGraceMs: 300 } });
    wsUrl = (await listen(t)).ws;
    await settings({ reassignOnOffline: true });
    const ana = await operator('Ana', { teams: ['support'] });
    const ben = await operator('Ben', { teams: ['support'] });
    const a = await connect(ana);
    await connect(ben);
    const c = await start('reload-1');
    await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: ana.id }));

    a.close();
    await new Promise((r) => setTimeout(r, 50));
    await connect(ana); // the reload's new socket, well within the grace period
    await new Promise((r) => setTimeout(r, 500));
    expect(await presenceOf(ana)).toBe('online');
    expect(await get(c.id)).toMatchObject({ assigneeId: ana.id });

    // Leaving for good: offline once the grace period has passed, and the conversation moves on.
    for (const s of sockets.filter((x) => x.frames.some((f) => f.type === 'welcome' && f['operatorId'] === ana.id))) s.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await presenceOf(ana)).toBe('online');
    await until(async () => (await presenceOf(ana)) === 'offline', 3_000, 'Ana offline after the grace period');
    await until(async () => (await get(c.id)).assigneeId === ben.id, 3_000, 'the hand-over to Ben');
  });

  it('without reassignOnOffline, an operator going offline keeps their conversations', async () => {
    const ana = await operator('Ana', { capacity: 10 });
    const ben = await operator('Ben', { capacity: 10 });
    const a = await connect(ana);
    const b = await connect(ben);
    const c = await start('keep-1');
    await ok(t.api('POST', `/api/v1/conversations/${c.id}/assign`, { assigneeId: ana.id }));
    a.close();
    await b.next((f) => f.type === 'presence' && f['operatorId'] === ana.id && f['presence'] === 'offline');
    await new Promise((r) => setTimeout(r, 150));
    expect(await get(c.id)).toMatchObject({ assigneeId: ana.id });
    expect(b.frames.filter((f) => f.type === 'conversation.updated' && f['conversation'].id === c.id && f['changes'].includes('assignee'))).toHaveLength(1);
  });
});
