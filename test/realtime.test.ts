import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OmotenashiClient, type WebSocketLike } from '../packages/client/src/index.js';
import { userHash, signIdentityToken } from '../packages/server/src/domain/conversations/identity-proof.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, operator, until, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

const WS = WebSocket as unknown as new (url: string) => WebSocketLike;

describe.each(await storeFactories())('Realtime conversations on $name', (factory) => {
  let t: TestApp;
  const open: { close(): void }[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await t?.close();
  });

  async function start() {
    t = await startTestApp(factory);
    // Realtime uses wall time for deadlines; the app clock only stamps records.
    return listen(t);
  }
  const track = <T extends { close(): void }>(s: T): T => {
    open.push(s);
    return s;
  };

  it('carries a visitor message to the operator and the reply back, in order, exactly once', async () => {
    const url = await start();
    const op = track(await operator(url.ws, t.ws.apiToken));
    expect(op.frames[0]).toMatchObject({ type: 'welcome', workspaceId: t.ws.id, counts: { byStatus: { open: 0 } } });
    const v = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-ana' }));
    const welcome = v.frames[0]!;
    expect(welcome).toMatchObject({ type: 'welcome', verified: false, conversations: [], replyWithinMinutes: 1440 });
    expect(typeof welcome['sessionToken']).toBe('string');

    v.send({ type: 'message', clientMessageId: 'c-1', text: 'Hello, is the blue kimono in stock?' });
    const ack = await v.next((f) => f.type === 'ack');
    expect(ack).toMatchObject({ clientMessageId: 'c-1', duplicate: false, message: { seq: 1, kind: 'text', author: { type: 'customer', id: null } } });
    const conversationId = ack['message'].conversationId as string;

    const created = await op.next((f) => f.type === 'conversation.created');
    expect(created['conversation']).toMatchObject({ id: conversationId, status: 'open', channel: 'webchat', sla: { state: 'ok', target: 'first_response' } });
    const got = await op.next((f) => f.type === 'message.created');
    expect(got['message']).toMatchObject({ seq: 1, text: 'Hello, is the blue kimono in stock?' });

    const reply = await t.api('POST', `/api/v1/conversations/${conversationId}/messages`, { text: 'It is! Shall I hold one for you?' });
    expect(reply.statusCode).toBe(201);
    const note = await t.api('POST', `/api/v1/conversations/${conversationId}/notes`, { text: 'VIP: gift wrap for free' });
    expect(note.statusCode).toBe(201);
    const second = await t.api('POST', `/api/v1/conversations/${conversationId}/messages`, { text: 'It ships today.' });
    expect(second.json().message.seq).toBe(3);

    await until(() => v.of('message').length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    const seen = v.of('message').map((f) => [f['message'].seq, f['message'].kind, f['message'].text]);
    // The note never reaches the customer, and leaves no gap in what they see.
    expect(seen).toEqual([[1, 'text', 'Hello, is the blue kimono in stock?'], [2, 'text', 'It is! Shall I hold one for you?'], [3, 'text', 'It ships today.']]);
    expect(JSON.stringify(v.frames)).not.toContain('gift wrap');
    // The operator sees the note.
    await until(() => op.of('message.created').some((f) => f['message'].kind === 'note'));
    expect(await t.count('messages')).toBe(4);
  });

  it('holds back what is published while a hello is answered, then delivers it once, after the welcome', async () => {
    const url = await start();
    const first = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-race' }));
    first.send({ type: 'message', clientMessageId: 'r-1', text: 'are you there?' });
    const conv = (await first.next((f) => f.type === 'ack'))['message'].conversationId as string;
    first.close();
    // The operator's reply is committed and published exactly while the next hello is being answered.
    const sessions = t.services.visitorSessions;
    const issue = sessions.issueToken.bind(sessions);
    sessions.issueToken = async (s) => {
      await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: 'yes, here!' });
      return issue(s);
    };
    const again = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-race', lastSeen: { [conv]: 1 } }));
    sessions.issueToken = issue;
    await again.next((f) => f.type === 'message' && f['message'].seq === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(again.frames[0]!.type).toBe('welcome');
    expect(again.of('message').map((f) => f['message'].seq)).toEqual([2]);
  });

  it('answers a retried send with the original message and stores it once', async () => {
    const url = await start();
    const v = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-retry' }));
    v.send({ type: 'message', clientMessageId: 'same', text: 'first try' });
    v.send({ type: 'message', clientMessageId: 'same', text: 'first try' });
    await until(() => v.of('ack').length === 2);
    const [a, b] = v.of('ack');
    expect(a!['message'].id).toBe(b!['message'].id);
    expect([a!['duplicate'], b!['duplicate']]).toEqual([false, true]);
    // After a reconnect, the same id still finds the original.
    v.close();
    const again = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-retry', lastSeen: { [a!['message'].conversationId]: 1 } }));
    again.send({ type: 'message', clientMessageId: 'same', text: 'first try' });
    const c = await again.next((f) => f.type === 'ack');
    expect(c).toMatchObject({ duplicate: true, message: { id: a!['message'].id, seq: 1 } });
    expect(await t.count('messages')).toBe(1);
    expect(again.of('message')).toHaveLength(0);
  });

  it('resumes after a reconnect from the last seen seq, without repeats', async () => {
    const url = await start();
    const v = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-resume' }));
    v.send({ type: 'message', clientMessageId: 'r-1', text: 'hi' });
    const conv = (await v.next((f) => f.type === 'ack'))['message'].conversationId as string;
    v.close();
    for (let i = 0; i < 5; i++) await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: `reply ${i}` });
    const back = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-resume', lastSeen: { [conv]: 3 } }));
    expect(back.frames[0]!['conversations']).toEqual([expect.objectContaining({ id: conv, lastSeq: 6 })]);
    await until(() => back.of('message').length === 3);
    expect(back.of('message').map((f) => f['message'].seq)).toEqual([4, 5, 6]);
  });

  it('keeps every message exactly once and in order through a reconnect storm (client package)', async () => {
    const url = await start();
    const client = track(new OmotenashiClient({ url: `${url.ws}/v1/realtime`, writeKey: t.ws.writeKey, anonymousId: 'anon-storm', WebSocket: WS, reconnect: { minMs: 5, maxMs: 50 } }));
    let welcomes = 0;
    client.on('welcome', () => welcomes++);
    client.connect();
    await until(() => client.state === 'open');
    const first = await client.send('starting');
    const conv = first.conversationId;
    // Server-side connection drops while both sides keep talking.
    const storm = setInterval(() => {
      for (const c of t.app.realtime.registry.all) c.socket.terminate();
    }, 40);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      sends.push(client.send(`visitor ${i}`));
      await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: `operator ${i}` });
      await new Promise((r) => setTimeout(r, 15));
    }
    await Promise.all(sends);
    clearInterval(storm);
    await until(() => client.messages(conv).length === 61, 15_000, 'all 61 messages');
    // It really was a storm: the connection was cut and resumed many times.
    expect(welcomes).toBeGreaterThanOrEqual(5);
    const seqs = client.messages(conv).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    // The visitor's 31 messages are stored once each, in the order sent.
    const stored = await t.api('GET', `/api/v1/conversations/${conv}/messages?limit=200`);
    const texts = (stored.json().messages as { text: string; author: { type: string } }[]).filter((m) => m.author.type === 'customer').map((m) => m.text);
    expect(texts).toEqual(['starting', ...Array.from({ length: 30 }, (_, i) => `visitor ${i}`)]);
    expect(await t.count('messages')).toBe(61);
  }, 40_000);

  it('never lets one visitor read or write another visitor\'s conversation', async () => {
    const url = await start();
    const ana = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-ana' }));
    ana.send({ type: 'message', clientMessageId: 'a-1', text: 'my order number is 1234' });
    const conv = (await ana.next((f) => f.type === 'ack'))['message'].conversationId as string;

    const eve = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-eve', lastSeen: { [conv]: 0 } }));
    expect(eve.frames[0]!['conversations']).toEqual([]);
    eve.send({ type: 'message', clientMessageId: 'e-1', conversationId: conv, text: 'let me in' });
    expect(await eve.next((f) => f.type === 'error')).toMatchObject({ code: 'not_found', ref: 'e-1' });
    eve.send({ type: 'typing', conversationId: conv, typing: true });
    eve.send({ type: 'read', conversationId: conv, seq: 1 });
    eve.send({ type: 'csat', conversationId: conv, score: 1 });
    await until(() => eve.of('error').length === 4);
    await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: 'Thanks Ana, order 1234 ships today' });
    await ana.next((f) => f.type === 'message' && f['message'].seq === 2);
    expect(JSON.stringify(eve.frames)).not.toContain('1234');

    // Another workspace's operator hears nothing of it, and cannot fetch it.
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const spy = track(await operator(url.ws, other.apiToken));
    await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: 'one more' });
    await ana.next((f) => f.type === 'message' && f['message'].seq === 3);
    expect(spy.frames.filter((f) => f.type !== 'welcome' && f.type !== 'counts' && f.type !== 'presence')).toEqual([]);
    expect((await t.api('GET', `/api/v1/conversations/${conv}`, undefined, other.apiToken)).statusCode).toBe(404);
    expect((await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: 'x' }, other.apiToken)).statusCode).toBe(404);
  });

  it('refuses a claimed identity without a valid proof, and accepts HMAC and token proofs', async () => {
    const url = await start();
    const claim = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-x', userId: 'u-42' }));
    expect(claim.frames[0]).toMatchObject({ type: 'error', code: 'identity_proof_required' });
    expect((await claim.closed).code).toBe(4001);

    const secret = (await t.api('POST', '/api/v1/settings/identity-secret')).json().secret as string;
    expect(secret).toMatch(/^idsec_/);
    const forged = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-x', userId: 'u-42', userHash: userHash('not-the-secret', 'u-42') }));
    expect(forged.frames[0]).toMatchObject({ type: 'error', code: 'invalid_identity_proof' });
    expect((await forged.closed).code).toBe(4001);

    const proven = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-x', userId: 'u-42', userHash: userHash(secret, 'u-42') }));
    expect(proven.frames[0]).toMatchObject({ type: 'welcome', verified: true });

    const nowS = Math.floor(t.clock.now() / 1000);
    const expired = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-y', identityToken: signIdentityToken(secret, { sub: 'u-43', exp: nowS - 3600 }) }));
    expect(expired.frames[0]).toMatchObject({ type: 'error', code: 'invalid_identity_proof' });
    const token = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-y', identityToken: signIdentityToken(secret, { sub: 'u-43', exp: nowS + 600 }) }));
    expect(token.frames[0]).toMatchObject({ type: 'welcome', verified: true });
    const lookup = await t.api('GET', '/api/v1/customers/lookup?userId=u-43');
    expect(lookup.statusCode).toBe(200);

    const badKey = track(await visitor(url.ws, { writeKey: 'nope', anonymousId: 'anon-z' }));
    expect(badKey.frames[0]).toMatchObject({ type: 'error', code: 'invalid_write_key' });
    expect((await badKey.closed).code).toBe(4001);
  });

  it('with verification required, an anonymousId of a signed-in customer is refused without proof', async () => {
    const url = await start();
    await t.api('POST', '/api/v1/settings/identity-secret');
    await t.api('PUT', '/api/v1/settings/conversations', { requireIdentityVerification: true });
    // The tracker linked this browser to a signed-in customer (Segment identify).
    expect((await t.track('/v1/identify', { userId: 'u-7', anonymousId: 'anon-shared', traits: { email: 'ana@example.com' } })).statusCode).toBe(200);
    const v = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-shared' }));
    expect(v.frames[0]).toMatchObject({ type: 'error', code: 'identity_proof_required' });
    expect((await v.closed).code).toBe(4001);
    // A browser nobody signed in on still chats anonymously.
    const anon = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-fresh' }));
    expect(anon.frames[0]).toMatchObject({ type: 'welcome', verified: false });
  });

  it('delivers invitations from playbooks to the visitor and reports a dismissal to the care loop', async () => {
    const url = await start();
    const v = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-inv' }));
    const customerId = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-inv')).json().id as string;
    t.services.bus.publish('touch', {
      workspaceId: t.ws.id, customerId,
      message: { id: 'tch_test1', workspaceId: t.ws.id, customerId, decisionId: 'dec_1', playbookKey: 'stuck-at-payment', kind: 'invite', content: { text: 'Can I help with payment?' }, createdAt: t.clock.now(), response: null, respondedAt: null },
    });
    const inv = await v.next((f) => f.type === 'invitation');
    expect(inv).toMatchObject({ touchId: 'tch_test1', kind: 'invite', playbook: 'stuck-at-payment', content: { text: 'Can I help with payment?' } });
    v.send({ type: 'invitation.response', touchId: 'tch_test1', response: 'dismissed' });
    await until(async () => {
      const tl = (await t.api('GET', `/api/v1/customers/${customerId}/timeline`)).json().items as { name?: string }[];
      return tl.some((i) => i.name === 'Omotenashi Touch Dismissed');
    });
  });

  it('tells the operator when the visitor types and reads, and the visitor when the operator does', async () => {
    const url = await start();
    const op = track(await operator(url.ws, t.ws.apiToken));
    const v = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-typing' }));
    v.send({ type: 'message', clientMessageId: 't-1', text: 'hello' });
    const conv = (await v.next((f) => f.type === 'ack'))['message'].conversationId as string;
    v.send({ type: 'typing', conversationId: conv, typing: true });
    expect(await op.next((f) => f.type === 'typing')).toMatchObject({ conversationId: conv, typing: true, author: 'customer' });
    await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: 'hi!' });
    await v.next((f) => f.type === 'message' && f['message'].seq === 2);
    v.send({ type: 'read', conversationId: conv, seq: 2 });
    expect(await op.next((f) => f.type === 'read')).toMatchObject({ conversationId: conv, seq: 2, by: 'customer' });
    // Application-level keep-alive on both sockets, echoing the id.
    v.send({ type: 'ping', id: 'p-1' });
    expect(await v.next((f) => f.type === 'pong')).toMatchObject({ id: 'p-1', serverTime: t.clock.now() });
    op.send({ type: 'ping' });
    expect(await op.next((f) => f.type === 'pong')).toMatchObject({ serverTime: t.clock.now() });
    v.send({ type: 'dance' });
    expect(await v.next((f) => f.type === 'error' && f['ref'] === 'dance')).toMatchObject({ code: 'validation_failed', message: 'unknown frame type "dance"' });
    op.send({ type: 'read', conversationId: conv, seq: 1 });
    op.send({ type: 'typing', conversationId: conv, typing: true });
    expect(await v.next((f) => f.type === 'typing')).toMatchObject({ conversationId: conv, typing: true });
  });

  it('serves a visitor their own history over HTTP with the session token, never notes, never others\' ', async () => {
    const url = await start();
    const ana = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-hist' }));
    const token = ana.frames[0]!['sessionToken'] as string;
    ana.send({ type: 'message', clientMessageId: 'h-1', text: 'hello' });
    const conv = (await ana.next((f) => f.type === 'ack'))['message'].conversationId as string;
    await t.api('POST', `/api/v1/conversations/${conv}/notes`, { text: 'internal: frequent returner' });
    await t.api('POST', `/api/v1/conversations/${conv}/messages`, { text: 'Welcome back!' });
    const get = (path: string, bearer?: string) => t.app.inject({ method: 'GET', url: path, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    const list = await get('/v1/conversations', token);
    expect(list.json().conversations).toEqual([expect.objectContaining({ id: conv, lastSeq: 2 })]);
    const history = await get(`/v1/conversations/${conv}/messages`, token);
    expect(history.statusCode).toBe(200);
    expect(history.json().messages.map((m: { seq: number; text: string }) => [m.seq, m.text])).toEqual([[1, 'hello'], [2, 'Welcome back!']]);
    expect(history.body).not.toContain('frequent returner');
    expect((await get(`/v1/conversations/${conv}/messages?afterSeq=1`, token)).json().messages).toHaveLength(1);

    const eve = track(await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-eve-hist' }));
    expect((await get(`/v1/conversations/${conv}/messages`, eve.frames[0]!['sessionToken'] as string)).statusCode).toBe(404);
    expect((await get(`/v1/conversations/${conv}/messages`)).statusCode).toBe(401);
    expect((await get(`/v1/conversations/${conv}/messages`, `${token.slice(0, -2)}xx`)).statusCode).toBe(401);
  });

  it('closes a connection that never says hello, and refuses garbage frames', async () => {
    const url = await start();
    const { RawSocket } = await import('./helpers/realtime.js');
    const junk: RawSocket = track(await RawSocket.open(`${url.ws}/v1/realtime`));
    junk.ws.send('not json');
    expect((await junk.closed).code).toBe(4002);
    const early: RawSocket = track(await RawSocket.open(`${url.ws}/v1/realtime`));
    early.send({ type: 'message', clientMessageId: 'x', text: 'before hello' });
    expect((await early.closed).code).toBe(4002);
    expect(await t.count('messages')).toBe(0);
  });
});
