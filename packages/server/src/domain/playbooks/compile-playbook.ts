import { compileConditions, type CompiledCondition } from './conditions.js';
import type { ActionKind, Condition, EventMatch, PlaybookDefinition, Purpose, Step } from './definition.js';
import { parseDuration } from './duration.js';
import { compileEventMatch, compilePageMatch, type EventMatcher } from './event-match.js';
import { compileFact, type Fact, type FactContext } from './facts.js';

export { indexPlaybooks, type PlaybookIndex } from './playbook-index.js';

/*
 * A playbook compiled once (on load or save) into closures the ingestion hot path can call
 * without re-reading the definition. Every compiled playbook has the same fields, unused ones
 * null, so the objects share one hidden class and property reads stay monomorphic; the type
 * narrows on `triggerKind` to say which fields are set.
 */

export type TriggerKind = 'on' | 'dwell' | 'repetition' | 'sequence' | 'absence' | 'date' | 'threshold';
export type PageMatcher = (page: { path: string | null; url: string | null }) => boolean;

export interface CompiledStep {
  index: number;
  /** The step's id when the author gave one. */
  id: string | null;
  action: ActionKind;
  /** Wait after the previous step (0 for the first: it comes with the trigger). */
  afterMs: number;
  /** task: when the task is due, counted from its creation; null for other actions. */
  dueMs: number | null;
  definition: Step;
}

/** The playbook's own etiquette (it can only tighten the workspace's). */
export interface CompiledEtiquette {
  cooldownMs: number | null;
  maxPerDay: number | null;
  maxPerWeek: number | null;
  about: readonly string[];
}

interface CompiledPlaybookBase {
  id: string;
  key: string;
  version: number;
  name: string;
  priority: number;
  purpose: Purpose;
  enabled: boolean;
  definition: PlaybookDefinition;
  triggerKind: TriggerKind;
  /** The trigger's EventMatches, for indexing (empty for dwell, date, threshold). */
  eventMatches: readonly EventMatch[];
  /** on / repetition: the event that counts. */
  matchOn: EventMatcher | null;
  /** sequence: the first event, then the second within `withinMs`. */
  matchFirst: EventMatcher | null;
  matchThen: EventMatcher | null;
  /** absence: after this event, `matchMissing` did not follow within `withinMs`. */
  matchAfter: EventMatcher | null;
  matchMissing: EventMatcher | null;
  /** dwell: whether a page (e.g. session.currentPage) is the one to dwell on. */
  matchDwellPage: PageMatcher | null;
  /** dwell: whether an event is a page/screen view of that page (arms the timer). */
  matchDwellEvent: EventMatcher | null;
  dwellMs: number | null;
  /** repetition: how many matching events within `withinMs`. */
  repetitionCount: number | null;
  withinMs: number | null;
  /** date: the moment kind (birthday, anniversary, <trait>_date), days before it, local hour. */
  dateMoment: string | null;
  dateDaysBefore: number | null;
  dateHour: number | null;
  /** date: days until the moment (the fact moments.<kind>.daysUntil). */
  dateDaysUntil: Fact | null;
  /** threshold: the numeric fact and the value it must cross upwards. */
  thresholdName: string | null;
  thresholdFact: Fact | null;
  thresholdAbove: number | null;
  conditions: CompiledCondition<FactContext>;
  steps: readonly CompiledStep[];
  etiquette: CompiledEtiquette;
}

type Narrow<K extends TriggerKind, F> = { triggerKind: K } & F;
export type CompiledPlaybook = CompiledPlaybookBase &
  (
    | Narrow<'on', { matchOn: EventMatcher }>
    | Narrow<'dwell', { matchDwellPage: PageMatcher; matchDwellEvent: EventMatcher; dwellMs: number }>
    | Narrow<'repetition', { matchOn: EventMatcher; repetitionCount: number; withinMs: number }>
    | Narrow<'sequence', { matchFirst: EventMatcher; matchThen: EventMatcher; withinMs: number }>
    | Narrow<'absence', { matchAfter: EventMatcher; matchMissing: EventMatcher; withinMs: number }>
    | Narrow<'date', { dateMoment: string; dateDaysBefore: number; dateDaysUntil: Fact }>
    | Narrow<'threshold', { thresholdName: string; thresholdFact: Fact; thresholdAbove: number }>
  );

export const DEFAULT_PRIORITY = 50;

function duration(text: string, field: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`${field}: invalid duration "${text}" (validate playbooks before compiling them)`);
  return ms;
}

