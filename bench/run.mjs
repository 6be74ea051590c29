// `npm run bench`: ingestion benchmarks for Omotenashi.
//
// The server under test runs in a child process (bench/server.mjs; the bare baseline in
// bench/baseline-server.mjs); this process is only the load generator: an undici Pool with
// keep-alive and N requests in flight, sending request bodies generated BEFORE timing starts
// from a fixed-seed shop simulation (bench/workload.mjs).
//
// Benchmarks
//   ingest.batch.sqlite     /v1/batch, 100 events per request, SQLite (fresh temp file)
//   baseline.append.sqlite  the same bodies into a bare Fastify + better-sqlite3 append server
//   ingest.track.sqlite     one event per request to /v1/<type> (track, page, identify), SQLite
//   ingest.batch.postgres   as ingest.batch.sqlite on PostgreSQL (a fresh schema; skipped if unreachable)
//   ingest.batch.sqlite.starter  as ingest.batch.sqlite with the starter playbook library applied to the
//                           workspace (the care loop runs on every event); also decisions/s recorded
//   rules.eval.ours         the care loop's pure evaluator (onEvent) over 100 generated playbooks, one
//                           core, events/s (bench/care-eval.mjs; ratio vs json-rules-engine)
//   rules.eval.json-rules-engine  the same 100 rules and events in json-rules-engine (one Engine)
//   timers.lateness.p99     100,000 pending durable timers on SQLite fired by the real TimerScheduler:
//                           lateness p50/p99/max at hand-over and at commit (bench/timers.mjs)
// Conversations (each its own script, server in a child process: bench/conv-server.mjs)
//   inbox.list.sqlite       GET /api/v1/conversations (limit=25: open, open by operator, unassigned, pending
//                           by team, open urgent, resolved pages 1–3 via the cursor) on a seeded SQLite inbox of
//                           1,000,000 conversations / 10,000,000 messages (quick: 100,000 / 1,000,000); p50/p95/
//                           p99 per query and overall, sequential and 4 in flight; seeding time and file size;
//                           target overall p99 ≤ 25 ms (bench/inbox.mjs)
//   conversations.roundtrip 200 visitor WebSockets send 1,000 messages/s in aggregate for 20 s (quick: 5 s) to a
//                           fresh SQLite server (synchronous FULL); round trip = the operator socket's
//                           message.created − send, one clock; p50/p95/p99/max, achieved rate, lost (must be
//                           0); target p99 ≤ 20 ms (bench/roundtrip.mjs)
//   realtime.memory.20k     20,000 concurrent visitor WebSockets (quick: 2,000; fewer if the server's fd limit
//                           cannot hold them, said loudly), each hello'd (a customer created through ingestion);
//                           server heap and RSS per connection after gc; target ≤ 8 KB (bench/ws-memory.mjs,
//                           load in 2 worker processes: bench/ws-memory-client.mjs)
// Console (bench/console.mjs; headless Chromium via playwright-core, server child bench/conv-server.mjs)
//   console.inbox.interactive  on inbox.list.sqlite's seeded database (the same file when both run: seeded once), the
//                           operators' console in headless Chromium: navigation to /console/ (logged in) → the first page
//                           of conversation rows rendered and clickable; p50/p95 over 20 cold and 20 warm loads (quick: 5);
//                           initial JavaScript gzipped; targets p95 ≤ 1,000 ms (cold) and ≤ 300 KB gz
//
// Env
//   BENCH_SECONDS        measured seconds of the main run (ingest.batch.sqlite); default 60
//   BENCH_OTHER_SECONDS  measured seconds of the others; default min(20, BENCH_SECONDS)
//   BENCH_QUICK=1        smoke mode: 5 s each, 1 s warm-up
//   BENCH_WARMUP         warm-up seconds before measuring (default 3; 1 in quick mode)
//   BENCH_ONLY           comma-separated benchmark names to run
//   BENCH_SEED           PRNG seed (default 20240501)
//   BENCH_BATCH_CONCURRENCY / BENCH_TRACK_CONCURRENCY   requests in flight (default 32 / 64)
//   BENCH_MAX_EPS_BATCH / BENCH_MAX_EPS_BASELINE / BENCH_MAX_EPS_TRACK  events/s the pre-generated
//                        pool is sized for (default 40,000 / 100,000 / 16,000); the /v1/batch pool is
//                        shared (each run starts from its first body on a fresh database) and sized
//                        for the most demanding run. A run that uses them all ends early and says so.
//   SQLITE_SYNCHRONOUS   passed to both SQLite servers (default FULL, the production default)
//   BENCH_PG_URL         PostgreSQL (default postgres://postgres@127.0.0.1:5432/test)
//   BENCH_EVAL_SECONDS   measured seconds per engine of rules.eval.* (default 10; 3 in quick mode);
//                        BENCH_EVAL_POOL / BENCH_EVAL_WARM / BENCH_EVAL_PROFILE=1, see bench/care-eval.mjs
//   BENCH_TIMERS         pending timers of timers.lateness (default 100,000; 20,000 in quick mode);
//                        BENCH_TIMER_LEAD / BENCH_TIMER_SPREAD, see bench/timers.mjs
//   BENCH_INBOX_DB=PATH  inbox.list.sqlite: seeded-file cache (reused when it holds a complete seed of the same
//                        sizes, seed and migrations, else seeded there and kept); BENCH_INBOX_CONVERSATIONS /
//                        _MESSAGES / _REQUESTS / _WARMUP, see bench/inbox.mjs; console.inbox.interactive uses the same file
//   BENCH_CONSOLE_LOADS  console.inbox.interactive: measured loads, cold and warm each (default 20; 5 quick)
//   BENCH_RT_VISITORS / BENCH_RT_RATE / BENCH_RT_SECONDS / BENCH_RT_WARMUP / BENCH_RT_DRAIN_SECONDS
//                        conversations.roundtrip (200 / 1,000 / 20 / 2 / 180), see bench/roundtrip.mjs
//   BENCH_WSM_CONNECTIONS / BENCH_WSM_HANDSHAKES / BENCH_WSM_WORKERS   realtime.memory.20k (20,000 / 500 / 2)
//   BENCH_CONV_PROFILE=1 CPU profile (node --cpu-prof) of the conversation benchmarks' server child, summarised
//                        in the log (diagnostics; slows the server down)
//   BENCH_LOG_LEVEL      Fastify request logging in our server (default silent)
//   BENCH_KEEP_DB=1      keep each run's SQLite file (path is logged) for inspection; inbox.list.sqlite keeps
//                        its seeded file in the OS temp dir and reuses it on the next run
//   Diagnostics (not for reported figures): BENCH_TRACE_SQL=1 (per-statement timing, see
//   bench/server.mjs and bench/conv-server.mjs), BENCH_EXPERIMENT=… (what-if SQL rewrites, and
//   writer-defer for conversations.roundtrip, see bench/conv-server.mjs; flagged loudly in the output),
//   BENCH_SELFTEST_BAD_KEY=1 (wrong write key: checks that failures are reported).
//   CPU profile of the server: `node bench/profile.mjs` (see its header).
//
// Output: bench/results/latest.json (array of { name, value, unit, baseline?, ratio?, target?, status?, notes? }),
// bench/results/latest.txt (the table below, with notes). Exit code 1 if any benchmark had errors.
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backgroundCores, killLiveChildren, postgresReachable, prepare, runBenchmark, runScript } from './suite.mjs';

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
const MAIN_SECONDS = QUICK ? num(env.BENCH_SECONDS, 5) : num(env.BENCH_SECONDS, 60);
const OTHER_SECONDS = num(env.BENCH_OTHER_SECONDS, QUICK ? 5 : Math.min(20, MAIN_SECONDS));
const WARMUP = num(env.BENCH_WARMUP, QUICK ? 1 : 3);
const SEED = num(env.BENCH_SEED, 20240501);
const BATCH_CONC = num(env.BENCH_BATCH_CONCURRENCY, 32);
const TRACK_CONC = num(env.BENCH_TRACK_CONCURRENCY, 64);
const MAX_EPS_BATCH = num(env.BENCH_MAX_EPS_BATCH, 40_000);
const MAX_EPS_BASELINE = num(env.BENCH_MAX_EPS_BASELINE, 100_000);
const MAX_EPS_TRACK = num(env.BENCH_MAX_EPS_TRACK, 16_000);
const ONLY = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const want = (name) => !ONLY || ONLY.has(name);

