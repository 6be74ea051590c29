// `realtime.memory.20k`: server memory per open visitor WebSocket.
// Runs in a child of bench/run.mjs (or alone: `node bench/ws-memory.mjs` after `npm run build`;
// prints its result as JSON).
//
// The server (bench/conv-server.mjs, a child process started with --expose-gc) runs on a fresh
// temporary SQLite file (synchronous=FULL) with one workspace. The visitors are held by 2 load
// worker processes (bench/ws-memory-client.mjs), half each, opening at most
// BENCH_WSM_HANDSHAKES handshakes at a time in total (default 500) from loopback source
// addresses 127.0.0.1–4 in turn. Each visitor connects to /v1/realtime, sends hello with its
// own anonymousId and waits for welcome; every hello creates a customer through the ingestion
// pipeline (one identify event): that is part of the real cost, nothing is pre-created. Open
// sockets ping every 25 s, as the client package does.
//
//  1. warm-up: 200 visitors opened and closed (code paths compiled, statement cache filled);
//  2. "before": the server's heapUsed / heapTotal / RSS / external after global.gc() (asked over
//     IPC), sampled every 2 s until V8's committed heap and RSS have not moved for 10 s (V8 shrinks
//     its heap lazily, seconds after a burst; at most 60 s);
//  3. BENCH_WSM_CONNECTIONS visitors opened (default 20,000; 2,000 in BENCH_QUICK mode), "after"
//     measured the same way, with the server's own count of live visitor connections;
//  4. all closed, "after close" measured (what is not given back: caches, or a leak).
// Reported: (after − before) / N for heap used and for RSS, split into V8's committed heap and
// the rest (native), and RSS less V8's free heap space; handshake latency; what stays after
// closing. Target: ≤ 8 KB per connection (the table's value is the larger of heap and RSS).
//
// File descriptors: every socket is one fd in the server. If the server's RLIMIT_NOFILE cannot
// hold N sockets plus its own files (plus a margin of 64), N is reduced to what fits and the
// result says so loudly; the limit is never raised (it is the environment's).
//
// Env: BENCH_WSM_CONNECTIONS, BENCH_WSM_HANDSHAKES, BENCH_WSM_WORKERS (default 2),
// SQLITE_SYNCHRONOUS, BENCH_KEEP_DB=1, BENCH_CONV_PROFILE=1 (CPU profile of the server child).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  QUICK, atMost, cpuProfileArgs, entry, env, fmt, forkTracked, log, num, runMain, startConvServer, stopServer, summarizeProfile,
} from './conv-common.mjs';

const REQUESTED = num(env.BENCH_WSM_CONNECTIONS, QUICK ? 2_000 : 20_000);
const HANDSHAKES = num(env.BENCH_WSM_HANDSHAKES, 500);
const WORKERS = num(env.BENCH_WSM_WORKERS, 2);
const WARM = 200;
const TARGET_BYTES = 8 * 1024;
const FD_MARGIN = 64;
const CLIENT = fileURLToPath(new URL('./ws-memory-client.mjs', import.meta.url));

/** A worker with a request/answer helper over IPC. */
function startWorker(i, childEnv) {
  const child = forkTracked(CLIENT, { env: childEnv });
  const waiters = new Map();
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const w of waiters.values()) w.reject(new Error(`load worker ${i} exited (code ${code}, signal ${signal})`));
    waiters.clear();
  });
  child.on('message', (m) => {
    if (m?.type === 'progress') return;
    const w = waiters.get(m?.type);
    if (w) {
      waiters.delete(m.type);
      clearTimeout(w.timer);
      w.resolve(m);
    }
  });
  const wait = (type, ms) => new Promise((resolve, reject) => {
    if (exited) return reject(new Error(`load worker ${i} already exited`));
    const timer = setTimeout(() => {
      waiters.delete(type);
      reject(new Error(`load worker ${i}: no "${type}" within ${ms / 1000}s`));
    }, ms);
    waiters.set(type, { resolve, reject, timer });
  });
  const ready = wait('ready', 30_000);
  return {
    child,
    ready,
    async call(msg, answer, ms) {
      const p = wait(answer, ms);
      child.send(msg);
      return p;
    },
  };
}

async function memory(server) {
  const m = await server.request('memory', 120_000);
  if (!m.gc) throw new Error('the server child has no global.gc (it must run with --expose-gc)');
  return m;
}

/**
 * RSS follows V8's committed heap, which V8 shrinks lazily (its memory reducer runs ~8 s after
 * allocation calms down): sampled (after gc) every 2 s until the committed heap and RSS have not
 * moved for 5 samples in a row (10 s; RSS within 1 MiB), at most `maxMs`; the last sample is the
 * figure. Both states are taken this way, so both are "after V8 shrank its heap".
 */
