import { randomUUID } from 'node:crypto';
import { OmotenashiClient, type ClientEvents } from '@omotenashi/client';
import WebSocket from 'ws';
import type { DecisionView } from '@omotenashi/protocol';

/*
 * One scripted shopper, talking to a running server the way a shop and its widget do: tracking
 * calls through /v1/batch with the write key, the visitor's WebSocket through @omotenashi/client,
 * and, to report what happened, the admin API with the admin token. Nothing here reaches into
 * the server's internals: what the simulation shows is what a shop would see.
 */

export interface Target {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  writeKey: string;
  token: string;
}

export type Invitation = ClientEvents['invitation'];

/** A decision as the admin API shows it. */
export type Decision = DecisionView;

export interface Task { id: string; title: string; playbookKey: string | null; team: string | null; dueAt: string; status: string }
export interface Touch { id: string; kind: string; playbookKey: string; content: Record<string, unknown>; createdAt: string }

/** A failure a shopper reports in plain words (the server said no, or something never came). */
export class ScriptError extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;

/** Polls `fn` every 250 ms until it returns something, or fails after `ms` naming `what`. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new ScriptError(`gave up after ${Math.round(ms / 1000)} s waiting for ${what}`);
    await sleep(250);
  }
}

export interface ShopperOptions {
  target: Target;
  /** Unique per run, so repeated runs meet fresh customers (no cool-downs from last time). */
  anonymousId: string;
  timezone: string;
  locale: string;
  /** Divides the shopper's own pauses (reading a page, thinking); the server's timers are its own. */
  speed: number;
}

export class Shopper {
  private client: OmotenashiClient | null = null;
  private clockOffset = 0;
  private userId: string | null = null;
  readonly invitations: Invitation[] = [];

  constructor(private readonly o: ShopperOptions) {}

  get anonymousId(): string {
    return this.o.anonymousId;
  }

  /** The server's clock now (learned from the visitor welcome): dates like "next week" are the server's. */
  serverNow(): number {
    return Date.now() + this.clockOffset;
  }

