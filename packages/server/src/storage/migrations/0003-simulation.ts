import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Playbook simulation scans a workspace's events over a period in time order (who was active
 * between `from` and `to`?). The events table is otherwise only read per customer, so this adds
 * the one index that makes that scan a range read. Its key grows with time like the primary key,
 * so ingestion appends to it rather than writing random pages.
 */
export function simulation(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('events_workspace_time').on('events').columns(['workspace_id', 'timestamp', 'id']).execute();
    },
  };
}
