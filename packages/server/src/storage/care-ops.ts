import { sql, type Kysely } from 'kysely';
import type {
  CareItemRecord, CareItemStatus, CareStoreOps, DecisionRecord, OutboxRecord, PlaybookRecord, TimerRecord,
} from '../ports/store.js';
import { chunk } from './chunk.js';
import type { Dialect } from './dialect.js';
import type { CareItemRow, Database } from './schema.js';
import { scopedTo } from './scope.js';

const toTimer = (r: Database['timers']): TimerRecord => ({
  id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, key: r.key, kind: r.kind, playbookKey: r.playbook_key,
  dueAt: r.due_at, payload: JSON.parse(r.payload) as Record<string, unknown>,
});
const toDecision = (r: Database['decisions']): DecisionRecord => ({
  id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, playbookKey: r.playbook_key, playbookVersion: r.playbook_version,
  step: r.step, action: r.action, outcome: r.outcome, reason: r.reason, windowKey: r.window_key, at: r.at, explanation: JSON.parse(r.explanation) as unknown,
});
const toItem = (r: CareItemRow & { team?: string | null; owner?: string | null; due_at?: number | null }): CareItemRecord => ({
  id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, decisionId: r.decision_id, playbookKey: r.playbook_key,
  title: r.title, priority: r.priority, context: JSON.parse(r.context) as unknown, status: r.status as CareItemStatus,
  claimedBy: r.claimed_by, claimedAt: r.claimed_at, resolvedAt: r.resolved_at, resolution: r.resolution, createdAt: r.created_at,
  ...(r.due_at !== undefined ? { team: r.team ?? null, owner: r.owner ?? null, dueAt: r.due_at } : {}),
});
const toOutbox = (r: Database['webhook_outbox']): OutboxRecord => ({
  id: r.id, workspaceId: r.workspace_id, decisionId: r.decision_id, url: r.url, body: r.body, status: r.status as OutboxRecord['status'],
  attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at,
});

