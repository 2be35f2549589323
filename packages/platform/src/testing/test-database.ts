import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectPostgres, type Database } from '../database.js';
import { migrate, type MigrationSet } from '../migrations.js';

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
 * A fresh PostgreSQL database per test file, so files running in parallel never see each other's
 * rows, with the given migration sets applied in order.
 */
export async function createTestDatabase(options: { migrations: readonly MigrationSet[]; poolSize?: number }): Promise<TestDatabase> {
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
  for (const set of options.migrations) await migrate({ connectionUrl, ...set });
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
