// Rule evaluation benchmarks of the care loop: `rules.eval.ours` (the server's pure evaluator,
// `onEvent` over a `playbookSet` of 100 playbooks) and `rules.eval.json-rules-engine` (the same
// 100 rules in one json-rules-engine Engine, `engine.run(facts)` per event), on the same events.
// Single-threaded (one core); runs in a child of bench/run.mjs (or alone: `node bench/care-eval.mjs`,
// after `npm run build`), and sends its result as { type: 'result', result } over IPC (alone: prints it).
//
// Preparation (untimed):
//  1. 100 playbooks from bench/care-playbooks.mjs, validated with the server's validatePlaybook and
//     compiled ONCE with playbookSet (as the PlaybookRegistry does); etiquette = DEFAULT_ETIQUETTE.
//  2. Events from the shop simulation (bench/workload.mjs), normalised with the server's
//     validateBatch, resolved to customers with resolveEvent (merges follow mergeProfiles) and
//     folded into profiles with applyEvent — exactly the flush's fold, without the database.
//     The first BENCH_EVAL_WARM events (default 200,000) only build up a realistic shop: profiles
//     AND care state (onEvent runs on them too: repetition hits, threshold values, cool-downs,
//     the etiquette ledger).
//  3. The next BENCH_EVAL_POOL events (default 20,000) form the pool. For each: the profile after
//     folding it is snapshotted (structuredClone), the customers' care states at the start of the
//     pool are snapshotted, and a reference onEvent run records which playbooks matched (every
//     candidate that passed trigger + conditions yields one decision, fired or held back).
//  4. The json-rules-engine facts of each pool event are computed with the server's own fact
//     getters (same values by construction), plus the state JRE cannot keep itself: for each
//     repetition rule the number of earlier matching events in its window (`rep.<key>.hits`) and
//     for threshold rules the previous cart.value (`prev.cart.value`), read from our care state
//     before the event. All of this is prepared BEFORE timing: JRE's timed loop is only
//     `await engine.run(facts)`, while ours computes every fact from the profile inside the loop
//     and also keeps the state and runs etiquette — the comparison favours JRE.
//
// Timed:
//  ours: passes over the pool in order; before each pass (untimed) the care states are restored
//        from the snapshot, so every pass makes the same decisions (checked). Per event: an
//        EvalInput as the flush builds it, onEvent(input, event).
//  JRE:  `await engine.run(facts[i])` over the pool in order (wrapping), sequentially.
//  Verification (untimed): every pool event through JRE once; per event the set of matched rules
//        is compared with ours (the reference run). Disagreements are counted and sampled.
//
// Env: BENCH_EVAL_SECONDS (per engine, default 10; BENCH_QUICK=1: 3), BENCH_EVAL_POOL,
// BENCH_EVAL_WARM, BENCH_EVAL_PLAYBOOKS (default 100), BENCH_SEED, BENCH_EVAL_ONLY=ours|jre.
import { createRequire } from 'node:module';
import { Engine } from 'json-rules-engine';
import { playbookSet } from '../packages/server/dist/app/care/playbook-registry.js';
import { DEFAULT_ETIQUETTE } from '../packages/server/dist/domain/etiquette/settings.js';
import { validateBatch } from '../packages/server/dist/domain/events/validate-batch.js';
import { IdentityView } from '../packages/server/dist/domain/identity/identity-view.js';
import { resolveEvent } from '../packages/server/dist/domain/identity/resolve-event.js';
import { emptyCareState } from '../packages/server/dist/domain/playbooks/care-state.js';
import { onEvent } from '../packages/server/dist/domain/playbooks/evaluate.js';
import { eventPagePath } from '../packages/server/dist/domain/playbooks/event-page.js';
import { compileFact, newFactContext } from '../packages/server/dist/domain/playbooks/facts.js';
import { validatePlaybook } from '../packages/server/dist/domain/playbooks/validate-playbook.js';
import { applyEvent } from '../packages/server/dist/domain/profile/apply-event.js';
import { emptyProfile } from '../packages/server/dist/domain/profile/empty-profile.js';
import { mergeProfiles } from '../packages/server/dist/domain/profile/merge-profiles.js';
import { IdGenerator } from '../packages/server/dist/platform/ids.js';
import { factNamesOf, generatePlaybooks, JRE_OPERATORS, toJreRule } from './care-playbooks.mjs';
import { createShop } from './workload.mjs';

