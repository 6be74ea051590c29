/**
 * @omotenashi/client: the visitor side of the realtime protocol (docs/realtime-protocol.md).
 * No runtime dependencies and no platform classes: it runs in browsers, React Native and Node
 * (pass the `ws` package as `WebSocket` on Node 20). Only types come from @omotenashi/protocol.
 */
import type {
  CLOSE_CODES,
  InvitationFrame,
  Message,
  ServerRead,
  ServerTyping,
  VisitorConversation,
  VisitorFrame,
  VisitorSend,
  VisitorServerFrame,
  Welcome,
} from '@omotenashi/protocol';

export type { Message, VisitorConversation } from '@omotenashi/protocol';

/**
 * The part of a WebSocket the client uses. The browser's `WebSocket`, React Native's and the `ws`
 * package's all fit. Handlers receive `{ data }` (message) and `{ code, reason }` (close); the
 * parameters are typed `any` so that the platforms' own event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
}

export interface ClientStorage {
  get(key: string): string | null | Promise<string | null>;
  set(key: string, value: string): void | Promise<void>;
  /** Used by forget(); without it the stored state is overwritten with nothing. */
  remove?(key: string): void | Promise<void>;
}

export interface ClientOptions {
  /** e.g. `wss://care.example.com/v1/realtime` */
  url: string;
  writeKey: string;
  anonymousId: string;
  /** Claimed only with `userHash` or `identityToken` (see the protocol doc). */
  userId?: string;
  userHash?: string;
  identityToken?: string;
  /** Defaults to `globalThis.WebSocket` (Node 20 has none: pass the `ws` package's class). */
  WebSocket?: new (url: string) => WebSocketLike;
  /** Persists `lastSeen` and the unacked outbox across reloads (localStorage, AsyncStorage…). */
  storage?: ClientStorage;
  /** Exponential backoff with full jitter; default 500 ms … 15 s. */
  reconnect?: { minMs?: number; maxMs?: number };
  page?: { url: string; title?: string };
  locale?: string;
  now?: () => number;
  random?: () => number;
}

export type ClientState = 'idle' | 'connecting' | 'open' | 'closed';

/** A server `error` frame, a refused send, or the connection being refused (`unauthorized`). */
export class OmotenashiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The clientMessageId or frame type the error answers, if any. */
    readonly ref?: string,
  ) {
    super(message);
    this.name = 'OmotenashiError';
  }
}

export interface ClientEvents {
  welcome: Welcome;
  message: Message;
  conversation: VisitorConversation;
  typing: ServerTyping;
  read: ServerRead;
  invitation: InvitationFrame;
  error: OmotenashiError;
  state: ClientState;
}

export interface SendOptions {
  conversationId?: string;
  attachmentIds?: string[];
  clientMessageId?: string;
}

