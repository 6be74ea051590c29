import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../packages/server/src/app/care/webhook-dispatcher.js';
import type { Store } from '../packages/server/src/ports/store.js';
import { createServices, type Services } from '../packages/server/src/services.js';
import type { Database } from '../packages/server/src/storage/schema.js';
import { buildApp } from '../packages/server/src/transport/http/build-app.js';
import { TestClock } from './helpers/app.js';
import { receiver, type Receiver } from './helpers/receiver.js';
import { storeFactories, type StoreFactory } from './helpers/stores.js';


interface Shop {
  services: Services;
  app: FastifyInstance;
  clock: TestClock;
  ws: { id: string; writeKey: string; apiToken: string };
  close(): Promise<void>;
}

async function openShop(factory: StoreFactory, allowPrivateWebhooks: boolean): Promise<Shop> {
  const store = await factory.create();
  const clock = new TestClock();
  const services = createServices(store, { clock, geo: false, allowPrivateWebhooks });
  const app = await buildApp(services);
  const created = await services.tenancy.createWorkspace('Webhook shop');
  return {
    services, app, clock,
    ws: { id: created.workspace.id, writeKey: created.writeKey, apiToken: created.apiToken },
    async close() {
      await app.close();
      await services.close();
    },
  };
}

function db(store: Store): Kysely<Database> {
  return (store as unknown as { connection: { db: Kysely<Database> } }).connection.db;
}

