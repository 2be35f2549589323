import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { insertAccount } from '@baketsu/billing/testing';
import { createTestDatabase, type TestDatabase } from '#test/database.js';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { checkInventory, formatInventory } from './inventory-check.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** A file as the API stores it (its upload, then its row) and, unless `folded` is false, as metering folded it. */
async function storeFile(accountId: string, size: bigint, options: { status?: 'stored' | 'deleting'; folded?: boolean } = {}): Promise<void> {
  const [uploadId, fileId] = [uuidv7(), uuidv7()];
  const key = `objects/${fileId}`;
  await database.pool.query(sql.unsafe`
    insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, file_id, created_at)
    values (${uploadId}, ${accountId}, ${key}, ${`${fileId}.bin`}, ${size.toString()}, 'application/octet-stream', 'completed', ${fileId}, now())`);
  await database.pool.query(sql.unsafe`
    insert into files (id, account_id, upload_id, object_key, name, size_bytes, content_type, status, created_at, updated_at)
    values (${fileId}, ${accountId}, ${uploadId}, ${key}, ${`${fileId}.bin`}, ${size.toString()}, 'application/octet-stream', ${options.status ?? 'stored'}, now(), now())`);
  if (options.folded === false) return;
  await database.pool.query(sql.unsafe`
    insert into metering.file_intervals (file_id, account_id, size_bytes, family, stored_at_ms, deleted_at_ms)
    values (${fileId}, ${accountId}, ${size.toString()}, 'other', 1000, null)`);
  await database.pool.query(sql.unsafe`
    insert into metering.account_usage (account_id, stored_bytes, file_count) values (${accountId}, ${size.toString()}, 1)
    on conflict (account_id) do update set stored_bytes = account_usage.stored_bytes + excluded.stored_bytes, file_count = account_usage.file_count + 1`);
}

test('the inventory compares the files table, the ledger and the projection for every account, without Stripe', async () => {
  const [agreeing, unfolded, stale] = [await insertAccount(database.pool), await insertAccount(database.pool), await insertAccount(database.pool)];
  await storeFile(agreeing, 100n);
  await storeFile(agreeing, 250n);
  await storeFile(unfolded, 70n);
  await storeFile(unfolded, 30n, { folded: false }); // its file.stored not folded (yet, or lost)
  await storeFile(stale, 40n, { status: 'deleting' }); // deleted, but the ledger still bills it
  await database.pool.query(sql.unsafe`update metering.account_usage set stored_bytes = 41 where account_id = ${stale}`);

  const rows = await checkInventory(database.pool);
  const byAccount = new Map(rows.map((row) => [row.accountId, row]));
  expect(byAccount.get(agreeing)).toMatchObject({ filesTable: { files: 2n, bytes: 350n }, ledger: { files: 2n, bytes: 350n }, projection: { files: 2n, bytes: 350n }, differences: [] });
  expect(byAccount.get(unfolded)).toMatchObject({ filesTable: { files: 2n, bytes: 100n }, ledger: { files: 1n, bytes: 70n }, unbilledFiles: 1n });
  expect(byAccount.get(unfolded)!.differences).toEqual([
    'files table holds 2 files (100 bytes), the ledger 1 (70 bytes)',
    '1 stored files have no open interval (stored, not billed)',
  ]);
  expect(byAccount.get(stale)!.differences).toEqual([
    'files table holds 0 files (0 bytes), the ledger 1 (40 bytes)',
    'the ledger holds 1 files (40 bytes), the projection 1 (41 bytes)',
    '1 open intervals have no stored file (billed, not stored)',
  ]);
  expect(formatInventory(rows)).toMatch(/^3 accounts checked \(files table, ledger, projection\), 2 with differences$/m);

  // The CLI without a Stripe key checks those accounts, says so, and exits 1 on the differences.
  const cli = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./billing-main.ts', import.meta.url)), 'reconcile'], {
      env: { NODE_ENV: 'test', PATH: process.env.PATH, DATABASE_URL: database.connectionUrl, LOG_LEVEL: 'silent' },
    }, (error, stdout) => resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stdout }));
  });
  expect(cli.stdout).toContain('3 accounts checked (files table, ledger, projection), 2 with differences');
  expect(cli.stdout).toContain('ledger-only mode: Stripe not compared');
  expect(cli.code).toBe(1);

  // Once the ledger and projection agree with the files table, it exits 0.
  await database.pool.query(sql.unsafe`delete from files where account_id in (${unfolded}, ${stale}) and id not in (select file_id from metering.file_intervals)`);
  await database.pool.query(sql.unsafe`update metering.file_intervals set deleted_at_ms = 2000 where account_id = ${stale}`);
  await database.pool.query(sql.unsafe`update metering.account_usage set stored_bytes = 0, file_count = 0 where account_id = ${stale}`);
  const settled = await checkInventory(database.pool);
  expect(settled.filter((row) => row.differences.length > 0)).toEqual([]);
  expect(settled.map((row) => row.accountId).sort()).toEqual([agreeing, unfolded].sort());
});
