/**
 * "What else could be done": simple, explainable suggestions read from the profile and the
 * playbooks' decisions. Pure; each one names the fact it comes from.
 */
import { t, tMaybe } from './i18n';
import { money } from './format';
import type { Conversation, CustomerView, Decision } from './types';

export function suggestionsFor(c: CustomerView, decisions: Decision[], conversations: Conversation[]): string[] {
  const out: string[] = [];
  const cart = c.profile.cart;
  if (cart?.checkoutStartedAt && (cart.items?.length ?? 0) > 0) out.push(t('suggest.checkout', { value: money(cart.value ?? 0, cart.currency) }));
  const pending = (c.profile.orders?.recent ?? []).find((o) => o.status === 'completed' || o.status === 'shipped');
  if (pending) out.push(t('suggest.delivery', { order: pending.orderId }));
  for (const m of c.insights?.moments ?? []) {
    if (m.daysUntil !== null && m.daysUntil <= 14) out.push(t('suggest.moment', { moment: tMaybe('moment', m.kind), n: m.daysUntil }));
  }
  const low = conversations.find((x) => x.csat && x.csat.score <= 2);
  if (low) out.push(t('suggest.lowCsat', { n: low.csat!.score }));
  const held = decisions.find((d) => d.outcome === 'held_back' && (d.action === 'invite' || d.action === 'hint'));
  if (held && c.insights?.sessionActive) out.push(t('suggest.heldBack', { playbook: held.playbook.key, reason: tMaybe('reason', held.reason ?? '') }));
  const lt = c.insights?.localTime;
  if (lt && (lt.hour >= 21 || lt.hour < 7)) out.push(t('suggest.late'));
  return out.slice(0, 5);
}
