import type { NormalizedEvent } from '../events/normalized-event.js';
import { isPassiveSignal } from '../events/passive-signal.js';
import { arbitrate } from '../etiquette/arbitrate.js';
import { channelOf } from '../etiquette/channel.js';
import { checkEtiquette } from '../etiquette/check.js';
import { effectiveEtiquette } from '../etiquette/effective.js';
import { recordAccept, recordDecline, recordTouch } from '../etiquette/ledger.js';
import type { EtiquetteSettings } from '../etiquette/settings.js';
import { localHourOf } from '../etiquette/local-hour.js';
import type { Profile } from '../profile/profile.js';
import type { CareState, PlaybookMemory } from './care-state.js';
import { nextDateTrigger } from './date-trigger.js';
import {
  IN_CONVERSATION_MS, RESPONSE_EVENTS, type CareOutcome, type Decision, type EvalContext, type EvalPlaybook, type TimerFire, type TraceEntry,
} from './eval-types.js';
import { eventHasPage, eventPagePath, eventPageUrl } from './event-page.js';

export interface PlaybookSet {
  /** Playbooks whose trigger may match this event (the index). */
  candidates(e: NormalizedEvent): readonly EvalPlaybook[];
  /** Playbooks that keep per-customer state on every event (dwell, absence, sequence, date, threshold). */
  stateful: readonly EvalPlaybook[];
  byKey: ReadonlyMap<string, EvalPlaybook>;
}

export interface EvalInput {
  playbooks: PlaybookSet;
  settings: EtiquetteSettings;
  customerId: string;
  profile: Profile;
  care: CareState;
  now: number;
  newId: () => string;
}

interface Pending {
  pb: EvalPlaybook;
  step: number;
  windowKey: string;
  trigger: string;
  trace: TraceEntry[];
  runId: string;
}

/**
 * The care loop's pure core: (playbooks, facts, now) → decisions and timer changes. It mutates
 * only `care` (the customer's playbook memory and etiquette ledger) and, for `tag` steps, the
 * profile's traits — both are written back by the caller in the same transaction.
 */
export function onEvent(input: EvalInput, e: NormalizedEvent): CareOutcome {
  const out: CareOutcome = { decisions: [], timers: [] };
  const ctx: EvalContext = { event: e, profile: input.profile, now: input.now, cache: {} };
  if (e.type === 'track' && e.event !== null) {
    const response = handleResponse(input, e, out);
    if (response === 'typing') {
      // Typing is activity: dwell countdowns restart, but nothing new is triggered by it.
      const ignore: Pending[] = [];
      for (const pb of input.playbooks.stateful) if (pb.trigger === 'dwell') trackState(input, pb, e, ctx, out, ignore);
      return out;
    }
    if (response) return out;
  }
  // Events a playbook caused (a merchant system echoing a webhook back, say) never trigger
  // playbooks: that is what keeps playbooks from triggering each other in loops.
  if (causedByPlaybook(e)) return out;

  const pending: Pending[] = [];
  for (const pb of input.playbooks.stateful) trackState(input, pb, e, ctx, out, pending);
  for (const pb of input.playbooks.candidates(e)) {
    let fired = false;
    let why = '';
    if (pb.trigger === 'on' && pb.matchOn?.(e)) {
      fired = true;
      why = `${describeEvent(e)} arrived`;
    } else if (pb.trigger === 'repetition' && pb.matchOn?.(e)) {
      const mem = input.care.playbooks[pb.key] ?? NO_MEMORY;
      const since = input.now - (pb.withinMs ?? 0);
      const hits = (mem.hits ?? []).filter((t) => t > since);
      hits.push(input.now);
      if (hits.length >= (pb.count ?? 2)) {
        fired = true;
        why = `${describeEvent(e)} for the ${ordinal(hits.length)} time within ${human(pb.withinMs ?? 0)}`;
        delete mem.hits;
      } else memory(input.care, pb.key).hits = hits.slice(-(pb.count ?? 2));
    }
    if (fired) start(input, pb, `event:${e.messageId}`, why, ctx, pending);
  }
  settle(input, ctx, pending, out);
  return out;
}

