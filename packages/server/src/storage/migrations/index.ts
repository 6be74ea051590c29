import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../dialect.js';
import { initial } from './0001-initial.js';
import { care } from './0002-care.js';
import { simulation } from './0003-simulation.js';
import { ingestSeq } from './0004-ingest-seq.js';
import { conversations } from './0005-conversations.js';
import { consoleReports } from './0006-console-reports.js';
import { waitingIndex } from './0007-waiting-index.js';
import { operatorAvatar } from './0008-operator-avatar.js';

/** Numbered, append-only. Add the next number below; never edit or reorder an existing entry. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initial(dialect),
    '0002-care': care(dialect),
    '0003-simulation': simulation(dialect),
    '0004-ingest-seq': ingestSeq(dialect),
    '0005-conversations': conversations(dialect),
    '0006-console-reports': consoleReports(dialect),
    '0007-waiting-index': waitingIndex(dialect),
    '0008-operator-avatar': operatorAvatar(dialect),
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}
