import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The first schema. Migrations are append-only: never edit a released one, add the next number.
 * Index choices keep the ingestion hot path cheap: the events primary key is time-ordered, so it
 * appends; the only random-key writes per event are the per-customer timeline index and the
 * bounded de-duplication window (pruned by age), never a unique index over all history.
 */
export function initial(dialect: Dialect): Migration {
  return { async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('workspaces')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();

    await db.schema
      .createTable('write_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('key_hint', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('write_keys_workspace').on('write_keys').columns(['workspace_id']).execute();

    await db.schema
      .createTable('operators')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .addUniqueConstraint('operators_workspace_email', ['workspace_id', 'email'])
      .execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('operator_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('api_tokens_workspace').on('api_tokens').columns(['workspace_id']).execute();

    await db.schema
      .createTable('customers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('merged_into', 'text')
      .addColumn('user_id', 'text')
      .addColumn('journey_stage', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'bigint', (c) => c.notNull())
      .addColumn('profile', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('customers_workspace_last_seen').on('customers').columns(['workspace_id', 'last_seen']).execute();
    await db.schema.createIndex('customers_merged_into').on('customers').columns(['merged_into']).execute();

    await db.schema
      .createTable('identities')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('verified', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('identities_pk', ['workspace_id', 'kind', 'value'])
      .execute();
    await db.schema.createIndex('identities_customer').on('identities').columns(['customer_id']).execute();

    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_customer_time').on('events').columns(['customer_id', 'timestamp', 'id']).execute();

    let dedupe = db.schema
      .createTable('event_dedupe')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_dedupe_pk', ['workspace_id', 'message_id']);
    if (dialect === 'sqlite') dedupe = dedupe.modifyEnd(sql`without rowid`);
    await dedupe.execute();
    await db.schema.createIndex('event_dedupe_received').on('event_dedupe').columns(['received_at']).execute();

    await db.schema
      .createTable('trait_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('trait', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('trait_changes_customer').on('trait_changes').columns(['customer_id', 'at']).execute();

    await db.schema
      .createTable('merges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('winner_id', 'text', (c) => c.notNull())
      .addColumn('loser_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('undone_at', 'bigint')
      .execute();
    await db.schema.createIndex('merges_winner').on('merges').columns(['winner_id']).execute();
    await db.schema.createIndex('merges_loser').on('merges').columns(['loser_id']).execute();

    await db.schema
      .createTable('suppressions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('identifier_hash', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('suppressed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_suppressed_at', 'bigint')
      .addUniqueConstraint('suppressions_workspace_hash', ['workspace_id', 'identifier_hash'])
      .execute();

    await db.schema
      .createTable('erasures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .execute();
  } };
}
