import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OnsiteMessageRecord } from '../packages/server/src/ports/store.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, until, visitor, type Frame, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

const MIN = 60_000;

/**
 * A touch pushed while the visitor had no socket open (between two pages of a shop with full
 * page loads) is not lost: the next hello's welcome is followed by the customer's touches that
 * are still unanswered, from the last 10 minutes, the newest per playbook.
 */
describe.each(await storeFactories())('pending touches after the welcome on $name', (factory) => {
  let t: TestApp;
  let wsUrl: string;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    t = await startTestApp(factory);
    wsUrl = (await listen(t)).ws;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const connect = async (anonymousId: string, writeKey = t.ws.writeKey) => {
    const s = await visitor(wsUrl, { writeKey, anonymousId });
    sockets.push(s);
    expect(s.frames[0]?.type).toBe('welcome');
    return s;
  };
  /** Closes a socket and waits until the server has let the connection go. */
  const leave = async (s: RawSocket) => {
    s.close();
    await s.closed;
  };
  /** Everything the server sent up to the answer to a ping sent now (frames follow the welcome in order). */
  const settle = async (s: RawSocket): Promise<Frame[]> => {
    const id = `p${s.frames.length}`;
    s.send({ type: 'ping', id });
    await s.next((f) => f.type === 'pong' && f['id'] === id);
    return s.frames;
  };
  const invitations = async (s: RawSocket) => (await settle(s)).filter((f) => f.type === 'invitation');
  const customerOf = async (anonymousId: string, token?: string) =>
    (await t.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`, undefined, token)).json<{ id: string }>().id;
  const invite = async (customerId: string, message = 'Can I help with the payment?') => {
    const r = await t.api('POST', `/api/v1/visitors/${customerId}/invite`, { message });
    expect(r.json(), r.body).toMatchObject({ outcome: 'sent' });
    return r.json<{ touch: { id: string } }>().touch.id;
  };
  const addOperator = async (name: string, email: string) => {
    const r = await t.api('POST', '/api/v1/operators', { email, name, role: 'agent', password: 'correct horse battery' });
    expect(r.statusCode, r.body).toBe(201);
  };

  it('sends a touch fired while the visitor was away right after the next welcome, with its sender', async () => {
    await addOperator('Aiko Tanaka', 'aiko@shop.test');
    const first = await connect('between-pages');
    const id = await customerOf('between-pages');
    await leave(first);

    const touchId = await invite(id);
    const next = await connect('between-pages');
    await next.next((f) => f.type === 'invitation');
    const frames = await settle(next);
    expect(frames[0]?.type).toBe('welcome');
    expect(frames.filter((f) => f.type === 'invitation')).toEqual([{
      type: 'invitation', touchId, kind: 'invite', playbook: 'manual', content: { message: 'Can I help with the payment?' }, from: { name: 'Aiko Tanaka', avatarUrl: null },
    }]);

    // The resent touch is answerable on the new socket like a live one (and then not sent again).
    next.send({ type: 'invitation.response', touchId, response: 'dismissed' });
    await until(async () => (await t.api('GET', `/api/v1/customers/${id}/touches`)).json<{ items: { response: string | null }[] }>().items[0]?.response === 'dismissed', 5_000, 'the answer stored');
    await leave(next);
    expect(await invitations(await connect('between-pages'))).toEqual([]);
  });

  it('does not send a touch the visitor already answered', async () => {
    const s = await connect('answered');
    const id = await customerOf('answered');
    const touchId = await invite(id);
    await s.next((f) => f.type === 'invitation' && f['touchId'] === touchId);
    s.send({ type: 'invitation.response', touchId, response: 'accepted' });
    await until(async () => (await t.api('GET', `/api/v1/customers/${id}/touches`)).json<{ items: { response: string | null }[] }>().items[0]?.response === 'accepted', 5_000, 'the answer stored');
    await leave(s);
    expect(await invitations(await connect('answered'))).toEqual([]);
  });

  it('sends a touch up to 10 minutes old, not older', async () => {
    const s = await connect('slow');
    const id = await customerOf('slow');
    await leave(s);
    const touchId = await invite(id);

    t.clock.advance(10 * MIN - 1);
    const inTime = await connect('slow');
    expect((await inTime.next((f) => f.type === 'invitation'))['touchId']).toBe(touchId);
    await leave(inTime);

    t.clock.advance(1);
    expect(await invitations(await connect('slow'))).toEqual([]);
  });

  it('sends the newest touch per playbook, only when that one is unanswered, oldest first', async () => {
    await addOperator('Ben Okafor', 'ben@shop.test');
    const s = await connect('ladder');
    const id = await customerOf('ladder');
    await leave(s);
    const now = t.clock.now();
    const row = (n: string, playbookKey: string, kind: 'hint' | 'invite', ago: number, response: string | null = null): OnsiteMessageRecord => ({
      id: `tch_${n}`, workspaceId: t.ws.id, customerId: id, decisionId: `dec_${n}`, playbookKey, kind, createdAt: now - ago,
      content: kind === 'hint' ? { title: `title ${n}`, body: `body ${n}`, link: null } : { message: `message ${n}` },
      response, respondedAt: response ? now - ago + 1000 : null,
    });
    await t.services.store.insertOnsiteMessages([
      row('pay-hint', 'stuck-at-payment', 'hint', 5 * MIN),
      row('pay-invite', 'stuck-at-payment', 'invite', 4 * MIN),
      row('returns-hint', 'returns-help', 'hint', 3 * MIN),
      row('late-hint', 'late-delivery', 'hint', 2 * MIN),
      row('late-invite', 'late-delivery', 'invite', 1 * MIN, 'dismissed'),
    ]);

    const next = await connect('ladder');
    await next.next((f) => f.type === 'invitation');
    expect(await invitations(next)).toEqual([
      { type: 'invitation', touchId: 'tch_pay-invite', kind: 'invite', playbook: 'stuck-at-payment', content: { message: 'message pay-invite' }, from: { name: 'Ben Okafor', avatarUrl: null } },
      { type: 'invitation', touchId: 'tch_returns-hint', kind: 'hint', playbook: 'returns-help', content: { title: 'title returns-hint', body: 'body returns-hint', link: null } },
    ]);
  });

  it('never sends a touch to another visitor or another workspace', async () => {
    const s = await connect('owner');
    const id = await customerOf('owner');
    await leave(s);
    const touchId = await invite(id);

    expect(await invitations(await connect('someone-else'))).toEqual([]);
    const b = await t.services.tenancy.createWorkspace('Shop B');
    const sameIdElsewhere = await connect('owner', b.writeKey);
    expect(await customerOf('owner', b.apiToken)).not.toBe(id);
    expect(await invitations(sameIdElsewhere)).toEqual([]);

    // The owner still gets it (the check above could not pass by sending nothing at all).
    const owner = await connect('owner');
    expect((await owner.next((f) => f.type === 'invitation'))['touchId']).toBe(touchId);
  });
});
