import type { SuggestionView } from '@omotenashi/protocol';
import type { Profile } from '../profile/profile.js';
import { describeProfile } from '../profile/describe-profile.js';
import { firstNameOf } from '../profile/customer-name.js';
import { describeDuration } from '../etiquette/describe-duration.js';

/*
 * "What else could be done" for one customer, beside what the playbooks already did: a pure
 * reading of the profile, the playbooks, recent decisions, touches, conversations and queue
 * items at `now`. Each suggestion is a sentence for a person and an action they can take; none
 * is taken automatically (a person decides, and manual invitations still obey the etiquette).
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Held-back decisions older than this are history, not something to act on. */
const HELD_BACK_WINDOW_MS = 7 * DAY;
/** Moments this close (in days) are worth a note. */
const MOMENT_HORIZON_DAYS = 14;
/** A touch within this long before a moment counts as already having touched them for it. */
const MOMENT_TOUCH_WINDOW_MS = 30 * DAY;
/** A cart left this long (and not older than CART_STALE_MS) is worth a word. */
const CART_IDLE_MS = 30 * MIN;
const CART_STALE_MS = 14 * DAY;
/** Satisfaction scores at or under this are low (the same line that opens a queue item). */
const LOW_CSAT = 2;
/** Reasons that say the customer does not want to hear from us now: suggest nothing to do. */
const RESPECT = new Set(['no_consent', 'declined', 'dismissed_recently']);
/** Reasons that pass with time: a person may follow up by hand once it does. */
const PASSING = new Set(['cooldown', 'daily_cap', 'weekly_cap', 'quiet_hours', 'typing', 'paying', 'in_conversation', 'superseded']);

export interface SuggestionPlaybook { key: string; name: string; enabled: boolean }
export interface SuggestionDecision { playbookKey: string; outcome: string; reason: string | null; at: number; detail: string | null }
export interface SuggestionTouch { createdAt: number }
export interface SuggestionConversation { id: string; status: string; csatScore: number | null; csatAt: number | null; lastMessageAt: number | null }
export interface SuggestionQueueItem { status: string; context: unknown }
/** A staff task of this customer's: one made from a suggestion names it in `context.suggestionKey`. */
export interface SuggestionTask { context: unknown }

export interface SuggestionInput {
  profile: Profile;
  playbooks: SuggestionPlaybook[];
  /** Newest first. */
  decisions: SuggestionDecision[];
  touches: SuggestionTouch[];
  conversations: SuggestionConversation[];
  queueItems: SuggestionQueueItem[];
  tasks: SuggestionTask[];
  now: number;
}

export type Suggestion = SuggestionView;

/** "2 h ago", in the words hold-back reasons use (describeDuration). */
const ago = (ms: number): string => `${describeDuration(ms)} ago`;

function money(value: number, currency: string | null): string {
  return currency ? `${value.toFixed(2)} ${currency}` : value.toFixed(2);
}

function firstName(profile: Profile): string {
  return firstNameOf(profile.traits)?.slice(0, 60) ?? 'the customer';
}

/** The latest held-back decision per enabled playbook, unless it fired since. */
function heldBack(input: SuggestionInput): Suggestion[] {
  const names = new Map(input.playbooks.filter((p) => p.enabled).map((p) => [p.key, p.name]));
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const d of input.decisions) {
    if (seen.has(d.playbookKey) || input.now - d.at > HELD_BACK_WINDOW_MS) continue;
    seen.add(d.playbookKey);
    const name = names.get(d.playbookKey);
    if (d.outcome !== 'held_back' || name === undefined || d.reason === null) continue;
    const why = d.detail ? `${d.reason}: ${d.detail}` : d.reason;
    const when = ago(input.now - d.at);
    if (RESPECT.has(d.reason)) {
      out.push({ kind: 'held_back', key: `held_back:${d.playbookKey}:${d.at}`, text: `${name} was held back ${when} (${why}). Leave them be for now.`, action: null, priority: 3, ref: { playbookKey: d.playbookKey, playbookName: name, reason: d.reason, detail: d.detail, at: d.at } });
    } else if (PASSING.has(d.reason)) {
      out.push({
        kind: 'held_back', key: `held_back:${d.playbookKey}:${d.at}`, text: `${name} was held back ${when} (${why}); it may still be worth it by hand.`,
        action: { type: 'task', title: `Follow up by hand: ${name}` }, priority: 2, ref: { playbookKey: d.playbookKey, playbookName: name, reason: d.reason, detail: d.detail, at: d.at },
      });
    }
  }
  return out;
}

