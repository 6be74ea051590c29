import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The dashboard's "waiting now" counts a workspace's open conversations whose customer wrote
 * last and lists the longest-waiting: with this index both read only those rows, in wait order.
 */
export function waitingIndex(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('conversations_waiting').on('conversations').columns(['workspace_id', 'status', 'waiting_since', 'id']).execute();
    },
  };
}