/** A durable timer came due: dwell, absence, a date, or the next cup of a ladder. */
export function onTimer(input: EvalInput, fire: TimerFire): CareOutcome {
  return onTimers(input, [fire]);
}

/**
 * Several timers of one customer that came due together (two dwell playbooks armed by the same
 * page view, say) are one moment: they are arbitrated together, like playbooks triggered by
 * the same event, so only the highest-priority touch is made and the others are `superseded`.
 */
export function onTimers(input: EvalInput, fires: readonly TimerFire[]): CareOutcome {
  const out: CareOutcome = { decisions: [], timers: [] };
  const ctx: EvalContext = { event: null, profile: input.profile, now: input.now, cache: {} };
  const pending: Pending[] = [];
  for (const fire of fires) collectTimer(input, fire, ctx, pending, out);
  settle(input, ctx, pending, out);
  return out;
}

function collectTimer(input: EvalInput, fire: TimerFire, ctx: EvalContext, pending: Pending[], out: CareOutcome): void {
  const pb = input.playbooks.byKey.get(fire.playbookKey);
  if (!pb) {
    // Disabled or deleted meanwhile: forget the timer's state, so a re-enabled playbook starts clean.
    const stale = input.care.playbooks[fire.playbookKey];
    if (stale) {
      if (fire.kind === 'ladder') delete stale.ladder;
      else delete stale.timerKey;
    }
    return;
  }
  const mem = memory(input.care, pb.key);
  const windowKey = `timer:${fire.key}:${fire.dueAt}`;

  if (fire.kind === 'ladder') {
    const ladder = mem.ladder;
    if (!ladder || ladder.runId !== fire.payload['runId']) return;
    const step = Number(fire.payload['step']);
    const gone = needIsGone(pb, mem, input.profile, input.now, ladder.startedAt);
    const trace: TraceEntry[] = [];
    if (gone || !pb.conditions(ctx, trace)) {
      delete mem.ladder;
      return;
    }
    pending.push({ pb, step, windowKey: ladder.runId, trigger: `the need persisted ${human(pb.steps[step]?.afterMs ?? 0)} after cup ${step}`, trace, runId: ladder.runId });
  } else if (fire.kind === 'dwell') {
    delete mem.timerKey;
    if (!stillDwelling(pb, input.profile, input.now)) return;
    start(input, pb, windowKey, `on ${input.profile.session.currentPage?.path ?? 'the page'} with no activity for ${human(pb.dwellMs ?? 0)}`, ctx, pending);
  } else if (fire.kind === 'absence') {
    delete mem.timerKey;
    start(input, pb, windowKey, `no follow-up event within ${human(pb.withinMs ?? 0)} (${text(fire.payload['after'], 'after event')})`, ctx, pending);
  } else if (fire.kind === 'date') {
    delete mem.timerKey;
    start(input, pb, windowKey, `${pb.date?.daysBefore ?? 0} days before ${pb.date?.moment ?? 'the date'} (${text(fire.payload['date'], '')})`, ctx, pending);
    scheduleDate(input, pb, mem, out, fire.dueAt + 1);
  }
}

function handleResponse(input: EvalInput, e: NormalizedEvent, out: CareOutcome): 'typing' | boolean {
  const key = typeof e.properties['playbook'] === 'string' ? e.properties['playbook'] : null;
  if (e.event === RESPONSE_EVENTS.typing) {
    input.care.typingUntil = input.now + input.settings.typingHoldMs;
    return 'typing';
  }
  if (e.event === RESPONSE_EVENTS.conversation) {
    // While someone is talking with us, other touches wait (etiquette: in_conversation).
    input.care.inConversationUntil = input.now + IN_CONVERSATION_MS;
    return 'typing';
  }
  if (e.event !== RESPONSE_EVENTS.dismissed && e.event !== RESPONSE_EVENTS.accepted) return false;
  // The answer counts from when the customer gave it (a tracker's batch or an import can arrive
  // later), never from the future: yesterday's "no thanks" reads "1 d ago", not "just now".
  const at = Math.min(e.timestamp, input.now);
  if (e.event === RESPONSE_EVENTS.dismissed) {
    input.care.dismissedAt = Math.max(input.care.dismissedAt ?? 0, at);
    if (key) recordDecline(input.care, key, at);
  } else if (key) recordAccept(input.care, key, at);
  // Either answer ends the ladder: a decline is respected, an acceptance needs no more cups.
  if (key) {
    const mem = input.care.playbooks[key];
    if (mem?.ladder) {
      delete mem.ladder;
      out.timers.push({ op: 'clear', key: timerKey(input, 'ladder', key) });
    }
  }
  return true;
}

