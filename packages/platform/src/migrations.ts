import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

export const apiMigrationsDirectory = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Applies pending migrations. node-pg-migrate holds a Postgres advisory lock for the run, and
 * `wait` makes a second instance starting at the same moment queue behind the first instead of
 * failing or racing it.
 */
export async function migrate(options: {
  connectionUrl: string;
  directory?: string;
  table?: string;
  logger?: Logger;
}): Promise<string[]> {
  const applied = await runner({
    databaseUrl: options.connectionUrl,
    dir: options.directory ?? apiMigrationsDirectory,
    migrationsTable: options.table ?? 'pgmigrations',
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    singleTransaction: true,
    log: (message) => options.logger?.debug({ migration: message }, 'migration'),
  });
  return applied.map((migration) => path.basename(migration.name));
}
