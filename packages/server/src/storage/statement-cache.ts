import type SQLite from 'better-sqlite3';

/**
 * A better-sqlite3 handle whose prepare() is memoised by SQL text (bounded LRU). Kysely's
 * SQLite driver prepares every query it runs; on the ingestion path the same few statements run
 * thousands of times, and parsing them again each time was a measurable share of a flush.
 */
export function withStatementCache(db: SQLite.Database, max = 256): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (sql: string) => {
          let stmt = cache.get(sql);
          if (stmt) {
            cache.delete(sql);
            cache.set(sql, stmt);
            return stmt;
          }
          stmt = prepare(sql);
          cache.set(sql, stmt);
          if (cache.size > max) cache.delete(cache.keys().next().value!);
          return stmt;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