type Outgoing = Omit<VisitorSend, 'type'>;
interface Waiter { p: Promise<Message>; res: (m: Message) => void; rej: (e: Error) => void }
interface Env {
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(cb: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
  WebSocket?: new (url: string) => WebSocketLike;
  crypto?: { randomUUID?: () => string };
}

// Read at call time, so that polyfills and fake timers installed later are used.
const env = globalThis as unknown as Env;
const UNAUTHORIZED: (typeof CLOSE_CODES)['unauthorized'] = 4001;
const OPEN = 1;
const PING_MS = 25_000;
const IDLE_MS = 60_000;
const GAP_MS = 2_000;
const LATER_MAX = 50;
/** The server closes the connection on a bigger frame, so such a send could never get through. */
const MAX_FRAME_BYTES = 64 * 1024;
/** Error codes that reject a send: retrying the same message cannot succeed. */
const FINAL = new Set(['validation_failed', 'forbidden', 'not_found', 'invalid_transition']);
const noop = (): void => {};

export class OmotenashiClient {
  private readonly o: ClientOptions;
  private readonly now: () => number;
  private readonly rnd: () => number;
  private readonly key: string;
  private ws: WebSocketLike | null = null;
  private st: ClientState = 'idle';
  private active = false;
  /** Reconnect attempts since the last clean welcome, and send retries since the last ack. */
  private attempt = 0;
  private retries = 0;
  private lastFrameAt = 0;
  private retryT: unknown;
  private pingT: unknown;
  private idleT: unknown;
  private gapT: unknown;
  private resendT: unknown;
  /** Set while stored state is being read (async storage); nothing is saved or opened meanwhile. */
  private ready: Promise<void> | undefined;
  private lastSeen: Record<string, number> = {};
  private outbox: Outgoing[] = [];
  private readonly waiters = new Map<string, Waiter>();
  /** Reads, invitation responses and ratings made while not open (not persisted). */
  private later: VisitorFrame[] = [];
  private convs = new Map<string, VisitorConversation>();
  private readonly msgs = new Map<string, Message[]>();
  /** Messages after a gap, held until it fills, per conversation. */
  private readonly held = new Map<string, Map<number, Message>>();
  /** When each conversation's gap was seen (or last resumed). */
  private readonly gaps = new Map<string, number>();
  private readonly listeners = new Map<string, Set<(payload: any) => void>>();
  /** Set by forget(): this client never connects or saves again. */
  private forgotten = false;

  constructor(opts: ClientOptions) {
    this.o = opts;
    this.now = opts.now ?? (() => Date.now());
    this.rnd = opts.random ?? Math.random;
    this.key = `omotenashi:${opts.writeKey}:${opts.anonymousId}`;
    const s = opts.storage;
    if (!s) return;
    let v: string | null | Promise<string | null> = null;
    try {
      v = s.get(this.key);
    } catch {
      // unreadable storage: start empty
    }
    if (v !== null && typeof v === 'object' && typeof v.then === 'function') {
      this.ready = Promise.resolve(v)
        .catch(() => null)
        .then((raw) => {
          this.ready = undefined;
          if (this.forgotten) return;
          this.restore(raw);
          this.save();
        });
    } else {
      this.restore(v as string | null);
    }
  }

  get state(): ClientState {
    return this.st;
  }

  get conversations(): VisitorConversation[] {
    return [...this.convs.values()];
  }

  /** The messages this client has received, in seq order, without duplicates. */
  messages(conversationId: string): Message[] {
    return this.msgs.get(conversationId)?.slice() ?? [];
  }

  on<K extends keyof ClientEvents>(event: K, cb: (payload: ClientEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb);
    return () => {
      set.delete(cb);
    };
  }

  connect(): void {
    if (this.active || this.forgotten) return;
    if (!(this.o.WebSocket ?? env.WebSocket)) {
      throw new Error('@omotenashi/client: no WebSocket here; pass one as options.WebSocket (on Node 20: the ws package)');
    }
    this.active = true;
    this.setState('connecting');
    this.open();
  }

  /**
   * Closes for good and forgets this visitor, in memory and in storage: for a logout (a shared
   * computer), so that nothing unsent is sent later as whoever comes next, and nothing of the
   * conversation stays behind. Pending sends are rejected with the code `forgotten`.
   */
  forget(): void {
    this.close();
    this.forgotten = true;
    const gone = new OmotenashiError('forgotten', 'this client forgot its visitor (forget()); the message was not sent');
    for (const w of this.waiters.values()) w.rej(gone);
    this.waiters.clear();
    this.outbox = [];
    this.later = [];
    this.lastSeen = {};
    this.convs.clear();
    this.msgs.clear();
    this.held.clear();
    this.gaps.clear();
    const s = this.o.storage;
    if (!s) return;
    try {
      void Promise.resolve(s.remove ? s.remove(this.key) : s.set(this.key, '')).catch(noop);
    } catch {
      // unavailable storage: nothing was kept there either
    }
  }

  /** Closes the connection and stops reconnecting. Unacked sends stay in the outbox. */
  close(): void {
    this.active = false;
    env.clearTimeout(this.retryT);
    const ws = this.ws;
    this.teardown();
    if (ws) shut(ws, 1000);
    this.setState('closed');
  }