/** Storage of the care loop: playbooks, decisions, durable timers and what decisions cause. */
export function careOps(db: Kysely<Database>, dialect: Dialect): CareStoreOps {
  const ws = scopedTo(dialect);
  const playbookRows = (workspaceId: string) =>
    db.selectFrom('playbooks as p')
      .innerJoin('playbook_versions as v', (j) => j.onRef('v.workspace_id', '=', 'p.workspace_id').onRef('v.key', '=', 'p.key'))
      .select(['p.id', 'p.workspace_id', 'p.key', 'p.enabled', 'p.updated_at', 'p.current_version', 'v.version', 'v.definition', 'v.created_by', 'v.created_at'])
      .where('p.workspace_id', '=', workspaceId);
  type Row = { id: string; workspace_id: string; key: string; enabled: number; updated_at: number; version: number; definition: string; created_by: string | null; created_at: number };
  const toPlaybook = (r: Row): PlaybookRecord => ({
    id: r.id, workspaceId: r.workspace_id, key: r.key, version: r.version, enabled: r.enabled === 1,
    definition: JSON.parse(r.definition) as unknown, updatedAt: r.updated_at, createdBy: r.created_by,
  });

  return {
    async listPlaybooks(workspaceId) {
      const rows = await playbookRows(workspaceId).whereRef('v.version', '=', 'p.current_version').orderBy('p.key').execute();
      return rows.map(toPlaybook);
    },
    async getPlaybook(workspaceId, key, version) {
      let q = playbookRows(workspaceId).where('p.key', '=', key);
      q = version === undefined ? q.whereRef('v.version', '=', 'p.current_version') : q.where('v.version', '=', version);
      const r = await q.executeTakeFirst();
      return r ? toPlaybook(r) : null;
    },
    async listPlaybookVersions(workspaceId, key) {
      const rows = await playbookRows(workspaceId).where('p.key', '=', key).orderBy('v.version', 'desc').execute();
      return rows.map((r) => ({ ...toPlaybook(r), updatedAt: r.created_at }));
    },
    async savePlaybookVersion(p) {
      await db.insertInto('playbook_versions').values({
        workspace_id: p.workspaceId, key: p.key, version: p.version, definition: JSON.stringify(p.definition), created_at: p.updatedAt, created_by: p.createdBy,
      }).execute();
      await db.insertInto('playbooks').values({
        workspace_id: p.workspaceId, key: p.key, id: p.id, current_version: p.version, enabled: p.enabled ? 1 : 0, updated_at: p.updatedAt,
      }).onConflict((oc) => oc.columns(['workspace_id', 'key']).doUpdateSet((eb) => ({
        current_version: eb.ref('excluded.current_version'), enabled: eb.ref('excluded.enabled'), updated_at: eb.ref('excluded.updated_at'),
      }))).execute();
    },
    async setPlaybookEnabled(workspaceId, key, enabled, at) {
      const r = await db.updateTable('playbooks').set({ enabled: enabled ? 1 : 0, updated_at: at })
        .where('workspace_id', '=', workspaceId).where('key', '=', key).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async getWorkspaceSettings(workspaceId) {
      const r = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
      return r ? (JSON.parse(r.settings) as Record<string, unknown>) : {};
    },
    async setWorkspaceSettings(workspaceId, settings) {
      await db.updateTable('workspaces').set({ settings: JSON.stringify(settings) }).where('id', '=', workspaceId).execute();
    },

    async insertDecisions(rows) {
      const inserted = new Set<string>();
      for (const part of chunk(rows, 12)) {
        const out = await db.insertInto('decisions').values(part.map((d) => ({
          id: d.id, workspace_id: d.workspaceId, customer_id: d.customerId, playbook_key: d.playbookKey, playbook_version: d.playbookVersion,
          step: d.step, action: d.action, outcome: d.outcome, reason: d.reason, window_key: d.windowKey, at: d.at, explanation: JSON.stringify(d.explanation),
        }))).onConflict((oc) => oc.columns(['workspace_id', 'customer_id', 'playbook_key', 'window_key', 'step']).doNothing()).returning('id').execute();
        for (const r of out) inserted.add(r.id);
      }
      return inserted;
    },
    async listDecisions(workspaceId, customerIds, limit) {
      if (customerIds.length === 0) return [];
      const rows = await db.selectFrom('decisions').selectAll().where(ws('workspace_id', workspaceId))
        .where('customer_id', 'in', customerIds).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toDecision);
    },
    async playbookFollowUps(workspaceId, since, purchaseWindowMs) {
      const out = new Map<string, { playbookKey: string; shown: number; dismissed: number; accepted: number; resolved: number; purchased: number }>();
      const row = (key: string) => {
        let r = out.get(key);
        if (!r) out.set(key, r = { playbookKey: key, shown: 0, dismissed: 0, accepted: 0, resolved: 0, purchased: 0 });
        return r;
      };
      const touches = await db.selectFrom('onsite_messages').select(['playbook_key', 'response']).select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId).where('created_at', '>=', since).groupBy(['playbook_key', 'response']).execute();
      for (const t of touches) row(t.playbook_key).shown += Number(t.n);
      // Answers are events (the widget's "Omotenashi Touch Accepted/Dismissed") naming the playbook.
      const playbookOf = dialect === 'sqlite'
        ? sql<string | null>`json_extract(${sql.ref('payload')}, '$.properties.playbook')`
        : sql<string | null>`(${sql.ref('payload')}::jsonb -> 'properties' ->> 'playbook')`;
      const answers = await db.selectFrom('events').select('name').select(playbookOf.as('playbook')).select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId).where('timestamp', '>=', since)
        .where('name', 'in', ['Omotenashi Touch Accepted', 'Omotenashi Touch Dismissed'])
        .groupBy(['name', playbookOf]).execute();
      for (const a of answers) {
        if (a.playbook === null) continue;
        if (a.name === 'Omotenashi Touch Dismissed') row(a.playbook).dismissed += Number(a.n);
        else row(a.playbook).accepted += Number(a.n);
      }
      for (const table of ['care_items', 'tasks'] as const) {
        const resolved = await db.selectFrom(table).select('playbook_key').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', workspaceId).where('status', '=', 'resolved').where('created_at', '>=', since).where('playbook_key', 'is not', null)
          .groupBy('playbook_key').execute();
        for (const r of resolved) if (r.playbook_key !== null) row(r.playbook_key).resolved += Number(r.n);
      }
      // Each fired decision counts once, however many orders followed it.
      const purchased = await db.selectFrom('decisions as d').select('d.playbook_key').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('d.workspace_id', '=', workspaceId).where('d.at', '>=', since).where('d.outcome', '=', 'fired')
        .where((eb) => eb.exists(eb.selectFrom('events as e').select(sql<number>`1`.as('one'))
          .whereRef('e.customer_id', '=', 'd.customer_id').where('e.name', '=', 'Order Completed')
          .whereRef('e.timestamp', '>=', 'd.at').where('e.timestamp', '<', sql<number>`${sql.ref('d.at')} + ${purchaseWindowMs}`)))
        .groupBy('d.playbook_key').execute();
      for (const p of purchased) row(p.playbook_key).purchased += Number(p.n);
      return [...out.values()];
    },
    async decisionCounts(workspaceId, since) {
      const rows = await db.selectFrom('decisions').select(['playbook_key', 'outcome', 'reason']).select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId).where('at', '>=', since).groupBy(['playbook_key', 'outcome', 'reason']).execute();
      return rows.map((r) => ({ playbookKey: r.playbook_key, outcome: r.outcome, reason: r.reason, n: Number(r.n) }));
    },
    async upsertTimers(rows) {
      for (const part of chunk(rows, 8)) {
        await db.insertInto('timers').values(part.map((t) => ({
          id: t.id, workspace_id: t.workspaceId, customer_id: t.customerId, key: t.key, kind: t.kind, playbook_key: t.playbookKey,
          due_at: t.dueAt, payload: JSON.stringify(t.payload),
        }))).onConflict((oc) => oc.columns(['workspace_id', 'key']).doUpdateSet((eb) => ({
          id: eb.ref('excluded.id'), due_at: eb.ref('excluded.due_at'), payload: eb.ref('excluded.payload'), kind: eb.ref('excluded.kind'),
        }))).execute();
      }
    },
    async deleteTimers(workspaceId, keys) {
      for (const part of chunk(keys, 1, 5000)) {
        await db.deleteFrom('timers').where('workspace_id', '=', workspaceId).where('key', 'in', part).execute();
      }
    },
    async dueTimers(before, limit) {
      const rows = await db.selectFrom('timers').selectAll().where('due_at', '<', before).orderBy('due_at').limit(limit).execute();
      return rows.map(toTimer);
    },
    async claimTimers(workspaceId, ids) {
      const out: TimerRecord[] = [];
      for (const part of chunk(ids, 1, 5000)) {
        const rows = await db.deleteFrom('timers').where(ws('workspace_id', workspaceId)).where('id', 'in', part).returningAll().execute();
        for (const r of rows) out.push(toTimer(r));
      }
      return out;
    },
    async countTimers() {
      const r = await db.selectFrom('timers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    async insertCareItems(table, rows) {
      if (rows.length === 0) return;
      await db.insertInto(table).values(rows.map((i) => ({
        id: i.id, workspace_id: i.workspaceId, customer_id: i.customerId, decision_id: i.decisionId, playbook_key: i.playbookKey,
        title: i.title, priority: i.priority, context: JSON.stringify(i.context), status: i.status, claimed_by: i.claimedBy,
        claimed_at: i.claimedAt, resolved_at: i.resolvedAt, resolution: i.resolution, created_at: i.createdAt,
        ...(table === 'tasks' ? { team: i.team ?? null, owner: i.owner ?? null, due_at: i.dueAt ?? null } : {}),
      }))).execute();
    },
    async getCareItem(table, workspaceId, id) {
      const r = await db.selectFrom(table).selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      return r ? toItem(r) : null;
    },
    async listCareItems(table, workspaceId, opts) {
      let q = db.selectFrom(table).selectAll().where('workspace_id', '=', workspaceId);
      if (opts.status) q = q.where('status', '=', opts.status);
      if (opts.customerId) q = q.where('customer_id', '=', opts.customerId);
      // Most urgent first, then newest: the order a person should take them in.
      const rank = sql<number>`case priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;
      const rows = await q.orderBy(rank).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
      return rows.map((r) => toItem(r as CareItemRow));
    },
    async updateCareItem(table, workspaceId, id, from, to) {
      const patch = to.status === 'claimed'
        ? { status: to.status, claimed_by: to.by ?? null, claimed_at: to.at }
        : { status: to.status, resolved_at: to.at, resolution: to.resolution ?? null, ...(to.by ? { claimed_by: to.by } : {}) };
      const r = await db.updateTable(table).set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async insertOnsiteMessages(rows) {
      if (rows.length === 0) return;
      await db.insertInto('onsite_messages').values(rows.map((m) => ({
        id: m.id, workspace_id: m.workspaceId, customer_id: m.customerId, decision_id: m.decisionId, playbook_key: m.playbookKey,
        kind: m.kind, content: JSON.stringify(m.content), created_at: m.createdAt, response: m.response, responded_at: m.respondedAt,
      }))).execute();
    },
    async listOnsiteMessages(workspaceId, customerId, limit) {
      const rows = await db.selectFrom('onsite_messages').selectAll().where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId)
        .orderBy('created_at', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, decisionId: r.decision_id, playbookKey: r.playbook_key,
        kind: r.kind as 'hint' | 'invite', content: JSON.parse(r.content) as unknown, createdAt: r.created_at, response: r.response, respondedAt: r.responded_at,
      }));
    },
    async recordTouchResponse(workspaceId, customerIds, touchId, response, at) {
      if (customerIds.length === 0) return null;
      const own = await db.selectFrom('onsite_messages').select('playbook_key').where('workspace_id', '=', workspaceId).where('id', '=', touchId)
        .where('customer_id', 'in', customerIds).executeTakeFirst();
      if (!own) return null;
      // `response is null` in the update itself: of two answers racing, exactly one is stored.
      const r = await db.updateTable('onsite_messages').set({ response, responded_at: at }).where('workspace_id', '=', workspaceId).where('id', '=', touchId)
        .where('customer_id', 'in', customerIds).where('response', 'is', null).executeTakeFirst();
      return { playbookKey: own.playbook_key, recorded: Number(r.numUpdatedRows) > 0 };
    },
    async insertOutbox(rows) {
      if (rows.length === 0) return;
      await db.insertInto('webhook_outbox').values(rows.map((o) => ({
        id: o.id, workspace_id: o.workspaceId, decision_id: o.decisionId, url: o.url, body: o.body, status: o.status,
        attempts: o.attempts, next_attempt_at: o.nextAttemptAt, last_error: o.lastError, created_at: o.createdAt, customer_id: o.customerId ?? null,
      }))).execute();
    },
    async dueOutbox(now, limit) {
      // 'sending' rows are leased: their next_attempt_at is the lease end, after which they are due again.
      const rows = await db.selectFrom('webhook_outbox').selectAll().where('status', 'in', ['pending', 'sending']).where('next_attempt_at', '<=', now)
        // Ties (one change's events share a millisecond) go by id, which is time-ordered: receivers get events in the order they happened.
        .orderBy('next_attempt_at').orderBy('id').limit(limit).execute();
      return rows.map(toOutbox);
    },
    async claimOutbox(id, now, leaseUntil) {
      const r = await db.updateTable('webhook_outbox').set({ status: 'sending', next_attempt_at: leaseUntil })
        .where('id', '=', id).where('status', 'in', ['pending', 'sending']).where('next_attempt_at', '<=', now).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async updateOutbox(id, patch) {
      await db.updateTable('webhook_outbox').set({
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.attempts !== undefined ? { attempts: patch.attempts } : {}),
        ...(patch.nextAttemptAt !== undefined ? { next_attempt_at: patch.nextAttemptAt } : {}),
        ...(patch.lastError !== undefined ? { last_error: patch.lastError } : {}),
      }).where('id', '=', id).execute();
    },
  };
}