const TARGETS = {
  'ingest.batch.sqlite': { min: 20_000, text: '≥ 20,000 ev/s' },
  'ingest.track.sqlite': { min: 8_000, text: '≥ 8,000 ev/s' },
  'ingest.batch.sqlite.ratio': { min: 0.4, text: '≥ 0.4 × baseline' },
  'ingest.batch.sqlite.starter': { min: 15_000, text: '≥ 15,000 ev/s' },
  'rules.eval.ours': { min: 200_000, text: '≥ 200,000 ev/s' },
  'rules.eval.ratio': { min: 20, text: '≥ 20 × json-rules-engine' },
  'timers.lateness.p99': { max: 100, text: '≤ 100 ms' },
};
const EVAL_SECONDS = num(env.BENCH_EVAL_SECONDS, QUICK ? 3 : 10);
const TIMER_SECONDS = QUICK ? 30 : 60; // lead + spread, see bench/timers.mjs
const here = fileURLToPath(new URL('./', import.meta.url));

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });

const log = (s) => process.stderr.write(`${s}\n`);
const plan = [
  ['ingest.batch.sqlite', MAIN_SECONDS],
  ['baseline.append.sqlite', OTHER_SECONDS],
  ['ingest.track.sqlite', OTHER_SECONDS],
  ['ingest.batch.postgres', OTHER_SECONDS],
  ['ingest.batch.sqlite.starter', OTHER_SECONDS],
].filter(([n]) => want(n));
const wantEval = want('rules.eval.ours') || want('rules.eval.json-rules-engine');
const wantTimers = want('timers.lateness.p99');
// Conversation benchmarks: [name, script, hard time limit in seconds].
const CONV = [
  ['inbox.list.sqlite', 'inbox.mjs', QUICK ? 900 : 3600],
  ['conversations.roundtrip', 'roundtrip.mjs', 900],
  ['realtime.memory.20k', 'ws-memory.mjs', 1800],
  ['console.inbox.interactive', 'console.mjs', QUICK ? 900 : 3600],
].filter(([n]) => want(n));
// inbox.list.sqlite and console.inbox.interactive read the same seeded inbox: without a cache path of the
// user's own (BENCH_INBOX_DB / BENCH_KEEP_DB), both get one temp file, seeded by the first and deleted at the end.
const sharedInboxDb = CONV.filter(([n]) => n === 'inbox.list.sqlite' || n === 'console.inbox.interactive').length === 2 && !env.BENCH_INBOX_DB && env.BENCH_KEEP_DB !== '1'
  ? join(mkdtempSync(join(tmpdir(), 'omotenashi-bench-shared-')), 'inbox.sqlite') : null;
