// The Omotenashi server under test for the conversation benchmarks (bench/inbox.mjs,
// bench/roundtrip.mjs, bench/ws-memory.mjs), run as a forked child with IPC, so the load
// generator never shares its event loop. The real thing: openServices (migrates; no-op on a
// seeded file) + buildApp (HTTP routes and the WebSocket server) listening on 127.0.0.1:0.
// Background loops (timers, webhooks, SLA monitor) are NOT started, as in bench/server.mjs.
//
// Env: BENCH_DATABASE_URL (sqlite:PATH), SQLITE_SYNCHRONOUS (default FULL, as in production),
// BENCH_MAX_SECONDS (hard stop), BENCH_LOG_LEVEL (default silent),
// BENCH_TRACE_SQL=1 (diagnostics): wall time of every better-sqlite3 statement by SQL shape, in
// the `stats` answer (sqlTrace), as bench/server.mjs does for ingestion.
// BENCH_EXPERIMENT=writer-defer: a what-if (see below), flagged in every result that used it.
// BENCH_CONV_SETUP=workspace: create a workspace, one operator ("Bench operator", team support)
// and an agent API token bound to that operator; their secrets are in the ready message.
// (Without it the file must already hold the workspace: bench/inbox.mjs seeds it.)
//
// IPC (payload-free requests, answered with a message of the same type):
//   ready   { port, pid, synchronous, writeKey?, apiToken?, workspaceId?, operatorId? }
//   cpu     { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), loopDelay: {p50,p99,max ms}
//           since the previous `cpu` (the event loop is what every socket and request waits on) }
//   memory  after global.gc() (start with --expose-gc; `gc: false` otherwise): memoryUsage(),
//           open fds, RLIMIT_NOFILE, live realtime connections (visitors / all), database bytes
//   errors  { errors: { realtime, background, http5xx }, samples }
//   stats   the same plus counts (rows per table: a full count, slow on a seeded 10M-row file)
//   snapshot  (diagnostics) writes a heap snapshot after gc into the OS temp dir: { path }
//   stop    closes the app (sockets first) and the services, then exits 0
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

const sqlTrace = env.BENCH_TRACE_SQL === '1' ? traceSqlite() : null;

// Every failure the server reports out of band, so a benchmark can refuse to publish figures
// from a misbehaving server.
const errors = { realtime: 0, background: 0, samples: [] };
const sample = (where, err) => {
  if (errors.samples.length < 10) errors.samples.push(`${where}: ${String(err?.stack ?? err).split('\n').slice(0, 4).join(' | ')}`);
};

const services = await openServices(config, {
  defaultMetrics: false, geo: false,
  onBackgroundError: (loop, err) => {
    errors.background++;
    sample(`background/${loop}`, err);
  },
});
const app = await buildApp(services, {
  logger: logLevel === 'silent' ? false : { level: logLevel },
  onRealtimeError: (err) => {
    errors.realtime++;
    sample('realtime', err);
  },
});
// 5xx answers, from the server's own request-duration histogram (buildApp has already called
// ready(), so no hook can be added here).
async function errorReport() {
  let n = 0;
  const http = [];
  for (const v of (await services.metrics.httpDuration.get()).values) {
    if (v.metricName?.endsWith('_count') && Number(v.labels.status) >= 500) {
      n += v.value;
      http.push(`http: ${v.value} × ${v.labels.status} ${v.labels.method} ${v.labels.route}`);
    }
  }
  return { errors: { realtime: errors.realtime, background: errors.background, http5xx: n }, samples: [...errors.samples, ...http] };
}

let secrets = {};
if (env.BENCH_CONV_SETUP === 'workspace') {
  const { writeKey, workspace } = await services.tenancy.createWorkspace('Bench shop');
  const op = await services.tenancy.createOperator(workspace.id, { email: 'bench-operator@example.com', name: 'Bench operator', role: 'agent', password: 'bench-password-123' });
  await services.store.setOperatorRouting(workspace.id, op.id, { teams: ['support'] });
  const { token } = await services.tenancy.createApiToken(workspace.id, { name: 'bench operator', role: 'agent', operatorId: op.id });
  secrets = { writeKey, apiToken: token, workspaceId: workspace.id, operatorId: op.id };
}

// BENCH_EXPERIMENT=writer-defer (WHAT-IF, never for reported figures): hand sends to the server's
// MessageWriter once per turn of the event loop (setImmediate), all those that arrived in that
// turn's I/O together, as IngestService schedules its flushes. The writer otherwise starts a
// transaction on the first send of a turn, and with the synchronous SQLite driver that
// transaction (COMMIT and its fsync included) completes in microtasks before the next socket is
// read, so sends arriving in the same turn rarely share a commit.
const experiments = new Set((env.BENCH_EXPERIMENT ?? '').split(',').map((x) => x.trim()).filter(Boolean));
if (experiments.has('writer-defer')) {
  const orig = services.conversations.send.bind(services.conversations);
  let pending = null;
  services.conversations.send = (input) => new Promise((resolve, reject) => {
    if (!pending) {
      pending = [];
      setImmediate(() => {
        const jobs = pending;
        pending = null;
        for (const j of jobs) orig(j.input).then(j.resolve, j.reject);
      });
    }
    pending.push({ input, resolve, reject });
  });
}

