// The benchmark definitions shared by bench/run.mjs and bench/profile.mjs.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { request } from 'undici';
import { promValue, runLoad, startChild } from './harness.mjs';
import { generateRequests } from './workload.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
export const SERVER = join(here, 'server.mjs');
export const BASELINE = join(here, 'baseline-server.mjs');
export const PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Children still running, so an interrupted run can kill exactly those (and nothing else). */
export const liveChildren = new Set();

export async function postgresReachable() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function pgAdmin(statement) {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** Bodies for /v1/batch (100 events each) or single-event endpoints, generated before any timing. */
export function prepare({ mode, seconds, warmupSeconds, maxEventsPerSecond, seed, customers = 100_000, batchSize = 100 }) {
  const totalEvents = Math.ceil((seconds + warmupSeconds) * maxEventsPerSecond);
  const count = mode === 'batch' ? Math.ceil(totalEvents / batchSize) : totalEvents;
  const t = performance.now();
  const g = generateRequests({ mode, count, batchSize, seed, customers, tag: `s${seed}` });
  return { ...g, mode, generationSeconds: (performance.now() - t) / 1000 };
}

/**
 * Runs one benchmark against a fresh server child.
 * kind: 'ours-sqlite' | 'ours-postgres' | 'baseline-sqlite'.
 */
export async function runBenchmark({ name, kind, workload, concurrency, seconds, warmupSeconds, execArgv = [], serverEnv = {}, log = () => {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'omotenashi-bench-'));
  let schema = null;
  const env = { ...serverEnv, BENCH_MAX_SECONDS: String(Math.ceil(seconds + warmupSeconds + 600)) };
  let script = SERVER;
  if (kind === 'ours-sqlite') env.BENCH_DATABASE_URL = `sqlite:${join(dir, 'bench.sqlite')}`;
  else if (kind === 'baseline-sqlite') {
    script = BASELINE;
    env.BENCH_SQLITE_PATH = join(dir, 'baseline.sqlite');
  } else if (kind === 'ours-postgres') {
    schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await pgAdmin(`create schema ${schema}`);
    env.BENCH_DATABASE_URL = PG_URL;
    env.BENCH_PG_SCHEMA = schema;
  } else throw new Error(`unknown kind ${kind}`);

  let server = null;
  try {
    server = await startChild(script, { env, execArgv });
    liveChildren.add(server.child);
    const origin = `http://127.0.0.1:${server.port}`;
    const headers = {
      'content-type': 'application/json',
      // BENCH_SELFTEST_BAD_KEY=1 sends a wrong write key, to check that failures are reported loudly.
      authorization: `Basic ${Buffer.from(`${process.env.BENCH_SELFTEST_BAD_KEY === '1' ? 'wk_wrong' : server.writeKey}:`).toString('base64')}`,
    };
    log(`  ${name}: server pid ${server.pid} on ${origin}; ${concurrency} in flight, ${warmupSeconds}s warm-up + ${seconds}s${server.playbooks ? `; ${server.playbooks} playbooks applied` : ''}`);
    // How busy is the machine before we start (another process competing for the 2 cores)?
    // (Excluding this process and the server child themselves.)
    const idle0 = machineBusyMs();
    const own0 = process.cpuUsage();
    const srv0 = (await server.request('cpu')).cpu;
    const idleT0 = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const srv1 = (await server.request('cpu')).cpu;
    const own1 = process.cpuUsage(own0);
    const idleWall = (performance.now() - idleT0) / 1000;
    const backgroundCores = Math.max(0, ((machineBusyMs() - idle0) / 1000 - (own1.user + own1.system) / 1e6 - (srv1.user - srv0.user + srv1.system - srv0.system) / 1e6) / idleWall);
    if (backgroundCores > 0.25) log(`  ! the machine is not idle before the run: ${backgroundCores.toFixed(2)} cores busy`);
    const cpu0 = (await server.request('cpu')).cpu;
    const wall0 = performance.now();
    const ownCpu0 = process.cpuUsage();
    const machine0 = machineBusyMs();
    const load = await runLoad({ origin, requests: workload.requests, concurrency, seconds, warmupSeconds, headers });
    const wall = (performance.now() - wall0) / 1000;
    const ownCpu = process.cpuUsage(ownCpu0);
    const machineBusy = (machineBusyMs() - machine0) / 1000;
    const cpu1 = (await server.request('cpu')).cpu;
    const serverCpuSeconds = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / 1e6;

    let metrics = null;
    if (kind !== 'baseline-sqlite') {
      const res = await request(`${origin}/metrics`);
      const text = await res.body.text();
      const flushCount = promValue(text, 'omotenashi_ingest_flush_events_count');
      metrics = {
        flushes: flushCount,
        flushEventsMean: promValue(text, 'omotenashi_ingest_flush_events_sum') / flushCount,
        flushMsMean: (promValue(text, 'omotenashi_ingest_flush_duration_seconds_sum') / promValue(text, 'omotenashi_ingest_flush_duration_seconds_count')) * 1000,
        eventsAcceptedTotal: promValue(text, 'omotenashi_events_accepted_total'),
        decisionsTotal: promValue(text, 'omotenashi_decisions_total'),
        rssBytes: promValue(text, 'process_resident_memory_bytes'),
      };
    }
    const stats = await server.request('stats', 300_000);
    const stopped = await server.stop();
    liveChildren.delete(server.child);

    // Correctness: everything acknowledged is stored, nothing else; no errors, no duplicates.
    const problems = [];
    if (load.errors > 0) problems.push(`${load.errors} failed requests (${JSON.stringify(load.statusCounts)}): ${load.errorSamples.join(' | ')}`);
    if (stats.counts.events !== load.ackedEvents) problems.push(`stored events ${stats.counts.events} != acknowledged ${load.ackedEvents}`);
    if (load.duplicates > 0) problems.push(`${load.duplicates} events reported as duplicates (every messageId is unique)`);
    if (load.suppressed > 0) problems.push(`${load.suppressed} events reported as suppressed`);
    if (stats.counts.event_dedupe !== undefined && stats.counts.event_dedupe !== load.ackedEvents) problems.push(`dedupe rows ${stats.counts.event_dedupe} != acknowledged ${load.ackedEvents}`);
    if (metrics && metrics.eventsAcceptedTotal !== load.ackedEvents) problems.push(`/metrics accepted ${metrics.eventsAcceptedTotal} != acknowledged ${load.ackedEvents}`);
    if (stopped.code !== 0) problems.push(`server exited with code ${stopped.code} signal ${stopped.signal}`);

    return {
      // Failed requests plus every failed consistency check.
      errorCount: load.errors + problems.length - (load.errors > 0 ? 1 : 0),
      name, kind, concurrency, seconds, warmupSeconds, load, metrics, counts: stats.counts, problems,
      serverCpuCores: serverCpuSeconds / wall,
      loadgenCpuCores: (ownCpu.user + ownCpu.system) / 1e6 / wall,
      // Everything busy on the machine (server + load generator + PostgreSQL + anything else).
      machineCpuCores: machineBusy / wall,
      backgroundCores,
      eventsPerServerCpuSecond: load.ackedEvents / serverCpuSeconds,
      synchronous: server.synchronous,
      playbooks: server.playbooks ?? 0,
      sqlTrace: stats.sqlTrace ?? null,
    };
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      liveChildren.delete(server.child);
    }
    if (process.env.BENCH_KEEP_DB === '1') log(`  kept the database in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    if (schema) await pgAdmin(`drop schema if exists ${schema} cascade`).catch((err) => log(`  could not drop schema ${schema}: ${err.message}`));
  }
}

/**
 * Runs a self-contained benchmark script (bench/care-eval.mjs, bench/timers.mjs) in a child
 * process and returns the `result` it sends over IPC. Its stderr (progress) is passed through.
 */
export async function runScript(script, { env = {}, execArgv = [], timeoutMs = 900_000 } = {}) {
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  liveChildren.add(child);
  try {
    return await new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn, v) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn(v);
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(reject, new Error(`${script} did not finish within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      child.on('message', (msg) => {
        if (msg?.type === 'result') finish(resolve, msg.result);
        else if (msg?.type === 'error') finish(reject, new Error(msg.message));
      });
      child.on('exit', (code, signal) => finish(reject, new Error(`${script} exited (code ${code}, signal ${signal}) without a result`)));
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    liveChildren.delete(child);
  }
}

/**
 * Cores busy on the machine over `ms`, excluding this process (children included: call it while
 * no child of ours is running) — to flag a machine that is not idle before a benchmark.
 */
export async function backgroundCores(ms = 1000) {
  const busy0 = machineBusyMs();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const own = process.cpuUsage(own0);
  const wall = (performance.now() - t0) / 1000;
  return Math.max(0, ((machineBusyMs() - busy0) / 1000 - (own.user + own.system) / 1e6) / wall);
}

/** Kills (by pid) only the server children this process started. */
export function killLiveChildren() {
  for (const c of liveChildren) {
    try {
      c.kill('SIGKILL');
    } catch { /* gone */ }
  }
  liveChildren.clear();
}

/** Busy CPU milliseconds summed over all cores since boot (user + nice + sys + irq). */
function machineBusyMs() {
  let t = 0;
  for (const c of cpus()) t += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  return t;
}
