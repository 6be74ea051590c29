import type { NormalizedEvent } from '../../domain/events/normalized-event.js';
import { secondaryIdentifiers } from '../../domain/identity/identifiers.js';
import { IdentityView, keyOf } from '../../domain/identity/identity-view.js';
import { resolveEvent } from '../../domain/identity/resolve-event.js';
import { applyEvent } from '../../domain/profile/apply-event.js';
import { emptyProfile } from '../../domain/profile/empty-profile.js';
import { mergeProfiles } from '../../domain/profile/merge-profiles.js';
import type { Profile } from '../../domain/profile/profile.js';
import type { IdGenerator } from '../../platform/ids.js';
import { identifierHash } from '../../platform/secrets.js';
import type { GeoLookup } from '../../ports/geo.js';
import type {
  CareStoreOps, CustomerRecord, EventRecord, IdentityKey, MergeRecord, StoreOps, TimerRecord, TraitChangeRecord,
} from '../../ports/store.js';
import { emptyCareState, type CareState } from '../../domain/playbooks/care-state.js';
import { onEvent, onTimers, type EvalInput } from '../../domain/playbooks/evaluate.js';
import type { TimerFire, TimerKind } from '../../domain/playbooks/eval-types.js';
import { CareEffects, type OnsiteTouch } from '../care/care-effects.js';
import type { WorkspaceCare } from '../care/workspace-care.js';
import type { CustomerCache } from './customer-cache.js';
import { activityOf, type VisitorActivity } from './visitor-activity.js';

export interface FlushInput { workspaceId: string; events: NormalizedEvent[]; /** due timers to fire (claimed here) */ timers?: TimerRecord[] }
export interface FlushOutcome {
  stored: boolean[]; duplicate: boolean[]; suppressed: boolean[];
  /** Touches for live widget sessions, to publish after commit. */
  onsite: OnsiteTouch[];
  timersFired: number;
  decisions: number;
  /** The workspace write sequence this flush took, and the customers it wrote (for the cache). */
  seq: number;
  customers: CustomerRecord[];
  /** Customers whose current page changed (only when `watchPages`), to publish after commit. */
  activity: VisitorActivity[];
}

interface Deps {
  ids: IdGenerator; geo: GeoLookup | null; now: number; care: WorkspaceCare | null; cache?: CustomerCache;
  /** Someone watches this workspace's shoppers live: note whose current page changes (else nothing is recorded). */
  watchPages?: boolean;
}

/**
 * Stores one workspace's share of a flush inside the caller's transaction: de-duplicate,
 * drop suppressed people, resolve identities, fold every event into its profile in memory and
 * write each touched table once (set-at-a-time), so a profile touched by 50 events in this
 * flush is written once, not 50 times.
 */
