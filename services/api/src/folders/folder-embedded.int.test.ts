// `npm start` runs on PGlite: the folder schema (unique indexes with NULLS NOT DISTINCT, per-statement
// triggers with transition tables) and its queries must work there exactly as on PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { expect, test } from 'vitest';
import { stopBilling } from '#src/files/file-deletion.js';
import { fileRepository } from '#src/files/file-repository.js';
import { startEmbeddedPostgres } from '@baketsu/platform/database';
import { migrate } from '@baketsu/platform/migrations';
import { apiMigrations } from '#src/platform/api-migrations.js';
import { createFolder, updateFolder } from './folder-changes.js';
import { listChildren } from './folder-listing.js';
import { folderUsage } from './folder-usage.js';

test('folders work on embedded PGlite: counters, moves, listings, usage', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'baketsu-pglite-folders-'));
  const database = await startEmbeddedPostgres(dataDir);
  try {
    await migrate({ connectionUrl: database.connectionUrl, ...apiMigrations });
    const { pool } = database;
    const accountId = uuidv7();
    await pool.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${accountId}, 'pglite@example.com', 'x')`);
    const at = new Date('2026-11-20T12:00:00.000Z');
    const deps = { pool, clock: { now: () => at }, price: { perGibMonth: '0.02', currency: 'usd' } };
    const year = await createFolder(deps, accountId, { path: 'reports/2026' });
    const archive = await createFolder(deps, accountId, { path: 'archive' });

    const store = async (name: string, folderId: string | null, size: number) => {
      const id = uuidv7();
      const uploadId = uuidv7();
      await pool.query(sql.unsafe`
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, created_at)
        values (${uploadId}, ${accountId}, ${`${accountId}/${uploadId}`}, ${name}, ${size}, 'text/plain', 'completed', ${sql.timestamp(at)})`);
      return fileRepository.insert(pool, {
        id, account_id: accountId, upload_id: uploadId, object_key: `${accountId}/${uploadId}`, name, folder_id: folderId,
        size_bytes: size, content_type: 'text/plain', sha256: null, created_at: at.getTime() - 60_000,
      }, { checksum: null, etag: null });
    };
    const q4 = await store('q4.pdf', year.id, 400);
    await store('q3.pdf', year.id, 300);
    // Two stored files never share a path, at the root too (NULLS NOT DISTINCT).
    await store('top.txt', null, 1);
    await expect(store('top.txt', null, 1)).rejects.toThrow();

    const moved = await updateFolder(deps, accountId, year.id, { parent_id: archive.id });
    expect(moved.path).toBe('archive/2026');
    const root = await listChildren(deps, accountId, 'root', {});
    expect(root.items.map((item) => [item.kind, item.path])).toEqual([['folder', 'archive'], ['folder', 'reports'], ['file', 'top.txt']]);
    expect(root.items[0]).toMatchObject({ stored_bytes: 700, file_count: 2, folder_count: 1 });
    const level = await listChildren(deps, accountId, year.id, {});
    expect(level.ancestors).toEqual([{ id: archive.id, name: 'archive' }]);
    expect(level.items.map((item) => item.path)).toEqual(['archive/2026/q3.pdf', 'archive/2026/q4.pdf']);

    await pool.transaction((tx) => stopBilling(tx, accountId, [q4.id], at));
    expect((await listChildren(deps, accountId, 'root', {})).items[0]).toMatchObject({ stored_bytes: 300, file_count: 1 });
    // The deleted file still counts for the month up to its deletion: 60 s at 400 bytes, 60 s at 300.
    expect((await folderUsage(deps, accountId, archive.id)).byte_ms_month_to_date).toBe(String(60_000 * 700));
  } finally {
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}, 120_000);
