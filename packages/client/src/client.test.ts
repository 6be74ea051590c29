import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message, VisitorConversation, VisitorServerFrame, Welcome } from '@omotenashi/protocol';
import { OmotenashiClient, OmotenashiError, type ClientOptions, type ClientStorage, type WebSocketLike } from './index.js';

// ---- a fake network: sockets the test drives from the server's side ----------------------------

class FakeSocket implements WebSocketLike {
  readyState = 0;
  /** Frames the client sent, parsed. */
  readonly sent: any[] = [];
  closedByClient = false;
  onopen: ((ev: any) => void) | null = null;
  onmessage: ((ev: any) => void) | null = null;
  onclose: ((ev: any) => void) | null = null;
  onerror: ((ev: any) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.readyState = 3;
    this.closedByClient = true;
  }

  // server side
  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  push(frame: VisitorServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  hangUp(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Accepts the connection and answers the hello with a welcome. */
  welcome(conversations: VisitorConversation[] = []): void {
    this.accept();
    this.push(welcomeFrame(conversations));
  }

  sentOf(type: string): any[] {
    return this.sent.filter((f) => f.type === type);
  }
}

function fakeNet(): { sockets: FakeSocket[]; WebSocket: new (url: string) => FakeSocket; last: () => FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    WebSocket: class extends FakeSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    },
    last: () => sockets[sockets.length - 1]!,
  };
}

function welcomeFrame(conversations: VisitorConversation[] = []): Welcome {
  return {
    type: 'welcome', v: 1, sessionId: 'rts_1', verified: false, sessionToken: 'vst_1', conversations,
    operatorsOnline: true, replyWithinMinutes: 60, serverTime: Date.now(),
  };
}

function conv(id = 'cnv_1', lastSeq = 0): VisitorConversation {
  return { id, status: 'open', lastSeq, operatorReadSeq: 0, csatRequested: false, createdAt: 0 };
}

function msg(seq: number, conversationId = 'cnv_1', over: Partial<Message> = {}): Message {
  return {
    id: `msg_${conversationId}_${seq}`, conversationId, seq, kind: 'text',
    author: { type: 'operator', id: 'op_1', name: 'Aiko' }, text: `m${seq}`, attachments: [],
    channel: 'webchat', clientMessageId: null, createdAt: seq, ...over,
  };
}

