// Shared by the conversation benchmarks (bench/inbox.mjs, bench/roundtrip.mjs, bench/ws-memory.mjs):
// latency statistics, formatting, the server child (bench/conv-server.mjs) and the script's
// main wrapper (hard time limit, result over IPC, children killed by pid on every exit path).
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, startChild } from './harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
export const CONV_SERVER = join(here, 'conv-server.mjs');

export const env = process.env;
export const QUICK = env.BENCH_QUICK === '1';
export const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
export const log = (s) => process.stderr.write(`${s}\n`);

/** p50/p95/p99/max/mean of a list of milliseconds (any order). */
export function latencyStats(values) {
  const a = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of a) sum += v;
  return { n: a.length, p50: percentile(a, 50), p95: percentile(a, 95), p99: percentile(a, 99), max: a.length ? a[a.length - 1] : NaN, mean: a.length ? sum / a.length : NaN };
}

export function fmt(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
export const round = (v, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : null);

/** A result entry in the shape of bench/results/latest.json. */
export function entry(name, value, unit, extra = {}) {
  return { name, value: round(value), unit, ...extra };
}
/** `target` for an upper bound: { text, status } from the measured value. */
export function atMost(value, max, unitText) {
  return { target: `≤ ${max.toLocaleString('en-US')} ${unitText}`, status: Number.isFinite(value) ? (value <= max ? 'PASS' : 'ABOVE TARGET') : 'NO DATA' };
}

/** Busy CPU ms summed over all cores since boot. */
export function machineBusyMs() {
  let t = 0;
  for (const c of cpus()) t += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  return t;
}

/** Processes this script started (server child, load workers): killed by pid on every exit path. */
export const children = new Set();
export function killChildren() {
  for (const c of children) {
    try {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    } catch { /* gone */ }
  }
  children.clear();
}

/** Forks bench/conv-server.mjs and waits for `ready`. */
export async function startConvServer({ env: childEnv = {}, execArgv = [], maxSeconds = 900 } = {}) {
  const s = await startChild(CONV_SERVER, { env: { BENCH_MAX_SECONDS: String(maxSeconds), ...childEnv }, execArgv, readyTimeoutMs: 300_000 });
  children.add(s.child);
  s.child.once('exit', () => children.delete(s.child));
  return s;
}

/** Forks a helper script with IPC (its stderr passed through); tracked for killing. */
export function forkTracked(script, { env: childEnv = {}, execArgv = [] } = {}) {
  const child = fork(script, [], { env: { ...process.env, ...childEnv }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Stops the server gracefully (drains group commits), SIGKILL after `timeoutMs`. */
export async function stopServer(server, timeoutMs = 60_000) {
  if (!server) return null;
  try {
    return await server.stop(timeoutMs);
  } finally {
    children.delete(server.child);
  }
}

/**
 * Runs a benchmark script's main: result sent over IPC to bench/run.mjs (runScript) or printed
 * as JSON when run alone. A hard time limit and signal handlers kill our children first.
 */
export function runMain(tag, fn, hardSeconds) {
  const hard = setTimeout(() => {
    log(`[${tag}] hard time limit of ${hardSeconds}s reached; stopping`);
    killChildren();
    process.exit(3);
  }, hardSeconds * 1000);
  hard.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      killChildren();
      process.exit(130);
    });
  }
  process.on('exit', killChildren);
  // The parent (bench/run.mjs) went away: don't linger.
  process.on('disconnect', () => {
    killChildren();
    process.exit(2);
  });
  fn()
    .then((result) => {
      killChildren();
      if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
      else {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        process.exit(result.problems?.length ? 1 : 0);
      }
    })
    .catch((err) => {
      killChildren();
      log(`[${tag}] ${err?.stack ?? err}`);
      if (process.send) process.send({ type: 'error', message: String(err?.stack ?? err) }, () => process.exit(1));
      else process.exit(1);
    });
}

/**
 * BENCH_CONV_PROFILE=1 (diagnostics): the server child runs with `node --cpu-prof` (whole
 * lifetime, set-up included); the profile lands in bench/results/profiles/<tag>-<time>/ and is
 * summarised with bench/profile.mjs's summarize() after the child exits.
 */
export async function cpuProfileArgs(tag) {
  if (env.BENCH_CONV_PROFILE !== '1') return { execArgv: [], dir: null };
  const { mkdirSync } = await import('node:fs');
  const dir = fileURLToPath(new URL(`./results/profiles/${tag}-${Date.now()}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=500'], dir };
}
export async function summarizeProfile(dir, top = 25) {
  if (!dir) return null;
  const { readdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { summarize } = await import('./profile.mjs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return `no .cpuprofile in ${dir}`;
  const text = files.map((f) => `${join(dir, f)}\n${summarize(JSON.parse(readFileSync(join(dir, f), 'utf8')), top)}`).join('\n\n');
  writeFileSync(join(dir, 'summary.txt'), `${text}\n`);
  return text;
}