// Deleted on every way out (the end, the hard limit's and a signal's process.exit): the full-size file is gigabytes.
if (sharedInboxDb) process.on('exit', () => rmSync(dirname(sharedInboxDb), { recursive: true, force: true }));

// Everything below is bounded: a hard limit on the whole run.
const budget = plan.reduce((a, [, s]) => a + s + WARMUP, 0) + (wantEval ? 2 * EVAL_SECONDS + 300 : 0) + (wantTimers ? TIMER_SECONDS + 400 : 0)
  + CONV.reduce((a, [, , t]) => a + t, 0) + 900;
const hardLimit = setTimeout(() => {
  log(`[bench] hard time limit of ${budget}s reached; stopping`);
  killLiveChildren();
  process.exit(2);
}, budget * 1000);
hardLimit.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killLiveChildren();
    process.exit(130);
  });
}

const runs = {};
const notes = [];
const skipped = {};

let batchWorkload = null;
const batchNames = ['ingest.batch.sqlite', 'baseline.append.sqlite', 'ingest.batch.postgres', 'ingest.batch.sqlite.starter'].filter(want);
if (batchNames.length > 0) {
  const eps = (n) => (n === 'baseline.append.sqlite' ? MAX_EPS_BASELINE : MAX_EPS_BATCH);
  const need = Math.max(...plan.filter(([n]) => batchNames.includes(n)).map(([n, s]) => (s + WARMUP) * eps(n)));
  log(`[bench] generating /v1/batch bodies for ${need} events (seed ${SEED})…`);
  batchWorkload = prepare({ mode: 'batch', seconds: need / MAX_EPS_BATCH - WARMUP, warmupSeconds: WARMUP, maxEventsPerSecond: MAX_EPS_BATCH, seed: SEED });
  log(`[bench]   ${batchWorkload.requests.length} bodies, ${batchWorkload.stats.events} events, ${(batchWorkload.bytes / 1e6).toFixed(0)} MB in ${batchWorkload.generationSeconds.toFixed(1)}s`);
}

const care = { eval: null, timers: null, errors: {} };
const conv = { results: [], errors: {} };

async function one(name, seconds, kind, workload, concurrency, serverEnv = {}) {
  log(`[bench] ${name}`);
  const r = await runBenchmark({ name, kind, workload, concurrency, seconds, warmupSeconds: WARMUP, serverEnv, log });
  runs[name] = r;
  const l = r.load;
  log(`  → ${fmt(l.eventsPerSecond, 0)} ev/s, p50 ${fmt(l.p50, 1)} ms, p99 ${fmt(l.p99, 1)} ms, ${l.errors} errors, server CPU ${fmt(r.serverCpuCores, 2)} cores${r.metrics ? `, flush mean ${fmt(r.metrics.flushEventsMean, 0)} ev / ${fmt(r.metrics.flushMsMean, 1)} ms` : ''}`);
  if (l.exhausted) log(`  ! the pre-generated requests ran out after ${fmt(l.windowSeconds, 1)}s of measurement; the rate is a lower bound`);
  for (const p of r.problems) log(`  !!! ${p}`);
}

