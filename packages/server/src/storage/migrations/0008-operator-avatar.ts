import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * An invitation shows the operator's name and photo: operators get an optional photo URL
 * (an absolute http(s) URL or a path on this server; null draws initials).
 */
export function operatorAvatar(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('operators').addColumn('avatar_url', 'text').execute();
    },
  };
}