const env = process.env;
const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
const QUICK = env.BENCH_QUICK === '1';

export async function runCareEval({
  seconds = num(env.BENCH_EVAL_SECONDS, QUICK ? 3 : 10),
  pool: poolSize = num(env.BENCH_EVAL_POOL, QUICK ? 10_000 : 20_000),
  warm = num(env.BENCH_EVAL_WARM, QUICK ? 60_000 : 200_000),
  playbooks: count = num(env.BENCH_EVAL_PLAYBOOKS, 100),
  seed = num(env.BENCH_SEED, 20240501),
  only = env.BENCH_EVAL_ONLY ?? null,
  // BENCH_EVAL_PROFILE=1: CPU-profile the timed loops (inspector, 100 µs sampling) and print a summary.
  profile = env.BENCH_EVAL_PROFILE === '1',
  log = (s) => process.stderr.write(`${s}\n`),
} = {}) {
  const tPrep = performance.now();
  // ---- 1. playbooks -----------------------------------------------------------------------------
  const defs = generatePlaybooks({ count, seed });
  const records = defs.map((d, i) => {
    const v = validatePlaybook(d);
    if (!v.ok) throw new Error(`generated playbook ${d.key} is invalid: ${JSON.stringify(v.issues)}`);
    return { definition: v.playbook, id: `pb_bench_${i}`, version: 1 };
  });
  const set = playbookSet(records);
  const mix = {};
  for (const d of defs) {
    const k = Object.keys(d.trigger)[0] === 'on' ? `on ${d.trigger.on.type}` : Object.keys(d.trigger)[0];
    mix[k] = (mix[k] ?? 0) + 1;
  }
  const conditionsTotal = defs.reduce((a, d) => a + countLeaves(d.conditions ?? []), 0);
  const repetitions = defs.filter((d) => d.trigger.repetition);
  const thresholds = defs.filter((d) => d.trigger.threshold);

  // ---- 2. events, profiles, care state ----------------------------------------------------------
  const shop = createShop({ seed, customers: 100_000, tag: 'e' });
  let seq = 0;
  const newMessageId = () => `gen-${++seq}`;
  const nextEvents = (n) => {
    const out = [];
    while (out.length < n) {
      const batch = [];
      for (let j = 0; j < 100 && out.length + batch.length < n; j++) batch.push(shop.next());
      const sentAt = batch[batch.length - 1].timestamp;
      const r = validateBatch({ batch, sentAt }, { receivedAt: Date.parse(sentAt), newMessageId });
      if (!r.ok) throw new Error(`workload batch invalid: ${JSON.stringify(r.issues.slice(0, 3))}`);
      out.push(...r.events);
    }
    return out;
  };
  const view = new IdentityView();
  const profiles = new Map();
  const cares = new Map();
  let customerSeq = 0;
  const newCustomerId = () => `cus_${++customerSeq}`;
  const ids = new IdGenerator();
  const newId = () => ids.next('decision');
  let merges = 0;
  const fold = (e) => {
    const res = resolveEvent(view, e, newCustomerId);
    for (const op of res.ops) {
      if (op.op === 'create') {
        profiles.set(op.customerId, emptyProfile(e.timestamp));
        cares.set(op.customerId, emptyCareState());
      } else {
        merges++;
        const winner = profiles.get(op.winnerId) ?? emptyProfile(e.timestamp);
        const loser = profiles.get(op.loserId) ?? emptyProfile(e.timestamp);
        profiles.set(op.winnerId, mergeProfiles(winner, loser));
        if (!cares.has(op.winnerId)) cares.set(op.winnerId, emptyCareState());
      }
    }
    applyEvent(profiles.get(res.customerId), e, { geo: null });
    return res.customerId;
  };
  const inputFor = (customerId, profile, care, now) => ({ playbooks: set, settings: DEFAULT_ETIQUETTE, customerId, profile, care, now, newId });

  const warmEvents = nextEvents(warm);
  let warmDecisions = 0;
  for (const e of warmEvents) {
    const c = fold(e);
    warmDecisions += onEvent(inputFor(c, profiles.get(c), cares.get(c), e.timestamp), e).decisions.length;
  }
  warmEvents.length = 0;

  const events = nextEvents(poolSize);
  // Care states at the start of the pool, of the customers the pool's events resolve to (filled
  // below: a customer's state is copied the first time the pool meets them, before evaluating).
  const careSnapshot = new Map();
  const customerOf = new Array(poolSize);
  const profileOf = new Array(poolSize);
  const matchedOurs = new Array(poolSize);
  const facts = new Array(poolSize);
  const factNames = factNamesOf(defs).filter((n) => !n.startsWith('event.'));
  const getters = factNames.map((n) => {
    const g = compileFact(n);
    if (!g) throw new Error(`unknown fact ${n}`);
    return [n, g];
  });
  let refDecisions = 0;
  let refFired = 0;
  const byOutcome = {};
  const perPlaybook = {};
  for (let i = 0; i < poolSize; i++) {
    const e = events[i];
    const c = fold(e);
    const profile = structuredClone(profiles.get(c));
    customerOf[i] = c;
    profileOf[i] = profile;
    const care = cares.get(c);
    if (!careSnapshot.has(c)) careSnapshot.set(c, structuredClone(care));
    // JRE facts: the event, the profile facts (our getters), and the state JRE needs from outside.
    const f = {
      'event.type': e.type,
      'event.name': e.type === 'track' ? e.event : e.name,
      'event.page.path': eventPagePath(e),
    };
    const ctx = newFactContext(e, profile, e.timestamp);
    for (const [n, g] of getters) f[n] = g(ctx) ?? null;
    for (const d of repetitions) {
      const since = e.timestamp - parseWithin(d.trigger.repetition.within);
      f[`rep.${d.key}.hits`] = (care.playbooks[d.key]?.hits ?? []).filter((t) => t > since).length;
    }
    if (thresholds.length > 0) {
      const prev = thresholds.map((d) => care.playbooks[d.key]?.lastValue ?? 0);
      if (prev.some((v) => v !== prev[0])) throw new Error('threshold playbooks disagree on the previous value');
      f['prev.cart.value'] = prev[0];
    }
    facts[i] = f;
    const out = onEvent(inputFor(c, profile, care, e.timestamp), e);
    refDecisions += out.decisions.length;
    for (const d of out.decisions) {
      if (d.outcome === 'fired') refFired++;
      const k = d.outcome === 'fired' ? 'fired' : `held_back:${d.reason}`;
      byOutcome[k] = (byOutcome[k] ?? 0) + 1;
    }
    matchedOurs[i] = out.decisions.map((d) => d.playbookKey).sort();
    for (const k of matchedOurs[i]) perPlaybook[k] = (perPlaybook[k] ?? 0) + 1;
  }
  const poolCustomers = new Set(customerOf).size;
  // Care-state shape after the pool (what the server would store per customer).
  let memories = 0;
  let emptyMemories = 0;
  let careBytes = 0;
  for (const c of careSnapshot.keys()) {
    const care = cares.get(c);
    careBytes += JSON.stringify(care).length;
    for (const m of Object.values(care.playbooks)) {
      memories++;
      if (Object.keys(m).length === 0) emptyMemories++;
    }
  }
  const careStats = { customers: careSnapshot.size, memoriesPerCustomer: memories / careSnapshot.size, emptyMemoriesPerCustomer: emptyMemories / careSnapshot.size, jsonBytesPerCustomer: careBytes / careSnapshot.size };
  const prepSeconds = (performance.now() - tPrep) / 1000;
  const candidatesPerEvent = events.reduce((a, e) => a + set.candidates(e).length, 0) / poolSize;
  // How selective the index is, by event type: candidates, and how many of them the trigger matches.
  const byType = {};
  for (const e of events) {
    const k = e.type === 'track' ? `track ${e.event}` : e.type;
    const b = (byType[k] ??= { events: 0, candidates: 0, triggerMatches: 0 });
    const list = set.candidates(e);
    b.events++;
    b.candidates += list.length;
    for (const pb of list) if (pb.matchOn?.(e)) b.triggerMatches++;
  }
  for (const b of Object.values(byType)) {
    b.candidates = Math.round((10 * b.candidates) / b.events) / 10;
    b.triggerMatches = Math.round((10 * b.triggerMatches) / b.events) / 10;
  }
  log(`  prepared ${count} playbooks (${Object.entries(mix).map(([k, v]) => `${v} ${k}`).join(', ')}; ${conditionsTotal} condition leaves), ${warm} warm-up + ${poolSize} pool events (${poolCustomers} customers, ${merges} merges) in ${prepSeconds.toFixed(1)}s; ${candidatesPerEvent.toFixed(1)} index candidates + ${set.stateful.length} stateful per event; reference run: ${refDecisions} decisions (${refFired} fired) on the pool; care state per pool customer: ${careStats.memoriesPerCustomer.toFixed(1)} playbook memories (${careStats.emptyMemoriesPerCustomer.toFixed(1)} empty {}), ${careStats.jsonBytesPerCustomer.toFixed(0)} bytes as JSON`);

  const result = {
    playbooks: count, mix, conditionLeaves: conditionsTotal, poolEvents: poolSize, poolCustomers, warmEvents: warm, warmDecisions, merges,
    candidatesPerEvent, statefulPerEvent: set.stateful.length, referenceDecisions: refDecisions, referenceFired: refFired, byOutcome, perPlaybook, prepSeconds, careStats, byType,
  };

  // ---- 3. ours, timed -------------------------------------------------------------------------
  if (only !== 'jre') {
    // Care states are plain JSON (they are stored as JSON), so JSON round-trips restore them exactly.
    const careSnapshotJson = JSON.stringify(Object.fromEntries(careSnapshot));
    const profiler = profile ? await startProfiler() : null;
    const passes = [];
    let timed = 0;
    let evaluated = 0;
    let decisions = 0;
    let mismatchedPasses = 0;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (let pass = 0; pass === 0 || timed < seconds * 1000; pass++) {
      const passCares = JSON.parse(careSnapshotJson);
      const careOf = new Array(poolSize);
      for (let i = 0; i < poolSize; i++) careOf[i] = passCares[customerOf[i]];
      let d = 0;
      const t0 = performance.now();
      for (let i = 0; i < poolSize; i++) {
        const e = events[i];
        const out = onEvent({ playbooks: set, settings: DEFAULT_ETIQUETTE, customerId: customerOf[i], profile: profileOf[i], care: careOf[i], now: e.timestamp, newId }, e);
        d += out.decisions.length;
      }
      const ms = performance.now() - t0;
      if (d !== refDecisions) mismatchedPasses++;
      if (pass === 0) continue; // warm-up pass (JIT), not counted
      passes.push(ms);
      timed += ms;
      evaluated += poolSize;
      decisions += d;
    }
    const wall = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    if (profiler) result.oursProfile = await profiler.stop('ours');
    const rates = passes.map((ms) => poolSize / (ms / 1000)).sort((a, b) => a - b);
    result.ours = {
      eventsPerSecond: evaluated / (timed / 1000),
      seconds: timed / 1000, events: evaluated, passes: passes.length, decisionsPerPass: decisions / passes.length,
      decisionsPerSecond: decisions / (timed / 1000),
      passRateMin: rates[0], passRateMedian: rates[Math.floor(rates.length / 2)], passRateMax: rates[rates.length - 1],
      mismatchedPasses,
      // CPU of this process over the passes (incl. the untimed care restores): ≈ 1 core = single-threaded.
      cpuCores: (cpu.user + cpu.system) / 1000 / wall,
      nsPerEvent: (timed * 1e6) / evaluated,
    };
    log(`  rules.eval.ours: ${fmt(result.ours.eventsPerSecond)} events/s (${passes.length} passes of ${poolSize}, pass rates ${fmt(rates[0])}–${fmt(rates[rates.length - 1])}, ${fmt(result.ours.nsPerEvent)} ns/event, ${fmt(result.ours.decisionsPerPass)} decisions per pass${mismatchedPasses ? `, !!! ${mismatchedPasses} passes differ from the reference` : ''})`);
  }

  // ---- 4. json-rules-engine, timed + verification ----------------------------------------------
  if (only !== 'ours') {
    const engine = new Engine(defs.map(toJreRule), { allowUndefinedFacts: false });
    for (const [name, fn] of JRE_OPERATORS) engine.addOperator(name, fn);
    // Verification pass (untimed; also the JIT warm-up).
    let jreMatches = 0;
    let oursMatches = 0;
    let eventsDiffer = 0;
    let onlyOurs = 0;
    let onlyJre = 0;
    const samples = [];
    for (let i = 0; i < poolSize; i++) {
      const r = await engine.run(facts[i]);
      const theirs = r.events.map((x) => x.type).sort();
      const ours = matchedOurs[i];
      jreMatches += theirs.length;
      oursMatches += ours.length;
      const a = new Set(ours);
      const b = new Set(theirs);
      const oo = ours.filter((k) => !b.has(k));
      const oj = theirs.filter((k) => !a.has(k));
      if (oo.length || oj.length) {
        eventsDiffer++;
        onlyOurs += oo.length;
        onlyJre += oj.length;
        if (samples.length < 5) samples.push({ index: i, type: events[i].type, name: events[i].event ?? events[i].name, onlyOurs: oo, onlyJre: oj });
      }
    }
    result.verification = { events: poolSize, oursMatches, jreMatches, eventsDiffer, onlyOurs, onlyJre, samples };
    log(`  verification over ${poolSize} events: ours ${oursMatches} rule matches, json-rules-engine ${jreMatches}; ${eventsDiffer} events differ (${onlyOurs} only ours, ${onlyJre} only JRE)`);
    for (const s of samples) log(`    differs: #${s.index} ${s.type} ${s.name ?? ''}: only ours ${JSON.stringify(s.onlyOurs)}, only JRE ${JSON.stringify(s.onlyJre)}`);

    const profiler = profile ? await startProfiler() : null;
    let n = 0;
    let matched = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    let i = 0;
    while (performance.now() < deadline) {
      // Check the clock every 100 events (reading it is not free either).
      for (let k = 0; k < 100; k++) {
        const r = await engine.run(facts[i]);
        matched += r.events.length;
        n++;
        if (++i === poolSize) i = 0;
      }
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (profiler) result.jreProfile = await profiler.stop('jre');
    result.jre = {
      eventsPerSecond: n / (ms / 1000), seconds: ms / 1000, events: n, matchesPerEvent: matched / n,
      cpuCores: (cpu.user + cpu.system) / 1000 / ms, nsPerEvent: (ms * 1e6) / n,
      version: jreVersion(),
    };
    log(`  rules.eval.json-rules-engine: ${fmt(result.jre.eventsPerSecond)} events/s (${n} runs, ${fmt(result.jre.nsPerEvent)} ns/event)`);
  }
  if (result.ours && result.jre) result.ratio = result.ours.eventsPerSecond / result.jre.eventsPerSecond;
  return result;
}

/** Starts the V8 CPU profiler on this thread; stop(label) writes bench/results/profiles/eval-<label>-<time>.cpuprofile and returns its path and summary. */
async function startProfiler() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    async stop(label) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { summarize } = await import('./profile.mjs');
      const dir = new URL('./results/profiles/', import.meta.url);
      mkdirSync(dir, { recursive: true });
      const file = new URL(`eval-${label}-${Date.now()}.cpuprofile`, dir);
      writeFileSync(file, JSON.stringify(profile));
      const summary = `${summarize(profile, 25)}\n\n${summarizeUnder(profile, label === 'ours' ? 'onEvent' : 'run', 40)}`;
      process.stderr.write(`\n[care-eval] CPU profile of the ${label} loop: ${file.pathname}\n${summary}\n\n`);
      return { file: file.pathname, summary };
    },
  };
}

