import { sql, type Kysely } from 'kysely';
import type { AttachmentRef, BusinessHours, ChannelName, ConversationStatus, MessageKind, Priority, SlaState, AuthorType } from '@omotenashi/protocol';
import type {
  AttachmentRecord, ConversationPatch, ConversationRecord, ConversationStoreOps, MessageRecord, SlaPolicyRecord, SlaTrack,
  SnippetRecord, WebhookSubscriptionRecord,
} from '../ports/conversation-store.js';
import { chunk } from './chunk.js';
import type { Dialect } from './dialect.js';
import type { Database } from './schema.js';
import { scopedTo } from './scope.js';

type ConvRow = Database['conversations'];
type AttachmentRow = Omit<Database['attachments'], 'data'>;

/** Record field → column, for every field a patch may carry (the mapped type makes a missing one a compile error). */
const CONV_COLUMNS: { [K in keyof Required<ConversationPatch>]: keyof ConvRow } = {
  channel: 'channel', status: 'status', snoozedUntil: 'snoozed_until', assigneeId: 'assignee_id', team: 'team',
  priority: 'priority', labels: 'labels', lastSeq: 'last_seq', lastMessageAt: 'last_message_at', preview: 'preview',
  waitingSince: 'waiting_since', firstResponseAt: 'first_response_at', resolvedAt: 'resolved_at', slaPolicyId: 'sla_policy_id',
  slaState: 'sla_state', slaCheckAt: 'sla_check_at', sla: 'sla', csatScore: 'csat_score', csatComment: 'csat_comment',
  csatAt: 'csat_at', customerReadSeq: 'customer_read_seq', operatorReadSeq: 'operator_read_seq', activityAt: 'activity_at',
  updatedAt: 'updated_at',
};
const JSON_FIELDS = new Set<string>(['labels', 'sla']);

function convColumns(patch: ConversationPatch): Partial<ConvRow> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    const column = (CONV_COLUMNS as Record<string, keyof ConvRow | undefined>)[field];
    // Skips undefined (absent) fields and anything that is not a patchable column (id, workspaceId…).
    if (column === undefined || value === undefined) continue;
    out[column] = JSON_FIELDS.has(field) ? JSON.stringify(value) : value;
  }
  return out;
}

const toConversation = (r: ConvRow): ConversationRecord => ({
  id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, channel: r.channel as ChannelName, status: r.status as ConversationStatus,
  snoozedUntil: r.snoozed_until, assigneeId: r.assignee_id, team: r.team, priority: r.priority as Priority, labels: JSON.parse(r.labels) as string[],
  lastSeq: r.last_seq, lastMessageAt: r.last_message_at, preview: r.preview, waitingSince: r.waiting_since,
  firstResponseAt: r.first_response_at, resolvedAt: r.resolved_at, slaPolicyId: r.sla_policy_id, slaState: r.sla_state as SlaState,
  slaCheckAt: r.sla_check_at, sla: JSON.parse(r.sla) as SlaTrack, csatScore: r.csat_score, csatComment: r.csat_comment, csatAt: r.csat_at,
  customerReadSeq: r.customer_read_seq, operatorReadSeq: r.operator_read_seq, activityAt: r.activity_at,
  createdAt: r.created_at, updatedAt: r.updated_at,
});
const toMessage = (r: Database['messages']): MessageRecord => ({
  id: r.id, workspaceId: r.workspace_id, conversationId: r.conversation_id, customerId: r.customer_id, seq: r.seq, kind: r.kind as MessageKind,
  authorType: r.author_type as AuthorType, authorId: r.author_id, authorName: r.author_name, text: r.body,
  attachments: JSON.parse(r.attachments) as AttachmentRef[], channel: r.channel as ChannelName, senderKey: r.sender_key,
  clientMessageId: r.client_message_id, createdAt: r.created_at,
});
const toAttachment = (r: AttachmentRow): AttachmentRecord => ({
  id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, conversationId: r.conversation_id, messageId: r.message_id,
  uploaderType: r.uploader_type as AttachmentRecord['uploaderType'], uploaderId: r.uploader_id, fileName: r.file_name,
  contentType: r.content_type, size: r.size, createdAt: r.created_at,
});
const toSlaPolicy = (r: Database['sla_policies']): SlaPolicyRecord => ({
  id: r.id, workspaceId: r.workspace_id, name: r.name, channel: r.channel as ChannelName | null, priority: r.priority as Priority | null,
  firstResponseMinutes: r.first_response_minutes, nextResponseMinutes: r.next_response_minutes, resolutionMinutes: r.resolution_minutes,
  businessHours: r.business_hours === null ? null : (JSON.parse(r.business_hours) as BusinessHours), createdAt: r.created_at,
});
const toSnippet = (r: Database['snippets']): SnippetRecord => ({
  id: r.id, workspaceId: r.workspace_id, shortcut: r.shortcut, title: r.title, body: r.body, createdAt: r.created_at, updatedAt: r.updated_at,
});
const toSubscription = (r: Database['webhook_subscriptions']): WebhookSubscriptionRecord => ({
  id: r.id, workspaceId: r.workspace_id, url: r.url, events: JSON.parse(r.events) as string[], createdAt: r.created_at,
});

