import pg from 'pg';
import { BackendTerminatedError, sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, beforeEach, expect, test, vi } from 'vitest';
import type { ConnectionRetryEvent } from '@baketsu/platform/connection-retry';
import { isLostDatabaseConnection } from '@baketsu/platform/connection-loss';
import { connectPostgres, type Database } from '@baketsu/platform/database';
import { createTestDatabase, type TestDatabase } from '@baketsu/platform/testing';
import { cutConnectionUnder, waitAtCommit } from './testing/cut-connection.js';
import { startResettingProxy } from './testing/resetting-proxy.js';

// The retry rule of decision 021 on the real PostgreSQL: the exact connection running a statement is
// terminated (pg_terminate_backend) while that statement waits on a lock the test holds.
let database: TestDatabase;
let retrying: Database;
let admin: pg.Client;
const retries: ConnectionRetryEvent[] = [];
const count = z.object({ count: z.number() });

beforeAll(async () => {
  database = await createTestDatabase({ migrations: [] });
  retrying = await connectPostgres(database.connectionUrl, 3, { onRetry: (event) => retries.push(event) });
  admin = new pg.Client({ connectionString: database.connectionUrl });
  await admin.connect();
  await admin.query('create table notes (id int primary key, body text not null)');
});
afterAll(async () => {
  await admin?.end();
  await retrying?.close();
  await database?.drop();
});
beforeEach(async () => {
  retries.length = 0;
  await admin.query('truncate notes');
});

const notes = () => retrying.pool.oneFirst(sql.type(count)`select count(*)::int8 as count from notes`);

test('a transaction cut before COMMIT runs again on a fresh connection and commits once', async () => {
  let attempts = 0;
  const { result } = await cutConnectionUnder(admin, 'lock table notes in access exclusive mode', () =>
    retrying.pool.transaction(async (tx) => {
      attempts += 1;
      await tx.query(sql.unsafe`insert into notes (id, body) values (1, 'once')`);
      return 'done';
    }),
  );
  expect(result).toBe('done');
  expect(attempts).toBe(2);
  expect(retries).toMatchObject([{ kind: 'transaction', attempt: 1 }]);
  expect(isLostDatabaseConnection(retries[0]?.error)).toBe(true);
  expect(await notes()).toBe(1);
});

test('without the retry the same cut fails the transaction (what callers saw before)', async () => {
  // `database.pool` is wrapped too; reach slonik's own transaction through a pool with no retries.
  const plain = await connectPostgres(database.connectionUrl, 1, { delaysMs: [] });
  try {
    const { result } = await cutConnectionUnder(admin, 'lock table notes in access exclusive mode', () =>
      plain.pool.transaction((tx) => tx.query(sql.unsafe`insert into notes (id, body) values (1, 'lost')`)).then(() => null, (error: unknown) => error),
    );
    expect(isLostDatabaseConnection(result)).toBe(true);
    expect(await notes()).toBe(0);
  } finally {
    await plain.close();
  }
});

test('a transaction cut while its COMMIT is in flight is not retried: the outcome is unknown', async () => {
  const removeTrigger = await waitAtCommit(admin, 'notes', 21_021);
  try {
    let attempts = 0;
    const { result } = await cutConnectionUnder(
      admin,
      'select pg_advisory_xact_lock(21021)',
      () =>
        retrying.pool
          .transaction(async (tx) => {
            attempts += 1;
            await tx.query(sql.unsafe`insert into notes (id, body) values (2, 'commit')`);
          })
          .then(() => null, (error: unknown) => error),
      { statement: /^COMMIT/i },
    );
    expect(isLostDatabaseConnection(result)).toBe(true);
    expect(attempts).toBe(1);
    expect(retries).toEqual([]);
  } finally {
    await removeTrigger();
  }
});

test('a read cut mid-statement is answered from a fresh connection', async () => {
  await admin.query(`insert into notes (id, body) values (3, 'read me')`);
  const { result } = await cutConnectionUnder(admin, 'lock table notes in access exclusive mode', () =>
    retrying.pool.one(sql.type(z.object({ body: z.string() }))`select body from notes where id = 3`),
  );
  expect(result).toEqual({ body: 'read me' });
  expect(retries).toMatchObject([{ kind: 'statement', attempt: 1 }]);
});

test('a write outside a transaction cut mid-statement is not run again: PostgreSQL refuses it read-only', async () => {
  const { result } = await cutConnectionUnder(admin, 'lock table notes in access exclusive mode', () =>
    retrying.pool.query(sql.unsafe`insert into notes (id, body) values (4, 'maybe')`).then(() => null, (error: unknown) => error),
  );
  // The caller gets the original loss (answered 503), not the read-only refusal of the second try.
  expect(result).toBeInstanceOf(BackendTerminatedError);
  expect(await notes()).toBe(0);
});

test('a statement that fails for any other reason is not retried', async () => {
  await expect(retrying.pool.query(sql.unsafe`select * from no_such_table`)).rejects.toThrow(/no_such_table/);
  await expect(retrying.pool.transaction((tx) => tx.query(sql.unsafe`insert into notes (id) values (5)`))).rejects.toThrow(/not NULL/i);
  expect(retries).toEqual([]);
});

test('a socket reset under a query (read ECONNRESET, not a PostgreSQL error) is a lost connection too', async () => {
  await admin.query(`insert into notes (id, body) values (6, 'behind a proxy')`);
  const proxy = await startResettingProxy(database.connectionUrl);
  // Room for the retries: slonik 47.3.2 never finishes destroying a connection reset under a running
  // query (its destroy races the query's rejection and stays PENDING_DESTROY), so each reset
  // connection keeps its pool slot for good. A pool of 2 would have none left to retry on.
  const proxied = await connectPostgres(proxy.url, 4, { onRetry: (event) => retries.push(event) });
  try {
    await admin.query('begin');
    await admin.query('lock table notes in access exclusive mode');
    let attempts = 0;
    const read = proxied.pool.one(sql.type(z.object({ body: z.string() }))`select body from notes where id = 6`);
    const write = proxied.pool.transaction(async (tx) => {
      attempts += 1;
      await tx.query(sql.unsafe`insert into notes (id, body) values (7, 'through the reset')`);
    });
    await vi.waitFor(
      async () => {
        await admin.query('select pg_stat_clear_snapshot()');
        const { rows } = await admin.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (rows.length < 2) throw new Error('both are not waiting yet');
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(proxy.resetAll()).toBeGreaterThanOrEqual(2);
    await admin.query('rollback');
    expect(await read).toEqual({ body: 'behind a proxy' });
    await write;
    expect(attempts).toBe(2);
    expect(retries.map((event) => (event.error as { code?: string }).code)).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(await notes()).toBe(2);
  } finally {
    await admin.query('rollback').catch(() => undefined);
    await proxied.close();
    await proxy.close();
  }
});
