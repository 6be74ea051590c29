import { conversationView, messageView } from './conversations/views.js';
import type { MessageRecord } from '../ports/conversation-store.js';
import { OmotenashiError, notFound, validationError } from '../errors.js';
import { normalizeEmail, normalizePhone } from '../domain/identity/identifiers.js';
import { describeProfile } from '../domain/profile/describe-profile.js';
import { identifierHash } from '../platform/secrets.js';
import type { IdGenerator } from '../platform/ids.js';
import type { Clock } from '../ports/clock.js';
import type { CustomerRecord, DecisionRecord, EventCursor, EventRecord, IdentityRecord, MergeRecord, Store } from '../ports/store.js';
import { customerFamily } from './customer-family.js';

export const LOOKUP_KINDS = { userId: 'user', anonymousId: 'anon', email: 'email', phone: 'phone' } as const;

export type TimelineItem =
  | { kind: 'event'; id: string; at: string; type: string; name: string | null; messageId: string; customerId: string; payload: unknown }
  | { kind: 'merge'; id: string; at: string; winnerId: string; loserId: string; reason: string; undoneAt: string | null }
  | { kind: 'decision'; id: string; at: string; playbook: { key: string; version: number }; step: number; action: string; outcome: string; reason: string | null; explanation: unknown };

const iso = (ms: number) => new Date(ms).toISOString();

/** Reading, exporting and erasing what is known about one customer. */
export class Customers {
  constructor(private readonly store: Store, private readonly ids: IdGenerator, private readonly clock: Clock) {}

  async lookup(workspaceId: string, by: Partial<Record<keyof typeof LOOKUP_KINDS, string>>): Promise<CustomerRecord> {
    const given = (Object.keys(LOOKUP_KINDS) as (keyof typeof LOOKUP_KINDS)[]).filter((k) => typeof by[k] === 'string' && by[k] !== '');
    if (given.length !== 1) {
      throw validationError([{ path: 'query', code: 'required', message: 'give exactly one of userId, anonymousId, email or phone' }]);
    }
    const field = given[0]!;
    let value = by[field]!;
    if (field === 'email') value = normalizeEmail(value) ?? value;
    if (field === 'phone') value = normalizePhone(value) ?? value;
    const id = await this.store.findCustomerIdByIdentity(workspaceId, { kind: LOOKUP_KINDS[field], value });
    if (!id) throw new OmotenashiError('not_found', `no customer with ${field} ${JSON.stringify(by[field])} in this workspace`);
    return this.requireRoot(workspaceId, id);
  }

  /** The customer, following merges to the surviving profile. */
  async requireRoot(workspaceId: string, id: string): Promise<CustomerRecord> {
    let c = await this.store.getCustomer(workspaceId, id);
    for (let i = 0; c?.mergedInto && i < 32; i++) c = await this.store.getCustomer(workspaceId, c.mergedInto);
    if (!c) throw notFound('customer', id);
    return c;
  }

  /** The ids one person's data lives under (the customer and everyone merged into them). */
  async family(workspaceId: string, rootId: string): Promise<string[]> {
    return customerFamily(this.store, workspaceId, rootId);
  }

  async view(workspaceId: string, id: string) {
    const c = await this.requireRoot(workspaceId, id);
    const family = await customerFamily(this.store, workspaceId, c.id);
    const identities = await this.store.identitiesOf(workspaceId, family);
    return presentCustomer(c, identities, family, this.clock.now());
  }

  async timeline(workspaceId: string, id: string, opts: { cursor?: string | undefined; limit?: number | undefined }) {
    const c = await this.requireRoot(workspaceId, id);
    const family = await customerFamily(this.store, workspaceId, c.id);
    const limit = opts.limit ?? 50;
    const before = opts.cursor ? decodeCursor(opts.cursor) : null;
    const events = await this.store.listEvents(workspaceId, family, { before, limit });
    const lower = events.length === limit ? events[events.length - 1]!.timestamp : -Infinity;
    const upper = before ? before.timestamp : Infinity;
    const merges = (await this.store.listMerges(workspaceId, family)).filter((m) => m.at >= lower && m.at < upper);
    const decisions = (await this.store.listDecisions(workspaceId, family, 500)).filter((d) => d.at >= lower && d.at < upper);
    const items: TimelineItem[] = [...events.map(presentEvent), ...merges.map(presentMerge), ...decisions.map(presentDecision)]
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    const last = events[events.length - 1];
    return { customerId: c.id, items, nextCursor: events.length === limit && last ? encodeCursor({ timestamp: last.timestamp, id: last.id }) : null };
  }

  async export(workspaceId: string, id: string) {
    const c = await this.requireRoot(workspaceId, id);
    const family = await customerFamily(this.store, workspaceId, c.id);
    const identities = await this.store.identitiesOf(workspaceId, family);
    const events: EventRecord[] = [];
    let cursor: EventCursor | null = null;
    for (;;) {
      const page = await this.store.listEvents(workspaceId, family, { before: cursor, limit: 1000, ascending: true });
      events.push(...page);
      if (page.length < 1000) break;
      const last = page[page.length - 1]!;
      cursor = { timestamp: last.timestamp, id: last.id };
    }
    return {
      exportedAt: iso(this.clock.now()),
      customer: presentCustomer(c, identities, family, this.clock.now()),
      events: events.map(presentEvent),
      traitHistory: (await this.store.listTraitChanges(workspaceId, family)).map((t) => ({ trait: t.trait, value: JSON.parse(t.value) as unknown, at: iso(t.at), eventId: t.eventId })),
      merges: (await this.store.listMerges(workspaceId, family)).map(presentMerge),
      decisions: (await this.store.listDecisions(workspaceId, family, 100_000)).map(presentDecision),
      conversations: (await this.store.conversationsOfCustomers(workspaceId, family, 100_000)).map(conversationView),
      messages: (await this.allMessages(workspaceId, family)).map((m) => messageView(m, 'operator')),
    };
  }

