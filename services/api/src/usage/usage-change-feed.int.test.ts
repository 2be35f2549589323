// The two ways a process hears that usage changed: LISTEN on PostgreSQL (surviving a lost
// connection, and telling the hub to resync when it comes back), and, on embedded PGlite, one poll
// of the fold's progress.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import { migrateMetering } from '@baketsu/metering/read-model';
import { startEmbeddedPostgres } from '@baketsu/platform/database';
import { migrate } from '@baketsu/platform/migrations';
import pino from 'pino';
import { sql } from 'slonik';
import { describe, expect, test, vi } from 'vitest';
import { apiMigrations } from '#src/platform/api-migrations.js';
import { createTestDatabase } from '#src/platform/testing/index.js';
import { pollingUsageChangeFeed, postgresUsageChangeFeed } from './usage-change-feed.js';

const logger = pino({ level: 'silent' });
const ACCOUNT = '0190a0a0-0000-7000-8000-0000000000aa';

function recorder() {
  const changes: string[] = [];
  let resyncs = 0;
  return { changes, resyncs: () => resyncs, handlers: { onChange: (id: string) => changes.push(id), onResync: () => void (resyncs += 1) } };
}

describe('postgresUsageChangeFeed', () => {
  test('delivers each notification, ignores payloads that are no account, and reconnects (and resyncs) when its connection dies', async () => {
    const database = await createTestDatabase();
    const feed = postgresUsageChangeFeed(database.connectionUrl, logger);
    const seen = recorder();
    try {
      feed.start(seen.handlers);
      await vi.waitFor(() => expect(seen.resyncs()).toBe(1));
      await database.pool.query(sql.unsafe`select pg_notify('usage_changed', ${ACCOUNT}), pg_notify('usage_changed', 'not an account'), pg_notify('other_channel', ${ACCOUNT})`);
      await vi.waitFor(() => expect(seen.changes).toEqual([ACCOUNT]));

      const name = new URL(database.connectionUrl).pathname.slice(1);
      const killed = await database.pool.oneFirst(sql.unsafe`
        select count(pg_terminate_backend(pid))::int from pg_stat_activity
        where datname = ${name} and application_name = 'baketsu-usage-listener'`);
      expect(killed).toBe(1);
      await vi.waitFor(() => expect(seen.resyncs()).toBe(2), { timeout: 5_000 });
      await database.pool.query(sql.unsafe`select pg_notify('usage_changed', ${ACCOUNT})`);
      await vi.waitFor(() => expect(seen.changes).toEqual([ACCOUNT, ACCOUNT]));
    } finally {
      await feed.stop();
      await database.drop();
    }
  });
});

describe('pollingUsageChangeFeed (embedded PGlite)', () => {
  test('resyncs when the fold commits, and not while it is idle', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'baketsu-usage-feed-'));
    const database = await startEmbeddedPostgres(directory);
    const feed = pollingUsageChangeFeed(database.pool, logger, 20);
    const seen = recorder();
    try {
      await migrate({ connectionUrl: database.connectionUrl, ...apiMigrations });
      await migrateMetering({ connectionUrl: database.connectionUrl });
      const metering = startEmbeddedMetering({ pool: database.pool, logger, poll: false });
      feed.start(seen.handlers);
      await vi.waitFor(() => expect(seen.resyncs()).toBe(1));
      // Nothing to await for "nothing happens": five polls' time with the fold idle.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen.resyncs()).toBe(1);
      await database.pool.transaction(async (tx) => {
        await appendToOutbox(tx, fileEvent('file.stored', '0190a0a0-0000-7000-8000-0000000000e1', {
          file_id: '0190a0a0-0000-7000-8000-0000000000f1',
          account_id: ACCOUNT,
          size_bytes: 10,
          content_type: 'text/plain',
          stored_at: new Date().toISOString(),
        }));
      });
      expect(await metering.drain()).toBe(1);
      await vi.waitFor(() => expect(seen.resyncs()).toBe(2));
      await metering.stop();
    } finally {
      await feed.stop();
      await database.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
