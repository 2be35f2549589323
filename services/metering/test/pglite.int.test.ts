import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type Database } from '@baketsu/platform/database';
import { fileEvent } from '@baketsu/contract/events';
import { migrate } from '@baketsu/platform/migrations';
import { appendToOutbox } from '@baketsu/contract/outbox';
import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { migrateMetering, startEmbeddedMetering } from '#src/embedded.js';
import { rebuild } from '#src/rebuild/rebuild.js';
import { apiSchema } from './database.js';

// `npm start` runs on PGlite with a single connection: the same fold, cursor and rebuild SQL must work there.
let directory: string;
let database: Database;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'baketsu-metering-pglite-'));
  database = await startEmbeddedPostgres(directory);
  await migrate({ connectionUrl: database.connectionUrl, ...apiSchema });
  await migrateMetering({ connectionUrl: database.connectionUrl });
}, 120_000);
afterAll(async () => {
  await database?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

test('embedded metering folds the outbox on PGlite, in the background, sharing the one connection', async () => {
  const accountId = '0190a0a0-0000-7000-8000-00000000a001';
  const metering = startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), intervalMs: 20 });
  try {
    await database.pool.transaction(async (tx) => {
      await appendToOutbox(tx, fileEvent('file.stored', '0190a0a0-0000-7000-8000-00000000e001', {
        file_id: '0190a0a0-0000-7000-8000-00000000f001', account_id: accountId, size_bytes: 5000, content_type: 'audio/ogg', stored_at: '2026-11-27T00:00:00.000Z',
      }));
      await appendToOutbox(tx, fileEvent('file.deleted', '0190a0a0-0000-7000-8000-00000000e002', {
        file_id: '0190a0a0-0000-7000-8000-00000000f001', account_id: accountId, size_bytes: 5000, deleted_at: '2026-11-27T00:00:01.000Z',
      }));
    });
    await expect
      .poll(() => database.pool.maybeOne(sql.unsafe`select closed_byte_ms from metering.account_usage where account_id = ${accountId}`), { interval: 20, timeout: 10_000 })
      .toEqual({ closed_byte_ms: '5000000' });
  } finally {
    await metering.stop();
  }
  const result = await rebuild(database.pool, { swap: true });
  expect(result.differences.every((d) => d.onlyLive === 0 && d.onlyRebuilt === 0)).toBe(true);
});
