// CPU profile of the server under the ingest.batch load: `node bench/profile.mjs`
// (after `npm run build`). Runs the server child with `node --cpu-prof` for BENCH_SECONDS
// (default 10) and prints the top self-time functions, self time by area (package / server
// module), and inclusive time of the main ingestion stages.
//
// Env: BENCH_SECONDS, BENCH_PROFILE_KIND (ours-sqlite | ours-postgres | baseline-sqlite),
// BENCH_PROFILE_MODE (batch | single), BENCH_TOP (rows, default 30), plus bench/run.mjs's
// SQLITE_SYNCHRONOUS, BENCH_SEED, BENCH_*_CONCURRENCY. `node bench/profile.mjs FILE.cpuprofile`
// only summarises an existing profile.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killLiveChildren, postgresReachable, prepare, runBenchmark } from './suite.mjs';

const env = process.env;
const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
const TOP = num(env.BENCH_TOP, 30);

export function summarize(profile, top = TOP) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  const total = timeDeltas.reduce((a, b) => a + b, 0);

  const keyOf = (n) => {
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const fnSelf = new Map();
  const areaSelf = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    const k = keyOf(n);
    fnSelf.set(k, (fnSelf.get(k) ?? 0) + t);
    const a = areaOf(n.callFrame);
    areaSelf.set(a, (areaSelf.get(a) ?? 0) + t);
  }

  // Inclusive time of chosen stages: a sample counts once for every distinct stage on its stack.
  const STAGES = [
    ['HTTP body read + route handler (whole request)', (f) => f.url.includes('/routes/ingest.js') && f.functionName === ''],
    ['decodeJsonBody (JSON.parse of the body)', (f) => f.functionName === 'decodeJsonBody'],
    ['validateBatch / validateEvent', (f) => f.functionName === 'validateBatch' || (f.functionName === 'validateEvent')],
    ['  inspectJson', (f) => f.functionName === 'inspectJson'],
    ['  JSON.stringify(raw) in validateEvent', (f) => f.functionName === 'stringify' && false],
    ['IngestService.flush (group commit)', (f) => f.functionName === 'flush' && f.url.includes('ingest-service')],
    ['  flushWorkspace', (f) => f.functionName === 'flushWorkspace'],
    ['    identifierHashes (suppression hashes)', (f) => f.functionName === 'identifierHashes'],
    ['    resolveEvent', (f) => f.functionName === 'resolveEvent'],
    ['    applyEvent (profile fold)', (f) => f.functionName === 'applyEvent'],
    ['    mergeProfiles', (f) => f.functionName === 'mergeProfiles'],
    ['    geo lookup', (f) => f.functionName === 'lookup' && f.url.includes('mmdb-geo')],
    ['  kysely (build + compile + execute)', (f) => f.url.includes('/kysely/')],
    ['    kysely query compiler', (f) => f.url.includes('/kysely/') && f.url.includes('query-compiler')],
    ['    better-sqlite3 statement (prepare/run/all)', (f) => f.url.includes('better-sqlite3') || (f.url.includes('sqlite-driver') && f.url.includes('kysely'))],
    ['  JSON.parse(profile) / JSON.stringify(profile) in storage', (f) => f.url.includes('ingest-ops.js') && (f.functionName === 'toCustomer' || f.functionName === '')],
    ['prom-client / metrics hooks', (f) => f.url.includes('prom-client')],
    ['fastify (routing, hooks, reply)', (f) => f.url.includes('/fastify/')],
    ['undici / http parser (node:_http)', (f) => f.url.includes('node:_http') || f.url.includes('node:http')],
    ['garbage collector', (f) => f.functionName === '(garbage collector)'],
    ['idle', (f) => f.functionName === '(idle)'],
  ];
  const stageTime = new Array(STAGES.length).fill(0);
  for (let i = 0; i < samples.length; i++) {
    const hit = new Array(STAGES.length).fill(false);
    let id = samples[i];
    while (id !== undefined) {
      const f = byId.get(id).callFrame;
      for (let s = 0; s < STAGES.length; s++) if (!hit[s] && STAGES[s][1](f)) hit[s] = true;
      id = parent.get(id);
    }
    for (let s = 0; s < STAGES.length; s++) if (hit[s]) stageTime[s] += timeDeltas[i] ?? 0;
  }

  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const ms = (t) => `${(t / 1000).toFixed(0).padStart(7)} ms`;
  const lines = [];
  lines.push(`profile: ${(total / 1e6).toFixed(1)} s sampled, ${samples.length} samples`);
  lines.push('', `Top ${top} functions by self time`);
  for (const [k, t] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)} ${ms(t)}  ${k}`);
  lines.push('', 'Self time by area');
  for (const [k, t] of [...areaSelf].sort((a, b) => b[1] - a[1])) lines.push(`${pct(t)} ${ms(t)}  ${k}`);
  lines.push('', 'Inclusive time of stages (a sample counts in every stage on its stack)');
  STAGES.forEach(([label], s) => {
    if (stageTime[s] > 0) lines.push(`${pct(stageTime[s])} ${ms(stageTime[s])}  ${label}`);
  });
  return lines.join('\n');
}

function shortUrl(url) {
  if (!url) return '';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  const s = /packages\/server\/dist\/(.*)$/.exec(url);
  if (s) return `server/${s[1]}`;
  return url.replace(/^file:\/\//, '');
}

function areaOf(f) {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native / V8 builtins)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.url);
  if (m) return m[1];
  const s = /packages\/server\/dist\/(.*)\/[^/]+\.js$/.exec(f.url);
  if (s) return `server/${s[1]}`;
  if (f.url.startsWith('node:')) return 'node internals';
  return shortUrl(f.url);
}

async function main() {
  if (process.argv[2]) {
    process.stdout.write(`${summarize(JSON.parse(readFileSync(process.argv[2], 'utf8')))}\n`);
    return;
  }
  const seconds = num(env.BENCH_SECONDS, 10);
  const kind = env.BENCH_PROFILE_KIND ?? 'ours-sqlite';
  const mode = env.BENCH_PROFILE_MODE ?? 'batch';
  if (kind === 'ours-postgres' && !(await postgresReachable()).ok) throw new Error('PostgreSQL is not reachable');
  const dir = fileURLToPath(new URL(`./results/profiles/${kind}-${mode}-${Date.now()}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  const warmupSeconds = 2;
  const workload = prepare({
    mode, seconds, warmupSeconds, seed: num(env.BENCH_SEED, 20240501),
    maxEventsPerSecond: mode === 'batch' ? num(env.BENCH_MAX_EPS_BATCH, 45_000) : num(env.BENCH_MAX_EPS_TRACK, 16_000),
  });
  const concurrency = mode === 'batch' ? num(env.BENCH_BATCH_CONCURRENCY, 32) : num(env.BENCH_TRACK_CONCURRENCY, 64);
  const hard = setTimeout(() => {
    killLiveChildren();
    process.exit(2);
  }, (seconds + 600) * 1000);
  hard.unref();
  const r = await runBenchmark({
    name: `profile.${kind}.${mode}`, kind, workload, concurrency, seconds, warmupSeconds,
    execArgv: env.BENCH_CPU_PROF === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=500'], log: (s) => process.stderr.write(`${s}\n`),
  });
  const l = r.load;
  const head = `${r.name}: ${l.eventsPerSecond.toFixed(0)} ev/s (profiling slows it down), p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, errors ${r.errorCount}, server CPU ${r.serverCpuCores.toFixed(2)} cores${r.metrics ? `, flush mean ${r.metrics.flushEventsMean.toFixed(0)} ev / ${r.metrics.flushMsMean.toFixed(1)} ms` : ''}`;
  let trace = '';
  if (r.sqlTrace) {
    const fmtRow = (e) => `${e.wallMs.toFixed(0).padStart(7)} ms wall ${e.cpuMs.toFixed(0).padStart(7)} ms cpu ${e.prepareMs.toFixed(0).padStart(6)} ms prepare ${String(e.calls).padStart(6)} calls ${String(e.rows).padStart(8)} rows  ${e.sql}`;
    trace = `\nSQL statements (BENCH_TRACE_SQL=1), whole run incl. warm-up\n${r.sqlTrace.slice(0, 25).map(fmtRow).join('\n')}\n`;
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0 && env.BENCH_CPU_PROF !== '0') throw new Error(`no .cpuprofile written in ${dir}`);
  const text = `${head}\n${trace}${files.map((f) => `${join(dir, f)}\n${summarize(JSON.parse(readFileSync(join(dir, f), 'utf8')))}`).join('\n\n')}\n`;
  writeFileSync(join(dir, 'summary.txt'), text);
  process.stdout.write(text);
  if (env.BENCH_KEEP_PROFILE === '0') rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    killLiveChildren();
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