  send(text: string, opts: SendOptions = {}): Promise<Message> {
    if (this.forgotten) return Promise.reject(new OmotenashiError('forgotten', 'this client forgot its visitor (forget()); create a new one to send'));
    const id = opts.clientMessageId ?? this.id();
    const known = this.waiters.get(id);
    if (known) return known.p;
    let res!: Waiter['res'];
    let rej!: Waiter['rej'];
    const p = new Promise<Message>((a, b) => {
      res = a;
      rej = b;
    });
    this.waiters.set(id, { p, res, rej });
    // An id restored from storage is already queued: only wait for its ack.
    if (!this.outbox.some((m) => m.clientMessageId === id)) {
      const m: Outgoing = { clientMessageId: id, conversationId: opts.conversationId, text, attachmentIds: opts.attachmentIds };
      if (utf8Bytes(JSON.stringify({ type: 'message', ...m })) > MAX_FRAME_BYTES) {
        this.waiters.delete(id);
        rej(new OmotenashiError('payload_too_large', 'the message is larger than a frame may be (64 KB)', id));
        return p;
      }
      this.outbox.push(m);
      this.save();
      if (this.st === 'open') this.raw({ type: 'message', ...m });
    }
    return p;
  }

  typing(conversationId: string, typing: boolean): void {
    if (this.st === 'open') this.raw({ type: 'typing', conversationId, typing });
  }

  markRead(conversationId: string, seq: number): void {
    this.control({ type: 'read', conversationId, seq });
  }

  respondToInvitation(touchId: string, response: 'accepted' | 'dismissed'): void {
    this.control({ type: 'invitation.response', touchId, response });
  }

  rate(conversationId: string, score: 1 | 2 | 3 | 4 | 5, comment?: string): void {
    this.control({ type: 'csat', conversationId, score, comment });
  }

  /** Leaves an email address to be answered at (the offline form); queued like a rating while offline. */
  leaveContact(email: string): void {
    this.control({ type: 'contact', email });
  }

  // ---- connection ------------------------------------------------------------------------------

  private open(): void {
    if (!this.active || this.ws) return;
    if (this.ready) {
      void this.ready.then(() => this.open());
      return;
    }
    const WS = (this.o.WebSocket ?? env.WebSocket)!;
    let ws: WebSocketLike;
    try {
      ws = new WS(this.o.url);
    } catch (e) {
      this.emit('error', new OmotenashiError('connect_failed', String(e)));
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const o = this.o;
      this.raw({
        type: 'hello', v: 1, writeKey: o.writeKey, anonymousId: o.anonymousId, userId: o.userId, userHash: o.userHash,
        identityToken: o.identityToken, lastSeen: { ...this.lastSeen }, page: o.page, locale: o.locale,
      });
      this.lastFrameAt = this.now();
      this.pingT = env.setInterval(() => this.raw({ type: 'ping' }), PING_MS);
      this.watch();
    };
    ws.onmessage = (ev: { data: unknown }) => {
      if (this.ws === ws) this.frame(ev.data);
    };
    ws.onclose = (ev: { code?: number; reason?: string }) => {
      if (this.ws === ws) this.closed(ev.code ?? 1006, ev.reason ?? '');
    };
    ws.onerror = noop; // a close follows
  }

  private closed(code: number, reason: string): void {
    this.teardown();
    if (code === UNAUTHORIZED) {
      this.active = false;
      this.emit('error', new OmotenashiError('unauthorized', reason || 'the server refused the hello'));
      this.setState('closed');
      return;
    }
    this.retry();
  }

  /** Drops a connection that is stale or must resume, and reconnects. */
  private drop(): void {
    const ws = this.ws;
    this.teardown();
    if (ws) shut(ws);
    this.retry();
  }

  private teardown(): void {
    this.ws = null;
    env.clearInterval(this.pingT);
    for (const t of [this.idleT, this.gapT, this.resendT]) env.clearTimeout(t);
    this.idleT = this.gapT = this.resendT = undefined;
  }

