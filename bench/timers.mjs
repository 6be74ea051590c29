// `timers.lateness.p99`: how promptly 100,000 pending durable timers fire, on SQLite.
// Runs in a child of bench/run.mjs (or alone: `node bench/timers.mjs` after `npm run build`; prints
// its result as JSON), with the server's real services on a fresh temporary SQLite file
// (synchronous=FULL, as in production) and the real TimerScheduler (default options: 2 s
// look-ahead, 250 ms polls, 5,000 timers per poll).
//
// Setup (untimed):
//  - one workspace with ONE real dwell playbook, the shape of the starter library's
//    stuck-at-payment: 60 s on /checkout/payment with something in the basket → a hint (cup 1),
//    then an invitation 2 minutes later (cup 2, a ladder timer);
//  - N customers (BENCH_TIMERS, default 100,000; 20,000 in BENCH_QUICK mode) upserted directly
//    with store.upsertCustomers: an emptyProfile whose session is on /checkout/payment (last
//    activity a minute before the run) with one item in the cart, and the care state the
//    evaluator leaves when it arms the dwell timer;
//  - their dwell timers upserted directly with store.upsertTimers, due uniformly spread over
//    [now + BENCH_TIMER_LEAD, + BENCH_TIMER_SPREAD] (default 30 s + 30 s: ~3,300 fires/s).
//  So every fire does the real work: the flush claims the timer, loads the customer, onTimer
//  re-checks the dwell and the condition, etiquette lets the payment-topic hint through, and the
//  decision, the on-site message, the next cup's ladder timer and the customer are written in
//  the group commit.
//
// Measured, per timer:
//  - handover lateness: when the scheduler handed the timer to the pipeline minus its due time
//    (the scheduler's own onLateness callback, which feeds omotenashi_timer_lateness_seconds);
//  - commit lateness: when the flush that fired it COMMITTED (decision durable) minus its due
//    time (a wrapper around ingest.fireTimers: its promise resolves after the commit).
// Checks: every timer handed over once and committed; N fired decisions stored; no timer left.
//
// Env: BENCH_TIMERS, BENCH_TIMER_LEAD / BENCH_TIMER_SPREAD (seconds), SQLITE_SYNCHRONOUS,
// BENCH_KEEP_DB=1; diagnostics: BENCH_TRACE_SQL=1 (time per SQL statement shape),
// BENCH_EXPERIMENT=sqlite-timers-by-pk (what-if SQL rewrite, see patchSqlite).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { TimerScheduler } from '../packages/server/dist/app/care/timer-scheduler.js';
import { loadConfig } from '../packages/server/dist/config/config.js';
import { emptyCareState } from '../packages/server/dist/domain/playbooks/care-state.js';
import { emptyProfile } from '../packages/server/dist/domain/profile/empty-profile.js';
import { openServices } from '../packages/server/dist/services.js';
import { percentile, promValue } from './harness.mjs';

const env = process.env;
const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
const QUICK = env.BENCH_QUICK === '1';

export const DWELL_PLAYBOOK = {
  key: 'bench-stuck-at-payment',
  name: 'Stuck at payment (timer bench)',
  priority: 90,
  purpose: 'service',
  trigger: { dwell: { page: { path: { prefix: '/checkout/payment' } }, seconds: 60 } },
  conditions: [{ fact: 'cart.itemCount', op: 'gt', value: 0 }],
  steps: [
    { action: 'hint', title: 'Need a hand with payment?', body: 'You can pay by card, bank transfer, PayPal or on delivery.' },
    { action: 'invite', after: '2m', message: "Hello! I'm here if anything about the payment step is unclear." },
  ],
  etiquette: { about: ['payment'] },
};

/**
 * BENCH_TRACE_SQL=1: wall time of every better-sqlite3 statement by SQL shape (as bench/server.mjs
 * does for ingestion), to see which statements a fire costs. Measurement only.
 * BENCH_EXPERIMENT=sqlite-timers-by-pk (what-if, NOT for reported figures): claimTimers'
 * `delete … where "workspace_id" = ? and "id" in (…)` → `+"workspace_id"`, so SQLite uses the
 * primary key instead of scanning the workspace's (workspace_id, key) index.
 */
