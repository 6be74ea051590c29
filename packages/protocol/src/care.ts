/**
 * The care loop's shapes as the admin API returns them: a playbook's decision about a customer
 * (GET /api/v1/customers/:id/decisions) and a simulation's report (POST /api/v1/playbooks/…/simulate).
 * The console and the demo's simulated shoppers read them; the server builds them.
 */

/** One condition as it was checked: the fact's value seen against the playbook's expectation. */
export interface ConditionTrace { fact: string; op: string; expected: unknown; seen: unknown; ok: boolean }

/** Why a decision was taken, in words and in parts. */
export interface DecisionExplanation {
  /** One sentence: playbook, cup, outcome (with the hold-back reason), trigger and conditions. */
  summary: string;
  trigger: string;
  conditions: ConditionTrace[];
  /** The etiquette rule that held it back, in words; null when it fired. */
  etiquette: string | null;
  priority: number;
}

export interface DecisionView {
  id: string;
  playbook: { key: string; version: number };
  /** 0 = the first cup of the ladder. */
  step: number;
  action: string;
  outcome: 'fired' | 'held_back';
  /** The hold-back reason code (docs/etiquette.md); null when it fired. */
  reason: string | null;
  at: string;
  explanation: DecisionExplanation;
}

export interface SimulatedDecision {
  at: string;
  step: number;
  action: string;
  outcome: 'fired' | 'held_back';
  reason: string | null;
  summary: string;
}

export interface SimulationReport {
  playbook: { key: string; name: string; version: number; draft: boolean };
  period: { from: string; to: string };
  /** Other enabled playbooks evaluated alongside (their decisions are not counted here). */
  alongside: string[];
  /** Events in the period that were evaluated. */
  eventsReplayed: number;
  /** Customers with at least one event in the period that were replayed. */
  customersSeen: number;
  /** True when `limitCustomers` cut the replay short. */
  limited: boolean;
  /** Customers with at least one fired decision. */
  reached: number;
  /** Per step of the ladder (0 = the first cup, as in decisions). */
  byStep: { step: number; action: string; fired: number; heldBack: number }[];
  heldBackByReason: Record<string, number>;
  /** The first 20 customers reached (in order of their first event in the period). */
  sample: { customerId: string; decisions: SimulatedDecision[] }[];
  durationMs: number;
}

/** What a suggestion proposes a person do; none is done automatically. */
export type SuggestedAction =
  | { type: 'invite'; message: string }
  | { type: 'task'; title: string }
  | { type: 'snippet'; query: string };

interface SuggestionBase {
  /**
   * Names this suggestion for as long as it stands ("moment:birthday:2026-11-27"): a task made
   * from it carries the key (POST /api/v1/tasks `suggestionKey`), and the suggestion is not
   * made again.
   */
  key: string;
  /** The sentence in English, for clients that do not word it themselves from `ref`. */
  text: string;
  /** What they could do; null when the right thing is to leave the customer be. */
  action: SuggestedAction | null;
  /** Most pressing first: 1 (now) … 3 (when there is time). */
  priority: 1 | 2 | 3;
}

/**
 * "What else could be done" for a customer (GET /api/v1/customers/:id/suggestions). `ref` holds
 * the data the suggestion rests on: every value its sentence names (times in epoch ms), so a
 * client can say it in its own language.
 */
export type SuggestionView = SuggestionBase & (
  | { kind: 'held_back'; ref: { playbookKey: string; playbookName: string; reason: string; detail: string | null; at: number } }
  | { kind: 'moment'; ref: { moment: string; date: string; daysUntil: number; firstName: string | null } }
  | { kind: 'open_cart'; ref: { items: number; value: number; currency: string | null; updatedAt: number } }
  | { kind: 'late_order'; ref: { orderId: string; promisedBy: number } }
  | { kind: 'low_csat'; ref: { conversationId: string; score: number; ratedAt: number } }
);
export type SuggestionKind = SuggestionView['kind'];