async function settledMemory(server, maxMs = 60_000) {
  const t0 = performance.now();
  let prev = await memory(server);
  let same = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 2_000));
    const m = await memory(server);
    same = m.memory.heapTotal === prev.memory.heapTotal && Math.abs(m.memory.rss - prev.memory.rss) < 2 ** 20 ? same + 1 : 0;
    prev = m;
    if (same >= 5 || performance.now() - t0 > maxMs) return { ...m, settledMs: performance.now() - t0, stable: same >= 5 };
  }
}

async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'omotenashi-bench-wsmem-'));
  const problems = [];
  const notes = [];
  let server = null;
  try {
    const prof = await cpuProfileArgs('ws-memory');
    server = await startConvServer({
      env: { BENCH_DATABASE_URL: `sqlite:${join(dir, 'wsmem.sqlite')}`, SQLITE_SYNCHRONOUS: env.SQLITE_SYNCHRONOUS ?? 'FULL', BENCH_CONV_SETUP: 'workspace' },
      execArgv: ['--expose-gc', ...prof.execArgv], maxSeconds: 1800,
    });
    const url = `ws://127.0.0.1:${server.port}/v1/realtime`;
    const idle = await memory(server);
    const limit = idle.fdLimit?.soft ?? Infinity;
    const fits = Math.max(0, limit - (idle.fds ?? 0) - FD_MARGIN);
    const N = Math.min(REQUESTED, fits);
    let clamped = null;
    if (N < REQUESTED) {
      clamped = `RLIMIT_NOFILE of the server process is ${limit} (soft) / ${idle.fdLimit?.hard} (hard) and it already has ${idle.fds} fds open: ${REQUESTED.toLocaleString('en-US')} sockets do not fit (EMFILE). Measured with ${N.toLocaleString('en-US')} (limit − open fds − ${FD_MARGIN} margin); the limit cannot be raised here (no CAP_SYS_RESOURCE) and was not.`;
      log(`  !!! ${clamped}`);
    }
    log(`  server pid ${server.pid}; fds ${idle.fds}/${limit}; ${N.toLocaleString('en-US')} visitors over ${WORKERS} load workers, ${HANDSHAKES} handshakes in flight`);

    const workers = [];
    for (let i = 0; i < WORKERS; i++) {
      workers.push(startWorker(i, {
        WSM_URL: url, WSM_WRITE_KEY: server.writeKey, WSM_TAG: `wsm-${Date.now().toString(36)}-w${i}`,
        WSM_CONCURRENCY: String(Math.max(1, Math.round(HANDSHAKES / WORKERS))), WSM_LOCAL_ADDRESSES: '127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4',
      }));
    }
    await Promise.all(workers.map((w) => w.ready));
    const openAll = async (total, from) => {
      const share = (i) => Math.floor(total / WORKERS) + (i < total % WORKERS ? 1 : 0);
      const rs = await Promise.all(workers.map((w, i) => w.call({ type: 'open', count: share(i), from }, 'opened', 900_000)));
      return {
        ok: rs.reduce((a, r) => a + r.ok, 0), failed: rs.reduce((a, r) => a + r.failed, 0), errors: rs.flatMap((r) => r.errors),
        seconds: Math.max(...rs.map((r) => r.ms)) / 1000, handshakeP50: Math.max(...rs.map((r) => r.handshake.p50 ?? 0)), handshakeP99: Math.max(...rs.map((r) => r.handshake.p99 ?? 0)),
        handshakeMax: Math.max(...rs.map((r) => r.handshake.max ?? 0)),
      };
    };
    const closeAll = async () => {
      const rs = await Promise.all(workers.map((w) => w.call({ type: 'close' }, 'closed', 120_000)));
      return rs.flatMap((r) => r.closedByServer);
    };

    // 1. warm-up
    const warm = await openAll(WARM, 0);
    if (warm.failed) problems.push(`warm-up: ${warm.failed} of ${WARM} handshakes failed: ${warm.errors.join(' | ')}`);
    await closeAll();
    // 2. before
    const before = await settledMemory(server);
    if (before.visitors !== 0) problems.push(`${before.visitors} visitor connections still registered after the warm-up sockets closed`);
    // 3. open N
    log(`  opening ${N.toLocaleString('en-US')} visitors…`);
    const opened = await openAll(N, 1_000_000);
    log(`  ${opened.ok.toLocaleString('en-US')} welcomed, ${opened.failed} failed in ${fmt(opened.seconds, 1)}s (${fmt(opened.ok / opened.seconds, 0)} handshakes/s; open→welcome p50 ${fmt(opened.handshakeP50, 0)} / p99 ${fmt(opened.handshakeP99, 0)} / max ${fmt(opened.handshakeMax, 0)} ms)${opened.errors.length ? `; errors: ${opened.errors.join(' | ')}` : ''}`);
    if (opened.failed) problems.push(`${opened.failed} of ${N} handshakes failed: ${opened.errors.join(' | ')}`);
    const after = await settledMemory(server);
    if (after.visitors !== opened.ok) problems.push(`the server counts ${after.visitors} live visitor connections, ${opened.ok} were welcomed`);
    const n = Math.max(1, opened.ok);
    const per = {
      heap: (after.memory.heapUsed - before.memory.heapUsed) / n,
      rss: (after.memory.rss - before.memory.rss) / n,
      external: (after.memory.external + after.memory.arrayBuffers - before.memory.external - before.memory.arrayBuffers) / n,
      // V8's committed heap (used + free space it keeps), and everything else in RSS: native
      // allocations (libuv/socket wrappers, SQLite page cache, malloc arenas), code, stacks.
      heapCommitted: (after.memory.heapTotal - before.memory.heapTotal) / n,
      native: (after.memory.rss - after.memory.heapTotal - (before.memory.rss - before.memory.heapTotal)) / n,
    };
    // RSS with V8's free-but-committed heap space taken out: native memory + heap in use. Less
    // sensitive to when V8 shrinks its heap than raw RSS.
    per.rssLessHeapSlack = per.native + per.heap;
    if (!before.stable || !after.stable) notes.push(`  ! RSS had not settled within 60 s (before: ${before.stable}, after: ${after.stable}); the RSS figure is less reliable than the heap figure`);
    log(`  per connection: heap ${fmt(per.heap, 0)} B, RSS ${fmt(per.rss, 0)} B = V8 heap committed ${fmt(per.heapCommitted, 0)} B + outside the V8 heap ${fmt(per.native, 0)} B (RSS less V8's free heap space: ${fmt(per.rssLessHeapSlack, 0)} B); external+arrayBuffers ${fmt(per.external, 0)} B (heapUsed ${fmt(before.memory.heapUsed / 2 ** 20, 1)} → ${fmt(after.memory.heapUsed / 2 ** 20, 1)} MiB, RSS ${fmt(before.memory.rss / 2 ** 20, 1)} → ${fmt(after.memory.rss / 2 ** 20, 1)} MiB, fds ${before.fds} → ${after.fds})`);
    // 4. close
    const closedByServer = await closeAll();
    if (closedByServer.length) problems.push(`the server closed ${closedByServer.length} sockets during the run: ${closedByServer.slice(0, 5).join(' | ')}`);
    const closed = await settledMemory(server);
    if (closed.visitors !== 0) problems.push(`${closed.visitors} visitor connections still registered after every socket closed`);
    const retained = { heap: (closed.memory.heapUsed - before.memory.heapUsed) / n, rss: (closed.memory.rss - before.memory.rss) / n };
    log(`  after closing all: heap ${fmt(closed.memory.heapUsed / 2 ** 20, 1)} MiB (${fmt(retained.heap, 0)} B per former connection retained), RSS ${fmt(closed.memory.rss / 2 ** 20, 1)} MiB, fds ${closed.fds}`);
    const stats = await server.request('stats', 120_000);
    for (const w of workers) w.child.disconnect();
    const stopped = await stopServer(server);
    server = null;
    const profile = await summarizeProfile(prof.dir);
    if (profile) log(profile);
    if (stats.counts.customers !== WARM + opened.ok) problems.push(`${stats.counts.customers} customers stored, expected one per hello (${WARM + opened.ok})`);
    if (stats.errors.realtime || stats.errors.background || stats.errors.http5xx) problems.push(`server reported errors ${JSON.stringify(stats.errors)}: ${stats.samples.join(' || ')}`);
    if (stopped?.code !== 0) problems.push(`server exited with code ${stopped?.code} signal ${stopped?.signal}`);
    for (const p of problems) log(`  !!! ${p}`);

    const kb = (b) => `${fmt(Math.round(b / 10.24) / 100 + 0, 2)} KB`;
    const t = atMost(Math.max(per.heap, per.rss) / 1024, 8, 'KB');
    const status = problems.length ? 'ERRORS' : clamped ? `${t.status} (N reduced: fd limit)` : t.status;
    const entries = [
      entry('realtime.memory.20k', per.rss, 'bytes/connection', { ...atMost(per.rss, TARGET_BYTES, 'bytes'), notes: `RSS delta / N with ${opened.ok} visitor sockets open${clamped ? ` (REDUCED from ${REQUESTED}: fd limit)` : ''}` }),
      entry('realtime.memory.20k.heap', per.heap, 'bytes/connection', { ...atMost(per.heap, TARGET_BYTES, 'bytes'), notes: 'heapUsed delta / N after global.gc()' }),
      entry('realtime.memory.20k.external', per.external, 'bytes/connection'),
      entry('realtime.memory.20k.heap_committed', per.heapCommitted, 'bytes/connection'),
      entry('realtime.memory.20k.outside_heap', per.native, 'bytes/connection', { notes: 'RSS delta minus V8 heapTotal delta, per connection' }),
      entry('realtime.memory.20k.rss_less_heap_slack', per.rssLessHeapSlack, 'bytes/connection', { notes: 'outside-heap delta + heapUsed delta: RSS without the free space V8 keeps committed' }),
      entry('realtime.memory.20k.connections', opened.ok, 'count', { notes: clamped ?? `requested ${REQUESTED}` }),
      entry('realtime.memory.20k.retained_heap_after_close', retained.heap, 'bytes/connection'),
      entry('realtime.memory.20k.handshakes_per_second', opened.ok / opened.seconds, 'handshakes/s'),
      entry('realtime.memory.20k.handshake.p99', opened.handshakeP99, 'ms'),
      entry('realtime.memory.20k.errors', problems.length, 'count'),
    ];
    const rows = [
      ['realtime.memory.20k', `${kb(Math.max(per.heap, per.rss))}/conn`, `heap ${kb(per.heap)}, RSS ${kb(per.rss)}, ext ${kb(per.external)} per socket; N = ${opened.ok.toLocaleString('en-US')}${clamped ? ' (fd limit)' : ''}`, '≤ 8 KB', status],
      ['  after closing all', `${kb(retained.heap)}/conn`, `heap kept per former socket; RSS ${fmt(closed.memory.rss / 2 ** 20, 0)} MiB`, '-', ''],
    ];
    notes.push(`realtime.memory.20k: ${opened.ok.toLocaleString('en-US')} visitor sockets (hello → welcome, each creating a customer through ingestion) from ${WORKERS} load worker processes, ${HANDSHAKES} handshakes in flight, opened in ${fmt(opened.seconds, 1)}s (${fmt(opened.ok / opened.seconds, 0)}/s; open→welcome p50 ${fmt(opened.handshakeP50, 0)} / p99 ${fmt(opened.handshakeP99, 0)} ms). Server after gc: heapUsed ${fmt(before.memory.heapUsed / 2 ** 20, 1)} → ${fmt(after.memory.heapUsed / 2 ** 20, 1)} MiB, RSS ${fmt(before.memory.rss / 2 ** 20, 1)} → ${fmt(after.memory.rss / 2 ** 20, 1)} MiB, external+arrayBuffers ${fmt((before.memory.external + before.memory.arrayBuffers) / 2 ** 20, 1)} → ${fmt((after.memory.external + after.memory.arrayBuffers) / 2 ** 20, 1)} MiB; after closing all: heapUsed ${fmt(closed.memory.heapUsed / 2 ** 20, 1)} MiB, RSS ${fmt(closed.memory.rss / 2 ** 20, 1)} MiB. Each state measured after gc once RSS and V8's committed heap stopped moving (V8 shrinks its heap seconds after a burst; ${fmt(before.settledMs / 1000, 0)}s / ${fmt(after.settledMs / 1000, 0)}s). Per socket: heap ${fmt(per.heap, 0)} B used; RSS ${fmt(per.rss, 0)} B = V8 heap committed ${fmt(per.heapCommitted, 0)} B + outside the V8 heap ${fmt(per.native, 0)} B; RSS less V8's free heap space ${fmt(per.rssLessHeapSlack, 0)} B (libuv/socket wrappers, malloc, and the SQLite page cache (≤ 64 MiB) growing with the database, which grew ${fmt((after.dbBytes - before.dbBytes) / 2 ** 20, 1)} MiB = ${fmt((after.dbBytes - before.dbBytes) / n, 0)} B per hello); kernel socket buffers are not in RSS. The heap includes the ingestion's CustomerCache entry of each visitor's new customer (bounded LRU of 20,000, ~1.8 KB each: what stays after closing). ${stats.counts.customers} customers, ${stats.counts.events} events stored.`);
    if (clamped) notes.push(`  !!! ${clamped}`);
    for (const p of problems) notes.push(`  !!! ERROR: ${p}`);
    return { name: 'realtime.memory.20k', entries, rows, notes, problems, requested: REQUESTED, connections: opened.ok, clamped, perConnection: per, retained, before: before.memory, after: after.memory, closed: closed.memory, opened, fdLimit: idle.fdLimit };
  } finally {
    if (server) await stopServer(server, 10_000).catch(() => undefined);
    if (env.BENCH_KEEP_DB === '1') log(`  kept the database in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runMain('ws-memory', run, num(env.BENCH_MAX_SECONDS, 1800));
