import type { Kysely } from 'kysely';
import type { CustomerRecord, IdentityRecord, StoreOps } from '../ports/store.js';
import { chunk } from './chunk.js';
import type { Dialect } from './dialect.js';
import { scopedTo } from './scope.js';
import type { Database } from './schema.js';

type IngestOps = Pick<StoreOps,
  | 'lockWorkspaceForIngest' | 'claimMessageIds' | 'hasSuppressions' | 'findSuppressed' | 'countSuppressed' | 'findIdentities' | 'identitiesOf' | 'loadCustomers'
  | 'insertEvents' | 'upsertCustomers' | 'upsertIdentities' | 'moveIdentities' | 'insertMerges' | 'insertTraitChanges' | 'pruneDedupe'>;

export const toIdentity = (r: Database['identities']): IdentityRecord => ({
  kind: r.kind, value: r.value, customerId: r.customer_id, verified: r.verified === 1, createdAt: r.created_at,
});

export const toCustomer = (r: Database['customers']): CustomerRecord => ({
  id: r.id, workspaceId: r.workspace_id, createdAt: r.created_at, updatedAt: r.updated_at,
  mergedInto: r.merged_into, userId: r.user_id, profile: JSON.parse(r.profile) as CustomerRecord['profile'],
  care: JSON.parse(r.care) as CustomerRecord['care'],
});

const IN_CHUNK = 5_000;

function byKind(keys: readonly { kind: string; value: string }[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const k of keys) {
    const list = m.get(k.kind);
    if (list) list.push(k.value);
    else m.set(k.kind, [k.value]);
  }
  return m;
}

