import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The care loop: playbooks with versions, per-customer care memory (beside the profile, written
 * in the same upsert), decisions, durable timers, and what decisions cause (the "needs you now"
 * queue, staff tasks, on-site hints/invitations, the webhook outbox).
 */
export function care(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('customers').addColumn('care', 'text', (c) => c.notNull().defaultTo('{"playbooks":{},"touches":[]}')).execute();

      await db.schema
        .createTable('playbooks')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('current_version', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('playbooks_pk', ['workspace_id', 'key'])
        .execute();
      await db.schema
        .createTable('playbook_versions')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addPrimaryKeyConstraint('playbook_versions_pk', ['workspace_id', 'key', 'version'])
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('playbook_key', 'text', (c) => c.notNull())
        .addColumn('playbook_version', 'integer', (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('window_key', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('explanation', 'text', (c) => c.notNull())
        // At most once per (playbook, customer, window, step) — whatever crashes or retries happen.
        .addUniqueConstraint('decisions_once', ['workspace_id', 'customer_id', 'playbook_key', 'window_key', 'step'])
        .execute();
      await db.schema.createIndex('decisions_customer').on('decisions').columns(['customer_id', 'at']).execute();
      await db.schema.createIndex('decisions_playbook').on('decisions').columns(['workspace_id', 'playbook_key', 'at']).execute();

      await db.schema
        .createTable('timers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('playbook_key', 'text', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addUniqueConstraint('timers_key', ['workspace_id', 'key'])
        .execute();
      await db.schema.createIndex('timers_due').on('timers').columns(['due_at']).execute();

      for (const table of ['care_items', 'tasks'] as const) {
        let t = db.schema
          .createTable(table)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('customer_id', 'text', (c) => c.notNull())
          .addColumn('decision_id', 'text')
          .addColumn('playbook_key', 'text')
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('priority', 'text', (c) => c.notNull())
          .addColumn('context', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('claimed_by', 'text')
          .addColumn('claimed_at', 'bigint')
          .addColumn('resolved_at', 'bigint')
          .addColumn('resolution', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull());
        if (table === 'tasks') t = t.addColumn('team', 'text').addColumn('owner', 'text').addColumn('due_at', 'bigint');
        await t.execute();
        await db.schema.createIndex(`${table}_open`).on(table).columns(['workspace_id', 'status', 'created_at']).execute();
      }

      await db.schema
        .createTable('onsite_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('decision_id', 'text', (c) => c.notNull())
        .addColumn('playbook_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('response', 'text')
        .addColumn('responded_at', 'bigint')
        .execute();
      await db.schema.createIndex('onsite_messages_customer').on('onsite_messages').columns(['customer_id', 'created_at']).execute();

      await db.schema
        .createTable('webhook_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('decision_id', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').columns(['status', 'next_attempt_at']).execute();
    },
  };
}
