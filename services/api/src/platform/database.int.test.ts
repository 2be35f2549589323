import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'slonik';
import { describe, expect, test } from 'vitest';
import { startEmbeddedPostgres } from '@baketsu/platform/database';
import { migrate } from '@baketsu/platform/migrations';
import { apiMigrations } from './api-migrations.js';
import { createTestDatabase, requireTestEnv } from './testing/index.js';

describe('migrations', () => {
  test('two instances migrating at once apply each migration exactly once', async () => {
    const adminUrl = requireTestEnv('TEST_PG_URL');
    const name = `baketsu_race_${Date.now()}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      const [first, second] = await Promise.all([migrate({ connectionUrl: url.toString(), ...apiMigrations }), migrate({ connectionUrl: url.toString(), ...apiMigrations })]);
      // The advisory lock makes the second runner wait, then find nothing left to do.
      expect([...(first ?? []), ...(second ?? [])].sort()).toEqual([...new Set([...(first ?? []), ...(second ?? [])])].sort());
      expect((first?.length ?? 0) + (second?.length ?? 0)).toBeGreaterThan(0);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query<{ count: string }>('select count(*) as count from pgmigrations');
      await check.end();
      expect(Number(rows[0]?.count)).toBe((first?.length ?? 0) + (second?.length ?? 0));
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  test('numeric byte-time values round-trip exactly, int8 beyond 2^53 is refused', async () => {
    const database = await createTestDatabase();
    try {
      const exact = await database.pool.oneFirst(sql.unsafe`select 123456789012345678901234567890::numeric as value`);
      expect(exact).toBe('123456789012345678901234567890');
      await expect(database.pool.oneFirst(sql.unsafe`select 9007199254740993::int8 as value`)).rejects.toThrow();
    } finally {
      await database.drop();
    }
  });

  test('the outbox refuses updates and deletes', async () => {
    const database = await createTestDatabase();
    try {
      await database.pool.query(sql.unsafe`
        insert into outbox (event_id, account_id, event_type, event)
        values (gen_random_uuid(), gen_random_uuid(), 'file.stored', '{}'::jsonb)`);
      await expect(database.pool.query(sql.unsafe`delete from outbox`)).rejects.toThrow(/permanent/);
      await expect(database.pool.query(sql.unsafe`update outbox set event_type = 'x'`)).rejects.toThrow(/permanent/);
    } finally {
      await database.drop();
    }
  });
});

describe('embedded PGlite', () => {
  test('migrates, and keeps its data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'baketsu-pglite-'));
    try {
      const first = await startEmbeddedPostgres(dataDir);
      await migrate({ connectionUrl: first.connectionUrl, ...apiMigrations });
      await first.pool.query(sql.unsafe`
        insert into accounts (id, email, password_hash) values (gen_random_uuid(), 'kept@example.com', 'x')`);
      await first.close();

      const second = await startEmbeddedPostgres(dataDir);
      expect(await migrate({ connectionUrl: second.connectionUrl, ...apiMigrations })).toEqual([]);
      expect(await second.pool.oneFirst(sql.unsafe`select email from accounts`)).toBe('kept@example.com');
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
