import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

/**
 * One owner's migrations: its SQL files and the table recording which of them ran. Each service
 * keeps its own table, so the sets of API, metering and relay are ordered and applied apart.
 */
export interface MigrationSet {
  directory: string;
  table: string;
}

/**
 * Applies pending migrations. node-pg-migrate holds a Postgres advisory lock for the run, and
 * `wait` makes a second instance starting at the same moment queue behind the first instead of
 * failing or racing it.
 */
export async function migrate(options: MigrationSet & { connectionUrl: string; logger?: Logger }): Promise<string[]> {
  const applied = await runner({
    databaseUrl: options.connectionUrl,
    dir: options.directory,
    migrationsTable: options.table,
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    singleTransaction: true,
    log: (message) => options.logger?.debug({ migration: message }, 'migration'),
  });
  return applied.map((migration) => path.basename(migration.name));
}
