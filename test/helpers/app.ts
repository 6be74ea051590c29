import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Clock } from '../../packages/server/src/ports/clock.js';
import type { Store } from '../../packages/server/src/ports/store.js';
import { createServices, type ServiceOptions, type Services } from '../../packages/server/src/services.js';
import { buildApp } from '../../packages/server/src/transport/http/build-app.js';
import type { StoreFactory } from './stores.js';

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(public ms = Date.parse('2026-11-22T12:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  store: Store;
  clock: TestClock;
  /** A workspace with its secrets. */
  ws: { id: string; writeKey: string; apiToken: string };
  /** POST to the tracking API with the workspace's write key (HTTP Basic). */
  track(path: string, body: unknown, opts?: Partial<InjectOptions> & { writeKey?: string }): Promise<LightMyRequestResponse>;
  /** Call the admin API with the workspace's token. */
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, token?: string): Promise<LightMyRequestResponse>;
  /** How many rows a table holds (to prove nothing was stored). */
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: TestClock;
  /** Passed through to createServices (e.g. `allowPrivateWebhooks`); the clock and geo are the test's. */
  services?: Omit<ServiceOptions, 'clock' | 'geo'>;
}

export async function startTestApp(factory: StoreFactory, opts: TestAppOptions = {}): Promise<TestApp> {
  const store = await factory.create();
  const clock = opts.clock ?? new TestClock();
  // Operators go offline as soon as their last socket closes (no reload grace), unless a test asks.
  const services = createServices(store, { presenceGraceMs: 0, ...opts.services, clock, geo: false });
  const app = await buildApp(services);
  const created = await services.tenancy.createWorkspace('Test shop');
  const ws = { id: created.workspace.id, writeKey: created.writeKey, apiToken: created.apiToken };
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  return {
    app, services, store, clock, ws,
    track(path, body, o = {}) {
      const { writeKey, ...rest } = o;
      const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      return app.inject({
        method: 'POST', url: path, payload,
        ...rest,
        headers: { 'content-type': 'application/json', authorization: basic(writeKey ?? ws.writeKey), ...(rest.headers ?? {}) },
      });
    },
    api(method, url, body, token) {
      return app.inject({
        method, url,
        headers: { authorization: `Bearer ${token ?? ws.apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
    },
    async count(table) {
      const { sql } = await import('kysely');
      const conn = (store as unknown as { connection: { db: import('kysely').Kysely<unknown> } }).connection;
      const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(conn.db);
      return Number(r.rows[0]?.n ?? 0);
    },
    async close() {
      await app.close();
      await services.close();
    },
  };
}
