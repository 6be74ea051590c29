import type { SimulatedDecision, SimulationReport } from '@omotenashi/protocol';
import { isDeepStrictEqual } from 'node:util';
import type { EtiquetteSettings } from '../../domain/etiquette/settings.js';
import type { NormalizedEvent } from '../../domain/events/normalized-event.js';
import { emptyCareState, type CareState } from '../../domain/playbooks/care-state.js';
import type { PlaybookDefinition } from '../../domain/playbooks/definition.js';
import type { CareOutcome, Decision } from '../../domain/playbooks/eval-types.js';
import { onEvent, onTimer, type EvalInput, type PlaybookSet } from '../../domain/playbooks/evaluate.js';
import { validatePlaybook } from '../../domain/playbooks/validate-playbook.js';
import { applyEvent } from '../../domain/profile/apply-event.js';
import { emptyProfile } from '../../domain/profile/empty-profile.js';
import type { Profile } from '../../domain/profile/profile.js';
import { notFound, validationError } from '../../errors.js';
import type { GeoLookup } from '../../ports/geo.js';
import type { EventCursor, PlaybookRecord, Store } from '../../ports/store.js';
import { rehydrate } from '../rehydrate.js';
import { playbookSet } from './playbook-registry.js';
import type { Playbooks } from './playbooks.js';
import { VirtualTimers } from './simulate/timer-heap.js';

/**
 * Playbook simulation: "whom would this playbook have reached, and when, had it been on?"
 *
 * It replays the stored events of a period through the SAME pure evaluator and etiquette the
 * live care loop runs (domain/playbooks/evaluate.ts), with every customer's profile, care memory
 * and timers kept in memory, and writes nothing: no decisions, timers, queue items, touches,
 * webhooks or profile changes. What it assumes (docs/playbooks.md states it):
 *
 * - Customers are people as identity resolution sees them today: the events of profiles merged
 *   since are replayed as one customer (under the surviving id).
 * - A customer's profile is rebuilt from empty by folding all their stored events before `from`
 *   silently (no evaluation), so facts like orders.count or the cart are right at `from`; their
 *   care memory (etiquette ledger, cool-downs, pending timers) starts empty at `from`.
 * - "now" is each event's own timestamp; a timer fires at its due time, before any event at or
 *   after it; timers still pending at `to` fire only when due before `to`.
 * - Only customers with at least one event in the period are replayed (a date playbook reaches
 *   only customers active in the period).
 * - The workspace's other enabled playbooks run alongside (unless `alone`): their touches count
 *   against the caps and they compete for the moment (`superseded`), as they would live. Only
 *   the simulated playbook's decisions are reported. Its etiquette is the workspace's current one.
 * - Stored response events (Touch Dismissed / Accepted, typing) are replayed as they happened:
 *   they answered real touches, but they are still what the customer did.
 */

export interface SimulateOptions {
  /** The key of a stored playbook (its current version, enabled or not), or an unsaved definition. */
  playbook: string | Record<string, unknown>;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Replay at most this many customers (in order of their first event in the period). */
  limitCustomers?: number | undefined;
  /** Leave the workspace's other enabled playbooks out. */
  alone?: boolean | undefined;
}

export interface SimulationProgress {
  phase: 'scanning' | 'replaying';
  /** scanning: events of the period looked at so far. */
  eventsScanned: number;
  customersDone: number;
  /** Customers found so far (scanning) or to replay (replaying). */
  customersTotal: number;
  eventsReplayed: number;
}

/** The report's shapes are the API's (packages/protocol). */
export type { SimulatedDecision, SimulationReport };

export interface SimulationDeps {
  store: Store;
  playbooks: Pick<Playbooks, 'etiquette'>;
  geo: GeoLookup | null;
}

const SAMPLE_CUSTOMERS = 20;
const SAMPLE_DECISIONS = 20;
const SCAN_PAGE = 5_000;
const EVENT_PAGE = 1_000;
/** Customers replayed together: their events are read in one time-ordered stream. */
const BATCH = 100;
const MAX_MERGE_DEPTH = 32;

interface Target { record: { definition: PlaybookDefinition; id: string; version: number }; draft: boolean }

interface CustomerState {
  profile: Profile | null;
  care: CareState;
  decisions: SimulatedDecision[];
  fired: boolean;
}