/**
 * Self time of the samples whose stack contains a function named `root` (the evaluation proper,
 * without the untimed care-state restores between passes), by function and by inclusive stage.
 * Garbage collection cannot be attributed to a stack: it is reported beside.
 */
function summarizeUnder(profile, root, top) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = timeDeltas.reduce((a, b) => a + b, 0);
  let under = 0;
  let gc = 0;
  const fnSelf = new Map();
  const incl = new Map();
  const name = (f) => `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*packages\/server\/dist\//, 'server/').replace(/^file:\/\/.*\/bench\//, 'bench/')}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i] ?? 0;
    const leaf = byId.get(samples[i]);
    if (leaf.callFrame.functionName === '(garbage collector)') {
      gc += dt;
      continue;
    }
    const stack = [];
    let id = samples[i];
    while (id !== undefined) {
      stack.push(byId.get(id).callFrame);
      id = parent.get(id);
    }
    if (!stack.some((f) => f.functionName === root)) continue;
    under += dt;
    const k = name(leaf.callFrame);
    fnSelf.set(k, (fnSelf.get(k) ?? 0) + dt);
    const seen = new Set();
    for (const f of stack) {
      const key = name(f);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + dt);
    }
  }
  const pct = (t) => `${((100 * t) / under).toFixed(1).padStart(5)}%`;
  const ms = (t) => `${(t / 1000).toFixed(0).padStart(6)} ms`;
  const lines = [`Within ${root} (inclusive ${ms(under)} = ${((100 * under) / total).toFixed(1)}% of the profile; garbage collection, not attributable, ${ms(gc)} = ${((100 * gc) / total).toFixed(1)}%)`, '', 'Self time (% of the evaluation)'];
  for (const [k, t] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)} ${ms(t)}  ${k}`);
  lines.push('', 'Inclusive time (% of the evaluation)');
  for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)} ${ms(t)}  ${k}`);
  return lines.join('\n');
}

function countLeaves(conds) {
  let n = 0;
  for (const c of conds) {
    if ('any' in c) n += countLeaves(c.any);
    else if ('all' in c) n += countLeaves(c.all);
    else if ('not' in c) n += countLeaves([c.not]);
    else n++;
  }
  return n;
}

function parseWithin(text) {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) throw new Error(`bench duration ${text}`);
  return Number(m[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2]];
}

function jreVersion() {
  try {
    return createRequire(import.meta.url)('json-rules-engine/package.json').version;
  } catch {
    return 'unknown';
  }
}

function fmt(v) {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : String(v);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hard = setTimeout(() => {
    process.stderr.write('[care-eval] hard time limit reached\n');
    process.exit(3);
  }, num(env.BENCH_MAX_SECONDS, 900) * 1000);
  hard.unref();
  runCareEval()
    .then((result) => {
      if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
      else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    })
    .catch((err) => {
      process.stderr.write(`[care-eval] ${err?.stack ?? err}\n`);
      if (process.send) process.send({ type: 'error', message: String(err?.stack ?? err) }, () => process.exit(1));
      else process.exit(1);
    });
}
