import { renderSnippet, type SnippetContext } from '../../domain/conversations/snippets.js';
import type { Profile } from '../../domain/profile/profile.js';
import { canonicalTimeZone, zonedParts } from '../../domain/profile/time-zone.js';
import type { Clock } from '../../ports/clock.js';
import type { SnippetRecord } from '../../ports/conversation-store.js';
import type { Store } from '../../ports/store.js';
import type { Customers } from '../customers.js';
import type { Conversations } from './conversations.js';
import { firstNameOf } from '../../domain/profile/customer-name.js';

export interface SnippetSuggestion { id: string; shortcut: string; title: string; text: string; missing: string[] }

export interface SnippetSuggestionDeps { store: Store; clock: Clock; customers: Customers; conversations: Conversations }

/** What a snippet may say about this customer, as their profile knows it at `now`. */
export function snippetContext(profile: Profile, now: number, operatorName: string | null): SnippetContext {
  const zone = profile.location.timezone ? canonicalTimeZone(profile.location.timezone) : null;
  const local = zone ? zonedParts(now, zone) : null;
  // The latest placed order: `recent` is kept newest first, but the order is not part of its contract.
  const lastOrder = profile.orders.recent.reduce<Profile['orders']['recent'][number] | null>((a, o) => (a === null || o.placedAt > a.placedAt ? o : a), null);
  return {
    firstName: firstNameOf(profile.traits),
    localHour: local ? local.hour + local.minute / 60 : null,
    language: profile.language,
    lastOrderNumber: lastOrder?.orderId ?? null,
    operatorName,
  };
}

/** Snippets whose shortcut or title contains `q` (case-insensitive), shortcut-prefix matches first. */
export function matchSnippets(rows: SnippetRecord[], q: string | undefined): SnippetRecord[] {
  const needle = q?.trim().toLowerCase() ?? '';
  if (needle === '') return rows;
  const hits = rows.filter((r) => r.shortcut.toLowerCase().includes(needle) || r.title.toLowerCase().includes(needle));
  const prefix = (r: SnippetRecord) => (r.shortcut.toLowerCase().startsWith(needle) ? 0 : 1);
  return hits.sort((a, b) => prefix(a) - prefix(b) || a.shortcut.localeCompare(b.shortcut));
}

/**
 * Snippets rendered for one conversation's customer, for the operator to insert and edit.
 * Only text comes back: nothing here sends anything.
 */
export async function suggestSnippets(
  deps: SnippetSuggestionDeps, workspaceId: string, conversationId: string, opts: { operatorId: string | null; q?: string | undefined; limit: number },
): Promise<SnippetSuggestion[]> {
  const conversation = await deps.conversations.get(workspaceId, conversationId);
  const [customer, rows, operatorName] = await Promise.all([
    deps.customers.requireRoot(workspaceId, conversation.customerId),
    deps.store.listSnippets(workspaceId),
    deps.conversations.operatorName(workspaceId, opts.operatorId),
  ]);
  const ctx = snippetContext(customer.profile, deps.clock.now(), operatorName);
  return matchSnippets(rows, opts.q).slice(0, opts.limit).map((r) => {
    const rendered = renderSnippet(r.body, ctx);
    return { id: r.id, shortcut: r.shortcut, title: r.title, text: rendered.text, missing: rendered.missing };
  });
}