/** Replays the period and reports what the playbook would have done. Writes nothing. */
export async function simulate(
  deps: SimulationDeps, workspaceId: string, opts: SimulateOptions, onProgress?: (p: SimulationProgress) => void,
): Promise<SimulationReport> {
  const started = performance.now();
  const { store } = deps;
  const { from, to } = opts;
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to)) {
    throw validationError([{ path: 'from', code: 'invalid_value', message: 'from must be before to' }]);
  }
  const target = await resolveTarget(store, workspaceId, opts.playbook);
  const key = target.record.definition.key;
  const others: PlaybookRecord[] = opts.alone ? [] : (await store.listPlaybooks(workspaceId)).filter((p) => p.enabled && p.key !== key);
  const set = playbookSet([
    ...others.map((p) => ({ definition: p.definition as PlaybookDefinition, id: p.id, version: p.version })),
    target.record,
  ]);
  const settings = await deps.playbooks.etiquette(workspaceId);
  const steps = target.record.definition.steps;
  const tally = {
    byStep: steps.map((s, i) => ({ step: i, action: s.action, fired: 0, heldBack: 0 })),
    heldBackByReason: {} as Record<string, number>,
    reached: 0,
    sample: [] as SimulationReport['sample'],
  };
  const progress: SimulationProgress = { phase: 'scanning', eventsScanned: 0, customersDone: 0, customersTotal: 0, eventsReplayed: 0 };

  // 1. Who was active in the period (as people: merged profiles resolved to the survivor).
  const { roots, limited } = await activeCustomers(store, workspaceId, from, to, opts.limitCustomers, progress, onProgress);

  // 2. Replay them a batch at a time, each batch as one time-ordered stream.
  progress.phase = 'replaying';
  progress.customersTotal = roots.length;
  onProgress?.({ ...progress });
  let decisionSeq = 0;
  const newId = () => `sim_${++decisionSeq}`;
  for (let i = 0; i < roots.length; i += BATCH) {
    const batch = roots.slice(i, i + BATCH);
    const states = await replayBatch({ store, workspaceId, batch, from, to, set, settings, key, geo: deps.geo, newId, tally, progress });
    for (const root of batch) {
      const st = states.get(root);
      if (!st?.fired) continue;
      tally.reached++;
      if (tally.sample.length < SAMPLE_CUSTOMERS) tally.sample.push({ customerId: root, decisions: st.decisions });
    }
    progress.customersDone = Math.min(roots.length, i + BATCH);
    onProgress?.({ ...progress });
  }

  return {
    playbook: { key, name: target.record.definition.name, version: target.record.version, draft: target.draft },
    period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    alongside: others.map((p) => p.key),
    eventsReplayed: progress.eventsReplayed,
    customersSeen: roots.length,
    limited,
    reached: tally.reached,
    byStep: tally.byStep,
    heldBackByReason: tally.heldBackByReason,
    sample: tally.sample,
    durationMs: Math.round(performance.now() - started),
  };
}

/** A stored playbook by key, or an unsaved definition (validated like `apply` does). */
async function resolveTarget(store: Store, workspaceId: string, playbook: SimulateOptions['playbook']): Promise<Target> {
  if (typeof playbook === 'string') {
    const rec = await store.getPlaybook(workspaceId, playbook);
    if (!rec) throw notFound('playbook', playbook);
    return { record: { definition: rec.definition as PlaybookDefinition, id: rec.id, version: rec.version }, draft: false };
  }
  const r = validatePlaybook(playbook);
  if (!r.ok) throw validationError(r.issues);
  const current = await store.getPlaybook(workspaceId, r.playbook.key);
  const same = current !== null && isDeepStrictEqual(current.definition, r.playbook);
  return {
    record: { definition: r.playbook, id: current?.id ?? `draft_${r.playbook.key}`, version: same ? current.version : (current?.version ?? 0) + 1 },
    draft: !same,
  };
}

/**
 * The people with events in [from, to), in order of their first event there. Stored events
 * carry the customer id they were ingested under; a profile merged since counts as its survivor.
 */
async function activeCustomers(
  store: Store, workspaceId: string, from: number, to: number, limit: number | undefined,
  progress: SimulationProgress, onProgress?: (p: SimulationProgress) => void,
): Promise<{ roots: string[]; limited: boolean }> {
  const rootOf = new Map<string, string>();
  const roots = new Set<string>();
  let after: EventCursor | null = null;
  const report = (scanned: number, customers: number) => {
    progress.eventsScanned += scanned;
    progress.customersTotal = customers;
    onProgress?.({ ...progress });
  };
  for (;;) {
    const page = await store.scanEventHeads(workspaceId, { from, to, after, limit: SCAN_PAGE });
    const unknown = [...new Set(page.map((h) => h.customerId).filter((id) => !rootOf.has(id)))];
    if (unknown.length > 0) for (const [id, root] of await resolveRoots(store, workspaceId, unknown)) rootOf.set(id, root);
    for (const h of page) {
      const root = rootOf.get(h.customerId) ?? h.customerId;
      if (roots.has(root)) continue;
      if (limit !== undefined && roots.size >= limit) {
        report(page.length, roots.size);
        return { roots: [...roots], limited: true };
      }
      roots.add(root);
    }
    report(page.length, roots.size);
    if (page.length < SCAN_PAGE) break;
    const last = page[page.length - 1]!;
    after = { timestamp: last.timestamp, id: last.id };
  }
  return { roots: [...roots], limited: false };
}

/** id → the surviving customer it was merged into (itself when never merged). */
async function resolveRoots(store: Store, workspaceId: string, ids: string[]): Promise<Map<string, string>> {
  const parent = new Map<string, string | null>();
  let wanted = ids;
  for (let depth = 0; depth < MAX_MERGE_DEPTH && wanted.length > 0; depth++) {
    const loaded = await store.loadCustomers(workspaceId, wanted);
    for (const c of loaded) parent.set(c.id, c.mergedInto);
    wanted = [...new Set(loaded.map((c) => c.mergedInto).filter((m): m is string => m !== null && !parent.has(m)))];
  }
  const out = new Map<string, string>();
  for (const id of ids) {
    let root = id;
    for (let depth = 0; depth < MAX_MERGE_DEPTH; depth++) {
      const next = parent.get(root);
      if (!next) break;
      root = next;
    }
    out.set(id, root);
  }
  return out;
}