// Time in Conversations.send (queue in the MessageWriter + group commit), to split a round trip
// into server-side send time and the rest. Measurement only: the call is passed through unchanged.
const sendStats = (() => {
  let ms = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const orig = services.conversations.send.bind(services.conversations);
  services.conversations.send = (input) => {
    const t0 = performance.now();
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    const done = () => {
      inFlight--;
      if (ms.length < 1_000_000) ms.push(performance.now() - t0);
    };
    const p = orig(input);
    p.then(done, done);
    return p;
  };
  return {
    take() {
      const a = Float64Array.from(ms).sort();
      const out = { n: a.length, p50: a[Math.floor(a.length * 0.5)] ?? null, p99: a[Math.floor(a.length * 0.99)] ?? null, max: a[a.length - 1] ?? null, maxInFlight };
      ms = [];
      maxInFlight = inFlight;
      return out;
    },
  };
})();

await app.listen({ port: 0, host: '127.0.0.1' });
const port = app.server.address().port;

const hardStop = setTimeout(() => {
  process.stderr.write('[bench/conv-server] hard time limit reached, exiting\n');
  process.exit(3);
}, Number(env.BENCH_MAX_SECONDS ?? 900) * 1000);
hardStop.unref();

const db = services.store.connection.db;
const TABLES = ['conversations', 'messages', 'customers', 'identities', 'events', 'conversation_counts', 'webhook_outbox'];

async function counts() {
  const out = {};
  for (const t of TABLES) {
    try {
      const r = await sql`select count(*) as n from ${sql.table(t)}`.execute(db);
      out[t] = Number(r.rows[0].n);
    } catch {
      // a table this build does not have
    }
  }
  return out;
}

function fdLimit() {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? { soft: m[1] === 'unlimited' ? Infinity : Number(m[1]), hard: m[2] === 'unlimited' ? Infinity : Number(m[2]) } : null;
  } catch {
    return null;
  }
}
function openFds() {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** Live realtime connections as the server's registry holds them (visitors: the ones past hello). */
function liveConnections() {
  const all = app.realtime?.registry?.all;
  if (!all) return { visitors: null, connections: null };
  let visitors = 0;
  for (const c of all) if ('deliver' in c && c.session) visitors++;
  return { visitors, connections: all.size };
}

async function settle() {
  // Two full collections with a turn of the loop between them (finalizers, weak refs).
  if (typeof global.gc !== 'function') return false;
  global.gc();
  await new Promise((r) => setTimeout(r, 50));
  global.gc();
  return true;
}

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

let stopping = false;
process.on('message', async (msg) => {
  try {
    if (msg?.type === 'cpu') {
      const delay = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      loopDelay.reset();
      process.send({ type: 'cpu', cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), loopDelay: delay, sends: sendStats.take() });
    } else if (msg?.type === 'memory') {
      const gc = await settle();
      const lite = services.store.connection.sqlite;
      const dbBytes = lite ? lite.pragma('page_count', { simple: true }) * lite.pragma('page_size', { simple: true }) : null;
      process.send({ type: 'memory', gc, memory: process.memoryUsage(), fds: openFds(), fdLimit: fdLimit(), dbBytes, ...liveConnections() });
    } else if (msg?.type === 'snapshot') {
      // Diagnostics: a heap snapshot (after gc) in the OS temp dir.
      await settle();
      const { writeHeapSnapshot } = await import('node:v8');
      const { tmpdir } = await import('node:os');
      process.send({ type: 'snapshot', path: writeHeapSnapshot(`${tmpdir()}/conv-server-${process.pid}-${Date.now()}.heapsnapshot`) });
    } else if (msg?.type === 'errors') {
      process.send({ type: 'errors', ...(await errorReport()) });
    } else if (msg?.type === 'stats') {
      process.send({ type: 'stats', counts: await counts(), ...(await errorReport()), cpu: process.cpuUsage(), memory: process.memoryUsage(), sqlTrace: sqlTrace?.() ?? null });
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
  if (!stopping) process.exit(2);
});

process.send({ type: 'ready', port, pid: process.pid, synchronous: config.sqliteSynchronous, fdLimit: fdLimit(), experiments: [...experiments], ...secrets });

/** Wraps better-sqlite3's prepare (the server's module instance) to time statements by shape. */
function traceSqlite() {
  const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
  const Database = require('better-sqlite3');
  const stats = new Map();
  const shape = (text) => text.replace(/\s+/g, ' ').replace(/(\(\?(, \?)*\))(, \(\?(, \?)*\))+/g, '$1, …').replace(/\?(, \?)+/g, '?, …').slice(0, 160);
  const origPrepare = Database.prototype.prepare;
  Database.prototype.prepare = function prepare(text) {
    const stmt = origPrepare.call(this, text);
    const key = shape(text);
    for (const m of ['all', 'run', 'get', 'iterate']) {
      const orig = stmt[m];
      stmt[m] = function (...args) {
        let e = stats.get(key);
        if (!e) stats.set(key, (e = { calls: 0, wallMs: 0, rows: 0 }));
        const w0 = performance.now();
        const out = orig.apply(this, args);
        e.wallMs += performance.now() - w0;
        e.calls++;
        e.rows += Array.isArray(out) ? out.length : out?.changes ?? 0;
        return out;
      };
    }
    return stmt;
  };
  return () => [...stats].map(([text, e]) => ({ sql: text, ...e })).sort((a, b) => b.wallMs - a.wallMs).slice(0, 30);
}