function fact(name: string): Fact {
  const get = compileFact(name);
  if (get === null) throw new Error(`unknown fact "${name}" (validate playbooks before compiling them)`);
  return get;
}

function compileStep(step: Step, index: number): CompiledStep {
  return {
    index,
    id: step.id ?? null,
    action: step.action,
    afterMs: index === 0 || step.after === undefined ? 0 : duration(step.after, `steps[${index}].after`),
    dueMs: step.action === 'task' ? duration(step.due, `steps[${index}].due`) : null,
    definition: step,
  };
}

/**
 * Compiles a definition that passed validatePlaybook (throws on what validation would have
 * refused: compiling is not the place to explain mistakes).
 */
export function compilePlaybook(p: PlaybookDefinition, meta: { id: string; version: number }): CompiledPlaybook {
  const compiled: CompiledPlaybookBase = {
    id: meta.id,
    key: p.key,
    version: meta.version,
    name: p.name,
    priority: p.priority ?? DEFAULT_PRIORITY,
    purpose: p.purpose,
    enabled: p.enabled ?? true,
    definition: p,
    triggerKind: 'on',
    eventMatches: [],
    matchOn: null,
    matchFirst: null,
    matchThen: null,
    matchAfter: null,
    matchMissing: null,
    matchDwellPage: null,
    matchDwellEvent: null,
    dwellMs: null,
    repetitionCount: null,
    withinMs: null,
    dateMoment: null,
    dateDaysBefore: null,
    dateHour: null,
    dateDaysUntil: null,
    thresholdName: null,
    thresholdFact: null,
    thresholdAbove: null,
    // The schema types conditions as unknown (a recursive TSchema); validation checked their shape.
    conditions: compileConditions(p.conditions as Condition[] | undefined),
    steps: p.steps.map(compileStep),
    etiquette: {
      cooldownMs: p.etiquette?.cooldown === undefined ? null : duration(p.etiquette.cooldown, 'etiquette.cooldown'),
      maxPerDay: p.etiquette?.maxPerDay ?? null,
      maxPerWeek: p.etiquette?.maxPerWeek ?? null,
      about: p.etiquette?.about ?? [],
    },
  };
  compileTrigger(p.trigger, compiled);
  return compiled as CompiledPlaybook;
}

/** Fills the trigger's fields in place (the object keeps its shape). */
function compileTrigger(t: PlaybookDefinition['trigger'], c: CompiledPlaybookBase): void {
  if ('on' in t) {
    c.triggerKind = 'on';
    c.eventMatches = [t.on];
    c.matchOn = compileEventMatch(t.on);
  } else if ('dwell' in t) {
    c.triggerKind = 'dwell';
    const page = t.dwell.page;
    c.matchDwellPage = compilePageMatch(page);
    c.matchDwellEvent = compileEventMatch({ type: ['page', 'screen'], page });
    c.dwellMs = t.dwell.seconds * 1000;
  } else if ('repetition' in t) {
    c.triggerKind = 'repetition';
    c.eventMatches = [t.repetition.on];
    c.matchOn = compileEventMatch(t.repetition.on);
    c.repetitionCount = t.repetition.count;
    c.withinMs = duration(t.repetition.within, 'trigger.repetition.within');
  } else if ('sequence' in t) {
    c.triggerKind = 'sequence';
    c.eventMatches = [t.sequence.first, t.sequence.then];
    c.matchFirst = compileEventMatch(t.sequence.first);
    c.matchThen = compileEventMatch(t.sequence.then);
    c.withinMs = duration(t.sequence.within, 'trigger.sequence.within');
  } else if ('absence' in t) {
    c.triggerKind = 'absence';
    c.eventMatches = [t.absence.after, t.absence.missing];
    c.matchAfter = compileEventMatch(t.absence.after);
    c.matchMissing = compileEventMatch(t.absence.missing);
    c.withinMs = duration(t.absence.within, 'trigger.absence.within');
  } else if ('date' in t) {
    c.triggerKind = 'date';
    c.dateMoment = t.date.moment;
    c.dateDaysBefore = t.date.daysBefore;
    c.dateHour = t.date.hour ?? null;
    c.dateDaysUntil = fact(`moments.${t.date.moment}.daysUntil`);
  } else {
    c.triggerKind = 'threshold';
    c.thresholdName = t.threshold.fact;
    c.thresholdFact = fact(t.threshold.fact);
    c.thresholdAbove = t.threshold.above;
  }
}