const ATTACHMENT_COLUMNS = [
  'id', 'workspace_id', 'customer_id', 'conversation_id', 'message_id', 'uploader_type', 'uploader_id', 'file_name', 'content_type', 'size', 'created_at',
] as const;

/**
 * Adds deltas to a workspace's conversation counters in one upsert per chunk. Shared with the
 * erasure (customer-ops), which takes erased conversations off the counters.
 */
export async function addCounts(db: Kysely<Database>, workspaceId: string, deltas: Record<string, number>): Promise<void> {
  // Sorted so concurrent PostgreSQL transactions lock counter rows in one order and cannot deadlock.
  const rows = Object.entries(deltas).filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, n]) => ({ workspace_id: workspaceId, key, n }));
  for (const part of chunk(rows, 3)) {
    await db.insertInto('conversation_counts').values(part)
      .onConflict((oc) => oc.columns(['workspace_id', 'key']).doUpdateSet({ n: sql<number>`conversation_counts.n + excluded.n` }))
      .execute();
  }
}

/** The smallest string greater than every string starting with `prefix` (in code point / UTF-8 byte order). */
function prefixEnd(prefix: string): string | null {
  const cps = [...prefix];
  while (cps.length > 0) {
    const cp = cps.pop()!.codePointAt(0)!;
    if (cp < 0x10ffff) return cps.join('') + String.fromCodePoint(cp === 0xd7ff ? 0xe000 : cp + 1);
  }
  return null;
}

