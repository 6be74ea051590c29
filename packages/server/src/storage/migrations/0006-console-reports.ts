import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The console's playbook funnel counts a workspace's on-site touches over a period; until now
 * they were indexed by customer only, so that count read every workspace's touches.
 */
export function consoleReports(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('onsite_messages_workspace_time').on('onsite_messages').columns(['workspace_id', 'created_at']).execute();
    },
  };
}