/** A playbook whose single step calls `url` when the customer asks for help. */
async function webhookPlaybook(shop: Shop, key: string, url: string): Promise<void> {
  const r = await shop.app.inject({
    method: 'POST', url: '/api/v1/playbooks',
    headers: { authorization: `Bearer ${shop.ws.apiToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify({
      key, name: `Help request (${key})`, purpose: 'service',
      trigger: { on: { type: 'track', event: `Help Requested ${key}` } },
      steps: [{ action: 'webhook', url }],
    }),
  });
  expect(r.statusCode, r.body).toBe(201);
}

/** The customer asks for help; returns their customer id and the decision that was stored. */
async function askForHelp(shop: Shop, key: string, userId: string) {
  const send = async (path: string, body: unknown) => {
    const r = await shop.app.inject({
      method: 'POST', url: path, payload: JSON.stringify(body),
      headers: { authorization: `Basic ${Buffer.from(`${shop.ws.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    });
    expect(r.statusCode, r.body).toBe(200);
  };
  await send('/v1/identify', { userId, traits: { email: `${userId}@example.com` } });
  await send('/v1/track', { userId, event: `Help Requested ${key}`, properties: { topic: 'delivery' } });
  const customerId = (await shop.services.store.findCustomerIdByIdentity(shop.ws.id, { kind: 'user', value: userId }))!;
  const decisions = await shop.services.store.listDecisions(shop.ws.id, [customerId], 10);
  expect(decisions).toHaveLength(1);
  expect(decisions[0]).toMatchObject({ playbookKey: key, action: 'webhook', outcome: 'fired' });
  const outbox = await outboxOf(shop, decisions[0]!.id);
  return { customerId, decision: decisions[0]!, outbox };
}

async function outboxOf(shop: Shop, decisionId: string) {
  const row = await db(shop.services.store).selectFrom('webhook_outbox').selectAll().where('decision_id', '=', decisionId).executeTakeFirst();
  expect(row).toBeDefined();
  return row!;
}

/** The receiver's side: recompute the HMAC of "t.body" with the workspace secret. */
function verify(secret: string, header: string | string[] | undefined, body: string): { t: number; ok: boolean } {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  if (!m) return { t: NaN, ok: false };
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex');
  return { t: Number(m[1]), ok: expected === m[2] };
}

describe.each(await storeFactories())('webhook steps on $name', (factory) => {
  let shop: Shop;
  let closed: Receiver[] = [];
  const track = (r: Receiver) => (closed.push(r), r);
  beforeAll(async () => {
    shop = await openShop(factory, true);
  });
  afterAll(async () => shop?.close());
  afterEach(async () => {
    await Promise.all(closed.map((r) => r.close()));
    closed = [];
  });

  it('POSTs a signed body naming the playbook, decision and customer, once', async () => {
    const rx = track(await receiver());
    await webhookPlaybook(shop, 'notify-crm', rx.url);
    const { customerId, decision, outbox } = await askForHelp(shop, 'notify-crm', 'hana');
    expect(outbox).toMatchObject({ status: 'pending', attempts: 0, url: rx.url });
    expect(rx.requests).toHaveLength(0); // nothing is sent inside the ingest transaction

    expect(await shop.services.webhooks.deliverDue()).toBe(1);
    expect(rx.requests).toHaveLength(1);
    const { headers, body } = rx.requests[0]!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['omotenashi-delivery']).toBe(outbox.id);
    const secret = await shop.services.webhooks.secretFor(shop.ws.id);
    expect(secret).toMatch(/^whsec_/);
    const sig = verify(secret, headers['omotenashi-signature'], body);
    expect(sig.ok, `signature ${String(headers['omotenashi-signature'])} does not verify`).toBe(true);
    expect(sig.t).toBe(Math.floor(shop.clock.now() / 1000));
    expect(verify('whsec_someone-else', headers['omotenashi-signature'], body).ok).toBe(false);
    expect(verify(secret, headers['omotenashi-signature'], `${body} `).ok).toBe(false);

    expect(JSON.parse(body)).toMatchObject({
      type: 'playbook.decision', id: decision.id, workspaceId: shop.ws.id, customerId,
      playbook: { key: 'notify-crm', version: 1 }, step: 0,
      customer: { email: 'hana@example.com' },
    });
    expect(await outboxOf(shop, decision.id)).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });

    // Delivered means done: later rounds send nothing more.
    shop.clock.advance(3_600_000);
    expect(await shop.services.webhooks.deliverDue()).toBe(0);
    expect(rx.requests).toHaveLength(1);
  });

  it('delivers to a host name, resolved once and pinned', async () => {
    // Whatever `localhost` resolves to first here (127.0.0.1 or ::1), the receiver listens there.
    const { address } = await lookup('localhost');
    const rx = track(await receiver({ host: address }));
    const url = rx.url.replace(/\/\/[^/]+:/, '//localhost:');
    await webhookPlaybook(shop, 'notify-by-name', url);
    const { decision } = await askForHelp(shop, 'notify-by-name', 'kenji');
    expect(await shop.services.webhooks.deliverDue()).toBe(1);
    expect(await outboxOf(shop, decision.id)).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0]!.headers.host).toBe(new URL(url).host);
  });

  it('retries a receiver answering 500 with backoff, records attempts, and delivers once', async () => {
    const rx = track(await receiver({ statuses: [500, 500] }));
    await webhookPlaybook(shop, 'notify-flaky', rx.url);
    const { decision } = await askForHelp(shop, 'notify-flaky', 'yuki');
    const t0 = shop.clock.now();

    expect(await shop.services.webhooks.deliverDue()).toBe(1);
    expect(await outboxOf(shop, decision.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'receiver answered 500', next_attempt_at: t0 + 30_000 });
    expect(await shop.services.webhooks.deliverDue()).toBe(0); // not before the backoff

    shop.clock.advance(30_000);
    expect(await shop.services.webhooks.deliverDue()).toBe(1);
    expect(await outboxOf(shop, decision.id)).toMatchObject({ status: 'pending', attempts: 2, last_error: 'receiver answered 500', next_attempt_at: t0 + 30_000 + 60_000 });
    shop.clock.advance(59_000);
    expect(await shop.services.webhooks.deliverDue()).toBe(0); // the backoff doubled

    shop.clock.advance(1_000);
    expect(await shop.services.webhooks.deliverDue()).toBe(1);
    expect(await outboxOf(shop, decision.id)).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });

    shop.clock.advance(86_400_000);
    expect(await shop.services.webhooks.deliverDue()).toBe(0);
    expect(rx.requests).toHaveLength(3);
    // The same delivery each time (receivers de-duplicate on its id), signed afresh each time.
    const secret = await shop.services.webhooks.secretFor(shop.ws.id);
    expect(new Set(rx.requests.map((r) => r.headers['omotenashi-delivery'])).size).toBe(1);
    expect(new Set(rx.requests.map((r) => r.body)).size).toBe(1);
    for (const r of rx.requests) expect(verify(secret, r.headers['omotenashi-signature'], r.body).ok).toBe(true);
  });
});

describe.each(await storeFactories())('webhooks to private addresses on $name (not allowed)', (factory) => {
  let shop: Shop;
  let rx: Receiver;
  beforeAll(async () => {
    shop = await openShop(factory, false);
    rx = await receiver();
  });
  afterAll(async () => {
    await rx?.close();
    await shop?.close();
  });

  it.each([
    ['a loopback address', 'loopback-ip', (u: string) => u],
    ['a host name resolving to loopback', 'loopback-name', (u: string) => u.replace('127.0.0.1', 'localhost')],
    ['an IPv4-mapped IPv6 loopback', 'loopback-mapped', (u: string) => u.replace('127.0.0.1', '[::ffff:127.0.0.1]')],
  ])('refuses %s permanently and sends nothing', async (_what, key, urlOf) => {
    await webhookPlaybook(shop, key, urlOf(rx.url));
    const { decision } = await askForHelp(shop, key, `user-${key}`);
    expect(await shop.services.webhooks.deliverDue()).toBe(1);
    const row = await outboxOf(shop, decision.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toMatch(/private or loopback/);
    // Permanent: no retry, however long we wait.
    shop.clock.advance(7 * 86_400_000);
    expect(await shop.services.webhooks.deliverDue()).toBe(0);
    expect(rx.requests).toHaveLength(0);
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.254', '192.168.1.1', '127.0.0.1', '127.8.9.10',
    '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fc00::1', 'fd12:3456:789a::1', 'fe80::1', 'febf::1',
    '::ffff:127.0.0.1', '::ffff:10.1.2.3', '::FFFF:192.168.0.1', '::ffff:7f00:1',
    'not-an-address', '',
  ])('%s is private (or not an address): refused', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '192.169.0.1', '11.0.0.1', '93.184.216.34',
    '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8',
  ])('%s is public: allowed', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});