/** Keeps dwell/absence/sequence/date/threshold state in step with every event. */
function trackState(input: EvalInput, pb: EvalPlaybook, e: NormalizedEvent, ctx: EvalContext, out: CareOutcome, pending: Pending[]): void {
  const mem = input.care.playbooks[pb.key] ?? NO_MEMORY;
  switch (pb.trigger) {
    case 'dwell': {
      // "Idle Started" says the visitor stopped: the countdown keeps running.
      if (isPassiveSignal(e)) return;
      const page = e.type === 'page' && eventHasPage(e) ? { path: eventPagePath(e), url: eventPageUrl(e) } : input.profile.session.currentPage;
      if (page && pb.matchDwellPage?.(page)) {
        // Any activity on the page re-arms the timer: "no further activity for N seconds".
        const key = timerKey(input, 'dwell', pb.key);
        memory(input.care, pb.key).timerKey = key;
        out.timers.push({ op: 'set', key, kind: 'dwell', playbookKey: pb.key, dueAt: input.now + (pb.dwellMs ?? 0), payload: { path: page.path } });
      } else if (mem.timerKey) {
        out.timers.push({ op: 'clear', key: mem.timerKey });
        delete mem.timerKey;
      }
      return;
    }
    case 'absence': {
      const key = timerKey(input, 'absence', pb.key);
      if (pb.matchThen?.(e)) {
        if (mem.timerKey) out.timers.push({ op: 'clear', key });
        delete mem.timerKey;
        if (mem.ladder) {
          delete mem.ladder;
          out.timers.push({ op: 'clear', key: timerKey(input, 'ladder', pb.key) });
        }
      }
      // Not `else`: when one event is both ("an order, and no further order within 30 d"),
      // it ends the previous wait and starts the next one.
      if (pb.matchFirst?.(e) && !input.care.playbooks[pb.key]?.timerKey) {
        memory(input.care, pb.key).timerKey = key;
        out.timers.push({ op: 'set', key, kind: 'absence', playbookKey: pb.key, dueAt: input.now + (pb.withinMs ?? 0), payload: { after: describeEvent(e) } });
      }
      return;
    }
    case 'sequence': {
      if (pb.matchThen?.(e) && mem.firstAt !== undefined && input.now - mem.firstAt <= (pb.withinMs ?? 0)) {
        const took = input.now - mem.firstAt;
        delete mem.firstAt;
        start(input, pb, `event:${e.messageId}`, `${describeEvent(e)} ${human(took)} after the first event`, ctx, pending);
      } else if (pb.matchFirst?.(e)) memory(input.care, pb.key).firstAt = input.now;
      return;
    }
    case 'threshold': {
      const t = pb.threshold;
      if (!t) return;
      const raw = t.get(ctx);
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
      const before = mem.lastValue ?? 0;
      if (value !== before) memory(input.care, pb.key).lastValue = value;
      if (before <= t.above && value > t.above) {
        start(input, pb, `event:${e.messageId}`, `${t.fact} rose from ${before} to ${value}, above ${t.above}`, ctx, pending);
      }
      return;
    }
    case 'date': {
      // Cheap test first: only customers who have this moment get a date timer.
      const moment = pb.date?.moment;
      const m = input.profile.moments.find((x) => x.kind === moment || x.trait === moment);
      // Scheduled once per moment date; a changed birthday moves its timer.
      if (m && (!mem.timerKey || mem.dateFor !== m.date)) {
        const target = memory(input.care, pb.key);
        target.dateFor = m.date;
        scheduleDate(input, pb, target, out, input.now);
      }
      return;
    }
    default:
      return;
  }
}

