import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../config/config.js';
import type { Dialect } from './dialect.js';
import { migrationProvider } from './migrations/index.js';
import { withStatementCache } from './statement-cache.js';
import type { Database } from './schema.js';

// BIGINT (int8) holds epoch milliseconds, well inside Number's exact range: read it as a number.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The raw better-sqlite3 handle (SQLite only), for pragmas and checkpoints. */
  sqlite: SQLite.Database | null;
}

export interface ConnectOptions {
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** PostgreSQL schema to use (tests isolate themselves in their own). */
  pgSchema?: string;
  pgPoolSize?: number;
  /** SQLite: checkpoint the WAL from a worker thread (default true for files). */
  backgroundCheckpoints?: boolean;
}

export function connect(target: DatabaseTarget, options: ConnectOptions = {}): Connection {
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const sqlite = new SQLite(target.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? 'FULL'}`);
    sqlite.pragma('busy_timeout = 5000');
    // A 64 MB page cache keeps the hot B-tree pages (identities, dedupe window) in memory.
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('temp_store = MEMORY');
    sqlite.pragma('foreign_keys = ON');
    if (target.path !== ':memory:' && options.backgroundCheckpoints !== false) {
      // Checkpoints happen in a worker (see SqliteCheckpointer); this is only the safety net.
      sqlite.pragma('wal_autocheckpoint = 20000');
      sqlite.pragma('journal_size_limit = 67108864');
    }
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', sqlite };
  }
  const schema = options.pgSchema;
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.pgPoolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', sqlite: null };
}

export async function migrateToLatest(conn: Connection): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: a database
  // that also hosts another Kysely app (or another test schema) would fool it. Name ours.
  const schema = conn.dialect === 'postgres'
    ? (await sql<{ s: string }>`select current_schema() as s`.execute(conn.db)).rows[0]?.s
    : undefined;
  const migrator = new Migrator({ db: conn.db, provider: migrationProvider(conn.dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
