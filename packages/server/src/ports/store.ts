import type { Presence } from '@omotenashi/protocol';
import type { ConversationStoreOps } from './conversation-store.js';
import type { Dialect } from '../storage/dialect.js';
import type { CareState } from '../domain/playbooks/care-state.js';
import type { Profile } from '../domain/profile/profile.js';

export const ROLES = ['owner', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface WorkspaceRecord { id: string; name: string; createdAt: number }
export interface WriteKeyRecord { id: string; workspaceId: string; name: string; keyHint: string; createdAt: number; revokedAt: number | null }
export interface ApiTokenRecord {
  id: string; workspaceId: string; name: string; role: Role; operatorId: string | null;
  createdAt: number; expiresAt: number | null; revokedAt: number | null;
}
export interface OperatorRecord {
  id: string; workspaceId: string; email: string; name: string; role: Role;
  passwordHash: string; createdAt: number; disabledAt: number | null;
  /** Routing: teams the operator answers for, how many open conversations auto-assignment gives them, presence. */
  teams?: string[]; capacity?: number; presence?: Presence;
  /** Photo shown in invitations (absolute http(s) URL or a path on this server); null or absent: initials. */
  avatarUrl?: string | null;
}
export interface CustomerRecord {
  id: string; workspaceId: string; createdAt: number; updatedAt: number;
  mergedInto: string | null; userId: string | null; profile: Profile;
  /** The care loop's memory of this customer (playbook state, etiquette ledger). */
  care: CareState;
}
export interface IdentityKey { kind: string; value: string }
export interface IdentityRecord extends IdentityKey { customerId: string; verified: boolean; createdAt: number }
export interface EventRecord {
  id: string; workspaceId: string; customerId: string; type: string; name: string | null;
  messageId: string; timestamp: number; receivedAt: number; payload: string;
}
export interface TraitChangeRecord { id: string; workspaceId: string; customerId: string; trait: string; value: string; at: number; eventId: string }
export interface MergeRecord {
  id: string; workspaceId: string; winnerId: string; loserId: string; reason: string;
  eventId: string | null; at: number; details: MergeDetails; undoneAt: number | null;
}
/** What a merge changed, kept so it can be explained and undone. */
export interface MergeDetails {
  movedIdentities: IdentityKey[];
  winnerBefore: { userId: string | null; profile: Profile };
  loserBefore: { userId: string | null; profile: Profile };
}
export interface SuppressionRecord {
  id: string; workspaceId: string; identifierHash: string; kind: string;
  createdAt: number; suppressedCount: number; lastSuppressedAt: number | null;
}
export interface ErasureRecord { id: string; workspaceId: string; customerId: string; at: number; summary: Record<string, number> }
export interface EventCursor { timestamp: number; id: string }
/** Where an event sits in a workspace's history, without its payload (for period scans). */
export interface EventHead { id: string; customerId: string; timestamp: number }

/**
 * Everything the app layer asks of storage. Vendor-free: no SQL or Kysely types leak out.
 * Every method that reads or writes tenant data takes the workspace id and scopes by it.
 */
export interface StoreOps {
  // tenancy
  insertWorkspace(w: WorkspaceRecord): Promise<void>;
  getWorkspace(id: string): Promise<WorkspaceRecord | null>;
  listWorkspaces(): Promise<WorkspaceRecord[]>;
  insertWriteKey(k: WriteKeyRecord, keyHash: string): Promise<void>;
  findWriteKeyByHash(keyHash: string): Promise<WriteKeyRecord | null>;
  listWriteKeys(workspaceId: string): Promise<WriteKeyRecord[]>;
  revokeWriteKey(workspaceId: string, id: string, at: number): Promise<boolean>;
  insertApiToken(t: ApiTokenRecord, tokenHash: string): Promise<void>;
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  listApiTokens(workspaceId: string): Promise<ApiTokenRecord[]>;
  revokeApiToken(workspaceId: string, id: string, at: number): Promise<boolean>;
  insertOperator(o: OperatorRecord): Promise<void>;
  findOperatorsByEmail(email: string): Promise<OperatorRecord[]>;
  getOperator(workspaceId: string, id: string): Promise<OperatorRecord | null>;
  listOperators(workspaceId: string): Promise<OperatorRecord[]>;
  /** Changes an operator's own profile fields (absent = unchanged); false when no such operator in the workspace. */
  updateOperatorProfile(workspaceId: string, id: string, patch: { name?: string; avatarUrl?: string | null }): Promise<boolean>;

  // ingestion (called inside one transaction per flush)
  /**
   * Serialises writers of one workspace's customers until the transaction ends (all processes)
   * and bumps its write sequence; returns the new value.
   */
  lockWorkspaceForIngest(workspaceId: string): Promise<number>;
  /** Claims messageIds for de-duplication; returns the ones that were not seen before. */
  claimMessageIds(workspaceId: string, messageIds: string[], at: number): Promise<Set<string>>;
  /** Cheap check so the common case (nobody erased) skips hashing identifiers. */
  hasSuppressions(workspaceId: string): Promise<boolean>;
  findSuppressed(workspaceId: string, hashes: string[]): Promise<Set<string>>;
  countSuppressed(workspaceId: string, counts: Map<string, number>, at: number): Promise<void>;
  findIdentities(workspaceId: string, keys: IdentityKey[]): Promise<IdentityRecord[]>;
  identitiesOf(workspaceId: string, customerIds: string[]): Promise<IdentityRecord[]>;
  loadCustomers(workspaceId: string, ids: string[]): Promise<CustomerRecord[]>;
  insertEvents(rows: EventRecord[]): Promise<void>;
  upsertCustomers(rows: CustomerRecord[]): Promise<void>;
  upsertIdentities(workspaceId: string, rows: IdentityRecord[]): Promise<void>;
  moveIdentities(workspaceId: string, keys: IdentityKey[], toCustomerId: string): Promise<void>;
  insertMerges(rows: MergeRecord[]): Promise<void>;
  insertTraitChanges(rows: TraitChangeRecord[]): Promise<void>;
  pruneDedupe(before: number): Promise<number>;

  // customers
  findCustomerIdByIdentity(workspaceId: string, key: IdentityKey): Promise<string | null>;
  getCustomer(workspaceId: string, id: string): Promise<CustomerRecord | null>;
  /**
   * Customers (not merged away) last seen at or after `since`, most recent first: a page of at
   * most `limit` after the cursor `before` (keyset on (lastSeen, id) descending). The live
   * visitors list; served by the (workspace_id, last_seen) index.
   */
  listRecentlySeen(workspaceId: string, opts: { since: number; before: { lastSeen: number; id: string } | null; limit: number }): Promise<CustomerRecord[]>;
  /** Ids of customers merged (directly) into any of the given ones. */
  mergedInto(workspaceId: string, ids: string[]): Promise<string[]>;
  listEvents(workspaceId: string, customerIds: string[], opts: { before: EventCursor | null; limit: number; ascending?: boolean }): Promise<EventRecord[]>;
  /**
   * Heads of the workspace's events with `from` ≤ timestamp < `to`, oldest first: a page of at
   * most `limit` after the cursor `after` (keyset on (timestamp, id), so paging never skips or
   * repeats an event). Read-only; used by the playbook simulation to find who was active.
   */
  scanEventHeads(workspaceId: string, opts: { from: number; to: number; after: EventCursor | null; limit: number }): Promise<EventHead[]>;
  listMerges(workspaceId: string, customerIds: string[]): Promise<MergeRecord[]>;
  getMerge(workspaceId: string, id: string): Promise<MergeRecord | null>;
  markMergeUndone(workspaceId: string, id: string, at: number): Promise<void>;
  listTraitChanges(workspaceId: string, customerIds: string[]): Promise<TraitChangeRecord[]>;

  // erasure
  deleteCustomers(workspaceId: string, ids: string[]): Promise<Record<string, number>>;
  insertSuppressions(rows: SuppressionRecord[]): Promise<void>;
  listSuppressions(workspaceId: string): Promise<SuppressionRecord[]>;
  deleteSuppression(workspaceId: string, id: string): Promise<boolean>;
  deleteSuppressionByHash(workspaceId: string, hash: string): Promise<boolean>;
  insertErasure(e: ErasureRecord): Promise<void>;
}

export interface Store extends StoreOps, CareStoreOps, ConversationStoreOps {
  readonly dialect: Dialect;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Runs `fn` in one transaction: all of its writes commit, or none do. */
  transaction<T>(fn: (tx: StoreOps & CareStoreOps & ConversationStoreOps) => Promise<T>): Promise<T>;
}

// ---- the care loop -------------------------------------------------------------------------

export interface PlaybookRecord {
  id: string; workspaceId: string; key: string; version: number; enabled: boolean;
  definition: unknown; updatedAt: number; createdBy: string | null;
}
export interface DecisionRecord {
  id: string; workspaceId: string; customerId: string; playbookKey: string; playbookVersion: number; step: number;
  action: string; outcome: string; reason: string | null; windowKey: string; at: number; explanation: unknown;
}
export interface TimerRecord {
  id: string; workspaceId: string; customerId: string; key: string; kind: string; playbookKey: string; dueAt: number; payload: Record<string, unknown>;
}
export const CARE_ITEM_STATUSES = ['open', 'claimed', 'resolved'] as const;
export type CareItemStatus = (typeof CARE_ITEM_STATUSES)[number];
export interface CareItemRecord {
  id: string; workspaceId: string; customerId: string; decisionId: string | null; playbookKey: string | null;
  title: string; priority: string; context: unknown; status: CareItemStatus; claimedBy: string | null;
  claimedAt: number | null; resolvedAt: number | null; resolution: string | null; createdAt: number;
  /** tasks only */
  team?: string | null; owner?: string | null; dueAt?: number | null;
}
export interface OnsiteMessageRecord {
  id: string; workspaceId: string; customerId: string; decisionId: string; playbookKey: string; kind: 'hint' | 'invite';
  content: unknown; createdAt: number; response: string | null; respondedAt: number | null;
}
export interface OutboxRecord {
  id: string; workspaceId: string; decisionId: string; url: string; body: string; status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number; nextAttemptAt: number; lastError: string | null; createdAt: number;
  /** Set for conversation events (whose bodies carry the customer's messages), so erasure finds them. */
  customerId?: string | null;
}

export interface CareStoreOps {
  listPlaybooks(workspaceId: string): Promise<PlaybookRecord[]>;
  getPlaybook(workspaceId: string, key: string, version?: number): Promise<PlaybookRecord | null>;
  listPlaybookVersions(workspaceId: string, key: string): Promise<PlaybookRecord[]>;
  /** Appends a new version (or the first) and makes it current. */
  savePlaybookVersion(p: PlaybookRecord): Promise<void>;
  setPlaybookEnabled(workspaceId: string, key: string, enabled: boolean, at: number): Promise<boolean>;
  getWorkspaceSettings(workspaceId: string): Promise<Record<string, unknown>>;
  setWorkspaceSettings(workspaceId: string, settings: Record<string, unknown>): Promise<void>;

  /** Inserts decisions; returns the ids actually inserted (at most once per window and step). */
  insertDecisions(rows: DecisionRecord[]): Promise<Set<string>>;
  listDecisions(workspaceId: string, customerIds: string[], limit: number): Promise<DecisionRecord[]>;
  decisionCounts(workspaceId: string, since: number): Promise<{ playbookKey: string; outcome: string; reason: string | null; n: number }[]>;
  /**
   * Per playbook, what followed its decisions at or after `since`: touches shown and how the
   * customer answered them, queue items and tasks resolved, and fired decisions followed by an
   * `Order Completed` event of the same customer within `purchaseWindowMs`. Grouped queries over
   * indexed ranges (the console's funnel report).
   */
  playbookFollowUps(workspaceId: string, since: number, purchaseWindowMs: number): Promise<{
    playbookKey: string; shown: number; dismissed: number; accepted: number; resolved: number; purchased: number;
  }[]>;
  upsertTimers(rows: TimerRecord[]): Promise<void>;
  deleteTimers(workspaceId: string, keys: string[]): Promise<void>;
  /** Timers due before `before`, oldest first (the scheduler's look-ahead; nothing is claimed). */
  dueTimers(before: number, limit: number): Promise<TimerRecord[]>;
  /** Deletes and returns the given timers that still exist: whoever deletes a timer fires it. */
  claimTimers(workspaceId: string, ids: string[]): Promise<TimerRecord[]>;
  countTimers(): Promise<number>;

  insertCareItems(table: 'care_items' | 'tasks', rows: CareItemRecord[]): Promise<void>;
  getCareItem(table: 'care_items' | 'tasks', workspaceId: string, id: string): Promise<CareItemRecord | null>;
  listCareItems(table: 'care_items' | 'tasks', workspaceId: string, opts: { status?: CareItemStatus; customerId?: string; limit: number }): Promise<CareItemRecord[]>;
  /** Moves an item open → claimed or (open|claimed) → resolved; false when it was not in a from-state. */
  updateCareItem(table: 'care_items' | 'tasks', workspaceId: string, id: string, from: CareItemStatus[], to: { status: CareItemStatus; by?: string | null; at: number; resolution?: string | null }): Promise<boolean>;
  insertOnsiteMessages(rows: OnsiteMessageRecord[]): Promise<void>;
  listOnsiteMessages(workspaceId: string, customerId: string, limit: number): Promise<OnsiteMessageRecord[]>;
  /**
   * Stores a customer's answer on their touch: only a touch of one of `customerIds` in this
   * workspace, and only the first answer (a later one leaves it as it was). Null when there is no
   * such touch; otherwise its playbook and whether this answer was the one stored.
   */
  recordTouchResponse(workspaceId: string, customerIds: string[], touchId: string, response: 'accepted' | 'dismissed', at: number): Promise<{ playbookKey: string; recorded: boolean } | null>;
  insertOutbox(rows: OutboxRecord[]): Promise<void>;
  dueOutbox(now: number, limit: number): Promise<OutboxRecord[]>;
  /**
   * Leases a due delivery to this sender until `leaseUntil` (pending → sending). Only one sender
   * wins; a sender that dies leaves a lease that expires, and the delivery is tried again.
   */
  claimOutbox(id: string, now: number, leaseUntil: number): Promise<boolean>;
  updateOutbox(id: string, patch: Partial<Pick<OutboxRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError'>>): Promise<void>;
}
