import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A per-workspace write sequence, bumped by every transaction that changes customers. A
 * process that sees the number it expects knows nobody else wrote in between, so the profiles
 * it cached from its own last flush are still current (see app/ingest/customer-cache.ts).
 */
export function ingestSeq(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('workspaces').addColumn('ingest_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}
