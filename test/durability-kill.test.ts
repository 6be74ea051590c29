import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_URL, storeFactories } from './helpers/stores.js';

/**
 * "Timers are durable: persisted, they survive a restart or kill -9, fire once" and "side
 * effects happen at most once per (playbook, customer, window), even across crashes". The BUILT
 * server (`npm test` builds first) runs as a child process on the real clock and is killed with
 * SIGKILL — no shutdown hook, no flush — then started again on the same database.
 */

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'packages/server/dist/main.js');
const CLI = join(ROOT, 'packages/server/dist/cli/bin.js');
const DWELL_MS = 5_000;

const playbook = {
  key: 'lingering-on-pricing',
  name: 'Lingering on pricing',
  purpose: 'service',
  trigger: { dwell: { page: { path: '/pricing' }, seconds: DWELL_MS / 1000 } },
  steps: [
    { action: 'hint', title: 'Comparing plans?', body: 'The table below shows what each plan includes.' },
    { action: 'invite', after: '1h', message: 'Happy to help you pick a plan.' },
  ],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined), or fails naming what it waited for. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Plain SQL on the server's database from outside the server (works while it is dead). */
interface Db {
  name: 'sqlite' | 'postgres';
  url: string;
  rows<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

function sqliteDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'omotenashi-kill-'));
  const path = join(dir, 'omotenashi.sqlite');
  let conn: SQLite.Database | null = null;
  return {
    name: 'sqlite',
    url: `sqlite:${path}`,
    async rows<T>(sql: string) {
      // Opened lazily: the file only exists once the CLI has created the workspace.
      conn ??= new SQLite(path, { fileMustExist: true });
      return conn.prepare(sql).all() as T[];
    },
    async close() {
      conn?.close();
    },
  };
}

async function postgresDb(): Promise<Db> {
  const schema = `kill_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  return {
    name: 'postgres',
    url: u.toString(),
    async rows<T>(sql: string) {
      return (await client.query(sql)).rows as T[];
    },
    async close() {
      await client.end().catch(() => undefined);
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

interface Server { child: ChildProcess; base: string; out: () => string }
const running = new Set<ChildProcess>();

function serverEnv(db: Db): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO: 'false', LOG_LEVEL: 'warn', DATABASE_URL: db.url };
  delete env['OMOTENASHI_CONFIG'];
  return env;
}

/** Starts `omotenashi serve` and waits until it printed where it listens. */
async function startServer(db: Db, cwd: string): Promise<Server> {
  const child = spawn(process.execPath, [MAIN, 'serve'], { cwd, env: serverEnv(db), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const base = await until('the server to print its URLs', 20_000, async () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early:\n${out}`);
    return /Tracking API\s+(http:\/\/\S+?)\/v1\/batch/.exec(out)?.[1];
  }, 50);
  return { child, base, out: () => out };
}

/** kill -9: the process gets no chance to flush, close or clean up. */
async function kill9(s: Server): Promise<void> {
  const exited = new Promise<NodeJS.Signals | null>((r) => s.child.once('exit', (_code, signal) => r(signal)));
  s.child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

async function stopGracefully(s: Server): Promise<void> {
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

/** A failed assertion must not leave a server behind (only the ones this file started). */
async function killAll(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  })));
  running.clear();
}

