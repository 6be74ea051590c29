import { sql, type Expression, type SqlBool } from 'kysely';
import type { Dialect } from './dialect.js';

/**
 * `column = workspaceId`, for queries that also select rows by their own id or customer id.
 * On SQLite the column is written `+column`, which keeps the filter but tells the planner not
 * to drive the query from a workspace-prefixed index: without statistics it otherwise scans a
 * whole workspace's rows instead of looking ids up by key (measured: 55 ms vs 2.5 ms per call at
 * 30,000 customers, and growing with the table).
 */
export function scopedTo(dialect: Dialect) {
  return (column: string, workspaceId: string): Expression<SqlBool> =>
    dialect === 'sqlite' ? sql<SqlBool>`+${sql.ref(column)} = ${workspaceId}` : sql<SqlBool>`${sql.ref(column)} = ${workspaceId}`;
}