  private retry(): void {
    if (!this.active) return;
    this.setState('connecting');
    env.clearTimeout(this.retryT);
    this.retryT = env.setTimeout(() => this.open(), this.backoff(this.attempt++));
  }

  private backoff(n: number): number {
    const r = this.o.reconnect;
    return this.rnd() * Math.min(r?.maxMs ?? 15_000, (r?.minMs ?? 500) * 2 ** n);
  }

  private watch(): void {
    const idle = this.now() - this.lastFrameAt;
    if (idle >= IDLE_MS) this.drop();
    else this.idleT = env.setTimeout(() => this.watch(), IDLE_MS - idle);
  }

  private raw(f: VisitorFrame): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(f));
      return true;
    } catch {
      return false;
    }
  }

  private control(f: VisitorFrame): void {
    if (this.st === 'open' && this.raw(f)) return;
    this.later.push(f);
    if (this.later.length > LATER_MAX) this.later.shift();
  }

  private setState(s: ClientState): void {
    if (this.st === s) return;
    this.st = s;
    this.emit('state', s);
  }

  // ---- frames ----------------------------------------------------------------------------------

  private frame(data: unknown): void {
    this.lastFrameAt = this.now();
    let f: VisitorServerFrame;
    try {
      f = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    switch (f.type) {
      case 'welcome':
        this.welcome(f);
        break;
      case 'ack': {
        const id = f.clientMessageId;
        this.outbox = this.outbox.filter((m) => m.clientMessageId !== id);
        this.retries = 0;
        this.ingest(f.message);
        this.save();
        const w = this.waiters.get(id);
        this.waiters.delete(id);
        w?.res(f.message);
        break;
      }
      case 'message':
        this.ingest(f.message);
        this.save();
        break;
      case 'conversation':
        this.convs.set(f.conversation.id, f.conversation);
        this.lastSeen[f.conversation.id] ??= 0;
        this.emit('conversation', f.conversation);
        break;
      case 'typing':
        this.emit('typing', f);
        break;
      case 'read': {
        const c = this.convs.get(f.conversationId);
        if (c && f.seq > c.operatorReadSeq) c.operatorReadSeq = f.seq;
        this.emit('read', f);
        break;
      }
      case 'invitation':
        this.emit('invitation', f);
        break;
      case 'error': {
        const ref = f.ref;
        const err = new OmotenashiError(f.code, f.message, ref);
        const pending = ref !== undefined && this.outbox.some((m) => m.clientMessageId === ref);
        if (pending && FINAL.has(f.code)) {
          this.outbox = this.outbox.filter((m) => m.clientMessageId !== ref);
          this.save();
          const w = this.waiters.get(ref);
          this.waiters.delete(ref);
          if (w) return w.rej(err);
        } else if (pending) {
          // A send refused for a passing reason (rate limited, a server failure): try again later.
          this.resendLater();
        }
        this.emit('error', err);
        break;
      }
    }
  }

  private welcome(f: Welcome): void {
    // A resume forced by a gap only counts as success once the gap fills: until then the
    // backoff keeps growing, so a server that never fills it is not hammered.
    if (this.gaps.size === 0) this.attempt = 0;
    this.convs = new Map(f.conversations.map((c) => [c.id, c]));
    // A conversation the client learns about starts at 0: the next resume brings its history.
    for (const c of f.conversations) this.lastSeen[c.id] ??= 0;
    this.setState('open');
    this.emit('welcome', f);
    for (const m of this.outbox) this.raw({ type: 'message', ...m });
    for (const c of this.later.splice(0)) this.raw(c);
    const t = this.now();
    for (const c of this.gaps.keys()) this.gaps.set(c, t);
    this.armGap();
    this.save();
  }

  /** A retryable error answered a pending send: send the outbox again after a backoff. */
  private resendLater(): void {
    if (this.resendT !== undefined) return;
    this.resendT = env.setTimeout(() => {
      this.resendT = undefined;
      if (this.st === 'open') for (const m of this.outbox) this.raw({ type: 'message', ...m });
    }, this.backoff(this.retries++));
  }

  // ---- ordering --------------------------------------------------------------------------------

  private ingest(m: Message): void {
    const c = m.conversationId;
    const last = this.lastSeen[c] ?? 0;
    if (m.seq <= last) return;
    let held = this.held.get(c);
    if (m.seq > last + 1) {
      if (!held) this.held.set(c, (held = new Map()));
      held.set(m.seq, m);
      if (!this.gaps.has(c)) {
        this.gaps.set(c, this.now());
        this.armGap();
      }
      return;
    }
    this.deliver(m);
    if (!held) return;
    for (let n = held.get(m.seq + 1); n; n = held.get(n.seq + 1)) {
      held.delete(n.seq);
      this.deliver(n);
    }
    if (held.size === 0) {
      this.held.delete(c);
      this.gaps.delete(c);
    }
  }

  private deliver(m: Message): void {
    this.lastSeen[m.conversationId] = m.seq;
    let list = this.msgs.get(m.conversationId);
    if (!list) this.msgs.set(m.conversationId, (list = []));
    list.push(m);
    this.emit('message', m);
  }

  private armGap(): void {
    if (this.gapT !== undefined || this.st !== 'open') return;
    let first = Infinity;
    for (const at of this.gaps.values()) first = Math.min(first, at);
    if (first !== Infinity) this.gapT = env.setTimeout(() => this.onGap(), Math.max(0, first + GAP_MS - this.now()));
  }

  /**
   * A gap open for 2 s: reconnect, so that the server resends from lastSeen. Held messages are
   * never delivered past a gap (seqs the visitor sees have none), however long it lasts.
   */
  private onGap(): void {
    this.gapT = undefined;
    if (this.st !== 'open') return;
    const t = this.now();
    for (const at of this.gaps.values()) if (t - at >= GAP_MS) return this.drop();
    this.armGap();
  }

  // ---- utilities -------------------------------------------------------------------------------

  private emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void {
    for (const cb of [...(this.listeners.get(event) ?? [])]) {
      try {
        cb(payload);
      } catch (e) {
        // A listener's bug must not break the client's state: report it out of band.
        env.setTimeout(() => {
          throw e;
        }, 0);
      }
    }
  }

  private id(): string {
    const uuid = env.crypto?.randomUUID?.();
    if (uuid) return uuid;
    let s = '';
    for (let i = 0; i < 32; i++) s += Math.floor(this.rnd() * 16).toString(16);
    return s;
  }

  private restore(raw: string | null): void {
    try {
      const d = raw ? JSON.parse(raw) : null;
      for (const [c, n] of Object.entries(d?.lastSeen ?? {})) {
        if (typeof n === 'number') this.lastSeen[c] = Math.max(n, this.lastSeen[c] ?? 0);
      }
      const mine = new Set(this.outbox.map((m) => m.clientMessageId));
      const stored: Outgoing[] = Array.isArray(d?.outbox) ? d.outbox : [];
      this.outbox = [...stored.filter((m) => m && typeof m.clientMessageId === 'string' && !mine.has(m.clientMessageId)), ...this.outbox];
    } catch {
      // corrupt: start empty
    }
  }

  private save(): void {
    const s = this.o.storage;
    if (!s || this.ready || this.forgotten) return;
    try {
      void Promise.resolve(s.set(this.key, JSON.stringify({ lastSeen: this.lastSeen, outbox: this.outbox }))).catch(noop);
    } catch {
      // full or unavailable: keep going in memory
    }
  }
}

function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function shut(ws: WebSocketLike, code?: number): void {
  ws.onopen = ws.onmessage = ws.onclose = null;
  ws.onerror = noop; // `ws` on Node throws on an error event nobody listens to
  try {
    ws.close(code);
  } catch {
    // already closed
  }
}
