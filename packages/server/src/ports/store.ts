import type { Dialect } from '../storage/dialect.js';
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
}
export interface CustomerRecord {
  id: string; workspaceId: string; createdAt: number; updatedAt: number;
  mergedInto: string | null; userId: string | null; profile: Profile;
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

  // ingestion (called inside one transaction per flush)
  /** Serialises ingestion writers of one workspace until the transaction ends (all processes). */
  lockWorkspaceForIngest(workspaceId: string): Promise<void>;
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
  /** Ids of customers merged (directly) into any of the given ones. */
  mergedInto(workspaceId: string, ids: string[]): Promise<string[]>;
  listEvents(workspaceId: string, customerIds: string[], opts: { before: EventCursor | null; limit: number; ascending?: boolean }): Promise<EventRecord[]>;
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

export interface Store extends StoreOps {
  readonly dialect: Dialect;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Runs `fn` in one transaction: all of its writes commit, or none do. */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
}