  /** A calendar date `days` from the server's today, on the shopper's own clock (YYYY-MM-DD). */
  localDate(days: number): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone: this.o.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.serverNow() + days * DAY);
  }

  /** A shopper's pause, shortened by --speed. */
  pause(ms: number): Promise<void> {
    return sleep(ms / this.o.speed);
  }

  /** Opens the visitor's WebSocket (as the widget does on every page) and waits for the welcome. */
  async connect(): Promise<void> {
    const url = `${this.o.target.url.replace(/^http/, 'ws')}/v1/realtime`;
    const client = new OmotenashiClient({
      url, writeKey: this.o.target.writeKey, anonymousId: this.o.anonymousId, locale: this.o.locale,
      WebSocket,
    });
    this.client = client;
    let refused: string | null = null;
    client.on('invitation', (i) => this.invitations.push(i));
    client.on('error', (e) => {
      if (e.code === 'unauthorized' || e.code === 'forbidden') refused = `${e.code}: ${e.message}`;
    });
    const welcome = new Promise<ClientEvents['welcome']>((resolve) => client.on('welcome', resolve));
    client.connect();
    const w = await Promise.race([welcome, waitFor(async () => refused, 15_000, 'the WebSocket welcome').then((r) => {
      throw new ScriptError(`the visitor WebSocket was refused (${r}): check --write-key`);
    })]);
    this.clockOffset = w.serverTime - Date.now();
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }

  /** Waits for an on-site touch (`hint` or `invite`) of a playbook to arrive over the socket. */
  async invitation(kind: 'hint' | 'invite', playbook: string, ms: number): Promise<Invitation> {
    return waitFor(async () => this.invitations.find((i) => i.kind === kind && i.playbook === playbook), ms, `the ${kind} of ${playbook} over the WebSocket`);
  }

  respond(touchId: string, response: 'accepted' | 'dismissed'): void {
    this.requireClient().respondToInvitation(touchId, response);
  }

  /** Writes in the chat; resolves with the stored message once the server acknowledged it. */
  async say(text: string): Promise<{ conversationId: string; seq: number }> {
    const m = await this.requireClient().send(text);
    return { conversationId: m.conversationId, seq: m.seq };
  }

  private requireClient(): OmotenashiClient {
    if (!this.client) throw new Error('connect() the shopper first');
    return this.client;
  }

  // ---- tracking ----------------------------------------------------------------------------

  /** Events `agoMs` in the past carry an originalTimestamp; sentAt lets the server correct the skew. */
  private base(agoMs: number, path: string | null): Record<string, unknown> {
    const page = path === null ? undefined : { path, url: `${this.o.target.url}${path}`, title: titleOf(path) };
    return {
      messageId: `sim-${randomUUID()}`,
      anonymousId: this.o.anonymousId,
      ...(this.userId ? { userId: this.userId } : {}),
      ...(agoMs > 0 ? { originalTimestamp: new Date(Date.now() - agoMs).toISOString() } : {}),
      context: {
        ...(page ? { page } : {}), timezone: this.o.timezone, locale: this.o.locale,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        library: { name: 'omotenashi-demo-simulate', version: '1' },
      },
    };
  }

  page(path: string, agoMs = 0): Record<string, unknown> {
    return { type: 'page', name: titleOf(path), properties: { path, url: `${this.o.target.url}${path}`, title: titleOf(path) }, ...this.base(agoMs, path) };
  }

  event(name: string, properties: Record<string, unknown>, path: string | null, agoMs = 0): Record<string, unknown> {
    return { type: 'track', event: name, properties, ...this.base(agoMs, path) };
  }

  identify(userId: string, traits: Record<string, unknown>, agoMs = 0): Record<string, unknown> {
    this.userId = userId;
    return { type: 'identify', traits, ...this.base(agoMs, null) };
  }

  /** Sends events in one /v1/batch call, as the widget's tracker does; every one must be accepted. */
  async send(...batch: Record<string, unknown>[]): Promise<void> {
    const body = { batch, writeKey: this.o.target.writeKey, sentAt: new Date().toISOString() };
    const res = await fetch(`${this.o.target.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => null) as { accepted?: number; error?: { code: string; message: string } } | null;
    if (!res.ok) throw new ScriptError(`the tracking API refused the events (${res.status} ${answer?.error?.code ?? ''}): ${answer?.error?.message ?? 'no answer'}`);
    if (answer?.accepted !== batch.length) throw new ScriptError(`the tracking API accepted ${answer?.accepted ?? 0} of ${batch.length} events`);
  }

  // ---- reading back through the admin API --------------------------------------------------

  async admin<T>(path: string): Promise<T> {
    const res = await fetch(`${this.o.target.url}${path}`, { headers: { authorization: `Bearer ${this.o.target.token}` } });
    const body = await res.json().catch(() => null) as (T & { error?: { code: string; message: string } }) | null;
    if (res.status === 401 || res.status === 403) throw new ScriptError(`the admin API refused the token (${res.status}): check --token`);
    if (!res.ok || body === null) throw new ScriptError(`GET ${path.split('?')[0]} answered ${res.status}: ${body?.error?.message ?? 'no body'}`);
    return body;
  }

  /** The customer this shopper became (by userId once identified, else by anonymous id). */
  async customerId(): Promise<string> {
    const q = this.userId ? `userId=${encodeURIComponent(this.userId)}` : `anonymousId=${encodeURIComponent(this.o.anonymousId)}`;
    return waitFor(async () => {
      const res = await fetch(`${this.o.target.url}/api/v1/customers/lookup?${q}`, { headers: { authorization: `Bearer ${this.o.target.token}` } });
      if (res.status === 404) return null;
      if (!res.ok) throw new ScriptError(`customer lookup answered ${res.status}`);
      return ((await res.json()) as { id: string }).id;
    }, 10_000, 'the customer to appear');
  }

  async decisions(customerId: string, playbook: string): Promise<Decision[]> {
    const r = await this.admin<{ items: Decision[] }>(`/api/v1/customers/${customerId}/decisions?limit=100`);
    return r.items.filter((d) => d.playbook.key === playbook).reverse();
  }

  async tasks(customerId: string): Promise<Task[]> {
    return (await this.admin<{ items: Task[] }>(`/api/v1/tasks?customerId=${customerId}&limit=50`)).items;
  }

  async touches(customerId: string): Promise<Touch[]> {
    return (await this.admin<{ items: Touch[] }>(`/api/v1/customers/${customerId}/touches`)).items;
  }
}

const TITLES: [RegExp, string][] = [
  [/^\/demo\/?$/, 'Chaya — Japanese tea & tableware'],
  [/^\/demo\/products\//, 'Product — Chaya'],
  [/^\/demo\/cart/, 'Your cart — Chaya'],
  [/^\/demo\/checkout\/payment/, 'Payment — Chaya'],
  [/^\/demo\/checkout/, 'Checkout — Chaya'],
  [/^\/demo\/returns/, 'Returns — Chaya'],
  [/^\/demo\/help/, 'Help — Chaya'],
  [/^\/demo\/orders\//, 'Your order — Chaya'],
];

function titleOf(path: string): string {
  return TITLES.find(([re]) => re.test(path))?.[1] ?? 'Chaya';
}