/** A workspace made with the CLI on the same database, before any server runs. */
function createWorkspace(db: Db, cwd: string): { id: string; writeKey: string; apiToken: string } {
  const r = spawnSync(process.execPath, [CLI, 'workspace', 'create', '--name', 'Kill test shop', '--json'], { cwd, env: serverEnv(db), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { id: string; writeKey: string; apiToken: string };
}

async function applyPlaybook(s: Server, token: string): Promise<void> {
  const r = await fetch(`${s.base}/api/v1/playbooks`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(playbook),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

/** Puts customers `from`…`to - 1` on /pricing (one page view each): each arms a dwell timer. */
async function visitPricing(s: Server, writeKey: string, prefix: string, from: number, to: number): Promise<void> {
  const batch = [];
  for (let i = from; i < to; i++) {
    batch.push({ type: 'page', anonymousId: `${prefix}-${i}`, messageId: `${prefix}-page-${i}`, properties: { path: '/pricing', url: 'https://shop.test/pricing' } });
  }
  const r = await fetch(`${s.base}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

const num = (v: unknown) => Number(v);
async function scalar(db: Db, sql: string): Promise<number> {
  return num((await db.rows<{ n: unknown }>(sql))[0]?.n ?? 0);
}

/**
 * Exactly once, per customer: one step-0 decision (fired) and one on-site touch; no customer
 * was created twice; every dwell timer is gone and each customer's ladder waits for cup 2.
 */
async function expectExactlyOnce(db: Db, customers: number): Promise<void> {
  expect(await scalar(db, 'select count(*) as n from customers')).toBe(customers);
  const decisions = await db.rows<{ customer_id: string; step: unknown; outcome: string; n: unknown }>(
    `select customer_id, step, outcome, count(*) as n from decisions where playbook_key = '${playbook.key}' group by customer_id, step, outcome`,
  );
  const perCustomer = new Map<string, number>();
  for (const d of decisions) {
    expect(num(d.step), `customer ${d.customer_id} got a step ${String(d.step)} decision`).toBe(0);
    expect(d.outcome).toBe('fired');
    perCustomer.set(d.customer_id, (perCustomer.get(d.customer_id) ?? 0) + num(d.n));
  }
  expect(perCustomer.size).toBe(customers);
  expect([...perCustomer.values()].filter((n) => n !== 1), 'customers with more than one step-0 decision').toEqual([]);

  const touches = await db.rows<{ customer_id: string; n: unknown }>('select customer_id, count(*) as n from onsite_messages group by customer_id');
  expect(touches).toHaveLength(customers);
  expect(touches.filter((t) => num(t.n) !== 1), 'customers touched more than once').toEqual([]);
  expect(new Set(touches.map((t) => t.customer_id))).toEqual(new Set(perCustomer.keys()));
  // Every touch belongs to one of the decisions (a touch is only written for an inserted decision).
  expect(await scalar(db, 'select count(*) as n from onsite_messages m where not exists (select 1 from decisions d where d.id = m.decision_id)')).toBe(0);

  expect(await scalar(db, "select count(*) as n from timers where kind = 'dwell'")).toBe(0);
  expect(await scalar(db, "select count(*) as n from timers where kind = 'ladder'")).toBe(customers);
}

const firedCustomers = (db: Db) => scalar(db, `select count(distinct customer_id) as n from decisions where playbook_key = '${playbook.key}'`);

describe.each(await storeFactories())('durable timers across kill -9 on $name', ({ name }) => {
  let db: Db;
  afterEach(async () => {
    await killAll();
    await db?.close();
  });

  it('keeps timers armed before a kill -9 and fires each exactly once after the restart', async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: build first (npx tsc -b packages/server)`).toBe(true);
    db = name === 'sqlite' ? sqliteDb() : await postgresDb();
    const cwd = mkdtempSync(join(tmpdir(), 'omotenashi-kill-cwd-'));
    const ws = createWorkspace(db, cwd);
    const first = await startServer(db, cwd);
    await applyPlaybook(first, ws.apiToken);

    const N = 200;
    const sentAt = Date.now();
    await Promise.all([0, 1, 2, 3].map((k) => visitPricing(first, ws.writeKey, 'early', k * 50, (k + 1) * 50)));
    const elapsed = Date.now() - sentAt;
    // The kill must land before the first timer is due, or this test proves nothing.
    expect(elapsed, 'sending the page views took too long to kill before the timers were due').toBeLessThan(DWELL_MS - 1_000);
    await kill9(first);

    // Persisted: all 200 timers are in the database of the dead server; nothing fired yet.
    expect(await scalar(db, "select count(*) as n from timers where kind = 'dwell'")).toBe(N);
    expect(await scalar(db, 'select count(*) as n from decisions')).toBe(0);
    const lastDue = await scalar(db, 'select max(due_at) as n from timers');
    expect(lastDue).toBeGreaterThan(Date.now());

    // Restart only once every timer is overdue: the new process must pick up what the old one armed.
    await sleep(Math.max(0, lastDue - Date.now() + 200));
    const second = await startServer(db, cwd);
    await until('every customer to get the step-0 decision', 15_000, async () => ((await firedCustomers(db)) === N ? true : undefined), 100);
    await sleep(1_000); // several poll periods: a duplicate fire would show up now
    await expectExactlyOnce(db, N);
    await stopGracefully(second);
  });

  it('fires every timer exactly once when killed while timers are firing', async () => {
    db = name === 'sqlite' ? sqliteDb() : await postgresDb();
    const cwd = mkdtempSync(join(tmpdir(), 'omotenashi-kill-cwd-'));
    const ws = createWorkspace(db, cwd);
    const first = await startServer(db, cwd);
    await applyPlaybook(first, ws.apiToken);

    // 600 customers arriving over ~1.5 s: their timers come due over ~1.5 s too, so firing runs
    // as a stream of flushes (each one transaction) that the kill can cut in the middle.
    const N = 600;
    const per = 20;
    for (let k = 0; k < N / per; k++) {
      await visitPricing(first, ws.writeKey, 'mid', k * per, (k + 1) * per);
      await sleep(40);
    }
    expect(await scalar(db, "select count(*) as n from timers where kind = 'dwell'")).toBe(N);

    await until('the first decisions to be committed', 15_000, async () => ((await firedCustomers(db)) > 0 ? true : undefined), 5);
    await kill9(first);

    const firedBefore = await firedCustomers(db);
    const left = await scalar(db, "select count(*) as n from timers where kind = 'dwell'");
    console.log(`[durability] ${name}: killed with ${firedBefore}/${N} timers fired, ${left} still armed`);
    expect(firedBefore, 'the kill should land while timers are firing').toBeGreaterThan(0);
    expect(firedBefore, 'the kill should land while timers are firing').toBeLessThan(N);
    // Atomic: a timer is either fired (decision stored, timer deleted) or still armed — never lost, never both.
    expect(firedBefore + left).toBe(N);
    expect(await scalar(db, 'select count(*) as n from onsite_messages')).toBe(firedBefore);

    const second = await startServer(db, cwd);
    await until('the rest of the timers to fire after the restart', 15_000, async () => ((await firedCustomers(db)) === N ? true : undefined), 100);
    await sleep(1_000);
    await expectExactlyOnce(db, N);
    await stopGracefully(second);
  });
});
