// Migration 0120 on a database that already holds files: names that two stored files shared (allowed
// until then) are made unique, the oldest keeping its name.
import { readdirSync } from 'node:fs';
import { runner } from 'node-pg-migrate';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { expect, test } from 'vitest';
import { migrate } from '@baketsu/platform/migrations';
import { apiMigrations } from '#src/platform/api-migrations.js';
import { createTestDatabase } from '#src/platform/testing/index.js';

/** 0120 and every migration after it, in order. */
const fromFolders = readdirSync(apiMigrations.directory)
  .filter((file) => file.endsWith('.sql'))
  .map((file) => file.slice(0, -'.sql'.length))
  .filter((name) => name >= '0120')
  .sort();

test('0120 keeps the oldest of same-named files and renames the others before the extension', async () => {
  const database = await createTestDatabase();
  try {
    // Back to the schema before folders (and every migration after them), as an existing installation has it.
    const sinceFolders = readdirSync(apiMigrations.directory).filter((file) => file.endsWith('.sql') && file >= '0120').map((file) => file.replace(/\.sql$/, '')).sort();
    await runner({ databaseUrl: database.connectionUrl, dir: apiMigrations.directory, migrationsTable: apiMigrations.table, direction: 'down', count: sinceFolders.length, singleTransaction: true, log: () => {} });
    const accountId = uuidv7();
    await database.pool.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${accountId}, 'old@example.com', 'x')`);
    const files: Array<{ id: string; name: string; status: string }> = [];
    for (const [name, status] of [['photo.jpg', 'stored'], ['photo.jpg', 'stored'], ['photo.jpg', 'deleted'], ['.bashrc', 'stored'], ['.bashrc', 'stored'], ['unique.txt', 'stored']]) {
      const id = uuidv7();
      const uploadId = uuidv7();
      const created = sql.timestamp(new Date(Date.UTC(2026, 0, 1) + files.length * 1000));
      await database.pool.query(sql.unsafe`
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, created_at)
        values (${uploadId}, ${accountId}, ${`${accountId}/${uploadId}`}, ${name!}, 1, 'text/plain', 'completed', ${created})`);
      await database.pool.query(sql.unsafe`
        insert into files (id, account_id, upload_id, object_key, name, size_bytes, content_type, status, created_at, updated_at)
        values (${id}, ${accountId}, ${uploadId}, ${`${accountId}/${uploadId}`}, ${name!}, 1, 'text/plain', ${status!}, ${created}, ${created})`);
      files.push({ id, name: name!, status: status! });
    }
    expect(await migrate({ connectionUrl: database.connectionUrl, ...apiMigrations })).toEqual(sinceFolders);
    expect(sinceFolders.slice(0, 3)).toEqual(['0120_folders', '0130_shares', '0140_folder_shares']);
    const names = new Map(
      (await database.pool.any(sql.unsafe`select id, name from files`) as ReadonlyArray<{ id: string; name: string }>).map((row) => [row.id, row.name]),
    );
    expect(files.map((file) => names.get(file.id))).toEqual([
      'photo.jpg',
      `photo (${files[1]!.id}).jpg`,
      // A deleted file holds no path: untouched.
      'photo.jpg',
      '.bashrc',
      `.bashrc (${files[4]!.id})`,
      'unique.txt',
    ]);
  } finally {
    await database.drop();
  }
});