export async function flushWorkspace(tx: StoreOps & CareStoreOps, input: FlushInput, deps: Deps): Promise<FlushOutcome> {
  const { workspaceId, events } = input;
  const n = events.length;
  const duplicate = new Array<boolean>(n).fill(false);
  const suppressed = new Array<boolean>(n).fill(false);
  const stored = new Array<boolean>(n).fill(false);

  // Writers of one workspace take turns (across processes too), so two flushes can never both
  // decide "this userId is new" and create two customers for one person.
  const seq = await tx.lockWorkspaceForIngest(workspaceId);
  const cache = deps.cache?.validFor(workspaceId, seq) ? deps.cache : null;

  // 1. Suppression: people erased on request stay erased — and leave no trace, not even a messageId.
  if (await tx.hasSuppressions(workspaceId)) {
    const hashesOf = events.map((e) => identifierHashes(workspaceId, e));
    const hit = await tx.findSuppressed(workspaceId, [...new Set(hashesOf.flat())]);
    const counts = new Map<string, number>();
    hashesOf.forEach((hs, i) => {
      const h = hs.find((x) => hit.has(x));
      if (h) {
        suppressed[i] = true;
        counts.set(h, (counts.get(h) ?? 0) + 1);
      }
    });
    if (counts.size > 0) await tx.countSuppressed(workspaceId, counts, deps.now);
  }

  // 2. De-duplicate: first within the flush, then against the stored window.
  const firstIndex = new Map<string, number>();
  const toClaim: string[] = [];
  events.forEach((e, i) => {
    if (!e.messageIdGiven || suppressed[i]) return;
    if (firstIndex.has(e.messageId)) duplicate[i] = true;
    else {
      firstIndex.set(e.messageId, i);
      toClaim.push(e.messageId);
    }
  });
  if (toClaim.length > 0) {
    const fresh = await tx.claimMessageIds(workspaceId, toClaim, deps.now);
    for (const m of toClaim) if (!fresh.has(m)) duplicate[firstIndex.get(m)!] = true;
  }
  const live = events.map((_, i) => i).filter((i) => !duplicate[i] && !suppressed[i]);
  // Whoever deletes a due timer fires it: claiming inside this transaction makes firing exactly-once.
  const fires = input.timers && input.timers.length > 0 ? await tx.claimTimers(workspaceId, input.timers.map((t) => t.id)) : [];
  if (live.length === 0 && fires.length === 0) return { stored, duplicate, suppressed, onsite: [], timersFired: 0, decisions: 0, seq, customers: [], activity: [] };

  // 3. Load the identity slice and the customers it points at.
  const view = new IdentityView();
  const keys = new Map<string, IdentityKey>();
  for (const i of live) for (const k of lookupKeys(events[i]!)) keys.set(keyOf(k.kind, k.value), k);
  for (const r of await tx.findIdentities(workspaceId, [...keys.values()])) {
    view.identities.set(keyOf(r.kind, r.value), { kind: r.kind, value: r.value, customerId: r.customerId, verified: r.verified });
  }
  const records = new Map<string, CustomerRecord>();
  let wanted = [...new Set([...view.identities.values()].map((h) => h.customerId).concat(fires.map((f) => f.customerId)))];
  while (wanted.length > 0) {
    const loaded: CustomerRecord[] = [];
    const missing: string[] = [];
    for (const id of wanted) {
      const hit = cache?.get(id);
      if (hit) loaded.push(hit);
      else missing.push(id);
    }
    if (missing.length > 0) loaded.push(...(await tx.loadCustomers(workspaceId, missing)));
    for (const c of loaded) {
      records.set(c.id, c);
      view.customers.set(c.id, { userId: c.userId, mergedInto: c.mergedInto });
    }
    wanted = loaded.map((c) => c.mergedInto).filter((m): m is string => m !== null && !records.has(m));
  }
  const profiles = new Map<string, Profile>();
  const cares = new Map<string, CareState>();
  for (const c of records.values()) {
    profiles.set(c.id, c.profile);
    cares.set(c.id, c.care);
  }
  const effects = new CareEffects(workspaceId, deps.ids, deps.now);
  const evalInput = (customerId: string): EvalInput => ({
    playbooks: deps.care!.playbooks, settings: deps.care!.settings, customerId,
    profile: profiles.get(customerId)!, care: cares.get(customerId)!, now: deps.now, newId: () => deps.ids.next('decision'),
  });

  // 4. Resolve and fold, in arrival order.
  const eventRows: EventRecord[] = [];
  const traitRows: TraitChangeRecord[] = [];
  const merges: MergeRecord[] = [];
  const touched = new Set<string>();
  const watch = deps.watchPages === true;
  let paged: Set<string> | null = null;
  const newCustomerId = () => deps.ids.next('customer');
  for (const i of live) {
    const e = events[i]!;
    const res = resolveEvent(view, e, newCustomerId);
    const eventId = deps.ids.next('event');
    for (const op of res.ops) {
      if (op.op === 'create') {
        profiles.set(op.customerId, emptyProfile(e.timestamp));
        cares.set(op.customerId, emptyCareState());
      } else {
        const winner = profiles.get(op.winnerId) ?? emptyProfile(e.timestamp);
        const loser = profiles.get(op.loserId) ?? emptyProfile(e.timestamp);
        merges.push({
          id: deps.ids.next('merge'), workspaceId, winnerId: op.winnerId, loserId: op.loserId, reason: op.reason,
          eventId, at: deps.now, undoneAt: null,
          details: {
            movedIdentities: [],
            winnerBefore: { userId: records.get(op.winnerId)?.userId ?? null, profile: structuredClone(winner) },
            loserBefore: { userId: records.get(op.loserId)?.userId ?? null, profile: structuredClone(loser) },
          },
        });
        profiles.set(op.winnerId, mergeProfiles(winner, loser));
        // The etiquette ledger follows the person: touches made to either profile still count.
        const wc = cares.get(op.winnerId) ?? emptyCareState();
        const lc = cares.get(op.loserId);
        if (lc) wc.touches = [...wc.touches, ...lc.touches].sort((a, b) => a.at - b.at).slice(-100);
        cares.set(op.winnerId, wc);
        touched.add(op.loserId);
        touched.add(op.winnerId);
      }
    }
    const profile = profiles.get(res.customerId)!;
    const before = e.type === 'identify' ? { ...profile.traits } : null;
    const ip = typeof e.context['ip'] === 'string' ? e.context['ip'] : null;
    const geo = ip && ip !== profile.lastIp && deps.geo ? deps.geo.lookup(ip) : null;
    // A reference check: the profile's current page is replaced, never edited, when it changes.
    const pageBefore = watch ? profile.session.currentPage : null;
    applyEvent(profile, e, { geo });
    if (watch && profile.session.currentPage !== pageBefore) (paged ??= new Set()).add(res.customerId);
    touched.add(res.customerId);
    if (deps.care) effects.add(res.customerId, profile, onEvent(evalInput(res.customerId), e));
    if (before) {
      for (const [trait, value] of Object.entries(profile.traits)) {
        if (JSON.stringify(before[trait]) !== JSON.stringify(value)) {
          traitRows.push({ id: deps.ids.next('traitChange'), workspaceId, customerId: res.customerId, trait, value: JSON.stringify(value ?? null), at: e.timestamp, eventId });
        }
      }
    }
    eventRows.push({
      id: eventId, workspaceId, customerId: res.customerId, type: e.type, name: e.event ?? e.name,
      messageId: e.messageId, timestamp: e.timestamp, receivedAt: e.receivedAt, payload: e.raw,
    });
    stored[i] = true;
  }

  // 5. Timers that came due: dwell, absence, dates and the next cups of ladders.
  const firesByCustomer = new Map<string, TimerFire[]>();
  for (const f of fires) {
    const id = view.root(f.customerId);
    if (!deps.care || !profiles.has(id)) continue; // customer erased, or care switched off meanwhile
    const list = firesByCustomer.get(id) ?? [];
    list.push({ key: f.key, kind: f.kind as TimerKind, playbookKey: f.playbookKey, dueAt: f.dueAt, payload: f.payload });
    firesByCustomer.set(id, list);
  }
  for (const [id, list] of firesByCustomer) {
    touched.add(id);
    effects.add(id, profiles.get(id)!, onTimers(evalInput(id), list));
  }
  await effects.write(tx);

  // 6. Write back: identities first (pointing at surviving customers), then merges' moves.
  const identityRows = [...view.dirty].map((k) => {
    const h = view.identities.get(k)!;
    return { kind: h.kind, value: h.value, customerId: view.root(h.customerId), verified: h.verified, createdAt: deps.now };
  });
  await tx.upsertIdentities(workspaceId, identityRows);
  for (const m of merges) {
    const moved = (await tx.identitiesOf(workspaceId, [m.loserId])).map((r) => ({ kind: r.kind, value: r.value }));
    for (const h of view.identities.values()) {
      if (h.customerId === m.loserId && !moved.some((x) => x.kind === h.kind && x.value === h.value)) moved.push({ kind: h.kind, value: h.value });
    }
    m.details.movedIdentities = moved;
    await tx.moveIdentities(workspaceId, moved, view.root(m.winnerId));
  }
  const customerRows: CustomerRecord[] = [];
  for (const id of touched) {
    const ref = view.customer(id);
    const existing = records.get(id);
    customerRows.push({
      id, workspaceId, createdAt: existing?.createdAt ?? deps.now, updatedAt: deps.now,
      mergedInto: ref.mergedInto, userId: ref.userId, profile: profiles.get(id)!, care: cares.get(id) ?? emptyCareState(),
    });
  }
  await tx.upsertCustomers(customerRows);
  await tx.insertEvents(eventRows);
  await tx.insertMerges(merges);
  await tx.insertTraitChanges(traitRows);
  return {
    stored, duplicate, suppressed, onsite: effects.onsite, timersFired: fires.length, decisions: effects.decisionCount, seq, customers: customerRows,
    activity: paged ? pageActivity(workspaceId, paged, view, profiles) : [],
  };
}

/** One activity per surviving customer whose page changed, with the page the flush ended on. */
function pageActivity(workspaceId: string, paged: Set<string>, view: IdentityView, profiles: Map<string, Profile>): VisitorActivity[] {
  const out: VisitorActivity[] = [];
  const roots = new Set<string>();
  for (const id of paged) {
    const root = view.root(id);
    if (roots.has(root)) continue;
    roots.add(root);
    const a = activityOf(workspaceId, root, profiles.get(root));
    if (a) out.push(a);
  }
  return out;
}

/** Every identity key that could decide which customer an event belongs to. */
function lookupKeys(e: NormalizedEvent): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (e.userId) keys.push({ kind: 'user', value: e.userId });
  if (e.anonymousId) keys.push({ kind: 'anon', value: e.anonymousId });
  if (e.previousId) keys.push({ kind: 'user', value: e.previousId }, { kind: 'anon', value: e.previousId });
  keys.push(...secondaryIdentifiers(e));
  return keys;
}

export function identifierHashes(workspaceId: string, e: NormalizedEvent): string[] {
  return lookupKeys(e).map((k) => identifierHash(workspaceId, k.kind, k.value));
}