/** Every customer id merged (transitively) into one of `roots`, mapped to its root. */
async function families(store: Store, workspaceId: string, roots: string[]): Promise<Map<string, string>> {
  const rootOf = new Map(roots.map((r) => [r, r]));
  let frontier = roots;
  for (let depth = 0; depth < MAX_MERGE_DEPTH && frontier.length > 0; depth++) {
    const children = (await store.mergedInto(workspaceId, frontier)).filter((id) => !rootOf.has(id));
    if (children.length === 0) break;
    for (const c of await store.loadCustomers(workspaceId, children)) {
      const root = c.mergedInto === null ? undefined : rootOf.get(c.mergedInto);
      if (root !== undefined) rootOf.set(c.id, root);
    }
    frontier = children.filter((id) => rootOf.has(id));
  }
  return rootOf;
}

interface BatchInput {
  store: Store; workspaceId: string; batch: string[]; from: number; to: number;
  set: PlaybookSet; settings: EtiquetteSettings; key: string; geo: GeoLookup | null; newId: () => string;
  tally: { byStep: SimulationReport['byStep']; heldBackByReason: Record<string, number> };
  progress: SimulationProgress;
}

/**
 * One batch of customers as a single time-ordered stream: their events oldest first (before
 * `from` only folded into the profile), and their timers from one heap, each fired at its due
 * time before any later event.
 */
async function replayBatch(b: BatchInput): Promise<Map<string, CustomerState>> {
  const rootOf = await families(b.store, b.workspaceId, b.batch);
  const states = new Map<string, CustomerState>(b.batch.map((r) => [r, { profile: null, care: emptyCareState(), decisions: [], fired: false }]));
  const timers = new VirtualTimers();

  const input = (customerId: string, profile: Profile, care: CareState, now: number): EvalInput => ({
    playbooks: b.set, settings: b.settings, customerId, profile, care, now, newId: b.newId,
  });
  const take = (customerId: string, st: CustomerState, out: CareOutcome) => {
    for (const t of out.timers) {
      if (t.op === 'set') timers.set({ key: t.key, kind: t.kind, playbookKey: t.playbookKey, dueAt: t.dueAt, payload: t.payload, customerId });
      else timers.clear(t.key);
    }
    for (const d of out.decisions) if (d.playbookKey === b.key) record(st, d, b.tally);
  };
  const fireDue = (until: number) => {
    for (let t = timers.popDue(until); t !== null; t = timers.popDue(until)) {
      const st = states.get(t.customerId)!;
      if (!st.profile) continue;
      take(t.customerId, st, onTimer(input(t.customerId, st.profile, st.care, t.dueAt), t));
    }
  };

  const ids = [...rootOf.keys()];
  let cursor: EventCursor | null = null;
  let done = false;
  while (!done) {
    const page = await b.store.listEvents(b.workspaceId, ids, { before: cursor, limit: EVENT_PAGE, ascending: true });
    for (const r of page) {
      if (r.timestamp >= b.to) {
        done = true;
        break;
      }
      const root = rootOf.get(r.customerId);
      const st = root === undefined ? undefined : states.get(root);
      if (!root || !st) continue;
      const e: NormalizedEvent = rehydrate(r);
      if (r.timestamp >= b.from) fireDue(r.timestamp);
      const profile = st.profile ?? emptyProfile(e.timestamp);
      st.profile = profile;
      const ip = typeof e.context['ip'] === 'string' ? e.context['ip'] : null;
      applyEvent(profile, e, { geo: ip && ip !== profile.lastIp && b.geo ? b.geo.lookup(ip) : null });
      if (r.timestamp < b.from) continue; // history before the period: folded silently
      take(root, st, onEvent(input(root, profile, st.care, e.timestamp), e));
      b.progress.eventsReplayed++;
    }
    if (page.length < EVENT_PAGE) break;
    const last = page[page.length - 1]!;
    cursor = { timestamp: last.timestamp, id: last.id };
  }
  fireDue(b.to - 1);
  return states;
}

function record(st: CustomerState, d: Decision, tally: BatchInput['tally']): void {
  const row = tally.byStep[d.step];
  if (d.outcome === 'fired') {
    st.fired = true;
    if (row) row.fired++;
  } else {
    if (row) row.heldBack++;
    const reason = d.reason ?? 'unknown';
    tally.heldBackByReason[reason] = (tally.heldBackByReason[reason] ?? 0) + 1;
  }
  if (st.decisions.length < SAMPLE_DECISIONS) {
    st.decisions.push({ at: new Date(d.at).toISOString(), step: d.step, action: d.action, outcome: d.outcome, reason: d.reason, summary: d.explanation.summary });
  }
}
