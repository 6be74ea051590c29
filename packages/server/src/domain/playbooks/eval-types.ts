import type { ConditionTrace, DecisionExplanation } from '@omotenashi/protocol';
import type { NormalizedEvent } from '../events/normalized-event.js';
import type { Profile } from '../profile/profile.js';
import type { ActionKind, Purpose, Step } from './definition.js';

export type TriggerKind = 'on' | 'dwell' | 'repetition' | 'sequence' | 'absence' | 'date' | 'threshold';

/** What a condition leaf saw, for the explanation shown to operators and customers. */
/** A condition as it was checked (the wire shape, packages/protocol). */
export type TraceEntry = ConditionTrace;

export interface EvalContext { event: NormalizedEvent | null; profile: Profile; now: number; cache: Record<string, unknown> }

/** A playbook as the evaluator needs it: compiled closures, parsed durations. */
export interface EvalPlaybook {
  id: string;
  key: string;
  version: number;
  name: string;
  priority: number;
  purpose: Purpose;
  about: readonly string[];
  trigger: TriggerKind;
  /** on / repetition: the matching event. */
  matchOn?: (e: NormalizedEvent) => boolean;
  /** sequence: first / then; absence: after / missing. */
  matchFirst?: (e: NormalizedEvent) => boolean;
  matchThen?: (e: NormalizedEvent) => boolean;
  matchDwellPage?: (page: { path: string | null; url: string | null }) => boolean;
  dwellMs?: number;
  withinMs?: number;
  count?: number;
  threshold?: { fact: string; get: (ctx: EvalContext) => unknown; above: number };
  date?: { moment: string; daysBefore: number; hour: number };
  conditions: (ctx: EvalContext, trace: TraceEntry[] | null) => boolean;
  steps: { action: ActionKind; afterMs: number; def: Step }[];
  etiquette: { cooldownMs?: number; maxPerDay?: number; maxPerWeek?: number };
}

export type DecisionOutcome = 'fired' | 'held_back';

export interface Decision {
  id: string;
  playbookKey: string;
  playbookVersion: number;
  playbookName: string;
  step: number;
  action: ActionKind;
  stepDef: Step;
  outcome: DecisionOutcome;
  /** The etiquette rule that held it back. */
  reason: string | null;
  at: number;
  /** Unique per (playbook, customer, window): the at-most-once key. */
  windowKey: string;
  explanation: DecisionExplanation;
}

export type TimerKind = 'dwell' | 'absence' | 'date' | 'ladder';

export type TimerOp =
  | { op: 'set'; key: string; kind: TimerKind; playbookKey: string; dueAt: number; payload: Record<string, unknown> }
  | { op: 'clear'; key: string };

export interface TimerFire {
  key: string;
  kind: TimerKind;
  playbookKey: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

/** Trait changes a `tag` step makes (applied to the profile in the same transaction). */
export interface CareOutcome {
  decisions: Decision[];
  timers: TimerOp[];
}

/** Events the widget sends when the customer answers a touch (see docs/playbooks.md). */
export const RESPONSE_EVENTS = {
  dismissed: 'Omotenashi Touch Dismissed',
  accepted: 'Omotenashi Touch Accepted',
  typing: 'Omotenashi Typing',
  /** The customer wrote in a conversation (sent by the realtime layer). */
  conversation: 'Omotenashi Conversation Message',
} as const;

/** How long after the customer's last chat message they count as "in a conversation". */
export const IN_CONVERSATION_MS = 30 * 60_000;