try {
  if (want('ingest.batch.sqlite')) await one('ingest.batch.sqlite', MAIN_SECONDS, 'ours-sqlite', batchWorkload, BATCH_CONC);
  if (want('baseline.append.sqlite')) await one('baseline.append.sqlite', OTHER_SECONDS, 'baseline-sqlite', batchWorkload, BATCH_CONC);
  if (want('ingest.track.sqlite')) {
    log(`[bench] generating single-event bodies for ${OTHER_SECONDS + WARMUP}s at up to ${MAX_EPS_TRACK} ev/s…`);
    const w = prepare({ mode: 'single', seconds: OTHER_SECONDS, warmupSeconds: WARMUP, maxEventsPerSecond: MAX_EPS_TRACK, seed: SEED });
    log(`[bench]   ${w.requests.length} bodies, ${(w.bytes / 1e6).toFixed(0)} MB in ${w.generationSeconds.toFixed(1)}s`);
    await one('ingest.track.sqlite', OTHER_SECONDS, 'ours-sqlite', w, TRACK_CONC);
  }
  if (want('ingest.batch.postgres')) {
    const pgOk = await postgresReachable();
    if (pgOk.ok) await one('ingest.batch.postgres', OTHER_SECONDS, 'ours-postgres', batchWorkload, BATCH_CONC);
    else {
      skipped['ingest.batch.postgres'] = `PostgreSQL unreachable (${pgOk.reason})`;
      log(`[bench] ingest.batch.postgres skipped: ${skipped['ingest.batch.postgres']}`);
    }
  }
  if (want('ingest.batch.sqlite.starter')) await one('ingest.batch.sqlite.starter', OTHER_SECONDS, 'ours-sqlite', batchWorkload, BATCH_CONC, { BENCH_STARTER: '1' });
  if (wantEval) {
    const only = want('rules.eval.ours') && want('rules.eval.json-rules-engine') ? '' : want('rules.eval.ours') ? 'ours' : 'jre';
    const bg = await backgroundCores();
    log(`[bench] rules.eval (${EVAL_SECONDS}s per engine, one core${bg > 0.25 ? `; !!! machine not idle: ${bg.toFixed(2)} cores busy` : ''})`);
    try {
      care.eval = await runScript(join(here, 'care-eval.mjs'), { env: { BENCH_EVAL_SECONDS: String(EVAL_SECONDS), BENCH_EVAL_ONLY: only, BENCH_SEED: String(SEED) }, timeoutMs: (2 * EVAL_SECONDS + 600) * 1000 });
      care.eval.backgroundCores = bg;
    } catch (err) {
      care.errors['rules.eval'] = err.message;
      log(`  !!! rules.eval failed: ${err.message}`);
    }
  }
  if (wantTimers) {
    const bg = await backgroundCores();
    log(`[bench] timers.lateness${bg > 0.25 ? ` (!!! machine not idle: ${bg.toFixed(2)} cores busy)` : ''}`);
    try {
      care.timers = await runScript(join(here, 'timers.mjs'), { timeoutMs: (TIMER_SECONDS + 600) * 1000 });
      care.timers.backgroundCores = bg;
    } catch (err) {
      care.errors['timers.lateness'] = err.message;
      log(`  !!! timers.lateness failed: ${err.message}`);
    }
  }
  for (const [name, script, limit] of CONV) {
    const bg = await backgroundCores();
    log(`[bench] ${name}${bg > 0.25 ? ` (!!! machine not idle: ${bg.toFixed(2)} cores busy)` : ''}`);
    try {
      const r = await runScript(join(here, script), { env: { BENCH_MAX_SECONDS: String(limit), ...(sharedInboxDb ? { BENCH_INBOX_DB: sharedInboxDb } : {}) }, timeoutMs: (limit + 60) * 1000 });
      r.backgroundCores = bg;
      if (bg > 0.25) r.notes.push(`  !!! the machine was not idle before ${name} (${bg.toFixed(2)} cores busy): figures are pessimistic.`);
      conv.results.push(r);
    } catch (err) {
      conv.errors[name] = err.message;
      log(`  !!! ${name} failed: ${err.message}`);
    }
  }
} catch (err) {
  killLiveChildren();
  log(`[bench] FAILED: ${err?.stack ?? err}`);
  process.exitCode = 1;
}

