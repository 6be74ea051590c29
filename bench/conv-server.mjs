// The Omotenashi server under test for the conversation benchmarks (bench/inbox.mjs,
// bench/roundtrip.mjs, bench/ws-memory.mjs), run as a forked child with IPC, so the load
// generator never shares its event loop. The real thing: openServices (migrates; no-op on a
// seeded file) + buildApp (HTTP routes and the WebSocket server) listening on 127.0.0.1:0.
// Background loops (timers, webhooks, SLA monitor) are NOT started, as in bench/server.mjs.
//
// Env: BENCH_DATABASE_URL (sqlite:PATH), SQLITE_SYNCHRONOUS (default FULL, as in production),
// BENCH_MAX_SECONDS (hard stop), BENCH_LOG_LEVEL (default silent),
// BENCH_CONV_SETUP=workspace: create a workspace, one operator ("Bench operator", team support)
// and an agent API token bound to that operator; their secrets are in the ready message.
// (Without it the file must already hold the workspace: bench/inbox.mjs seeds it.)
//
// IPC (payload-free requests, answered with a message of the same type):
//   ready   { port, pid, synchronous, writeKey?, apiToken?, workspaceId?, operatorId? }
//   cpu     { cpu: process.cpuUsage() }
//   memory  after global.gc() (start with --expose-gc; `gc: false` otherwise): memoryUsage(),
//           open fds, RLIMIT_NOFILE, live realtime connections (visitors / all)
//   errors  { errors: { realtime, background, http5xx }, samples }
//   stats   the same plus counts (rows per table: a full count, slow on a seeded 10M-row file)
//   stop    closes the app (sockets first) and the services, then exits 0
import { readdirSync, readFileSync } from 'node:fs';
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

async function settle() {
  // Two full collections with a turn of the loop between them (finalizers, weak refs).
  if (typeof global.gc !== 'function') return false;
  global.gc();
  await new Promise((r) => setTimeout(r, 50));
  global.gc();
  return true;
}

let stopping = false;
process.on('message', async (msg) => {
  try {
    if (msg?.type === 'cpu') {
      process.send({ type: 'cpu', cpu: process.cpuUsage() });
    } else if (msg?.type === 'memory') {
      const gc = await settle();
      const reg = app.realtime.registry;
      process.send({ type: 'memory', gc, memory: process.memoryUsage(), fds: openFds(), fdLimit: fdLimit(), visitors: reg.visitorCount, connections: reg.all.size });
    } else if (msg?.type === 'errors') {
      process.send({ type: 'errors', ...(await errorReport()) });
    } else if (msg?.type === 'stats') {
      process.send({ type: 'stats', counts: await counts(), ...(await errorReport()), cpu: process.cpuUsage(), memory: process.memoryUsage() });
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

process.send({ type: 'ready', port, pid: process.pid, synchronous: config.sqliteSynchronous, fdLimit: fdLimit(), ...secrets });
