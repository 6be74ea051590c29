// Child-process management and the closed-loop HTTP load generator.
import { fork } from 'node:child_process';
import { Pool } from 'undici';

/**
 * Forks a server script with IPC and waits for its { type: 'ready' } message.
 * Returns { port, writeKey, pid, request(msg, replyType), stop(), child }.
 */
export async function startChild(script, { env = {}, execArgv = [], readyTimeoutMs = 120_000 } = {}) {
  const child = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiters = new Map();
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      for (const [, w] of waiters) w.reject(new Error(`${script} exited (code ${code}, signal ${signal}) while we waited for "${w.type}"`));
      waiters.clear();
      resolve(exited);
    });
  });
  child.on('message', (msg) => {
    if (msg?.type === 'error') process.stderr.write(`[child error] ${msg.message}\n`);
    const w = waiters.get(msg?.type);
    if (w) {
      waiters.delete(msg.type);
      clearTimeout(w.timer);
      w.resolve(msg);
    }
  });
  const wait = (type, timeoutMs) => new Promise((resolve, reject) => {
    if (exited) return reject(new Error(`${script} already exited (code ${exited.code})`));
    const timer = setTimeout(() => {
      waiters.delete(type);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${type}" from ${script}`));
    }, timeoutMs);
    waiters.set(type, { type, resolve, reject, timer });
  });
  const ready = await wait('ready', readyTimeoutMs);
  return {
    ...ready,
    child,
    async request(type, timeoutMs = 120_000) {
      const p = wait(type, timeoutMs);
      child.send({ type });
      return p;
    },
    async stop(timeoutMs = 60_000) {
      if (exited) return exited;
      const timer = setTimeout(() => {
        process.stderr.write(`[bench] ${script} (pid ${child.pid}) did not stop in ${timeoutMs} ms; killing it\n`);
        child.kill('SIGKILL');
      }, timeoutMs);
      try {
        child.send({ type: 'stop' });
      } catch { /* already gone */ }
      const r = await exitPromise;
      clearTimeout(timer);
      return r;
    },
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Closed-loop load: `concurrency` workers, each sending the next pre-generated request as soon
 * as its previous one is answered, over a keep-alive undici Pool with one connection per worker.
 * Runs until `seconds` (after `warmupSeconds`) have passed or the requests run out; only
 * requests that COMPLETE inside the measurement window count towards rate and latency.
 */
export async function runLoad({ origin, requests, concurrency, seconds, warmupSeconds, headers, requestTimeoutMs = 30_000 }) {
  const pool = new Pool(origin, {
    connections: concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
  });
  const latencies = new Float64Array(requests.length);
  let nLat = 0;
  let next = 0;
  const result = {
    sent: 0, ok: 0, errors: 0, errorSamples: [], statusCounts: {},
    ackedEvents: 0, duplicates: 0, suppressed: 0, sentEvents: 0,
    measuredEvents: 0, measuredRequests: 0, exhausted: false,
  };
  const t0 = performance.now();
  const warmEnd = t0 + warmupSeconds * 1000;
  const deadline = warmEnd + seconds * 1000;
  let lastCompletion = warmEnd;
  // Events completed per second of the measurement window (to see throughput drift over a run).
  const perSecond = new Float64Array(Math.ceil(seconds) + 120);

  const sample = (text) => {
    if (result.errorSamples.length < 5 && !result.errorSamples.includes(text)) result.errorSamples.push(text);
  };
  const worker = async () => {
    while (performance.now() < deadline) {
      if (next >= requests.length) {
        result.exhausted = true;
        return;
      }
      const r = requests[next++];
      result.sent++;
      result.sentEvents += r.events;
      const start = performance.now();
      let ok = false;
      try {
        const res = await pool.request({ method: 'POST', path: r.path, headers, body: r.body });
        const text = await res.body.text();
        result.statusCounts[res.statusCode] = (result.statusCounts[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 200) {
          const j = JSON.parse(text);
          result.ackedEvents += j.accepted;
          result.duplicates += j.duplicates ?? 0;
          result.suppressed += j.suppressed ?? 0;
          ok = j.success === true && j.accepted + (j.duplicates ?? 0) + (j.suppressed ?? 0) === r.events;
          if (!ok) sample(`unexpected answer ${text.slice(0, 300)}`);
        } else sample(`${res.statusCode} ${r.path}: ${text.slice(0, 300)}`);
      } catch (err) {
        result.statusCounts.exception = (result.statusCounts.exception ?? 0) + 1;
        sample(`exception ${r.path}: ${err?.message ?? err}`);
      }
      const end = performance.now();
      if (ok) result.ok++;
      else result.errors++;
      if (end >= warmEnd && ok) {
        result.measuredEvents += r.events;
        result.measuredRequests++;
        latencies[nLat++] = end - start;
        perSecond[Math.min(perSecond.length - 1, Math.floor((end - warmEnd) / 1000))] += r.events;
        if (end > lastCompletion) lastCompletion = end;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  const windowMs = Math.max(1, lastCompletion - warmEnd);
  const lat = latencies.subarray(0, nLat).sort();
  return {
    ...result,
    windowSeconds: windowMs / 1000,
    perSecond: Array.from(perSecond.subarray(0, Math.ceil(windowMs / 1000))),
    eventsPerSecond: result.measuredEvents / (windowMs / 1000),
    requestsPerSecond: result.measuredRequests / (windowMs / 1000),
    p50: percentile(lat, 50),
    p90: percentile(lat, 90),
    p99: percentile(lat, 99),
    max: lat.length ? lat[lat.length - 1] : NaN,
  };
}

/** Reads a few values out of a Prometheus text exposition. */
export function promValue(text, name) {
  const re = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : NaN;
}