// ---- results ---------------------------------------------------------------------------------
const results = [];
const add = (name, value, unit, extra = {}) => results.push({ name, value: round(value), unit, ...extra });
for (const [name, r] of Object.entries(runs)) {
  const l = r.load;
  const extra = {};
  if (name === 'ingest.batch.sqlite' && runs['baseline.append.sqlite']) {
    const b = runs['baseline.append.sqlite'].load.eventsPerSecond;
    extra.baseline = { name: 'baseline.append.sqlite', value: round(b) };
    extra.ratio = round(l.eventsPerSecond / b, 3);
  }
  add(name, l.eventsPerSecond, 'events/s', extra);
  add(`${name}.p50`, l.p50, 'ms');
  add(`${name}.p99`, l.p99, 'ms');
  add(`${name}.errors`, r.errorCount, 'count');
  add(`${name}.server_cpu`, r.serverCpuCores, 'cores');
  add(`${name}.events_per_cpu_second`, r.eventsPerServerCpuSecond, 'events/cpu-s');
  if (r.metrics) {
    add(`${name}.flush_events_mean`, r.metrics.flushEventsMean, 'events');
    add(`${name}.flush_ms_mean`, r.metrics.flushMsMean, 'ms');
  }
  if (r.playbooks > 0) {
    // Decisions recorded (rows in the decisions table) per acknowledged event, at the measured rate.
    const perEvent = r.counts.decisions / Math.max(1, r.load.ackedEvents);
    add(`${name}.decisions_per_second`, perEvent * l.eventsPerSecond, 'decisions/s');
    add(`${name}.decisions`, r.counts.decisions, 'count');
    add(`${name}.timers_pending`, r.counts.timers, 'count');
  }
}
const ev = care.eval;
if (ev?.ours) {
  const extra = ev.jre ? { baseline: { name: 'rules.eval.json-rules-engine', value: round(ev.jre.eventsPerSecond) }, ratio: round(ev.ratio, 2) } : {};
  add('rules.eval.ours', ev.ours.eventsPerSecond, 'events/s', extra);
  add('rules.eval.ours.ns_per_event', ev.ours.nsPerEvent, 'ns');
  add('rules.eval.ours.decisions_per_event', ev.ours.decisionsPerPass / ev.poolEvents, 'decisions/event', {});
  add('rules.eval.ours.mismatched_passes', ev.ours.mismatchedPasses, 'count');
}
if (ev?.jre) {
  add('rules.eval.json-rules-engine', ev.jre.eventsPerSecond, 'events/s');
  add('rules.eval.json-rules-engine.ns_per_event', ev.jre.nsPerEvent, 'ns');
}
if (ev?.verification) {
  add('rules.eval.verification.events_differ', ev.verification.eventsDiffer, 'count');
  add('rules.eval.verification.only_ours', ev.verification.onlyOurs, 'count');
  add('rules.eval.verification.only_json_rules_engine', ev.verification.onlyJre, 'count');
}
const tm = care.timers;
if (tm) {
  add('timers.lateness.p99', tm.handover.p99, 'ms');
  add('timers.lateness.p50', tm.handover.p50, 'ms');
  add('timers.lateness.max', tm.handover.max, 'ms');
  add('timers.commit_lateness.p50', tm.commit.p50, 'ms');
  add('timers.commit_lateness.p99', tm.commit.p99, 'ms');
  add('timers.commit_lateness.max', tm.commit.max, 'ms');
  add('timers.errors', tm.problems.length, 'count');
}
// Conversation benchmarks return their entries ready-made ({ name, value, unit, target?, status?, notes? }).
for (const r of conv.results) results.push(...r.entries);
for (const name of Object.keys(conv.errors)) results.push({ name: `${name}.errors`, value: 1, unit: 'count', notes: conv.errors[name].split('\n')[0].slice(0, 300) });
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);

// ---- table -----------------------------------------------------------------------------------
const rows = [['benchmark', 'events/s', 'p50 ms', 'p99 ms', 'errors', 'srv CPU', 'flush mean', 'target', 'status']];
const status = {};
for (const [name, r] of Object.entries(runs)) {
  const l = r.load;
  const t = TARGETS[name];
  let s = r.problems.length > 0 ? 'ERRORS' : l.exhausted ? 'ok (pool ran out)' : 'ok';
  if (t && r.problems.length === 0) s = l.eventsPerSecond >= t.min ? 'PASS' : 'BELOW TARGET';
  status[name] = s;
  rows.push([
    name, fmt(l.eventsPerSecond, 0), fmt(l.p50, 1), fmt(l.p99, 1), String(r.errorCount),
    `${fmt(r.serverCpuCores, 2)} cores`, r.metrics ? `${fmt(r.metrics.flushEventsMean, 0)} ev / ${fmt(r.metrics.flushMsMean, 1)} ms` : '-', t?.text ?? '-', s,
  ]);
}
for (const [name, why] of Object.entries(skipped)) rows.push([name, '-', '-', '-', '-', '-', '-', '-', `SKIPPED: ${why}`]);
const ratioRow = results.find((r) => r.name === 'ingest.batch.sqlite' && r.ratio !== undefined);
if (ratioRow) {
  rows.push(['ratio ours/baseline', fmt(ratioRow.ratio, 3), '', '', '', '', '', TARGETS['ingest.batch.sqlite.ratio'].text, ratioRow.ratio >= 0.4 ? 'PASS' : 'BELOW TARGET']);
}

const starterRow = results.find((r) => r.name === 'ingest.batch.sqlite.starter.decisions_per_second');
if (starterRow) rows.push(['  decisions recorded/s', fmt(starterRow.value, 0), '', '', '', '', '', '-', '']);

