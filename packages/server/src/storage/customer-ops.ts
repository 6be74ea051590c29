import type { Kysely } from 'kysely';
import type { ConversationStatus } from '@omotenashi/protocol';
import { countDeltas } from '../domain/conversations/counters.js';
import type { EventRecord, MergeRecord, StoreOps, SuppressionRecord, TraitChangeRecord } from '../ports/store.js';
import { addCounts } from './conversation-ops.js';
import { toCustomer } from './ingest-ops.js';
import type { Database } from './schema.js';
import type { Dialect } from './dialect.js';
import { scopedTo } from './scope.js';

type CustomerOps = Pick<StoreOps,
  | 'findCustomerIdByIdentity' | 'getCustomer' | 'listRecentlySeen' | 'mergedInto' | 'listEvents' | 'scanEventHeads' | 'listMerges' | 'getMerge' | 'markMergeUndone'
  | 'listTraitChanges' | 'deleteCustomers' | 'insertSuppressions' | 'listSuppressions' | 'deleteSuppression'
  | 'deleteSuppressionByHash' | 'insertErasure'>;

const toEvent = (r: Database['events']): EventRecord => ({
  id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, type: r.type, name: r.name,
  messageId: r.message_id, timestamp: r.timestamp, receivedAt: r.received_at, payload: r.payload,
});
const toMerge = (r: Database['merges']): MergeRecord => ({
  id: r.id, workspaceId: r.workspace_id, winnerId: r.winner_id, loserId: r.loser_id, reason: r.reason,
  eventId: r.event_id, at: r.at, details: JSON.parse(r.details) as MergeRecord['details'], undoneAt: r.undone_at,
});
const toTraitChange = (r: Database['trait_changes']): TraitChangeRecord => ({
  id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, trait: r.trait, value: r.value, at: r.at, eventId: r.event_id,
});
const toSuppression = (r: Database['suppressions']): SuppressionRecord => ({
  id: r.id, workspaceId: r.workspace_id, identifierHash: r.identifier_hash, kind: r.kind,
  createdAt: r.created_at, suppressedCount: r.suppressed_count, lastSuppressedAt: r.last_suppressed_at,
});

