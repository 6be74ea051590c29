// The Omotenashi server under test, run as a child process of bench/run.mjs (forked with IPC).
//
// Env: BENCH_DATABASE_URL (sqlite:PATH or postgres://…), BENCH_PG_SCHEMA (PostgreSQL schema,
// created and dropped by the parent), SQLITE_SYNCHRONOUS (default FULL, as in production),
// BENCH_LOG_LEVEL (Fastify request logging; default 'silent'), BENCH_MAX_SECONDS (hard stop),
// BENCH_STARTER=1 (apply the starter playbook library to the bench workspace).
//
// Protocol: sends { type: 'ready', port, writeKey, pid } once listening; answers
// { type: 'stats' } with { type: 'stats', counts, cpu, memory }; { type: 'stop' } closes the
// app and the services (draining pending group commits) and exits.
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { loadConfig } from '../packages/server/dist/config/config.js';
import { openServices } from '../packages/server/dist/services.js';
import { buildApp } from '../packages/server/dist/transport/http/build-app.js';

const env = process.env;
const logLevel = env.BENCH_LOG_LEVEL ?? 'silent';
const config = loadConfig({
  DATABASE_URL: env.BENCH_DATABASE_URL,
  SQLITE_SYNCHRONOUS: env.SQLITE_SYNCHRONOUS ?? 'FULL',
  LOG_LEVEL: logLevel,
  PORT: '0',
  HOST: '127.0.0.1',
  DEMO: 'false',
}, process.cwd());

// BENCH_TRACE_SQL=1: time every statement by SQL shape (SQLite: wall + CPU + prepare time of each
// better-sqlite3 call; PostgreSQL: wall time of each pg query), so a profile's "executeQuery" can
// be split by statement. Measurement only.
//
// BENCH_EXPERIMENT (comma-separated), WHAT-IF rewrites of the server's SQL on its way to the
// driver, to measure a proposed fix without touching server code. NOT for the reported figures:
//   sqlite-customers-by-pk   `"workspace_id" = ? and "id" in (…)` on customers → `+"workspace_id"`
//                            so SQLite uses the primary key, not a scan of customers_workspace_last_seen
//   pg-identities-any        identity look-ups `("kind","value") in (($2,$3),…)` → one
//                            `kind = $k and value = any($v::text[])` arm per kind (planning cost O(1))
//   sqlite-autocheckpoint-N  PRAGMA wal_autocheckpoint = N pages (SQLite default 1000 ≈ 4 MB)
const experiments = new Set((env.BENCH_EXPERIMENT ?? '').split(',').map((x) => x.trim()).filter(Boolean));
const sqlTrace = env.BENCH_PG_SCHEMA ? patchPg(env.BENCH_TRACE_SQL === '1', experiments) : patchSqlite(env.BENCH_TRACE_SQL === '1', experiments);

const pgSchema = env.BENCH_PG_SCHEMA || undefined;
const services = await openServices(config, { defaultMetrics: true, ...(pgSchema ? { pgSchema } : {}) });
for (const x of experiments) {
  const m = /^sqlite-autocheckpoint-(\d+)$/.exec(x);
  if (m && services.store.connection.sqlite) services.store.connection.sqlite.pragma(`wal_autocheckpoint = ${m[1]}`);
}
const app = await buildApp(services, { logger: logLevel === 'silent' ? false : { level: logLevel } });
const { writeKey, workspace } = await services.tenancy.createWorkspace('Bench shop');
// BENCH_STARTER=1: the starter library (packages/server/starter-playbooks) applied to the workspace,
// as `omotenashi playbook apply` would, so ingestion runs the care loop on every event.
let playbooks = 0;
if (env.BENCH_STARTER === '1') {
  const { starterPlaybooks } = await import('../packages/server/dist/app/care/playbook-files.js');
  for (const def of starterPlaybooks()) {
    await services.playbooks.apply(workspace.id, def, null);
    playbooks++;
  }
}
await app.listen({ port: 0, host: '127.0.0.1' });
const port = app.server.address().port;

const hardStop = setTimeout(() => {
  process.stderr.write('[bench/server] hard time limit reached, exiting\n');
  process.exit(3);
}, Number(env.BENCH_MAX_SECONDS ?? 900) * 1000);
hardStop.unref();

const db = services.store.connection.db;
const TABLES = ['events', 'event_dedupe', 'customers', 'identities', 'merges', 'trait_changes', 'decisions', 'timers'];

async function counts() {
  const out = {};
  for (const t of TABLES) {
    const r = await sql`select count(*) as n from ${sql.table(t)}`.execute(db);
    out[t] = Number(r.rows[0].n);
  }
  const live = await sql`select count(*) as n from customers where merged_into is null`.execute(db);
  out.customers_live = Number(live.rows[0].n);
  return out;
}