function scheduleDate(input: EvalInput, pb: EvalPlaybook, mem: PlaybookMemory, out: CareOutcome, from: number): void {
  if (!pb.date) return;
  const next = nextDateTrigger(input.profile, pb.date, from);
  if (!next) return;
  const key = timerKey(input, 'date', pb.key);
  mem.timerKey = key;
  out.timers.push({ op: 'set', key, kind: 'date', playbookKey: pb.key, dueAt: next.dueAt, payload: { date: next.date } });
}

/** The trigger matched: if the conditions hold too, the first cup is a candidate decision. */
function start(input: EvalInput, pb: EvalPlaybook, windowKey: string, trigger: string, ctx: EvalContext, pending: Pending[]): void {
  // Conditions run untraced first (most candidates fail them); the explanation is traced only
  // for the few that pass.
  if (!pb.conditions(ctx, null)) return;
  if (input.care.playbooks[pb.key]?.ladder) return; // a ladder for this need is already running: no second first cup
  const trace: TraceEntry[] = [];
  pb.conditions(ctx, trace);
  pending.push({ pb, step: 0, windowKey, trigger, trace, runId: windowKey });
}

/** Etiquette for each candidate, then arbitration between those that would fire. */
function settle(input: EvalInput, ctx: EvalContext, pending: Pending[], out: CareOutcome): void {
  if (pending.length === 0) return;
  // Local time only matters for quiet hours, which only apply to touches away from the site.
  const localHour = pending.some((p) => channelOf(p.pb.steps[p.step]!.action, p.pb.steps[p.step]!.def) === 'away') ? hourOf(input.profile, input.now, ctx) : null;
  const allowed: (Pending & { channel: 'onsite' | 'away' | 'staff'; priority: number; playbookKey: string })[] = [];
  for (const p of pending) {
    const stepDef = p.pb.steps[p.step]!;
    const channel = channelOf(stepDef.action, stepDef.def);
    // The cool-down separates runs of a playbook; the later cups of one run are not a new run.
    const mem = memory(input.care, p.pb.key);
    const lastFired = mem.lastFiredAt;
    if (p.step > 0) delete mem.lastFiredAt;
    const verdict = checkEtiquette({
      settings: effectiveEtiquette(input.settings, p.pb.etiquette),
      playbook: { key: p.pb.key, purpose: p.pb.purpose, priority: p.pb.priority, about: p.pb.about },
      channel, care: input.care, profile: input.profile, now: input.now, localHour,
    });
    if (lastFired !== undefined) mem.lastFiredAt = lastFired;
    if (verdict.ok) allowed.push({ ...p, channel, priority: p.pb.priority, playbookKey: p.pb.key });
    else out.decisions.push(decision(input, p, 'held_back', verdict.rule, verdict.detail));
  }
  const { winners, superseded } = arbitrate(allowed);
  for (const { loser, winner } of superseded) {
    out.decisions.push(decision(input, loser, 'held_back', 'superseded', `${winner.pb.name} (priority ${winner.pb.priority}) has this moment`));
  }
  for (const w of winners) {
    out.decisions.push(decision(input, w, 'fired', null, null));
    const mem = memory(input.care, w.pb.key);
    mem.lastFiredAt = input.now;
    if (w.channel !== 'staff') recordTouch(input.care, { at: input.now, playbook: w.pb.key, purpose: w.pb.purpose, channel: w.channel }, input.now);
    const stepDef = w.pb.steps[w.step]!.def;
    if (stepDef.action === 'tag') input.profile.traits[stepDef.trait] = stepDef.value;
    const next = w.pb.steps[w.step + 1];
    if (next) {
      mem.ladder = { runId: w.runId, step: w.step + 1, startedAt: mem.ladder?.startedAt ?? input.now };
      out.timers.push({ op: 'set', key: timerKey(input, 'ladder', w.pb.key), kind: 'ladder', playbookKey: w.pb.key, dueAt: input.now + next.afterMs, payload: { runId: w.runId, step: w.step + 1 } });
    } else delete mem.ladder;
  }
  // A held-back cup ends its ladder: the next cup only comes after one that was offered.
  for (const d of out.decisions) if (d.outcome === 'held_back') {
    const mem = input.care.playbooks[d.playbookKey];
    if (mem?.ladder && d.step > 0) delete mem.ladder;
  }
}

