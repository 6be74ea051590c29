import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Conversations: the inbox (conversations with maintained counters), messages with a gap-free
 * sequence per conversation, attachments (bytes in the database, so one backup holds
 * everything), service-level policies, snippets, webhook subscriptions, and operator routing
 * (teams, capacity, presence).
 */
export function conversations(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('snoozed_until', 'bigint')
        .addColumn('assignee_id', 'text')
        .addColumn('team', 'text')
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('last_message_at', 'bigint')
        .addColumn('preview', 'text')
        .addColumn('waiting_since', 'bigint')
        .addColumn('first_response_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('sla_policy_id', 'text')
        .addColumn('sla_state', 'text', (c) => c.notNull())
        .addColumn('sla_check_at', 'bigint')
        .addColumn('sla', 'text', (c) => c.notNull())
        .addColumn('csat_score', 'integer')
        .addColumn('csat_comment', 'text')
        .addColumn('csat_at', 'bigint')
        .addColumn('customer_read_seq', 'integer', (c) => c.notNull())
        .addColumn('operator_read_seq', 'integer', (c) => c.notNull())
        .addColumn('activity_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The inbox reads newest-first pages through one of these, never sorting the workspace.
      await db.schema.createIndex('conversations_inbox_status').on('conversations').columns(['workspace_id', 'status', 'activity_at', 'id']).execute();
      await db.schema.createIndex('conversations_inbox_assignee').on('conversations').columns(['workspace_id', 'assignee_id', 'status', 'activity_at', 'id']).execute();
      await db.schema.createIndex('conversations_inbox_team').on('conversations').columns(['workspace_id', 'team', 'status', 'activity_at', 'id']).execute();
      await db.schema.createIndex('conversations_inbox_all').on('conversations').columns(['workspace_id', 'activity_at', 'id']).execute();
      await db.schema.createIndex('conversations_customer').on('conversations').columns(['customer_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('conversations_sla_check').on('conversations').columns(['sla_check_at']).execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('author_type', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text')
        .addColumn('author_name', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('attachments', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('sender_key', 'text', (c) => c.notNull())
        .addColumn('client_message_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // A retried send finds its original instead of storing a second copy.
        .addUniqueConstraint('messages_client_id', ['workspace_id', 'sender_key', 'client_message_id'])
        .execute();
      // Gap-free and unique among what the customer sees: two writers can never give out the same
      // number. An internal note carries the seq of the message it follows, so the customer's
      // sequence shows no gap where a note is.
      await db.schema.createIndex('messages_seq').on('messages').columns(['conversation_id', 'seq']).unique().where(sql<boolean>`kind = 'text'`).execute();
      await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'seq', 'created_at']).execute();
      await db.schema.createIndex('messages_customer_thread').on('messages').columns(['customer_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('conversation_counts')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_counts_pk', ['workspace_id', 'key'])
        .execute();

      await db.schema
        .createTable('attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('message_id', 'text')
        .addColumn('uploader_type', 'text', (c) => c.notNull())
        .addColumn('uploader_id', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('attachments_message').on('attachments').columns(['message_id']).execute();
      await db.schema.createIndex('attachments_uploader').on('attachments').columns(['uploader_id', 'message_id']).execute();

      await db.schema
        .createTable('sla_policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('channel', 'text')
        .addColumn('priority', 'text')
        .addColumn('first_response_minutes', 'integer', (c) => c.notNull())
        .addColumn('next_response_minutes', 'integer')
        .addColumn('resolution_minutes', 'integer')
        .addColumn('business_hours', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sla_policies_workspace').on('sla_policies').columns(['workspace_id']).execute();

      await db.schema
        .createTable('snippets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('shortcut', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('snippets_shortcut', ['workspace_id', 'shortcut'])
        .execute();

      await db.schema
        .createTable('webhook_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_subscriptions_workspace').on('webhook_subscriptions').columns(['workspace_id']).execute();

      await db.schema
        .createTable('assignment_cursors')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull())
        .addColumn('last_operator_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('assignment_cursors_pk', ['workspace_id', 'team'])
        .execute();

      // Conversation webhook events name their customer, so erasure can find them.
      await db.schema.alterTable('webhook_outbox').addColumn('customer_id', 'text').execute();
      await db.schema.createIndex('webhook_outbox_customer').on('webhook_outbox').columns(['customer_id']).execute();

      await db.schema.alterTable('operators').addColumn('teams', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await db.schema.alterTable('operators').addColumn('capacity', 'integer', (c) => c.notNull().defaultTo(10)).execute();
      await db.schema.alterTable('operators').addColumn('presence', 'text', (c) => c.notNull().defaultTo('offline')).execute();
    },
  };
}