function memoryStorage(async = false): ClientStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: (k) => (async ? Promise.resolve(data.get(k) ?? null) : (data.get(k) ?? null)),
    set: (k, v) => {
      data.set(k, v);
      return async ? Promise.resolve() : undefined;
    },
  };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(over: Partial<ClientOptions> = {}) {
  const net = fakeNet();
  const client = new OmotenashiClient({
    url: 'ws://test/v1/realtime', writeKey: 'wk_test', anonymousId: 'anon-1', WebSocket: net.WebSocket,
    random: () => 0.5, now: () => Date.now(), ...over,
  });
  const seen: Message[] = [];
  const errors: OmotenashiError[] = [];
  const states: string[] = [];
  client.on('message', (m) => seen.push(m));
  client.on('error', (e) => errors.push(e));
  client.on('state', (s) => states.push(s));
  return { client, net, seen, errors, states, seqs: () => seen.map((m) => m.seq) };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

// ---- tests ---------------------------------------------------------------------------------------

describe('OmotenashiClient', () => {
  it('sends hello first, goes open on welcome, and takes the conversations from it', () => {
    const { client, net, states } = setup({ page: { url: 'https://shop.test/cart' }, locale: 'ja-JP', userId: 'u1', userHash: 'ab' });
    client.connect();
    client.connect(); // idempotent
    expect(net.sockets).toHaveLength(1);
    expect(client.state).toBe('connecting');
    net.last().welcome([conv('cnv_1', 3)]);
    expect(net.last().sent[0]).toEqual({
      type: 'hello', v: 1, writeKey: 'wk_test', anonymousId: 'anon-1', userId: 'u1', userHash: 'ab',
      lastSeen: {}, page: { url: 'https://shop.test/cart' }, locale: 'ja-JP',
    });
    expect(client.state).toBe('open');
    expect(states).toEqual(['connecting', 'open']);
    expect(client.conversations.map((c) => c.id)).toEqual(['cnv_1']);
  });

  it('sends lastSeen in the hello of every reconnect', () => {
    const { client, net } = setup();
    client.connect();
    net.last().welcome([conv('cnv_1'), conv('cnv_2')]);
    net.last().push({ type: 'message', message: msg(1) });
    net.last().push({ type: 'message', message: msg(2) });
    net.last().push({ type: 'message', message: msg(1, 'cnv_2') });
    net.last().hangUp(1001);
    vi.advanceTimersByTime(250); // 0.5 × 500 ms
    expect(net.sockets).toHaveLength(2);
    net.last().accept();
    expect(net.last().sent[0]).toMatchObject({ type: 'hello', lastSeen: { cnv_1: 2, cnv_2: 1 } });
  });

  it('drops replayed frames: every message is emitted once', () => {
    const { client, net, seqs } = setup();
    client.connect();
    net.last().welcome([conv()]);
    for (const s of [1, 2, 3]) net.last().push({ type: 'message', message: msg(s) });
    net.last().hangUp(1006);
    vi.advanceTimersByTime(250);
    net.last().welcome([conv('cnv_1', 4)]);
    // a server that replays too much: 2 and 3 again, then 4
    for (const s of [2, 3, 4, 3]) net.last().push({ type: 'message', message: msg(s) });
    expect(seqs()).toEqual([1, 2, 3, 4]);
    expect(client.messages('cnv_1').map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('holds messages after a gap and emits them in order when it fills', () => {
    const { client, net, seqs } = setup();
    client.connect();
    net.last().welcome([conv()]);
    net.last().push({ type: 'message', message: msg(1) });
    net.last().push({ type: 'message', message: msg(3) });
    net.last().push({ type: 'message', message: msg(5) });
    expect(seqs()).toEqual([1]);
    expect(client.messages('cnv_1').map((m) => m.seq)).toEqual([1]);
    net.last().push({ type: 'message', message: msg(2) });
    expect(seqs()).toEqual([1, 2, 3]);
    net.last().push({ type: 'message', message: msg(4) });
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    vi.advanceTimersByTime(10_000);
    expect(net.sockets).toHaveLength(1); // the gap filled in time: no resume
  });

  it('reconnects to resume when a gap lasts 2 s, and holds what follows until the replay fills it', () => {
    const { client, net, seqs } = setup();
    client.connect();
    net.last().welcome([conv()]);
    net.last().push({ type: 'message', message: msg(1) });
    net.last().push({ type: 'message', message: msg(3) });
    vi.advanceTimersByTime(1_999);
    expect(net.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(net.sockets[0]!.closedByClient).toBe(true);
    vi.advanceTimersByTime(250);
    expect(net.sockets).toHaveLength(2);
    net.last().accept();
    expect(net.last().sent[0].lastSeen).toEqual({ cnv_1: 1 });
    net.last().push(welcomeFrame([conv('cnv_1', 3)]));
    net.last().push({ type: 'message', message: msg(3) }); // held already
    vi.advanceTimersByTime(1_500); // a slow replay
    expect(seqs()).toEqual([1]);
    net.last().push({ type: 'message', message: msg(2) });
    expect(seqs()).toEqual([1, 2, 3]);
    vi.advanceTimersByTime(30_000);
    expect(net.sockets).toHaveLength(2);
  });

  it('never delivers past a gap that does not fill: it keeps resuming with a growing backoff', () => {
    const { client, net, seqs } = setup();
    client.connect();
    net.last().welcome([conv()]);
    net.last().push({ type: 'message', message: msg(1) });
    net.last().push({ type: 'message', message: msg(3) });
    vi.advanceTimersByTime(2_000 + 250); // resume 1, after 0.5 × 500 ms
    net.last().welcome([conv('cnv_1', 3)]);
    vi.advanceTimersByTime(2_000); // still missing: resume 2, after 0.5 × 1000 ms
    expect(net.sockets).toHaveLength(2);
    vi.advanceTimersByTime(499);
    expect(net.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(net.sockets).toHaveLength(3);
    net.last().welcome([conv('cnv_1', 3)]);
    expect(net.last().sent[0].lastSeen).toEqual({ cnv_1: 1 });
    expect(seqs()).toEqual([1]);
    net.last().push({ type: 'message', message: msg(2) });
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('re-sends unacked messages with the same clientMessageId after a reconnect, in order, and resolves once', async () => {
    const { client, net, seen } = setup();
    client.connect();
    net.last().welcome([conv()]);
    const a = client.send('hello', { conversationId: 'cnv_1' });
    const b = client.send('anyone?', { conversationId: 'cnv_1' });
    const first = net.last().sentOf('message');
    expect(first.map((f) => f.text)).toEqual(['hello', 'anyone?']);
    const ids = first.map((f) => f.clientMessageId as string);
    expect(new Set(ids).size).toBe(2);

    net.last().hangUp(1006); // acks lost
    const c = client.send('still there?'); // while disconnected: queued
    vi.advanceTimersByTime(250);
    net.last().welcome([conv()]);
    const again = net.last().sentOf('message');
    expect(again.map((f) => f.text)).toEqual(['hello', 'anyone?', 'still there?']);
    expect(again.slice(0, 2).map((f) => f.clientMessageId)).toEqual(ids);

    let resolved = 0;
    void a.then(() => resolved++);
    const mine = (seq: number, id: string): Message => msg(seq, 'cnv_1', { author: { type: 'customer', id: null, name: null }, clientMessageId: id });
    net.last().push({ type: 'ack', clientMessageId: ids[0]!, message: mine(1, ids[0]!), duplicate: false });
    net.last().push({ type: 'ack', clientMessageId: ids[0]!, message: mine(1, ids[0]!), duplicate: true }); // a late retry's answer
    net.last().push({ type: 'ack', clientMessageId: ids[1]!, message: mine(2, ids[1]!), duplicate: false });
    net.last().push({ type: 'message', message: mine(2, ids[1]!) }); // the broadcast of the same message
    const cid = again[2].clientMessageId as string;
    net.last().push({ type: 'ack', clientMessageId: cid, message: mine(3, cid), duplicate: false });

    expect((await a).seq).toBe(1);
    expect((await b).seq).toBe(2);
    expect((await c).seq).toBe(3);
    await settle();
    expect(resolved).toBe(1);
    expect(seen.map((m) => m.seq)).toEqual([1, 2, 3]);

    // nothing left to resend
    net.last().hangUp(1006);
    vi.advanceTimersByTime(250);
    net.last().welcome([conv('cnv_1', 3)]);
    expect(net.last().sentOf('message')).toEqual([]);
  });

  it('resolves with the original message when the ack says duplicate: true', async () => {
    const { client, net, seqs } = setup();
    client.connect();
    net.last().welcome([conv('cnv_1', 7)]);
    const p = client.send('again', { conversationId: 'cnv_1', clientMessageId: 'cm-1' });
    expect(client.send('again', { clientMessageId: 'cm-1' })).toBe(p); // same id: same promise
    const original = msg(1, 'cnv_1', { clientMessageId: 'cm-1', text: 'again', author: { type: 'customer', id: null, name: null } });
    net.last().push({ type: 'message', message: original }); // it had arrived already
    net.last().push({ type: 'ack', clientMessageId: 'cm-1', message: original, duplicate: true });
    await expect(p).resolves.toEqual(original);
    expect(seqs()).toEqual([1]);
  });

  it('rejects a send on a non-retryable error and reports other errors as events', async () => {
    const { client, net, errors } = setup();
    client.connect();
    net.last().welcome([]);
    const p = client.send('x'.repeat(10_001), { clientMessageId: 'too-long' });
    net.last().push({ type: 'error', code: 'validation_failed', message: 'text: too long', ref: 'too-long' });
    await expect(p).rejects.toMatchObject({ name: 'OmotenashiError', code: 'validation_failed', ref: 'too-long' });
    expect(errors).toEqual([]);

    const q = client.send('hi', { clientMessageId: 'slow' });
    net.last().push({ type: 'error', code: 'internal_error', message: 'retry', ref: 'slow' });
    expect(errors.map((e) => e.code)).toEqual(['internal_error']);
    vi.advanceTimersByTime(250); // retried after a backoff (0.5 × 500 ms)
    expect(net.last().sentOf('message').map((f) => f.clientMessageId)).toEqual(['too-long', 'slow', 'slow']);
    // a rate-limited send is named by its clientMessageId, and tried again after the next backoff step
    net.last().push({ type: 'error', code: 'rate_limited', message: 'more than 20 frames a second', ref: 'slow' });
    vi.advanceTimersByTime(500); // the next backoff step
    expect(net.last().sentOf('message').map((f) => f.clientMessageId)).toEqual(['too-long', 'slow', 'slow', 'slow']);
    net.last().push({ type: 'ack', clientMessageId: 'slow', message: msg(1, 'cnv_9'), duplicate: false });
    await expect(q).resolves.toMatchObject({ seq: 1 });
    net.last().push({ type: 'error', code: 'rate_limited', message: 'more than 20 frames a second', ref: 'typing' });
    vi.advanceTimersByTime(10_000);
    expect(net.last().sentOf('message')).toHaveLength(4); // nothing pending: nothing resent

    net.last().hangUp(1006);
    vi.advanceTimersByTime(250);
    net.last().welcome([]);
    expect(net.last().sentOf('message')).toEqual([]); // the refused one is not resent
  });

  it('refuses up front a send that cannot fit in a frame, so it never blocks the outbox', async () => {
    const { client, net } = setup();
    client.connect();
    net.last().welcome([]);
    await expect(client.send('€'.repeat(22_000))).rejects.toMatchObject({ code: 'payload_too_large' }); // 66 KB of UTF-8
    await expect(client.send('🙂'.repeat(17_000))).rejects.toMatchObject({ code: 'payload_too_large' }); // 68 KB
    expect(net.last().sentOf('message')).toEqual([]);
    void client.send('€'.repeat(20_000)); // 60 KB: fits
    expect(net.last().sentOf('message')).toHaveLength(1);
  });

  it('backs off exponentially with full jitter, capped, and resets after a welcome', () => {
    let r = 0.5;
    const { client, net } = setup({ random: () => r, reconnect: { minMs: 100, maxMs: 1_000 } });
    client.connect();
    expect(net.sockets).toHaveLength(1);
    const expectNextAfter = (ms: number): void => {
      const n = net.sockets.length;
      net.last().hangUp(1006);
      if (ms > 1) vi.advanceTimersByTime(ms - 1);
      expect(net.sockets).toHaveLength(n);
      vi.advanceTimersByTime(1);
      expect(net.sockets).toHaveLength(n + 1);
    };
    // 0.5 × min(1000, 100 × 2^n)
    for (const ms of [50, 100, 200, 400, 500, 500, 500]) expectNextAfter(ms);
    r = 0.999;
    expectNextAfter(999);
    net.last().welcome([]);
    r = 0.5;
    expectNextAfter(50);
    expect(client.state).toBe('connecting');
  });

  it('stops reconnecting on 4001 unauthorized', () => {
    const { client, net, errors, states } = setup();
    client.connect();
    net.last().accept();
    net.last().push({ type: 'error', code: 'invalid_identity_proof', message: 'userHash does not match', ref: 'hello' });
    net.last().hangUp(4001, 'unauthorized');
    vi.advanceTimersByTime(120_000);
    expect(net.sockets).toHaveLength(1);
    expect(client.state).toBe('closed');
    expect(states).toEqual(['connecting', 'closed']);
    expect(errors.map((e) => e.code)).toEqual(['invalid_identity_proof', 'unauthorized']);
  });

  it('reconnects on other close codes, and close() stops it', () => {
    const { client, net } = setup();
    client.connect();
    net.last().welcome([]);
    net.last().hangUp(4008, 'too slow');
    vi.advanceTimersByTime(250);
    expect(net.sockets).toHaveLength(2);
    net.last().welcome([]);
    client.close();
    expect(net.last().closedByClient).toBe(true);
    expect(client.state).toBe('closed');
    vi.advanceTimersByTime(120_000);
    expect(net.sockets).toHaveLength(2);
  });

  it('pings every 25 s and reconnects after 60 s without a frame', () => {
    const { client, net } = setup();
    client.connect();
    net.last().welcome([]);
    vi.advanceTimersByTime(25_000);
    expect(net.last().sentOf('ping')).toHaveLength(1);
    net.last().push({ type: 'pong', serverTime: Date.now() }); // at 25 s
    vi.advanceTimersByTime(25_000);
    expect(net.last().sentOf('ping')).toHaveLength(2);
    vi.advanceTimersByTime(34_999); // 59.999 s since the pong
    expect(net.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(net.sockets[0]!.closedByClient).toBe(true);
    vi.advanceTimersByTime(250);
    expect(net.sockets).toHaveLength(2);
  });

  it('queues reads, invitation responses, ratings and a left email made while offline; drops typing', () => {
    const { client, net } = setup();
    client.connect();
    client.typing('cnv_1', true);
    client.markRead('cnv_1', 4);
    client.respondToInvitation('tch_1', 'accepted');
    client.rate('cnv_1', 5, 'great');
    client.leaveContact('ana@example.com');
    net.last().welcome([conv()]);
    expect(net.last().sent.slice(1)).toEqual([
      { type: 'read', conversationId: 'cnv_1', seq: 4 },
      { type: 'invitation.response', touchId: 'tch_1', response: 'accepted' },
      { type: 'csat', conversationId: 'cnv_1', score: 5, comment: 'great' },
      { type: 'contact', email: 'ana@example.com' },
    ]);
    client.typing('cnv_1', true);
    expect(net.last().sent.at(-1)).toEqual({ type: 'typing', conversationId: 'cnv_1', typing: true });
  });

  it('emits conversation, typing, read and invitation frames', () => {
    const { client, net } = setup();
    const got: string[] = [];
    client.on('conversation', (c) => got.push(`conversation:${c.id}:${c.status}`));
    client.on('typing', (t) => got.push(`typing:${t.name}`));
    client.on('read', (r) => got.push(`read:${r.seq}`));
    const off = client.on('invitation', (i) => got.push(`invitation:${i.touchId}`));
    client.connect();
    net.last().welcome([conv()]);
    net.last().push({ type: 'conversation', conversation: { ...conv(), status: 'resolved', csatRequested: true } });
    net.last().push({ type: 'typing', conversationId: 'cnv_1', typing: true, name: 'Aiko' });
    net.last().push({ type: 'read', conversationId: 'cnv_1', seq: 2 });
    net.last().push({ type: 'invitation', touchId: 'tch_1', kind: 'invite', playbook: 'pb_1', content: {} });
    off();
    net.last().push({ type: 'invitation', touchId: 'tch_2', kind: 'invite', playbook: 'pb_1', content: {} });
    expect(got).toEqual(['conversation:cnv_1:resolved', 'typing:Aiko', 'read:2', 'invitation:tch_1']);
    expect(client.conversations[0]).toMatchObject({ status: 'resolved', operatorReadSeq: 2 });
  });

  it('a throwing listener does not break delivery', () => {
    const { client, net, seqs } = setup();
    client.on('message', () => {
      throw new Error('app bug');
    });
    client.connect();
    net.last().welcome([conv()]);
    net.last().push({ type: 'message', message: msg(1) });
    net.last().push({ type: 'message', message: msg(2) });
    expect(seqs()).toEqual([1, 2]);
    expect(() => vi.runOnlyPendingTimers()).toThrow('app bug');
  });

  describe('storage', () => {
    it('persists lastSeen and the outbox, and a new client resumes from them', () => {
      const storage = memoryStorage();
      const one = setup({ storage });
      one.client.connect();
      one.net.last().welcome([conv()]);
      one.net.last().push({ type: 'message', message: msg(1) });
      one.net.last().push({ type: 'message', message: msg(2) });
      void one.client.send('are you there?', { conversationId: 'cnv_1', clientMessageId: 'cm-9' });
      const stored = JSON.parse(storage.data.get('omotenashi:wk_test:anon-1')!);
      expect(stored.lastSeen).toEqual({ cnv_1: 2 });
      expect(stored.outbox).toEqual([{ clientMessageId: 'cm-9', conversationId: 'cnv_1', text: 'are you there?' }]);
      one.client.close(); // the page goes away before the ack

      const two = setup({ storage });
      two.client.connect();
      two.net.last().accept();
      expect(two.net.last().sent[0].lastSeen).toEqual({ cnv_1: 2 });
      two.net.last().push(welcomeFrame([conv('cnv_1', 2)]));
      expect(two.net.last().sentOf('message')).toEqual([{ type: 'message', clientMessageId: 'cm-9', conversationId: 'cnv_1', text: 'are you there?' }]);
      const mine = msg(3, 'cnv_1', { clientMessageId: 'cm-9' });
      two.net.last().push({ type: 'ack', clientMessageId: 'cm-9', message: mine, duplicate: false });
      expect(two.seqs()).toEqual([3]);
      expect(JSON.parse(storage.data.get('omotenashi:wk_test:anon-1')!)).toEqual({ lastSeen: { cnv_1: 3 }, outbox: [] });
    });

    it('works with async storage (AsyncStorage): waits for it before connecting and keeps earlier sends', async () => {
      const storage = memoryStorage(true);
      storage.data.set('omotenashi:wk_test:anon-1', JSON.stringify({ lastSeen: { cnv_1: 5 }, outbox: [{ clientMessageId: 'old', text: 'first' }] }));
      const { client, net } = setup({ storage });
      void client.send('second', { clientMessageId: 'new' });
      client.connect();
      expect(net.sockets).toHaveLength(0);
      await settle();
      expect(net.sockets).toHaveLength(1);
      net.last().accept();
      expect(net.last().sent[0].lastSeen).toEqual({ cnv_1: 5 });
      net.last().push(welcomeFrame([conv('cnv_1', 5)]));
      expect(net.last().sentOf('message').map((f) => f.clientMessageId)).toEqual(['old', 'new']);
      expect(JSON.parse(storage.data.get('omotenashi:wk_test:anon-1')!).outbox.map((m: any) => m.clientMessageId)).toEqual(['old', 'new']);
    });

    it('forget() drops the unsent lines and what was read, in memory and storage, and never connects again', async () => {
      const storage = { ...memoryStorage(), removed: [] as string[] };
      storage.remove = (k: string) => {
        storage.removed.push(k);
        storage.data.delete(k);
      };
      const { client, net } = setup({ storage });
      client.connect();
      net.last().welcome([conv()]);
      net.last().push({ type: 'message', message: msg(1) });
      const unsent = client.send('my address is 1-2-3 Ginza', { conversationId: 'cnv_1', clientMessageId: 'cm-1' });
      client.markRead('cnv_1', 1);
      expect(storage.data.has('omotenashi:wk_test:anon-1')).toBe(true);

      client.forget();
      await expect(unsent).rejects.toMatchObject({ code: 'forgotten' });
      expect(storage.removed).toEqual(['omotenashi:wk_test:anon-1']);
      expect(storage.data.size).toBe(0);
      expect(client.conversations).toEqual([]);
      expect(net.last().closedByClient).toBe(true);
      client.connect();
      vi.advanceTimersByTime(60_000);
      expect(net.sockets, 'no new connection after forget()').toHaveLength(1);
      await expect(client.send('hello?')).rejects.toMatchObject({ code: 'forgotten' });
      expect(storage.data.size, 'nothing written back after forget()').toBe(0);

      // The next visitor on this browser starts with nothing of the last one.
      const next = setup({ storage });
      next.client.connect();
      next.net.last().accept();
      expect(next.net.last().sent[0].lastSeen ?? {}).toEqual({});
    });

    it('forget() without a remove() in the storage overwrites the stored state with nothing', () => {
      const storage = memoryStorage();
      const { client, net } = setup({ storage });
      client.connect();
      net.last().welcome([conv()]);
      void client.send('x', { clientMessageId: 'cm-1' }).catch(() => undefined);
      client.forget();
      expect(storage.data.get('omotenashi:wk_test:anon-1')).toBe('');
    });

    it('survives corrupt or failing storage', () => {
      const { client, net } = setup({
        storage: { get: () => '{not json', set: () => { throw new Error('quota'); } },
      });
      client.connect();
      net.last().welcome([]);
      void client.send('hi');
      expect(net.last().sentOf('message')).toHaveLength(1);
    });
  });

  it('throws on connect when there is no WebSocket at all', () => {
    const client = new OmotenashiClient({ url: 'ws://x', writeKey: 'k', anonymousId: 'a' });
    if ((globalThis as any).WebSocket) return; // Node 22+ has one
    expect(() => client.connect()).toThrow(/no WebSocket/);
  });
});
