// `conversations.roundtrip`: visitor message → operator inbox, end to end over the real WebSockets.
// Runs in a child of bench/run.mjs (or alone: `node bench/roundtrip.mjs` after `npm run build`;
// prints its result as JSON).
//
// The server (bench/conv-server.mjs, a child process) runs on a fresh temporary SQLite file with
// synchronous=FULL (production default), with one workspace, one operator and that operator's
// agent token. This process is the load generator and holds BOTH ends, so one clock
// (performance.now) measures the trip:
//  - one operator socket (/api/v1/realtime, hello with the token → welcome);
//  - BENCH_RT_VISITORS visitor sockets (default 200; /v1/realtime, hello with the write key and
//    their own anonymousId → welcome; opened 50 handshakes at a time, before timing);
//  - open loop: message k is due at start + k / BENCH_RT_RATE seconds (default 1,000 messages/s
//    in aggregate, visitors in turn: 5 a second each, inside the server's 20 frames/s budget), sent
//    as {type:'message', clientMessageId:'rt-<k>', text} by visitor k mod N; the text carries the
//    send time. The first BENCH_RT_WARMUP seconds (default 2; 1 in quick mode) are not measured,
//    then BENCH_RT_SECONDS (default 20; 5 quick).
// Round trip = when the operator socket receives `message.created` for rt-<k> (timestamp taken
// before parsing the frame) minus the send time of rt-<k> (taken just before ws.send).
// Also: ack latency (visitor's `ack`), achieved send rate, how late the sender ran against its
// schedule (load-generator health), server CPU and event-loop use, error frames, and after the run:
// lost = sent but not seen by the operator within 5 s after the run (must be 0); if any, the run
// waits (bounded, BENCH_RT_DRAIN_SECONDS, default 180; 60 quick) to tell late (a backlog) from never
// delivered (an error); duplicates; rows stored. Round trips of late messages are in the percentiles.
// Target: round-trip p99 ≤ 20 ms; lost = 0.
//
// Env: BENCH_RT_VISITORS, BENCH_RT_RATE, BENCH_RT_SECONDS, BENCH_RT_WARMUP, BENCH_RT_DRAIN_SECONDS, SQLITE_SYNCHRONOUS,
// BENCH_TRACE_SQL=1 (time per SQL statement in the server), BENCH_EXPERIMENT=writer-defer (what-if,
// see bench/conv-server.mjs; flagged loudly),
// BENCH_KEEP_DB=1, BENCH_CONV_PROFILE=1 (CPU profile of the server child).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  QUICK, atMost, cpuProfileArgs, entry, env, fmt, latencyStats, log, machineBusyMs, num, runMain, startConvServer, stopServer, summarizeProfile,
} from './conv-common.mjs';

const VISITORS = num(env.BENCH_RT_VISITORS, 200);
const RATE = num(env.BENCH_RT_RATE, 1_000);
const SECONDS = num(env.BENCH_RT_SECONDS, QUICK ? 5 : 20);
const WARMUP = num(env.BENCH_RT_WARMUP, QUICK ? 1 : 2);
const GRACE_MS = 5_000;
const DRAIN_MS = num(env.BENCH_RT_DRAIN_SECONDS, QUICK ? 60 : 180) * 1000;
const TARGET_P99_MS = 20;

const TEXTS = [
  'Hello, is the indigo yukata still available in size M?',
  'こんにちは。注文した湯呑みがまだ届いていません。',
  'Can I change the delivery address on my order?',
  'Do you ship to Canada? How long does it usually take?',
  'ギフト包装はできますか？',
  'Thanks, that works for me.',
  'My card was charged twice, could you check please?',
  'When will the cast iron teapot be back in stock?',
];

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const t = setTimeout(() => {
      ws.terminate();
      reject(new Error(`timed out opening ${url}`));
    }, 15_000);
    ws.once('open', () => {
      clearTimeout(t);
      resolve(ws);
    });
    ws.once('error', (err) => {
      clearTimeout(t);
      reject(err);
    });
  });
}

/**
 * Sends hello and waits for `welcome` (throws on `error` or close). Frames before the welcome are
 * skipped, as the tests' helper does: the operator's own `presence` event arrives BEFORE its
 * welcome (OperatorConnection.hello registers the socket, then publishes presence, then welcomes).
 */
