import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectPostgres, type Database } from '../database.js';
import { meteringMigrations } from '@baketsu/metering/embedded';
import { migrate } from '../migrations.js';

export interface TestDatabase extends Database {
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export function requireTestEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the real services with \`bash scripts/services up\` (npm test does it for you)`);
  return value;
}

/**
 * A fresh, fully migrated PostgreSQL database per test file, so files running in parallel never see
 * each other's rows. Extra migration sets (e.g. metering's) are applied after the API's.
 */
export async function createTestDatabase(
  options: { extraMigrations?: Array<{ directory: string; table: string }>; poolSize?: number } = {},
): Promise<TestDatabase> {
  const adminUrl = requireTestEnv('TEST_PG_URL');
  const name = `baketsu_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const connectionUrl = url.toString();
  await migrate({ connectionUrl });
  // Usage and billing routes read metering's projections, so every test database has them.
  await migrate({ connectionUrl, ...meteringMigrations });
  for (const extra of options.extraMigrations ?? []) {
    await migrate({ connectionUrl, directory: extra.directory, table: extra.table });
  }
  const database = await connectPostgres(connectionUrl, options.poolSize ?? 5);
  return {
    ...database,
    name,
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