function patchSqlite(trace, experiments) {
  if (!trace && experiments.size === 0) return null;
  const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
  const Database = require('better-sqlite3');
  const stats = new Map();
  const shape = (text) => text.replace(/\s+/g, ' ').replace(/(\(\?(, \?)*\))(, \(\?(, \?)*\))+/g, '$1, …').replace(/\?(, \?)+/g, '?, …').slice(0, 140);
  const origPrepare = Database.prototype.prepare;
  Database.prototype.prepare = function prepare(text) {
    if (experiments.has('sqlite-timers-by-pk') && text.startsWith('delete from "timers" where "workspace_id" = ? and "id" in (')) {
      text = text.replace('where "workspace_id" = ?', 'where +"workspace_id" = ?');
    }
    if (!trace) return origPrepare.call(this, text);
    const stmt = origPrepare.call(this, text);
    const key = shape(text);
    for (const m of ['all', 'run', 'get']) {
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
  return () => [...stats].map(([sql, e]) => ({ sql, ...e })).sort((a, b) => b.wallMs - a.wallMs);
}

export async function runTimers({
  count = num(env.BENCH_TIMERS, QUICK ? 20_000 : 100_000),
  leadSeconds = num(env.BENCH_TIMER_LEAD, QUICK ? 15 : 30),
  spreadSeconds = num(env.BENCH_TIMER_SPREAD, QUICK ? 15 : 30),
  log = (s) => process.stderr.write(`${s}\n`),
} = {}) {
  const experiments = new Set((env.BENCH_EXPERIMENT ?? '').split(',').map((x) => x.trim()).filter(Boolean));
  const sqlTrace = patchSqlite(env.BENCH_TRACE_SQL === '1', experiments);
  const dir = mkdtempSync(join(tmpdir(), 'omotenashi-bench-timers-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'timers.sqlite')}`,
    SQLITE_SYNCHRONOUS: env.SQLITE_SYNCHRONOUS ?? 'FULL',
    LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', DEMO: 'false',
  }, process.cwd());
  const services = await openServices(config, { geo: false, defaultMetrics: false });
  let scheduler = null;
  try {
    const { workspace } = await services.tenancy.createWorkspace('Timer bench');
    const ws = workspace.id;
    await services.playbooks.apply(ws, DWELL_PLAYBOOK, null);
    const key = DWELL_PLAYBOOK.key;

    // ---- customers ------------------------------------------------------------------------------
    const tSetup = Date.now();
    const lastActivity = tSetup - 60_000;
    const customerIds = new Array(count);
    const CHUNK = 5_000;
    for (let from = 0; from < count; from += CHUNK) {
      const rows = [];
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        const id = services.ids.next('customer');
        customerIds[i] = id;
        const profile = emptyProfile(lastActivity - 120_000);
        profile.eventCount = 3;
        profile.lastSeen = lastActivity;
        const page = { url: 'https://shop.example.jp/checkout/payment', path: '/checkout/payment', title: 'Payment', name: null, at: lastActivity };
        profile.session = { count: 1, startedAt: lastActivity - 120_000, lastActivityAt: lastActivity, pages: [page], currentPage: page };
        profile.cart = { items: [{ productId: 'P00042', sku: 'SKU-00042', name: 'Tea item 42', price: 3200, quantity: 1 }], value: 3200, currency: 'JPY', updatedAt: lastActivity - 60_000, checkoutStartedAt: lastActivity - 30_000, paymentInfoAt: null };
        profile.location.timezone = 'Asia/Tokyo';
        profile.location.timezoneSource = 'context';
        const care = emptyCareState();
        care.playbooks[key] = { timerKey: `${id}:dwell:${key}` };
        rows.push({ id, workspaceId: ws, createdAt: lastActivity, updatedAt: lastActivity, mergedInto: null, userId: null, profile, care });
      }
      await services.store.transaction((tx) => tx.upsertCustomers(rows));
    }
    const customersSeconds = (Date.now() - tSetup) / 1000;

    // ---- timers -------------------------------------------------------------------------------
    const base = Date.now() + leadSeconds * 1000;
    const spreadMs = spreadSeconds * 1000;
    const dueOf = new Map();
    for (let from = 0; from < count; from += CHUNK) {
      const rows = [];
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        const id = services.ids.next('timer');
        // Uniform over the spread, deterministic (golden-ratio sequence), whole milliseconds.
        const dueAt = base + Math.floor(((i * 0.6180339887498949) % 1) * spreadMs);
        dueOf.set(id, dueAt);
        rows.push({ id, workspaceId: ws, customerId: customerIds[i], key: `${customerIds[i]}:dwell:${key}`, kind: 'dwell', playbookKey: key, dueAt, payload: { path: '/checkout/payment' } });
      }
      await services.store.transaction((tx) => tx.upsertTimers(rows));
    }
    const setupDone = Date.now();
    const pendingAtStart = await services.store.countTimers();
    log(`  ${count} customers in ${customersSeconds.toFixed(1)}s, ${pendingAtStart} pending timers in ${((setupDone - tSetup) / 1000 - customersSeconds).toFixed(1)}s; first due in ${((base - setupDone) / 1000).toFixed(1)}s, spread over ${spreadSeconds}s (${Math.round(count / spreadSeconds)} fires/s)`);
    const problems = [];
    if (setupDone > base - 2_500) problems.push(`setup ended ${((setupDone - base) / 1000).toFixed(1)}s relative to the first due time: raise BENCH_TIMER_LEAD`);

    // ---- run ----------------------------------------------------------------------------------
    const handover = new Float64Array(count);
    let nHandover = 0;
    const commitLate = new Float64Array(count);
    let nCommit = 0;
    const handedOver = new Set();
    const committed = new Set();
    let duplicateHandovers = 0;
    let failedFires = 0;
    let fireCalls = 0;
    let lastCommit = 0;
    let done;
    const allDone = new Promise((r) => { done = r; });
    const ingest = {
      fireTimers(workspaceId, timers) {
        fireCalls++;
        for (const t of timers) {
          if (handedOver.has(t.id)) duplicateHandovers++;
          else handedOver.add(t.id);
        }
        return services.ingest.fireTimers(workspaceId, timers).then((r) => {
          const now = Date.now();
          for (const t of timers) {
            if (committed.has(t.id)) continue;
            committed.add(t.id);
            commitLate[nCommit++] = now - t.dueAt;
          }
          lastCommit = now;
          if (committed.size >= count) done();
          return r;
        }, (err) => {
          failedFires += timers.length;
          throw err;
        });
      },
    };
    // The scheduler's look-ahead query, timed (it runs on the event loop between fires).
    const pollMs = [];
    const store = Object.create(services.store);
    store.dueTimers = async (before, limit) => {
      const w0 = performance.now();
      const rows = await services.store.dueTimers(before, limit);
      pollMs.push(performance.now() - w0);
      return rows;
    };
    scheduler = new TimerScheduler(store, ingest, services.clock, {
      onLateness: (ms) => {
        if (nHandover < count) handover[nHandover++] = ms;
        services.metrics.timerLateness.observe(ms / 1000);
      },
    });
    // Each group commit's duration and size, from the observer's metric calls (measurement only).
    const flushLog = [];
    const obsMs = services.metrics.flushDuration.observe.bind(services.metrics.flushDuration);
    const obsN = services.metrics.flushEvents.observe.bind(services.metrics.flushEvents);
    services.metrics.flushDuration.observe = (v) => {
      flushLog.push({ at: Date.now(), ms: v * 1000, items: NaN });
      return obsMs(v);
    };
    services.metrics.flushEvents.observe = (v) => {
      if (flushLog.length > 0) flushLog[flushLog.length - 1].items = v;
      return obsN(v);
    };
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = Date.now();
    scheduler.start();
    const deadline = base + spreadMs + 120_000;
    const timeout = new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref());
    await Promise.race([allDone, timeout]);
    await scheduler.stop();
    scheduler = null;
    // Let in-flight fires settle.
    await services.ingest.close().catch(() => undefined);
    loopDelay.disable();
    const wall = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);

    const db = services.store.connection.db;
    const one = async (q) => Number((await q.execute(db)).rows[0].n);
    const firedDecisions = await one(sql`select count(*) as n from decisions where outcome = 'fired'`);
    const allDecisions = await one(sql`select count(*) as n from decisions`);
    const dwellLeft = await one(sql`select count(*) as n from timers where kind = 'dwell'`);
    const laddersSet = await one(sql`select count(*) as n from timers where kind = 'ladder'`);
    const metricsText = await services.metrics.registry.metrics();
    const flushes = promValue(metricsText, 'omotenashi_ingest_flush_events_count');
    const flushItems = promValue(metricsText, 'omotenashi_ingest_flush_events_sum');
    const flushMs = (promValue(metricsText, 'omotenashi_ingest_flush_duration_seconds_sum') / promValue(metricsText, 'omotenashi_ingest_flush_duration_seconds_count')) * 1000;

    if (committed.size !== count) problems.push(`${count - committed.size} of ${count} timers not fired and committed before the deadline`);
    if (duplicateHandovers > 0) problems.push(`${duplicateHandovers} timers handed over more than once`);
    if (failedFires > 0) problems.push(`${failedFires} timer fires failed`);
    if (firedDecisions !== count) problems.push(`${firedDecisions} fired decisions stored, expected ${count}`);
    if (dwellLeft !== 0) problems.push(`${dwellLeft} dwell timers left in the table`);

    const h = handover.subarray(0, nHandover).sort();
    const c = commitLate.subarray(0, nCommit).sort();
    const stats = (a) => ({ p50: percentile(a, 50), p90: percentile(a, 90), p99: percentile(a, 99), max: a.length ? a[a.length - 1] : NaN, mean: a.reduce((x, y) => x + y, 0) / (a.length || 1), early: a.filter((x) => x < 0).length });
    const result = {
      timers: count, leadSeconds, spreadSeconds, firesPerSecondPlanned: count / spreadSeconds,
      setupSeconds: (setupDone - tSetup) / 1000, customersSeconds,
      handover: stats(h), commit: stats(c),
      handedOver: handedOver.size, committed: committed.size, fireCalls, duplicateHandovers, failedFires,
      firedDecisions, allDecisions, dwellLeft, laddersSet,
      flushes, flushItemsMean: flushItems / flushes, flushMsMean: flushMs,
      firstDueToLastCommitSeconds: (lastCommit - base) / 1000,
      cpuCores: (cpu.user + cpu.system) / 1e6 / wall, eventLoopUtilization: elu.utilization,
      slowestFlushes: [...flushLog].sort((a, b) => b.ms - a.ms).slice(0, 5).map((x) => ({ ms: Math.round(x.ms), timers: x.items, atSecond: Math.round((x.at - base) / 100) / 10 })),
      polls: pollMs.length,
      pollMs: (() => { const a = Float64Array.from(pollMs).sort(); return { p50: percentile(a, 50), p99: percentile(a, 99), max: a.length ? a[a.length - 1] : NaN }; })(),
      // Group commits by duration (omotenashi_ingest_flush_duration_seconds buckets): how long the loop was blocked by each.
      flushesOver: Object.fromEntries(['0.05', '0.1', '0.25', '0.5', '1'].map((le) => [`${Number(le) * 1000}ms`, flushes - promValue(metricsText, `omotenashi_ingest_flush_duration_seconds_bucket\\{le="${le}"\\}`)])),
      // How long the event loop was blocked (timers cannot be handed over meanwhile), ms.
      loopDelay: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      synchronous: config.sqliteSynchronous,
      problems,
    };
    const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
    log(`  handover lateness p50 ${f(result.handover.p50)} / p99 ${f(result.handover.p99)} / max ${f(result.handover.max)} ms; committed (decision durable) p50 ${f(result.commit.p50)} / p99 ${f(result.commit.p99)} / max ${f(result.commit.max)} ms; ${firedDecisions} fired decisions, ${fireCalls} hand-overs, ${flushes} flushes (mean ${f(result.flushItemsMean)} timers, ${f(flushMs)} ms); CPU ${result.cpuCores.toFixed(2)} cores, event loop ${(100 * elu.utilization).toFixed(0)}% busy, loop delay p99 ${f(result.loopDelay.p99)} / max ${f(result.loopDelay.max)} ms; ${result.polls} look-ahead polls p50 ${f(result.pollMs.p50)} / max ${f(result.pollMs.max)} ms; flushes over 50/100/250 ms: ${result.flushesOver['50ms']}/${result.flushesOver['100ms']}/${result.flushesOver['250ms']}`);
    for (const p of problems) log(`  !!! ${p}`);
    if (experiments.size > 0) {
      result.experiments = [...experiments];
      log(`  !!! BENCH_EXPERIMENT=${[...experiments].join(',')}: the server's SQL was rewritten (what-if); not a figure of the product as built`);
    }
    if (sqlTrace && env.BENCH_TRACE_SQL === '1') {
      result.sqlTrace = sqlTrace().slice(0, 25);
      log('  SQL statements (whole run incl. setup):');
      for (const e of result.sqlTrace) log(`  ${e.wallMs.toFixed(0).padStart(8)} ms ${String(e.calls).padStart(7)} calls ${String(e.rows).padStart(8)} rows  ${e.sql}`);
    }
    return result;
  } finally {
    if (scheduler) await scheduler.stop().catch(() => undefined);
    await services.close().catch(() => undefined);
    if (env.BENCH_KEEP_DB === '1') log(`  kept the database in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hard = setTimeout(() => {
    process.stderr.write('[timers] hard time limit reached\n');
    process.exit(3);
  }, num(env.BENCH_MAX_SECONDS, 900) * 1000);
  hard.unref();
  runTimers()
    .then((result) => {
      if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
      else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    })
    .catch((err) => {
      process.stderr.write(`[timers] ${err?.stack ?? err}\n`);
      if (process.send) process.send({ type: 'error', message: String(err?.stack ?? err) }, () => process.exit(1));
      else process.exit(1);
    });
}