let stopping = false;
process.on('message', async (msg) => {
  try {
    if (msg?.type === 'stats') {
      process.send({ type: 'stats', counts: await counts(), cpu: process.cpuUsage(), memory: process.memoryUsage(), uptime: process.uptime(), sqlTrace: sqlTrace?.report() });
    } else if (msg?.type === 'cpu') {
      process.send({ type: 'cpu', cpu: process.cpuUsage() });
    } else if (msg?.type === 'stop' && !stopping) {
      stopping = true;
      await app.close();
      await services.close();
      process.send({ type: 'stopped' }, () => process.exit(0));
    }
  } catch (err) {
    process.send({ type: 'error', message: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => {
  // The parent went away: don't linger.
  if (!stopping) process.exit(2);
});

process.send({ type: 'ready', port, writeKey, workspaceId: workspace.id, pid: process.pid, database: config.database.kind, synchronous: config.sqliteSynchronous, playbooks });

function shape(text) {
  return text.replace(/\s+/g, ' ').replace(/(\((?:\?|\$\d+)(, (?:\?|\$\d+))*\))(, \((?:\?|\$\d+)(, (?:\?|\$\d+))*\))+/g, '$1, …').replace(/(\?|\$\d+)(, (\?|\$\d+))+/g, '?, …')
    .slice(0, 140);
}

function patchPg(trace, experiments) {
  if (!trace && !experiments.has('pg-identities-any')) return null;
  const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
  const pg = require('pg');
  const stats = new Map();
  const orig = pg.Client.prototype.query;
  const IDENT = /^(select \* from "identities"|update "identities" set "customer_id" = \$1) where "workspace_id" = \$(\d) and \("kind", "value"\) in \((\(\$\d+, \$\d+\)(?:, \(\$\d+, \$\d+\))*)\)$/;
  pg.Client.prototype.query = function query(config, values, cb) {
    let text = typeof config === 'string' ? config : config?.text;
    if (typeof text !== 'string' || typeof cb === 'function' || typeof values === 'function') return orig.call(this, config, values, cb);
    const m = experiments.has('pg-identities-any') && Array.isArray(values) ? IDENT.exec(text) : null;
    if (m) {
      const ws = Number(m[2]);
      const byKind = new Map();
      for (const [, a, b] of m[3].matchAll(/\(\$(\d+), \$(\d+)\)/g)) {
        const kind = values[Number(a) - 1];
        if (!byKind.has(kind)) byKind.set(kind, []);
        byKind.get(kind).push(values[Number(b) - 1]);
      }
      const newValues = values.slice(0, ws);
      const arms = [];
      for (const [kind, vals] of byKind) {
        newValues.push(kind, vals);
        arms.push(`("kind" = $${newValues.length - 1} and "value" = any($${newValues.length}::text[]))`);
      }
      text = `${m[1]} where "workspace_id" = $${ws} and (${arms.join(' or ')})`;
      values = newValues;
      config = text;
    }
    if (!trace) return orig.call(this, config, values);
    const key = shape(text);
    let e = stats.get(key);
    if (!e) stats.set(key, (e = { calls: 0, wallMs: 0, cpuMs: 0, prepareMs: 0, rows: 0, params: 0 }));
    const w0 = performance.now();
    const p = orig.call(this, config, values);
    return p.then((r) => {
      e.calls++;
      e.wallMs += performance.now() - w0;
      e.rows += r?.rowCount ?? 0;
      e.params += Array.isArray(values) ? values.length : 0;
      return r;
    });
  };
  return { report: () => [...stats].map(([sql, e]) => ({ sql, ...e })).sort((a, b) => b.wallMs - a.wallMs) };
}

function patchSqlite(trace, experiments) {
  if (!trace && !experiments.has('sqlite-customers-by-pk')) return null;
  // The server's better-sqlite3 (resolved from its package, the same module instance it uses).
  const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
  const Database = require('better-sqlite3');
  const stats = new Map();
  const entry = (key) => {
    let e = stats.get(key);
    if (!e) stats.set(key, (e = { calls: 0, wallMs: 0, cpuMs: 0, prepareMs: 0, rows: 0, params: 0 }));
    return e;
  };
  const origPrepare = Database.prototype.prepare;
  Database.prototype.prepare = function prepare(text) {
    if (experiments.has('sqlite-customers-by-pk') && text.startsWith('select * from "customers" where "workspace_id" = ? and "id" in (')) {
      text = text.replace('where "workspace_id" = ?', 'where +"workspace_id" = ?');
    }
    if (!trace) return origPrepare.call(this, text);
    const t0 = performance.now();
    const stmt = origPrepare.call(this, text);
    const key = shape(text);
    entry(key).prepareMs += performance.now() - t0;
    for (const m of ['all', 'run', 'get']) {
      const orig = stmt[m];
      stmt[m] = function (...args) {
        const e = entry(key);
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        const out = orig.apply(this, args);
        e.wallMs += performance.now() - w0;
        const c1 = process.cpuUsage(c0);
        e.cpuMs += (c1.user + c1.system) / 1000;
        e.calls++;
        e.params += Array.isArray(args[0]) ? args[0].length : 0;
        e.rows += Array.isArray(out) ? out.length : out?.changes ?? 0;
        return out;
      };
    }
    return stmt;
  };
  return {
    report: () => [...stats].map(([sql, e]) => ({ sql, ...e })).sort((a, b) => b.wallMs + b.prepareMs - a.wallMs - a.prepareMs),
  };
}
