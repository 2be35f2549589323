import { meteringMigrations } from '@baketsu/metering/read-model';
import type { MigrationSet } from '@baketsu/platform/migrations';
import { createTestDatabase as createDatabase, type TestDatabase } from '@baketsu/platform/testing';
import { apiMigrations } from '../api-migrations.js';

/**
 * A fresh, fully migrated PostgreSQL database per test file: the API's tables, then metering's read
 * model (the usage and billing routes read it), then `extraMigrations` (e.g. the relay's).
 */
export function createTestDatabase(options: { extraMigrations?: MigrationSet[]; poolSize?: number } = {}): Promise<TestDatabase> {
  return createDatabase({
    migrations: [apiMigrations, meteringMigrations, ...(options.extraMigrations ?? [])],
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
}