/** The write side of ingestion: set-at-a-time statements, one round trip per table per flush. */
export function ingestOps(db: Kysely<Database>, dialect: Dialect): IngestOps {
  const ws = scopedTo(dialect);
  return {
    async lockWorkspaceForIngest(workspaceId) {
      // An UPDATE takes the workspace row's lock on PostgreSQL and the database write lock on
      // SQLite before anything is read, so no transaction's snapshot goes stale under another writer.
      const r = await db.updateTable('workspaces').set((eb) => ({ ingest_seq: eb('ingest_seq', '+', 1) }))
        .where('id', '=', workspaceId).returning('ingest_seq').executeTakeFirst();
      return Number(r?.ingest_seq ?? 0);
    },
    async claimMessageIds(workspaceId, messageIds, at) {
      const claimed = new Set<string>();
      for (const part of chunk(messageIds, 3)) {
        const rows = await db.insertInto('event_dedupe')
          .values(part.map((m) => ({ workspace_id: workspaceId, message_id: m, received_at: at })))
          .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
          .returning('message_id')
          .execute();
        for (const r of rows) claimed.add(r.message_id);
      }
      return claimed;
    },
    async hasSuppressions(workspaceId) {
      const r = await db.selectFrom('suppressions').select('id').where('workspace_id', '=', workspaceId).limit(1).executeTakeFirst();
      return r !== undefined;
    },
    async findSuppressed(workspaceId, hashes) {
      const found = new Set<string>();
      for (const part of chunk(hashes, 1, IN_CHUNK)) {
        const rows = await db.selectFrom('suppressions').select('identifier_hash')
          .where('workspace_id', '=', workspaceId).where('identifier_hash', 'in', part).execute();
        for (const r of rows) found.add(r.identifier_hash);
      }
      return found;
    },
    async countSuppressed(workspaceId, counts, at) {
      for (const [hash, n] of counts) {
        await db.updateTable('suppressions')
          .set((eb) => ({ suppressed_count: eb('suppressed_count', '+', n), last_suppressed_at: at }))
          .where('workspace_id', '=', workspaceId).where('identifier_hash', '=', hash).execute();
      }
    },
    async findIdentities(workspaceId, keys) {
      // One `kind = ? AND value IN (…)` per kind: the primary key answers it directly, where a
      // row-value IN list of pairs took PostgreSQL seconds to plan.
      const out: IdentityRecord[] = [];
      for (const [kind, values] of byKind(keys)) {
        for (const part of chunk(values, 1, IN_CHUNK)) {
          const rows = await db.selectFrom('identities').selectAll()
            .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('value', 'in', part).execute();
          for (const r of rows) out.push(toIdentity(r));
        }
      }
      return out;
    },
    async identitiesOf(workspaceId, customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db.selectFrom('identities').selectAll()
        .where(ws('workspace_id', workspaceId)).where('customer_id', 'in', customerIds).execute();
      return rows.map(toIdentity);
    },
    async loadCustomers(workspaceId, ids) {
      const out: CustomerRecord[] = [];
      for (const part of chunk(ids, 1, IN_CHUNK)) {
        const rows = await db.selectFrom('customers').selectAll()
          .where(ws('workspace_id', workspaceId)).where('id', 'in', part).execute();
        for (const r of rows) out.push(toCustomer(r));
      }
      return out;
    },
    async insertEvents(rows) {
      for (const part of chunk(rows, 9)) {
        await db.insertInto('events').values(part.map((e) => ({
          id: e.id, workspace_id: e.workspaceId, customer_id: e.customerId, type: e.type, name: e.name,
          message_id: e.messageId, timestamp: e.timestamp, received_at: e.receivedAt, payload: e.payload,
        }))).execute();
      }
    },
    async upsertCustomers(rows) {
      for (const part of chunk(rows, 10)) {
        await db.insertInto('customers').values(part.map((c) => ({
          id: c.id, workspace_id: c.workspaceId, created_at: c.createdAt, updated_at: c.updatedAt,
          merged_into: c.mergedInto, user_id: c.userId, journey_stage: c.profile.journey.stage,
          last_seen: c.profile.lastSeen, profile: JSON.stringify(c.profile), care: JSON.stringify(c.care),
        }))).onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
          updated_at: eb.ref('excluded.updated_at'),
          merged_into: eb.ref('excluded.merged_into'),
          user_id: eb.ref('excluded.user_id'),
          journey_stage: eb.ref('excluded.journey_stage'),
          last_seen: eb.ref('excluded.last_seen'),
          profile: eb.ref('excluded.profile'),
          care: eb.ref('excluded.care'),
        }))).execute();
      }
    },
    async upsertIdentities(workspaceId, rows) {
      for (const part of chunk(rows, 6)) {
        await db.insertInto('identities').values(part.map((i) => ({
          workspace_id: workspaceId, kind: i.kind, value: i.value, customer_id: i.customerId,
          verified: i.verified ? 1 : 0, created_at: i.createdAt,
        }))).onConflict((oc) => oc.columns(['workspace_id', 'kind', 'value']).doUpdateSet((eb) => ({
          customer_id: eb.ref('excluded.customer_id'),
          verified: eb.ref('excluded.verified'),
        }))).execute();
      }
    },
    async moveIdentities(workspaceId, keys, toCustomerId) {
      for (const [kind, values] of byKind(keys)) {
        for (const part of chunk(values, 1, IN_CHUNK)) {
          await db.updateTable('identities').set({ customer_id: toCustomerId })
            .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('value', 'in', part).execute();
        }
      }
    },
    async insertMerges(rows) {
      if (rows.length === 0) return;
      await db.insertInto('merges').values(rows.map((m) => ({
        id: m.id, workspace_id: m.workspaceId, winner_id: m.winnerId, loser_id: m.loserId, reason: m.reason,
        event_id: m.eventId, at: m.at, details: JSON.stringify(m.details), undone_at: m.undoneAt,
      }))).execute();
    },
    async insertTraitChanges(rows) {
      for (const part of chunk(rows, 7)) {
        await db.insertInto('trait_changes').values(part.map((t) => ({
          id: t.id, workspace_id: t.workspaceId, customer_id: t.customerId, trait: t.trait, value: t.value, at: t.at, event_id: t.eventId,
        }))).execute();
      }
    },
    async pruneDedupe(before) {
      const r = await db.deleteFrom('event_dedupe').where('received_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
