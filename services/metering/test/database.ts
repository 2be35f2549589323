// Metering's integration tests run on the database metering runs on in production, which it shares
// with the API: the API's tables that metering reads (outbox, accounts, billing_accounts,
// billing_report_cursors) come from the API's own migration files, then metering's migrations
// follow. That is the shared schema, a contract by table (decision 012); no API code is imported.
import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@baketsu/platform/migrations';
import { createTestDatabase as createDatabase, type TestDatabase } from '@baketsu/platform/testing';
import { meteringMigrations } from '#src/read-model/schema.js';

export type { TestDatabase } from '@baketsu/platform/testing';
export { requireTestEnv } from '@baketsu/platform/testing';

export const apiSchema: MigrationSet = Object.freeze({
  directory: fileURLToPath(new URL('../../api/migrations', import.meta.url)),
  table: 'pgmigrations',
});

/** A fresh database with the API's schema, metering's, then `extraMigrations` (e.g. the relay's). */
export function createTestDatabase(options: { extraMigrations?: MigrationSet[]; poolSize?: number } = {}): Promise<TestDatabase> {
  return createDatabase({ migrations: [apiSchema, meteringMigrations, ...(options.extraMigrations ?? [])], ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
}