// Care loop benchmarks (not HTTP): their own table.
const careRows = [['benchmark', 'value', 'detail', 'target', 'status']];
if (ev?.ours) {
  const t = TARGETS['rules.eval.ours'];
  careRows.push(['rules.eval.ours', `${fmt(ev.ours.eventsPerSecond, 0)} ev/s`, `${fmt(ev.ours.nsPerEvent / 1000, 2)} µs/event, ${fmt(ev.ours.decisionsPerPass / ev.poolEvents, 3)} decisions/event, ${fmt(ev.ours.cpuCores, 2)} cores`, t.text, ev.ours.mismatchedPasses ? 'ERRORS' : ev.ours.eventsPerSecond >= t.min ? 'PASS' : 'BELOW TARGET']);
}
if (ev?.jre) careRows.push(['rules.eval.json-rules-engine', `${fmt(ev.jre.eventsPerSecond, 0)} ev/s`, `${fmt(ev.jre.nsPerEvent / 1000, 1)} µs/event, json-rules-engine ${ev.jre.version}`, '-', 'ok']);
if (ev?.ours && ev?.jre) careRows.push(['  ratio ours/json-rules-engine', `${fmt(ev.ratio, 1)} ×`, '', TARGETS['rules.eval.ratio'].text, ev.ratio >= TARGETS['rules.eval.ratio'].min ? 'PASS' : 'BELOW TARGET']);
if (ev?.verification) {
  const v = ev.verification;
  careRows.push(['  agreement (matched rules)', `${v.events - v.eventsDiffer}/${v.events} events`, `ours ${v.oursMatches} matches, JRE ${v.jreMatches}; ${v.onlyOurs} only ours, ${v.onlyJre} only JRE`, 'all agree', v.eventsDiffer === 0 ? 'PASS' : 'DISAGREE']);
}
if (tm) {
  const t = TARGETS['timers.lateness.p99'];
  careRows.push(['timers.lateness.p99', `${fmt(tm.handover.p99, 1)} ms`, `hand-over p50 ${fmt(tm.handover.p50, 1)} / max ${fmt(tm.handover.max, 1)} ms; ${fmt(tm.timers, 0)} timers over ${tm.spreadSeconds}s`, t.text, tm.problems.length ? 'ERRORS' : tm.handover.p99 <= t.max ? 'PASS' : 'ABOVE TARGET']);
  careRows.push(['  committed (decision durable)', `${fmt(tm.commit.p99, 1)} ms`, `p50 ${fmt(tm.commit.p50, 1)} / max ${fmt(tm.commit.max, 1)} ms; ${fmt(tm.firedDecisions, 0)} fired decisions`, '-', '']);
}
for (const [name, why] of Object.entries(care.errors)) careRows.push([name, '-', why.split('\n')[0].slice(0, 80), '-', 'ERRORS']);

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 || i >= 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const dirty = execSync('git status --porcelain -- packages', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  if (dirty) commit += ' (+ uncommitted changes)';
} catch { /* not a git checkout */ }