  /** Every message of the person, oldest first (notes included: they are data about them too). */
  private async allMessages(workspaceId: string, family: string[]): Promise<MessageRecord[]> {
    const out: MessageRecord[] = [];
    let before: { createdAt: number; id: string } | null = null;
    for (;;) {
      const page = await this.store.customerThread(workspaceId, family, { before, limit: 1000, includeNotes: true });
      out.push(...page);
      if (page.length < 1000) break;
      const last = page[page.length - 1]!;
      before = { createdAt: last.createdAt, id: last.id };
    }
    return out.reverse();
  }

  /**
   * Erasure: every row about the person (their merged profiles too) is deleted in one
   * transaction, and their identifiers go on a suppression list (as hashes, so no PII remains)
   * so later events naming them are dropped and counted instead of re-creating the profile.
   */
  async erase(workspaceId: string, id: string): Promise<{ customerId: string; deleted: Record<string, number>; suppressedIdentifiers: number }> {
    const c = await this.requireRoot(workspaceId, id);
    return this.store.transaction(async (tx) => {
      await tx.lockWorkspaceForIngest(workspaceId); // serialise with ingestion; invalidates caches
      const family = await customerFamily(tx, workspaceId, c.id);
      const identities = await tx.identitiesOf(workspaceId, family);
      const now = this.clock.now();
      await tx.insertSuppressions(identities.map((i) => ({
        id: this.ids.next('suppression'), workspaceId, identifierHash: identifierHash(workspaceId, i.kind, i.value), kind: i.kind,
        createdAt: now, suppressedCount: 0, lastSuppressedAt: null,
      })));
      const deleted = await tx.deleteCustomers(workspaceId, family);
      await tx.insertErasure({ id: this.ids.next('erasure'), workspaceId, customerId: c.id, at: now, summary: deleted });
      return { customerId: c.id, deleted, suppressedIdentifiers: identities.length };
    });
  }

  async listSuppressions(workspaceId: string) {
    const names = Object.fromEntries(Object.entries(LOOKUP_KINDS).map(([k, v]) => [v, k])) as Record<string, string>;
    return (await this.store.listSuppressions(workspaceId)).map((s) => ({
      id: s.id, kind: names[s.kind] ?? s.kind, createdAt: iso(s.createdAt), suppressedEvents: s.suppressedCount,
      lastSuppressedAt: s.lastSuppressedAt === null ? null : iso(s.lastSuppressedAt),
    }));
  }

  /** Lifts a suppression, by its id or by naming the identifier again (we only keep its hash). */
  async unsuppress(workspaceId: string, by: { id?: string; kind?: string; value?: string }): Promise<void> {
    if (by.id) {
      if (!(await this.store.deleteSuppression(workspaceId, by.id))) throw notFound('suppression', by.id);
      return;
    }
    const kind = by.kind ? LOOKUP_KINDS[by.kind as keyof typeof LOOKUP_KINDS] : undefined;
    if (!kind || !by.value) throw validationError([{ path: 'kind', code: 'required', message: 'give a suppression id, or kind (userId, anonymousId, email, phone) and value' }]);
    const value = kind === 'email' ? normalizeEmail(by.value) ?? by.value : kind === 'phone' ? normalizePhone(by.value) ?? by.value : by.value;
    if (!(await this.store.deleteSuppressionByHash(workspaceId, identifierHash(workspaceId, kind, value)))) {
      throw new OmotenashiError('not_found', `${by.kind} ${JSON.stringify(by.value)} is not suppressed in this workspace`);
    }
  }
}

export function presentCustomer(c: CustomerRecord, identities: IdentityRecord[], family: string[], now: number) {
  return {
    id: c.id,
    userId: c.userId,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    mergedFrom: family.filter((f) => f !== c.id),
    identities: identities.map((i) => ({ kind: i.kind, value: i.value, verified: i.verified })),
    profile: c.profile,
    insights: describeProfile(c.profile, now),
  };
}

function presentEvent(e: EventRecord): TimelineItem {
  return { kind: 'event', id: e.id, at: iso(e.timestamp), type: e.type, name: e.name, messageId: e.messageId, customerId: e.customerId, payload: JSON.parse(e.payload) as unknown };
}

function presentMerge(m: MergeRecord): TimelineItem {
  return { kind: 'merge', id: m.id, at: iso(m.at), winnerId: m.winnerId, loserId: m.loserId, reason: m.reason, undoneAt: m.undoneAt === null ? null : iso(m.undoneAt) };
}

function presentDecision(d: DecisionRecord): TimelineItem {
  return { kind: 'decision', id: d.id, at: iso(d.at), playbook: { key: d.playbookKey, version: d.playbookVersion }, step: d.step, action: d.action, outcome: d.outcome, reason: d.reason, explanation: d.explanation };
}

function encodeCursor(c: EventCursor): string {
  return Buffer.from(`${c.timestamp}:${c.id}`).toString('base64url');
}

function decodeCursor(s: string): EventCursor {
  const raw = Buffer.from(s, 'base64url').toString();
  const m = /^(\d{1,15}):(evt_[0-9A-Z]{26})$/.exec(raw);
  if (!m) throw validationError([{ path: 'cursor', code: 'invalid_value', message: 'cursor is not one this API returned' }]);
  return { timestamp: Number(m[1]), id: m[2]! };
}