function hello(ws, frame, early = []) {
  return new Promise((resolve, reject) => {
    const done = (fn, v) => {
      clearTimeout(t);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      fn(v);
    };
    const t = setTimeout(() => done(reject, new Error('no welcome within 15 s')), 15_000);
    const onMessage = (data) => {
      const f = JSON.parse(String(data));
      if (f.type === 'welcome') done(resolve, f);
      else if (f.type === 'error') done(reject, new Error(`hello answered with ${String(data).slice(0, 300)}`));
      else early.push(f.type);
    };
    const onClose = (code, reason) => done(reject, new Error(`closed ${code} ${reason} before welcome`));
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(JSON.stringify(frame));
  });
}

async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'omotenashi-bench-roundtrip-'));
  const problems = [];
  let server = null;
  const sockets = [];
  try {
    const prof = await cpuProfileArgs('roundtrip');
    server = await startConvServer({
      env: { BENCH_DATABASE_URL: `sqlite:${join(dir, 'roundtrip.sqlite')}`, SQLITE_SYNCHRONOUS: env.SQLITE_SYNCHRONOUS ?? 'FULL', BENCH_CONV_SETUP: 'workspace' },
      execArgv: prof.execArgv, maxSeconds: SECONDS + WARMUP + 600,
    });
    const base = `ws://127.0.0.1:${server.port}`;
    const synchronous = server.synchronous;
    const experiments = server.experiments ?? [];
    log(`  server pid ${server.pid} (synchronous=${server.synchronous}); ${VISITORS} visitors, ${RATE} messages/s for ${WARMUP}s warm-up + ${SECONDS}s`);

    // ---- sockets (untimed) ----------------------------------------------------------------------
    const total = Math.round(RATE * (WARMUP + SECONDS));
    const warmCount = Math.round(RATE * WARMUP);
    const sendAt = new Float64Array(total).fill(NaN);
    const seenAt = new Float64Array(total).fill(NaN);
    const ackAt = new Float64Array(total).fill(NaN);
    let duplicates = 0;
    let ackDuplicates = 0;
    let operatorFrames = 0;
    const errorFrames = [];
    const closes = [];
    const onError = (who, f) => {
      if (errorFrames.length < 1000) errorFrames.push(`${who}: ${f.code} ${f.message}${f.ref ? ` (ref ${f.ref})` : ''}`);
    };

    const op = await open(`${base}/api/v1/realtime`);
    sockets.push(op);
    const beforeWelcome = [];
    const opWelcome = await hello(op, { type: 'hello', v: 1, token: server.apiToken, presence: 'online' }, beforeWelcome);
    if (beforeWelcome.length) log(`  note: the operator socket received ${beforeWelcome.join(', ')} BEFORE its welcome`);
    op.on('message', (data) => {
      const now = performance.now();
      operatorFrames++;
      const f = JSON.parse(String(data));
      if (f.type === 'message.created') {
        const cmid = f.message?.clientMessageId;
        if (typeof cmid === 'string' && cmid.startsWith('rt-') && f.message.author?.type === 'customer') {
          const k = Number(cmid.slice(3));
          if (!Number.isNaN(seenAt[k])) duplicates++;
          else seenAt[k] = now;
        }
      } else if (f.type === 'error') onError('operator', f);
    });
    op.on('close', (code, reason) => closes.push(`operator closed ${code} ${reason}`));

    const visitors = new Array(VISITORS);
    const tOpen = performance.now();
    let nextV = 0;
    const opener = async () => {
      while (nextV < VISITORS) {
        const i = nextV++;
        const ws = await open(`${base}/v1/realtime`);
        sockets.push(ws);
        await hello(ws, { type: 'hello', v: 1, writeKey: server.writeKey, anonymousId: `rt-visitor-${i}` });
        ws.on('message', (data) => {
          const now = performance.now();
          const f = JSON.parse(String(data));
          if (f.type === 'ack') {
            const k = Number(String(f.clientMessageId).slice(3));
            if (!Number.isNaN(ackAt[k])) ackDuplicates++;
            else ackAt[k] = now;
          } else if (f.type === 'error') onError(`visitor ${i}`, f);
        });
        ws.on('close', (code, reason) => closes.push(`visitor ${i} closed ${code} ${reason}`));
        visitors[i] = ws;
      }
    };
    await Promise.all(Array.from({ length: Math.min(50, VISITORS) }, opener));
    log(`  ${VISITORS} visitors welcomed in ${fmt((performance.now() - tOpen) / 1000, 1)}s; operator welcome counts ${JSON.stringify(opWelcome.counts.byStatus)}`);

    // ---- open-loop send -------------------------------------------------------------------------
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const elu0 = performance.eventLoopUtilization();
    const own0 = process.cpuUsage();
    let cpuWarm = null;
    let busyWarm = 0;
    let ownWarm = null;
    const lateness = new Float64Array(total);
    const periodMs = 1000 / RATE;
    const t0 = performance.now() + 20;
    let k = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (k < total && t0 + k * periodMs <= now) {
          if (k === warmCount) {
            // Measurement starts: server CPU from here (the IPC answer arrives a moment later).
            busyWarm = machineBusyMs();
            ownWarm = process.cpuUsage();
            server.request('cpu').then((m) => { cpuWarm = { cpu: m.cpu, elu: m.elu, at: performance.now() }; }, () => undefined);
          }
          const ws = visitors[k % VISITORS];
          const at = performance.now();
          lateness[k] = at - (t0 + k * periodMs);
          sendAt[k] = at;
          ws.send(JSON.stringify({ type: 'message', clientMessageId: `rt-${k}`, text: `${TEXTS[k % TEXTS.length]} (sent at ${at.toFixed(3)} ms)` }));
          k++;
        }
        if (k >= total) resolve();
        else setTimeout(tick, Math.max(0, Math.min(1, t0 + k * periodMs - performance.now())));
      };
      setTimeout(tick, 20);
    });
    const sendEnd = performance.now();
    const cpuEndMsg = await server.request('cpu');
    const cpuEnd = cpuEndMsg.cpu;
    const srvElu = cpuWarm ? (cpuEndMsg.elu.active - cpuWarm.elu.active) / (cpuEndMsg.elu.active + cpuEndMsg.elu.idle - cpuWarm.elu.active - cpuWarm.elu.idle) : NaN;
    const srvSends = cpuEndMsg.sends;
    const srvDelay = cpuEndMsg.loopDelay;
    const cpuEndAt = performance.now();
    const busyEnd = machineBusyMs();
    const ownEnd = process.cpuUsage(ownWarm ?? own0);

    // ---- grace: everything sent must reach the operator -------------------------------------------
    const seenCount = () => {
      let n = 0;
      for (let i = 0; i < total; i++) if (!Number.isNaN(seenAt[i])) n++;
      return n;
    };
    const graceEnd = performance.now() + GRACE_MS;
    while (seenCount() < total && performance.now() < graceEnd) await new Promise((r) => setTimeout(r, 50));
    // Lost by the rule: not seen within the grace. Then (bounded) wait for the rest, to tell a
    // server that is only behind (backlog) from one that dropped messages.
    const lostInGrace = total - seenCount();
    const drainStart = performance.now();
    if (lostInGrace > 0) {
      log(`  ${lostInGrace} messages not seen by the operator ${GRACE_MS / 1000}s after the run; waiting up to ${DRAIN_MS / 1000}s more to see whether they arrive late or never`);
      while (seenCount() < total && performance.now() - drainStart < DRAIN_MS) await new Promise((r) => setTimeout(r, 100));
    }
    const drainSeconds = lostInGrace > 0 ? (performance.now() - drainStart) / 1000 + GRACE_MS / 1000 : 0;
    loopDelay.disable();
    const elu = performance.eventLoopUtilization(elu0);

    // ---- figures ----------------------------------------------------------------------------------
    const rtt = [];
    const ack = [];
    const lost = lostInGrace;
    let neverSeen = 0;
    let acksMissing = 0;
    for (let i = 0; i < total; i++) {
      if (Number.isNaN(seenAt[i])) neverSeen++;
      else if (i >= warmCount) rtt.push(seenAt[i] - sendAt[i]);
      if (Number.isNaN(ackAt[i])) acksMissing++;
      else if (i >= warmCount) ack.push(ackAt[i] - sendAt[i]);
    }
    const r = latencyStats(rtt);
    const a = latencyStats(ack);
    const late = latencyStats(lateness.subarray(warmCount));
    const measuredWindow = (sendAt[total - 1] - sendAt[warmCount]) / 1000;
    const achievedRate = (total - warmCount - 1) / measuredWindow;
    const serverCores = cpuWarm ? (cpuEnd.user - cpuWarm.cpu.user + cpuEnd.system - cpuWarm.cpu.system) / 1e6 / ((cpuEndAt - cpuWarm.at) / 1000) : NaN;
    const loadgenCores = (ownEnd.user + ownEnd.system) / 1e6 / ((sendEnd - t0) / 1000 - WARMUP);
    const machineCores = (busyEnd - busyWarm) / 1000 / ((cpuEndAt - t0) / 1000 - WARMUP);

    for (const ws of sockets) ws.close();
    await new Promise((res) => setTimeout(res, 300));
    const stats = await server.request('stats', 120_000);
    const stopped = await stopServer(server);
    server = null;
    const profile = await summarizeProfile(prof.dir);
    if (profile) log(profile);
    if (stats.sqlTrace) {
      log('  SQL statements in the server (BENCH_TRACE_SQL=1), whole run:');
      for (const e of stats.sqlTrace) log(`  ${e.wallMs.toFixed(0).padStart(7)} ms ${String(e.calls).padStart(7)} calls ${String(e.rows).padStart(8)} rows  ${e.sql}`);
    }

    if (neverSeen > 0) problems.push(`${neverSeen} of ${total} messages sent never reached the operator (waited ${fmt(drainSeconds, 0)}s after the run)`);
    if (duplicates > 0) problems.push(`${duplicates} message.created frames repeated a message the operator had already seen`);
    if (ackDuplicates > 0) problems.push(`${ackDuplicates} duplicate acks`);
    if (acksMissing > 0) problems.push(`${acksMissing} messages never acknowledged to the visitor`);
    if (errorFrames.length > 0) problems.push(`${errorFrames.length} error frames: ${[...new Set(errorFrames)].slice(0, 5).join(' | ')}`);
    if (closes.filter((c) => !/ 1000 | 1005 /.test(c)).length > 0) problems.push(`sockets closed by the server during the run: ${closes.slice(0, 5).join(' | ')}`);
    if (stats.counts.messages !== total) problems.push(`${stats.counts.messages} messages stored, ${total} sent`);
    if (stats.counts.conversations !== VISITORS) problems.push(`${stats.counts.conversations} conversations stored, expected one per visitor (${VISITORS})`);
    if (stats.errors.realtime || stats.errors.background || stats.errors.http5xx) problems.push(`server reported errors ${JSON.stringify(stats.errors)}: ${stats.samples.join(' || ')}`);
    if (stopped?.code !== 0) problems.push(`server exited with code ${stopped?.code} signal ${stopped?.signal}`);
    const warnings = [];
    if (experiments.length) warnings.push(`!!! BENCH_EXPERIMENT=${experiments.join(',')} was set: the server ran with a what-if change (see bench/conv-server.mjs); NOT a figure of the product as built`);
    if (lost > 0 && neverSeen === 0) warnings.push(`LOST by the ${GRACE_MS / 1000} s rule: ${lost} of ${total} messages had not reached the operator ${GRACE_MS / 1000}s after the run; all of them arrived within ${fmt(drainSeconds, 1)}s (a backlog in the server, not dropped messages); their round trips are in the percentiles`);
    if (srvElu > 0.95) warnings.push(`the server's event loop was ${fmt(100 * srvElu, 0)}% busy: the offered ${RATE} messages/s is above what the server sustains on this machine, so queues (and round trips) grew during the run`);
    if (late.p99 > 5) warnings.push(`the load generator ran late against its schedule (send lateness p99 ${fmt(late.p99, 1)} ms, max ${fmt(late.max, 1)} ms): the machine could not run it on time, so the offered rate was burstier than planned`);

    const line = `round trip p50 ${fmt(r.p50, 2)} / p95 ${fmt(r.p95, 2)} / p99 ${fmt(r.p99, 2)} / max ${fmt(r.max, 1)} ms over ${r.n} messages; ack p50 ${fmt(a.p50, 2)} / p99 ${fmt(a.p99, 2)} ms; achieved ${fmt(achievedRate, 0)} msg/s; lost ${lost} (never delivered ${neverSeen}); server CPU ${fmt(serverCores, 2)} cores, event loop ${fmt(100 * srvElu, 0)}% busy (delay p99 ${fmt(srvDelay.p99, 1)} / max ${fmt(srvDelay.max, 1)} ms), Conversations.send p50 ${fmt(srvSends.p50, 1)} / p99 ${fmt(srvSends.p99, 1)} ms (max ${srvSends.maxInFlight} in flight); load generator ${fmt(loadgenCores, 2)} cores, loop ${fmt(100 * elu.utilization, 0)}% busy, send lateness p99 ${fmt(late.p99, 2)} / max ${fmt(late.max, 1)} ms`;
    log(`  ${line}`);
    for (const p of problems) log(`  !!! ${p}`);
    for (const w of warnings) log(`  ! ${w}`);

    const entries = [
      entry('conversations.roundtrip', r.p99, 'ms', { ...atMost(r.p99, TARGET_P99_MS, 'ms'), notes: `visitor send → operator message.created, p99 over ${r.n} messages at ${RATE}/s from ${VISITORS} visitors, SQLite synchronous=${synchronous}` }),
      entry('conversations.roundtrip.p50', r.p50, 'ms'),
      entry('conversations.roundtrip.p95', r.p95, 'ms'),
      entry('conversations.roundtrip.max', r.max, 'ms'),
      entry('conversations.roundtrip.rate', achievedRate, 'messages/s', { notes: `scheduled ${RATE}/s` }),
      entry('conversations.roundtrip.lost', lost, 'count', { target: '= 0', status: lost === 0 ? 'PASS' : neverSeen === 0 ? 'LATE (> 5 s)' : 'LOST', notes: `not seen by the operator ${GRACE_MS / 1000} s after the run; ${neverSeen} never (waited ${fmt(drainSeconds, 0)} s)` }),
      entry('conversations.roundtrip.never_delivered', neverSeen, 'count'),
      entry('conversations.roundtrip.server_event_loop', srvElu, 'utilization'),
      entry('conversations.roundtrip.duplicates', duplicates, 'count'),
      entry('conversations.roundtrip.ack.p50', a.p50, 'ms'),
      entry('conversations.roundtrip.ack.p99', a.p99, 'ms'),
      entry('conversations.roundtrip.server_cpu', serverCores, 'cores'),
      entry('conversations.roundtrip.errors', problems.length, 'count'),
    ];
    const status = problems.length ? 'ERRORS' : r.p99 <= TARGET_P99_MS ? 'PASS' : 'ABOVE TARGET';
    const rows = [
      ['conversations.roundtrip', `p99 ${fmt(r.p99, 1)} ms`, `p50 ${fmt(r.p50, 1)} / p95 ${fmt(r.p95, 1)} / max ${fmt(r.max, 1)} ms; ${fmt(achievedRate, 0)} msg/s; srv CPU ${fmt(serverCores, 2)}`, `≤ ${TARGET_P99_MS} ms`, status],
      ['  lost (not at the operator 5 s after)', String(lost), `${neverSeen} never delivered${lost ? ` (waited ${fmt(drainSeconds, 0)} s)` : ''}; ${duplicates} duplicates; ack p50 ${fmt(a.p50, 1)} / p99 ${fmt(a.p99, 1)} ms`, '= 0', lost === 0 ? 'PASS' : neverSeen === 0 ? 'LATE (> 5 s)' : 'LOST'],
    ];
    const notes = [
      `conversations.roundtrip: ${VISITORS} visitor sockets + 1 operator socket in the load process, open loop at ${RATE} messages/s (visitors in turn, ${fmt(RATE / VISITORS, 1)}/s each) for ${WARMUP}s warm-up + ${SECONDS}s measured; ${total} messages, ${stats.counts.messages} stored in ${stats.counts.conversations} conversations; fresh SQLite, synchronous=${synchronous}. Round trip = operator's message.created receipt − send (one clock). Server CPU ${fmt(serverCores, 2)} cores, its event loop ${fmt(100 * srvElu, 0)}% busy (delay p99 ${fmt(srvDelay.p99, 1)} / max ${fmt(srvDelay.max, 1)} ms), time inside Conversations.send (writer queue + group commit) p50 ${fmt(srvSends.p50, 1)} / p99 ${fmt(srvSends.p99, 1)} ms with up to ${srvSends.maxInFlight} in flight; load generator ${fmt(loadgenCores, 2)} cores (loop ${fmt(100 * elu.utilization, 0)}% busy, delay p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} ms, send lateness p50 ${fmt(late.p50, 2)} / p99 ${fmt(late.p99, 2)} / max ${fmt(late.max, 1)} ms); machine ${fmt(machineCores, 2)} cores busy; ${operatorFrames} frames to the operator (customer events, ${stats.counts.events ?? '?'} events ingested).`,
    ];
    for (const w of warnings) notes.push(`  ! ${w}`);
    for (const p of problems) notes.push(`  !!! ERROR: ${p}`);
    return {
      name: 'conversations.roundtrip', warnings, entries, rows, notes, problems,
      roundtrip: r, ack: a, lateness: late, serverEventLoop: { utilization: srvElu, delay: srvDelay }, serverSend: srvSends, achievedRate, lost, neverSeen, drainSeconds, duplicates, serverCores, loadgenCores, machineCores, counts: stats.counts,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    if (server) await stopServer(server, 10_000).catch(() => undefined);
    if (env.BENCH_KEEP_DB === '1') log(`  kept the database in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runMain('roundtrip', run, num(env.BENCH_MAX_SECONDS, SECONDS + WARMUP + DRAIN_MS / 1000 + 600));