const out = [];
out.push(`Omotenashi benchmarks — ${new Date().toISOString()}`);
out.push(`commit ${commit}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
out.push(`seed ${SEED}; warm-up ${WARMUP}s; measured ${MAIN_SECONDS}s (main) / ${OTHER_SECONDS}s (others)${QUICK ? '; QUICK smoke mode' : ''}`);
out.push('');
if (rows.length > 1) {
  out.push(line(rows[0]));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('');
}
if (careRows.length > 1) {
  const cw = careRows[0].map((_, i) => Math.max(...careRows.map((r) => r[i].length)));
  const cline = (r) => r.map((c, i) => (i === 1 ? c.padStart(cw[i]) : c.padEnd(cw[i]))).join('  ').trimEnd();
  out.push(cline(careRows[0]));
  out.push(cw.map((w) => '-'.repeat(w)).join('  '));
  for (const r of careRows.slice(1)) out.push(cline(r));
  out.push('');
}
// Conversation benchmarks: their own table (rows made by each script).
const convRows = [['benchmark', 'value', 'detail', 'target', 'status'], ...conv.results.flatMap((r) => r.rows)];
for (const [name, why] of Object.entries(conv.errors)) convRows.push([name, '-', why.split('\n')[0].slice(0, 100), '-', 'ERRORS']);
if (convRows.length > 1) {
  const vw = convRows[0].map((_, i) => Math.max(...convRows.map((r) => r[i].length)));
  const vline = (r) => r.map((c, i) => (i === 1 ? c.padStart(vw[i]) : c.padEnd(vw[i]))).join('  ').trimEnd();
  out.push(vline(convRows[0]));
  out.push(vw.map((w) => '-'.repeat(w)).join('  '));
  for (const r of convRows.slice(1)) out.push(vline(r));
  out.push('');
}
out.push('Notes');
if (plan.length > 0) {
  out.push(`- SQLite runs use synchronous=${env.SQLITE_SYNCHRONOUS ?? 'FULL'} with WAL for BOTH our server and the baseline (FULL is our production default: every commit is fsynced before the 2xx).`);
  out.push(`- Load: undici Pool, keep-alive, closed loop; /v1/batch with ${BATCH_CONC} requests in flight (100 events each), single events with ${TRACK_CONC} in flight. Bodies pre-generated; only requests completing after the warm-up count.`);
  out.push('- ingest.track.sqlite sends each event of the same mix to its own endpoint: /v1/page, /v1/track or /v1/identify.');
  out.push('- baseline.append.sqlite: Fastify + better-sqlite3, JSON.parse, one INSERT (rowid, JSON text) per event, ONE transaction (one fsync) per request, no other logic. Our server group-commits across requests.');
  out.push('- "srv CPU" is the server process\'s user+system CPU time divided by wall time (2 cores shared with the load generator and PostgreSQL).');
  out.push('- "flush mean" is from our /metrics: events per group commit and time per group commit.');
}
if (batchWorkload) {
  const s = batchWorkload.stats;
  const mix = Object.entries(s.byKind).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${((100 * v) / s.events).toFixed(1)}%`).join(', ');
  out.push(`- Workload (pre-generated pool, ${s.events} events, ${Math.round(batchWorkload.bytes / s.events)} bytes/event as JSON): ${mix}. ${s.sessions} sessions, ${s.newDevices} devices (anonymousIds), ${s.identifies} identifies, over 100,000 customers.`);
}
for (const [name, r] of Object.entries(runs)) {
  const c = r.counts;
  const extra = c.customers !== undefined ? `; customers ${c.customers} (${c.customers_live} live), identities ${c.identities}, merges ${c.merges}, trait changes ${c.trait_changes}` : '';
  out.push(`- ${name}: ${r.load.ackedEvents} events acknowledged, ${c.events} stored${extra}; ${r.load.sent} requests in ${fmt(r.load.windowSeconds, 1)}s measured; ${fmt(r.eventsPerServerCpuSecond, 0)} events per server CPU-second; load generator used ${fmt(r.loadgenCpuCores, 2)} cores; whole machine ${fmt(r.machineCpuCores, 2)} of ${cpus().length} cores busy (${fmt(r.backgroundCores, 2)} busy just before the run${r.backgroundCores > 0.25 ? ' — NOT IDLE: another process competed for CPU, figures are pessimistic' : ''}).${r.load.exhausted ? ' The pre-generated pool ran out early: the rate is a lower bound (raise BENCH_MAX_EPS_*).' : ''}`);
  const ps = r.load.perSecond;
  if (ps.length >= 10) {
    const w = ps.length >= 40 ? 10 : 5;
    const parts = [];
    for (let i = 0; i + w <= ps.length; i += w) parts.push(fmt(ps.slice(i, i + w).reduce((a, b) => a + b, 0) / w, 0));
    out.push(`  throughput per ${w}s window over the run: ${parts.join(' → ')} ev/s`);
  }
  for (const p of r.problems) out.push(`  !!! ERROR: ${p}`);
}
if (runs['ingest.batch.sqlite.starter']) {
  const r = runs['ingest.batch.sqlite.starter'];
  const plain = runs['ingest.batch.sqlite'];
  if (plain) out.push(`- care loop cost at ingestion: ingest.batch.sqlite.starter / ingest.batch.sqlite = ${fmt(r.load.eventsPerSecond / plain.load.eventsPerSecond, 3)} (events/s), ${fmt(r.eventsPerServerCpuSecond / plain.eventsPerServerCpuSecond, 3)} (events per server CPU-second).`);
  out.push(`- ingest.batch.sqlite.starter: ${r.playbooks} starter playbooks applied; ${r.counts.decisions} decisions recorded (${fmt((1000 * r.counts.decisions) / Math.max(1, r.load.ackedEvents), 2)} per 1,000 events; decisions/s = that × the measured events/s), ${r.counts.timers} timers pending at the end (none fire during the run: the scheduler is not started).`);
}
if (ev) {
  out.push(`- rules.eval: ${ev.playbooks} generated playbooks (${Object.entries(ev.mix).map(([k, v]) => `${v} ${k}`).join(', ')}; ${ev.conditionLeaves} condition leaves), compiled once with playbookSet; DEFAULT_ETIQUETTE. Pool of ${ev.poolEvents} workload events (${ev.poolCustomers} customers) after ${ev.warmEvents} warm-up events that built the profiles and care state; per event ${fmt(ev.candidatesPerEvent, 1)} index candidates + ${ev.statefulPerEvent} stateful (threshold) playbooks; ${ev.referenceDecisions} decisions per pass over the pool (${ev.referenceFired} fired; ${Object.entries(ev.byOutcome).map(([k, v]) => `${k} ${v}`).join(', ')}).`);
  if (ev.ours) out.push(`  ours: single thread, onEvent per event with care state restored (untimed) before each of ${ev.ours.passes} passes; pass rates ${fmt(ev.ours.passRateMin, 0)}–${fmt(ev.ours.passRateMax, 0)} ev/s (median ${fmt(ev.ours.passRateMedian, 0)}). Care state per pool customer: ${fmt(ev.careStats.memoriesPerCustomer, 1)} playbook memories, ${fmt(ev.careStats.emptyMemoriesPerCustomer, 1)} of them empty, ${fmt(ev.careStats.jsonBytesPerCustomer, 0)} bytes as JSON.`);
  if (ev.jre) out.push(`  json-rules-engine ${ev.jre.version}: one Engine with the same 100 rules (trigger conditions at priority 10 so failed triggers short-circuit), \`await engine.run(facts)\` per event with ALL facts pre-computed before timing (ours computes them inside its loop), incl. state JRE cannot keep (repetition hit counts, previous cart.value) taken from our care state.`);
  if (ev.backgroundCores > 0.25) out.push(`  !!! the machine was not idle before rules.eval (${fmt(ev.backgroundCores, 2)} cores busy): figures are pessimistic.`);
  for (const s of ev.verification?.samples ?? []) out.push(`  !!! disagreement on pool event #${s.index} (${s.type} ${s.name ?? ''}): only ours ${JSON.stringify(s.onlyOurs)}, only JRE ${JSON.stringify(s.onlyJre)}`);
}
if (tm) {
  out.push(`- timers.lateness: ${fmt(tm.timers, 0)} dwell timers due over ${tm.spreadSeconds}s (from ${tm.leadSeconds}s after setup; ${fmt(tm.firesPerSecondPlanned, 0)} fires/s), each for its own customer, one real dwell playbook (hint + a 2-minute ladder step): every fire is evaluated and writes a decision, an on-site message, a ladder timer and the customer. SQLite synchronous=${tm.synchronous}. Hand-over = when TimerScheduler passed the timer to the pipeline (its onLateness, i.e. omotenashi_timer_lateness_seconds); committed = when that flush committed. ${fmt(tm.fireCalls, 0)} hand-overs, ${fmt(tm.flushes, 0)} flushes (mean ${fmt(tm.flushItemsMean, 1)} timers, ${fmt(tm.flushMsMean, 1)} ms); process CPU ${fmt(tm.cpuCores, 2)} cores, event loop ${fmt(100 * tm.eventLoopUtilization, 0)}% busy, loop delay p99 ${fmt(tm.loopDelay.p99, 1)} / max ${fmt(tm.loopDelay.max, 1)} ms (a flush blocks the loop: SQLite calls are synchronous); flushes over 100 ms: ${tm.flushesOver['100ms']}; slowest ${tm.slowestFlushes.map((x) => `${x.ms} ms/${x.timers} timers`).join(', ')}; look-ahead polls p50 ${fmt(tm.pollMs.p50, 1)} / max ${fmt(tm.pollMs.max, 1)} ms; setup ${fmt(tm.setupSeconds, 1)}s.${tm.backgroundCores > 0.25 ? ` !!! machine not idle before the run (${fmt(tm.backgroundCores, 2)} cores busy).` : ''}`);
  for (const p of tm.problems) out.push(`  !!! ERROR: ${p}`);
}
for (const r of conv.results) for (const n of r.notes) out.push(n.startsWith('  ') ? n : `- ${n}`);
if (conv.results.length > 0) out.push('- Conversation benchmarks: the server runs in its own process (bench/conv-server.mjs) and shares the machine\'s cores with the load generator; figures on a busy machine are pessimistic (the run checks for background load first).');
if (env.BENCH_EXPERIMENT) out.push(`- !!! BENCH_EXPERIMENT=${env.BENCH_EXPERIMENT} was set: the server's SQL was rewritten on the fly (what-if). These are NOT figures of the product as built.`);
for (const n of notes) out.push(`- ${n}`);
const text = `${out.join('\n')}\n`;
writeFileSync(join(resultsDir, 'latest.txt'), text);
process.stdout.write(text);

const anyErrors = Object.values(runs).some((r) => r.problems.length > 0) || Object.keys(care.errors).length > 0 || (tm?.problems.length ?? 0) > 0
  || Object.keys(conv.errors).length > 0 || conv.results.some((r) => r.problems.length > 0)
  || (ev?.ours?.mismatchedPasses ?? 0) > 0 || (ev?.verification?.eventsDiffer ?? 0) > 0;
if (anyErrors) {
  process.stdout.write('\n!!! SOME BENCHMARKS HAD ERRORS — their figures are not valid. See above. !!!\n');
  process.exitCode = 1;
}

function round(v, digits = 2) {
  if (!Number.isFinite(v)) return v === undefined ? null : Number.isNaN(v) ? null : v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
function fmt(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