function moments(input: SuggestionInput, who: string): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of describeProfile(input.profile, input.now).moments) {
    if (m.daysUntil === null || m.nextOccurrence === null || m.daysUntil > MOMENT_HORIZON_DAYS) continue;
    const occursAt = input.now + m.daysUntil * DAY;
    if (input.touches.some((t) => t.createdAt >= occursAt - MOMENT_TOUCH_WINDOW_MS)) continue;
    const label = m.kind.replace(/_/g, ' ');
    const when = m.daysUntil === 0 ? 'today' : m.daysUntil === 1 ? 'tomorrow' : `in ${m.daysUntil} days`;
    out.push({
      kind: 'moment', key: `moment:${m.kind}:${m.nextOccurrence}`, text: `${who === 'the customer' ? 'Their' : `${who}'s`} ${label} is ${when} (${m.nextOccurrence}), and nothing has been sent yet.`,
      action: { type: 'task', title: `Send a ${label} note` }, priority: m.daysUntil <= 2 ? 1 : 3, ref: { moment: m.kind, date: m.nextOccurrence, daysUntil: m.daysUntil, firstName: who === 'the customer' ? null : who },
    });
  }
  return out;
}

function openCart(input: SuggestionInput): Suggestion[] {
  const { cart, orders, session } = input.profile;
  if (cart.items.length === 0 || cart.updatedAt === null) return [];
  const idle = input.now - cart.updatedAt;
  if (idle < CART_IDLE_MS || idle > CART_STALE_MS) return [];
  if (orders.lastOrderAt !== null && orders.lastOrderAt >= cart.updatedAt) return [];
  if (input.conversations.some((c) => c.status !== 'resolved')) return [];
  const items = cart.items.reduce((n, i) => n + i.quantity, 0);
  const onSite = session.lastActivityAt !== null && input.now - session.lastActivityAt < 30 * MIN;
  return [{
    kind: 'open_cart', key: `open_cart:${cart.updatedAt}`, text: `A cart of ${items} item${items === 1 ? '' : 's'} (${money(cart.value, cart.currency)}) left ${ago(idle)}, with no conversation about it.`,
    action: onSite ? { type: 'invite', message: 'Can I help you with anything in your cart?' } : { type: 'task', title: 'Check in about the open cart' },
    priority: onSite ? 1 : 2, ref: { items, value: cart.value, currency: cart.currency, updatedAt: cart.updatedAt },
  }];
}

function lateOrders(input: SuggestionInput): Suggestion[] {
  return input.profile.orders.recent.flatMap((o): Suggestion[] => {
    const promisedBy = o.promisedBy;
    if (!(o.status === 'completed' || o.status === 'shipped') || promisedBy === null || promisedBy >= input.now || o.deliveredAt !== null) return [];
    return [{
      kind: 'late_order', key: `late_order:${o.orderId}`,
      text: `Order ${o.orderId} was promised for ${new Date(promisedBy).toISOString().slice(0, 10)} and is ${describeDuration(input.now - promisedBy)} late.`,
      action: { type: 'snippet', query: 'delivery' }, priority: 1, ref: { orderId: o.orderId, promisedBy },
    }];
  });
}

function lowCsat(input: SuggestionInput): Suggestion[] {
  const followedUp = (id: string) => input.queueItems.some((q) => q.status === 'resolved' && (q.context as { conversationId?: unknown } | null)?.conversationId === id);
  return input.conversations.flatMap((c): Suggestion[] => {
    const { csatScore: score, csatAt: ratedAt } = c;
    if (score === null || score > LOW_CSAT || ratedAt === null) return [];
    // Written to since the rating, or its queue item resolved: someone already followed up.
    if ((c.lastMessageAt !== null && c.lastMessageAt > ratedAt) || followedUp(c.id)) return [];
    return [{
      kind: 'low_csat', key: `low_csat:${c.id}`, text: `They rated a conversation ${score}/5 ${ago(input.now - ratedAt)}, and nobody has followed up yet.`,
      action: { type: 'task', title: 'Follow up on the low satisfaction score' }, priority: 1, ref: { conversationId: c.id, score, ratedAt },
    }];
  });
}

/** Every suggestion, most pressing first (stable within a priority). */
export function suggestForCustomer(input: SuggestionInput): Suggestion[] {
  const who = firstName(input.profile);
  // Already made into a task (open, claimed or done): a person has it in hand.
  const taken = new Set(input.tasks.map((t) => (t.context as { suggestionKey?: unknown } | null)?.suggestionKey).filter((k): k is string => typeof k === 'string'));
  const all = [...lowCsat(input), ...lateOrders(input), ...openCart(input), ...moments(input, who), ...heldBack(input)].filter((s) => !taken.has(s.key));
  return all.map((s, i) => ({ s, i })).sort((a, b) => a.s.priority - b.s.priority || a.i - b.i).map((x) => x.s);
}