/** Storage of conversations, messages, attachments and the inbox's settings (see ConversationStoreOps). */
export function conversationOps(db: Kysely<Database>, dialect: Dialect): ConversationStoreOps {
  const ws = scopedTo(dialect);
  const byId = (workspaceId: string, id: string) =>
    db.selectFrom('conversations').selectAll().where(ws('workspace_id', workspaceId)).where('id', '=', id);

  return {
    async insertConversation(c) {
      await db.insertInto('conversations').values({
        ...(convColumns(c) as Omit<ConvRow, 'id' | 'workspace_id' | 'customer_id' | 'created_at'>),
        id: c.id, workspace_id: c.workspaceId, customer_id: c.customerId, created_at: c.createdAt,
      }).execute();
    },
    async getConversation(workspaceId, id) {
      const r = await byId(workspaceId, id).executeTakeFirst();
      return r ? toConversation(r) : null;
    },
    async lockConversation(workspaceId, id) {
      // SQLite runs one write transaction at a time, so the plain read is already exclusive there.
      const q = byId(workspaceId, id);
      const r = await (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
      return r ? toConversation(r) : null;
    },
    async updateConversation(workspaceId, id, patch) {
      const set = convColumns(patch);
      if (Object.keys(set).length === 0) return;
      await db.updateTable('conversations').set(set).where(ws('workspace_id', workspaceId)).where('id', '=', id).execute();
    },
    async listConversations(workspaceId, filter, { after, limit }) {
      // Plain (not scopedTo) workspace equality on purpose: the inbox indexes all lead with
      // workspace_id, and the planner must pick the one whose equality prefix matches the filters
      // so it walks (activity_at, id) in order and stops after `limit` rows.
      let q = db.selectFrom('conversations').selectAll().where('workspace_id', '=', workspaceId);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.assigneeId === null) q = q.where('assignee_id', 'is', null);
      else if (filter.assigneeId !== undefined) q = q.where('assignee_id', '=', filter.assigneeId);
      if (filter.team !== undefined) q = q.where('team', '=', filter.team);
      if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel);
      if (filter.priority !== undefined) q = q.where('priority', '=', filter.priority);
      if (filter.slaState !== undefined) q = q.where('sla_state', '=', filter.slaState);
      if (after) {
        // The redundant `activity_at <=` bound gives the planner a range to seek to; the OR alone
        // is not one, and it would start every page from the newest row.
        q = q.where('activity_at', '<=', after.activityAt).where((eb) => eb.or([
          eb('activity_at', '<', after.activityAt),
          eb.and([eb('activity_at', '=', after.activityAt), eb('id', '<', after.id)]),
        ]));
      }
      const rows = await q.orderBy('activity_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toConversation);
    },
    async conversationsOfCustomers(workspaceId, customerIds, limit) {
      if (customerIds.length === 0) return [];
      const rows = await db.selectFrom('conversations').selectAll().where(ws('workspace_id', workspaceId)).where('customer_id', 'in', customerIds)
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toConversation);
    },

    async insertMessage(m) {
      await db.insertInto('messages').values({
        id: m.id, workspace_id: m.workspaceId, conversation_id: m.conversationId, customer_id: m.customerId, seq: m.seq, kind: m.kind,
        author_type: m.authorType, author_id: m.authorId, author_name: m.authorName, body: m.text, attachments: JSON.stringify(m.attachments),
        channel: m.channel, sender_key: m.senderKey, client_message_id: m.clientMessageId, created_at: m.createdAt,
      }).execute();
    },
    async countUnsentAttachments(workspaceId, uploaderId) {
      const r = await db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId).where('uploader_id', '=', uploaderId).where('message_id', 'is', null).executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async getMessage(workspaceId, id) {
      const r = await db.selectFrom('messages').selectAll().where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return r ? toMessage(r) : null;
    },
    async findMessageByClientId(workspaceId, senderKey, clientMessageId) {
      const r = await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('sender_key', '=', senderKey)
        .where('client_message_id', '=', clientMessageId).executeTakeFirst();
      return r ? toMessage(r) : null;
    },
    async listMessages(workspaceId, conversationId, { afterSeq, after, limit, includeNotes }) {
      let q = db.selectFrom('messages').selectAll().where(ws('workspace_id', workspaceId)).where('conversation_id', '=', conversationId);
      // Keyset on (seq, created_at, id) when resuming inside a seq (notes share their message's seq).
      q = after
        ? q.where((eb) => eb.or([
          eb('seq', '>', after.seq),
          eb.and([eb('seq', '=', after.seq), eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])])]),
        ])).where('seq', '>=', after.seq)
        : q.where('seq', '>', afterSeq);
      if (!includeNotes) q = q.where('kind', '<>', 'note');
      // A note shares the seq of the message it follows: within one seq, in the order written.
      const rows = await q.orderBy('seq').orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map(toMessage);
    },
    async customerThread(workspaceId, customerIds, { before, limit, includeNotes }) {
      if (customerIds.length === 0) return [];
      let q = db.selectFrom('messages').selectAll().where(ws('workspace_id', workspaceId)).where('customer_id', 'in', customerIds);
      if (!includeNotes) q = q.where('kind', '<>', 'note');
      if (before) {
        q = q.where('created_at', '<=', before.createdAt).where((eb) => eb.or([
          eb('created_at', '<', before.createdAt),
          eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
        ]));
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toMessage);
    },

    adjustCounts: (workspaceId, deltas) => addCounts(db, workspaceId, deltas),
    async getCounts(workspaceId, { keys, prefix }) {
      let q = db.selectFrom('conversation_counts').select(['key', 'n']).where('workspace_id', '=', workspaceId);
      if (keys !== undefined) {
        if (keys.length === 0) return {};
        q = q.where('key', 'in', keys);
      }
      if (prefix !== undefined && prefix !== '') {
        if (dialect === 'sqlite') {
          // BINARY collation compares UTF-8 bytes, so this range is exactly "starts with" and
          // seeks the primary key.
          q = q.where('key', '>=', prefix);
          const end = prefixEnd(prefix);
          if (end !== null) q = q.where('key', '<', end);
        } else {
          // A range would follow the database collation (en_US and friends do not sort by code
          // point); LIKE matches characters exactly, within the workspace's primary-key range.
          q = q.where(sql<boolean>`${sql.ref('key')} like ${prefix.replace(/[\\%_]/g, '\\$&') + '%'} escape '\\'`);
        }
      }
      const out: Record<string, number> = {};
      for (const r of await q.execute()) out[r.key] = Number(r.n);
      return out;
    },

    async waitingConversations(workspaceId, limit) {
      // The plain workspace filter on purpose: the waiting index leads with the workspace.
      const open = () => db.selectFrom('conversations').where('workspace_id', '=', workspaceId).where('status', '=', 'open').where('waiting_since', 'is not', null);
      const [counted, longest] = await Promise.all([
        open().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
        open().selectAll().orderBy('waiting_since').orderBy('id').limit(limit).execute(),
      ]);
      return { count: Number(counted?.n ?? 0), longest: longest.map(toConversation) };
    },

    async slaDue(before, limit) {
      const rows = await db.selectFrom('conversations').selectAll().where('sla_check_at', 'is not', null).where('sla_check_at', '<', before)
        .orderBy('sla_check_at').limit(limit).execute();
      return rows.map(toConversation);
    },

    async insertAttachment(a, data) {
      await db.insertInto('attachments').values({
        id: a.id, workspace_id: a.workspaceId, customer_id: a.customerId, conversation_id: a.conversationId, message_id: a.messageId,
        uploader_type: a.uploaderType, uploader_id: a.uploaderId, file_name: a.fileName, content_type: a.contentType, size: a.size,
        data, created_at: a.createdAt,
      }).execute();
    },
    async getAttachment(workspaceId, id) {
      // Never the bytes: they can be megabytes, and only the download needs them.
      const r = await db.selectFrom('attachments').select(ATTACHMENT_COLUMNS).where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return r ? toAttachment(r) : null;
    },
    async getAttachmentData(workspaceId, id) {
      const r = await db.selectFrom('attachments').select('data').where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return r ? (Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data)) : null;
    },
    async bindAttachments(workspaceId, ids, conversationId, messageId) {
      let bound = 0;
      for (const part of chunk(ids, 1, 5000)) {
        // `message_id is null`: an attachment belongs to one message; a second send cannot take it.
        const r = await db.updateTable('attachments').set({ conversation_id: conversationId, message_id: messageId })
          .where(ws('workspace_id', workspaceId)).where('id', 'in', part).where('message_id', 'is', null).executeTakeFirst();
        bound += Number(r.numUpdatedRows);
      }
      return bound;
    },

    async insertSlaPolicy(p) {
      await db.insertInto('sla_policies').values({
        id: p.id, workspace_id: p.workspaceId, name: p.name, channel: p.channel, priority: p.priority,
        first_response_minutes: p.firstResponseMinutes, next_response_minutes: p.nextResponseMinutes, resolution_minutes: p.resolutionMinutes,
        business_hours: p.businessHours === null ? null : JSON.stringify(p.businessHours), created_at: p.createdAt,
      }).execute();
    },
    async listSlaPolicies(workspaceId) {
      const rows = await db.selectFrom('sla_policies').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toSlaPolicy);
    },
    async getSlaPolicy(workspaceId, id) {
      const r = await db.selectFrom('sla_policies').selectAll().where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return r ? toSlaPolicy(r) : null;
    },
    async deleteSlaPolicy(workspaceId, id) {
      const r = await db.deleteFrom('sla_policies').where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async insertSnippet(s) {
      await db.insertInto('snippets').values({
        id: s.id, workspace_id: s.workspaceId, shortcut: s.shortcut, title: s.title, body: s.body, created_at: s.createdAt, updated_at: s.updatedAt,
      }).execute();
    },
    async updateSnippet(workspaceId, id, patch) {
      const set = {
        ...(patch.shortcut !== undefined ? { shortcut: patch.shortcut } : {}),
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.updatedAt !== undefined ? { updated_at: patch.updatedAt } : {}),
      };
      if (Object.keys(set).length === 0) {
        // Nothing to change: the answer is still whether the snippet exists.
        return (await db.selectFrom('snippets').select('id').where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst()) !== undefined;
      }
      const r = await db.updateTable('snippets').set(set).where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async listSnippets(workspaceId) {
      const rows = await db.selectFrom('snippets').selectAll().where('workspace_id', '=', workspaceId).orderBy('shortcut').execute();
      return rows.map(toSnippet);
    },
    async deleteSnippet(workspaceId, id) {
      const r = await db.deleteFrom('snippets').where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async insertWebhookSubscription(s) {
      await db.insertInto('webhook_subscriptions').values({
        id: s.id, workspace_id: s.workspaceId, url: s.url, events: JSON.stringify(s.events), created_at: s.createdAt,
      }).execute();
    },
    async listWebhookSubscriptions(workspaceId) {
      const rows = await db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', '=', workspaceId)
        .orderBy('created_at').orderBy('id').execute();
      return rows.map(toSubscription);
    },
    async deleteWebhookSubscription(workspaceId, id) {
      const r = await db.deleteFrom('webhook_subscriptions').where(ws('workspace_id', workspaceId)).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async setOperatorRouting(workspaceId, operatorId, patch) {
      const set = {
        ...(patch.teams !== undefined ? { teams: JSON.stringify(patch.teams) } : {}),
        ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
        ...(patch.presence !== undefined ? { presence: patch.presence } : {}),
      };
      if (Object.keys(set).length === 0) {
        return (await db.selectFrom('operators').select('id').where(ws('workspace_id', workspaceId)).where('id', '=', operatorId).executeTakeFirst()) !== undefined;
      }
      const r = await db.updateTable('operators').set(set).where(ws('workspace_id', workspaceId)).where('id', '=', operatorId).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async getAssignmentCursor(workspaceId, team) {
      // The row is created if missing and, on PostgreSQL, locked until the transaction ends: two
      // processes auto-assigning in one team take turns, so neither reads a load the other is changing.
      await db.insertInto('assignment_cursors').values({ workspace_id: workspaceId, team, last_operator_id: '' })
        .onConflict((oc) => oc.columns(['workspace_id', 'team']).doNothing()).execute();
      let q = db.selectFrom('assignment_cursors').select('last_operator_id').where('workspace_id', '=', workspaceId).where('team', '=', team);
      if (dialect === 'postgres') q = q.forUpdate();
      const r = await q.executeTakeFirst();
      return r?.last_operator_id ? r.last_operator_id : null;
    },
    async setAssignmentCursor(workspaceId, team, operatorId) {
      await db.insertInto('assignment_cursors').values({ workspace_id: workspaceId, team, last_operator_id: operatorId })
        .onConflict((oc) => oc.columns(['workspace_id', 'team']).doUpdateSet((eb) => ({ last_operator_id: eb.ref('excluded.last_operator_id') })))
        .execute();
    },
  };
}