export function customerOps(db: Kysely<Database>, dialect: Dialect): CustomerOps {
  const ws = scopedTo(dialect);
  return {
    async findCustomerIdByIdentity(workspaceId, key) {
      const r = await db.selectFrom('identities').select('customer_id')
        .where('workspace_id', '=', workspaceId).where('kind', '=', key.kind).where('value', '=', key.value).executeTakeFirst();
      return r?.customer_id ?? null;
    },
    async getCustomer(workspaceId, id) {
      const r = await db.selectFrom('customers').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      return r ? toCustomer(r) : null;
    },
    async listRecentlySeen(workspaceId, { since, before, limit }) {
      // A plain workspace_id comparison (not scopedTo's), so SQLite walks (workspace_id, last_seen).
      let q = db.selectFrom('customers').selectAll()
        .where('workspace_id', '=', workspaceId).where('last_seen', '>=', since).where('merged_into', 'is', null);
      if (before) {
        q = q.where((eb) => eb.or([eb('last_seen', '<', before.lastSeen), eb.and([eb('last_seen', '=', before.lastSeen), eb('id', '<', before.id)])]));
      }
      const rows = await q.orderBy('last_seen', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toCustomer);
    },
    async mergedInto(workspaceId, ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('customers').select('id')
        .where(ws('workspace_id', workspaceId)).where('merged_into', 'in', ids).execute();
      return rows.map((r) => r.id);
    },
    async listEvents(workspaceId, customerIds, { before, limit, ascending }) {
      if (customerIds.length === 0) return [];
      let q = db.selectFrom('events').selectAll()
        .where(ws('workspace_id', workspaceId)).where('customer_id', 'in', customerIds);
      if (before) {
        q = ascending
          ? q.where((eb) => eb.or([eb('timestamp', '>', before.timestamp), eb.and([eb('timestamp', '=', before.timestamp), eb('id', '>', before.id)])]))
          : q.where((eb) => eb.or([eb('timestamp', '<', before.timestamp), eb.and([eb('timestamp', '=', before.timestamp), eb('id', '<', before.id)])]));
      }
      const dir = ascending ? 'asc' : 'desc';
      const rows = await q.orderBy('timestamp', dir).orderBy('id', dir).limit(limit).execute();
      return rows.map(toEvent);
    },
    async scanEventHeads(workspaceId, { from, to, after, limit }) {
      let q = db.selectFrom('events').select(['id', 'customer_id', 'timestamp'])
        .where('workspace_id', '=', workspaceId).where('timestamp', '<', to);
      q = after
        ? q.where((eb) => eb.or([eb('timestamp', '>', after.timestamp), eb.and([eb('timestamp', '=', after.timestamp), eb('id', '>', after.id)])]))
          .where('timestamp', '>=', Math.max(from, after.timestamp))
        : q.where('timestamp', '>=', from);
      const rows = await q.orderBy('timestamp').orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ id: r.id, customerId: r.customer_id, timestamp: r.timestamp }));
    },
    async listMerges(workspaceId, customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db.selectFrom('merges').selectAll().where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('winner_id', 'in', customerIds), eb('loser_id', 'in', customerIds)]))
        .orderBy('at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toMerge);
    },
    async getMerge(workspaceId, id) {
      const r = await db.selectFrom('merges').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      return r ? toMerge(r) : null;
    },
    async markMergeUndone(workspaceId, id, at) {
      await db.updateTable('merges').set({ undone_at: at }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    },
    async listTraitChanges(workspaceId, customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db.selectFrom('trait_changes').selectAll().where('workspace_id', '=', workspaceId)
        .where('customer_id', 'in', customerIds).orderBy('at').orderBy('id').execute();
      return rows.map(toTraitChange);
    },
    async deleteCustomers(workspaceId, ids) {
      const counts: Record<string, number> = {};
      if (ids.length === 0) return counts;
      const del = async (table: 'events' | 'identities' | 'trait_changes', column: 'customer_id') => {
        const r = await db.deleteFrom(table).where(ws('workspace_id', workspaceId)).where(column, 'in', ids).executeTakeFirst();
        counts[table] = Number(r.numDeletedRows);
      };
      // Their messageIds too, so a re-send after a lifted suppression is not mistaken for a duplicate.
      const d = await db.deleteFrom('event_dedupe').where('workspace_id', '=', workspaceId)
        .where('message_id', 'in', db.selectFrom('events').select('message_id').where('workspace_id', '=', workspaceId).where('customer_id', 'in', ids))
        .executeTakeFirst();
      counts['event_dedupe'] = Number(d.numDeletedRows);
      await del('events', 'customer_id');
      await del('identities', 'customer_id');
      await del('trait_changes', 'customer_id');
      // What the care loop decided and caused for them goes too (webhook deliveries first: they
      // are found through the decisions).
      const o = await db.deleteFrom('webhook_outbox').where('workspace_id', '=', workspaceId)
        .where('decision_id', 'in', db.selectFrom('decisions').select('id').where('workspace_id', '=', workspaceId).where('customer_id', 'in', ids))
        .executeTakeFirst();
      // Conversation events name their customer: their bodies carry messages, so they go too,
      // delivered or not.
      const oc = await db.deleteFrom('webhook_outbox').where('workspace_id', '=', workspaceId).where('customer_id', 'in', ids).executeTakeFirst();
      counts['webhook_outbox'] = Number(o.numDeletedRows) + Number(oc.numDeletedRows);
      for (const table of ['decisions', 'timers', 'care_items', 'tasks', 'onsite_messages'] as const) {
        const r = await db.deleteFrom(table).where(ws('workspace_id', workspaceId)).where('customer_id', 'in', ids).executeTakeFirst();
        counts[table] = Number(r.numDeletedRows);
      }
      // Their conversations: attachments (found through the messages, and the unsent uploads),
      // then messages, then the conversations, which come off the inbox counters.
      const boundAttachments = await db.deleteFrom('attachments').where(ws('workspace_id', workspaceId))
        .where('message_id', 'in', db.selectFrom('messages').select('id').where(ws('workspace_id', workspaceId)).where('customer_id', 'in', ids))
        .executeTakeFirst();
      const unsentAttachments = await db.deleteFrom('attachments').where(ws('workspace_id', workspaceId))
        .where('message_id', 'is', null).where('customer_id', 'in', ids).executeTakeFirst();
      counts['attachments'] = Number(boundAttachments.numDeletedRows) + Number(unsentAttachments.numDeletedRows);
      const msgs = await db.deleteFrom('messages').where(ws('workspace_id', workspaceId)).where('customer_id', 'in', ids).executeTakeFirst();
      counts['messages'] = Number(msgs.numDeletedRows);
      const convs = await db.deleteFrom('conversations').where(ws('workspace_id', workspaceId)).where('customer_id', 'in', ids)
        .returning(['status', 'assignee_id', 'team']).execute();
      counts['conversations'] = convs.length;
      const deltas: Record<string, number> = {};
      for (const c of convs) {
        for (const [key, n] of Object.entries(countDeltas({ status: c.status as ConversationStatus, assigneeId: c.assignee_id, team: c.team }, null))) {
          deltas[key] = (deltas[key] ?? 0) + n;
        }
      }
      await addCounts(db, workspaceId, deltas);
      const m = await db.deleteFrom('merges').where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('winner_id', 'in', ids), eb('loser_id', 'in', ids)])).executeTakeFirst();
      counts['merges'] = Number(m.numDeletedRows);
      const c = await db.deleteFrom('customers').where(ws('workspace_id', workspaceId)).where('id', 'in', ids).executeTakeFirst();
      counts['customers'] = Number(c.numDeletedRows);
      return counts;
    },
    async insertSuppressions(rows) {
      if (rows.length === 0) return;
      await db.insertInto('suppressions').values(rows.map((s) => ({
        id: s.id, workspace_id: s.workspaceId, identifier_hash: s.identifierHash, kind: s.kind,
        created_at: s.createdAt, suppressed_count: s.suppressedCount, last_suppressed_at: s.lastSuppressedAt,
      }))).onConflict((oc) => oc.columns(['workspace_id', 'identifier_hash']).doNothing()).execute();
    },
    async listSuppressions(workspaceId) {
      return (await db.selectFrom('suppressions').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute()).map(toSuppression);
    },
    async deleteSuppression(workspaceId, id) {
      const r = await db.deleteFrom('suppressions').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteSuppressionByHash(workspaceId, hash) {
      const r = await db.deleteFrom('suppressions').where('workspace_id', '=', workspaceId).where('identifier_hash', '=', hash).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async insertErasure(e) {
      await db.insertInto('erasures').values({ id: e.id, workspace_id: e.workspaceId, customer_id: e.customerId, at: e.at, summary: JSON.stringify(e.summary) }).execute();
    },
  };
}