function decision(input: EvalInput, p: Pending, outcome: 'fired' | 'held_back', reason: string | null, detail: string | null): Decision {
  const stepDef = p.pb.steps[p.step]!;
  const conds = p.trace.filter((t) => t.ok).map((t) => `${t.fact} = ${JSON.stringify(t.seen)}`).join(', ');
  const verb = outcome === 'fired' ? 'fired' : `held back (${reason ?? ''}: ${detail ?? ''})`;
  return {
    id: input.newId(),
    playbookKey: p.pb.key,
    playbookVersion: p.pb.version,
    playbookName: p.pb.name,
    step: p.step,
    action: stepDef.action,
    stepDef: stepDef.def,
    outcome,
    reason,
    at: input.now,
    windowKey: p.windowKey,
    explanation: {
      summary: `${p.pb.name} v${p.pb.version}, cup ${p.step + 1} (${stepDef.action}) ${verb}: ${p.trigger}${conds ? `; ${conds}` : ''}`,
      trigger: p.trigger,
      conditions: p.trace,
      etiquette: detail,
      priority: p.pb.priority,
    },
  };
}

function needIsGone(pb: EvalPlaybook, mem: PlaybookMemory, profile: Profile, now: number, since: number): boolean {
  if (mem.declinedAt !== undefined && mem.declinedAt >= since) return true;
  if (mem.acceptedAt !== undefined && mem.acceptedAt >= since) return true;
  if (pb.trigger === 'dwell') return !stillOnPage(pb, profile, now);
  return false;
}

function stillOnPage(pb: EvalPlaybook, profile: Profile, now: number): boolean {
  const page = profile.session.currentPage;
  const active = profile.session.lastActivityAt !== null && now - profile.session.lastActivityAt < 30 * 60_000;
  return !!page && active && !!pb.matchDwellPage?.(page);
}

function stillDwelling(pb: EvalPlaybook, profile: Profile, now: number): boolean {
  const last = profile.session.lastActivityAt ?? 0;
  // A timer is re-armed on every activity, so a stale fire (activity since) must not count.
  return stillOnPage(pb, profile, now) && now - last >= (pb.dwellMs ?? 0) - 1_000;
}

function hourOf(profile: Profile, now: number, ctx: EvalContext): number | null {
  if ('hour' in ctx.cache) return ctx.cache['hour'] as number | null;
  const hour = localHourOf(profile, now);
  ctx.cache['hour'] = hour;
  return hour;
}

// Shared and frozen: reading state of a customer a playbook never touched allocates nothing.
const NO_MEMORY: PlaybookMemory = Object.freeze({});

function causedByPlaybook(e: NormalizedEvent): boolean {
  const o = e.context['omotenashi'];
  return typeof o === 'object' && o !== null && !Array.isArray(o) && typeof o['causedBy'] === 'string';
}

function memory(care: CareState, key: string): PlaybookMemory {
  let m = care.playbooks[key];
  if (!m) care.playbooks[key] = m = {};
  return m;
}

function timerKey(input: EvalInput, kind: string, playbookKey: string): string {
  return `${input.customerId}:${kind}:${playbookKey}`;
}

function describeEvent(e: NormalizedEvent): string {
  if (e.type === 'track') return `"${e.event ?? ''}"`;
  if (e.type === 'page') return `page ${eventPagePath(e) ?? e.name ?? ''}`;
  return e.type;
}

/** A timer payload's text field (payloads are stored JSON, so check rather than trust). */
function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st (explanations are read by people). */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

export function human(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
