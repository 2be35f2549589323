// `npm start` runs on PGlite: scheduling and claiming runs (SKIP LOCKED, a partial unique index as
// the conflict target, gen_random_uuid), the matching queries and the savings join must work there
// exactly as on PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { expect, test } from 'vitest';
import { migrateMetering } from '@baketsu/metering/read-model';
import { startEmbeddedPostgres } from '@baketsu/platform/database';
import { migrate } from '@baketsu/platform/migrations';
import { fileRepository } from '#src/files/file-repository.js';
import { storageFromConfig } from '#src/files/storage-setup.js';
import { createFolder } from '#src/folders/folder-changes.js';
import { apiMigrations } from '#src/platform/api-migrations.js';
import { parseConfig } from '#src/platform/config.js';
import { runLifecycle } from './lifecycle-executor.js';
import { createRule, dryRun, getRule } from './lifecycle-service.js';

test('lifecycle rules work on embedded PGlite: dry run, run, history', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'baketsu-pglite-lifecycle-'));
  const database = await startEmbeddedPostgres(dataDir);
  try {
    await migrate({ connectionUrl: database.connectionUrl, ...apiMigrations });
    await migrateMetering({ connectionUrl: database.connectionUrl });
    const { pool } = database;
    const accountId = uuidv7();
    await pool.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${accountId}, 'pglite-lifecycle@example.com', 'x')`);
    const at = new Date('2026-11-20T12:00:00.000Z');
    const clock = { now: () => at };
    const price = { perGibMonth: '0.02', currency: 'usd' };
    const archive = await createFolder({ pool, clock }, accountId, { path: 'archive' });
    const store = async (name: string, folderId: string | null, ageMs: number) => {
      const uploadId = uuidv7();
      const created = at.getTime() - ageMs;
      await pool.query(sql.unsafe`
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, created_at)
        values (${uploadId}, ${accountId}, ${`${accountId}/${uploadId}`}, ${name}, 10, 'text/plain', 'completed', ${sql.timestamp(new Date(created))})`);
      const file = await fileRepository.insert(pool, {
        id: uuidv7(), account_id: accountId, upload_id: uploadId, object_key: `${accountId}/${uploadId}`, name, folder_id: folderId,
        size_bytes: 10, content_type: 'text/plain', sha256: null, created_at: created,
      }, { checksum: null, etag: null });
      return file.id;
    };
    const oldInArchive = await store('old.txt', archive.id, 10 * 86_400_000);
    const oldAtRoot = await store('root.txt', null, 10 * 86_400_000);
    await store('young.txt', archive.id, 86_400_000);

    const body = { name: 'archive', action: 'delete_older_than' as const, days: 7, folder_id: archive.id };
    const preview = await dryRun({ pool, clock, price }, accountId, body);
    expect(preview.items.map((item) => item.id)).toEqual([oldInArchive]);
    const rule = await createRule({ pool, clock, price }, accountId, body);

    const config = parseConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PUBLIC_URL: 'http://127.0.0.1:1', STORAGE_LOCAL_SECRET: 'pglite-lifecycle-storage-secret-0123' });
    const storage = await storageFromConfig(config, clock);
    const deps = { pool, store: storage.store, clock, config, logger: pino({ level: 'silent' }) };
    expect(await runLifecycle(deps)).toEqual({ runs: 1, deletedFiles: 1, abortedUploads: 0 });
    const statuses = await pool.anyFirst(sql.unsafe`select status from files where id = any(${sql.array([oldInArchive, oldAtRoot], 'uuid')}) order by name`);
    expect(statuses).toEqual(['deleted', 'stored']);
    expect(await getRule({ pool, clock, price }, accountId, rule.id)).toMatchObject({ last_run: { status: 'finished', deleted_files: 1 }, this_month: { deleted_files: 1 } });
    storage.close();
  } finally {
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
