// The outbox's pollers (the Kafka relay and webhook fan-out) only read when there is nothing new:
// the cursor's row lock, which costs a transaction id and a WAL record, is taken only when the
// outbox holds rows after the cursor. A row lock leaves its transaction id in the row's xmax (and an
// update makes a new row version, with a new xmin), so unchanged xmin and xmax show no pass locked it.
import { fileEvent } from '@baketsu/contract/events';
import { appendToOutbox, outboxRelay, relayMigrations, untilCommittedRowsReadable } from '@baketsu/contract/outbox';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#src/platform/testing/index.js';
import { DISPATCH_CURSOR, fanOutOnce } from '#src/webhooks/fan-out.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ extraMigrations: [relayMigrations] });
});
afterAll(async () => {
  await database?.drop();
});

// What the relay publishes is not the point here (relay.int.test.ts reads it back from Kafka).
const relay = () => outboxRelay({ pool: database.pool, publisher: { publish: async () => undefined }, clock: { now: () => new Date() } });
const pollers = [
  { name: 'webhook fan-out', pass: () => fanOutOnce(database.pool, { batchSize: 100, now: () => new Date() }), table: 'webhook_dispatch_cursors', cursor: DISPATCH_CURSOR },
  { name: 'Kafka relay', pass: () => relay().relayOnce(), table: 'outbox_relay_cursors', cursor: 'kafka' },
] as const;

test.each(pollers)('$name: an idle pass takes no lock; a pass with events locks and moves the cursor', async ({ pass, table, cursor }) => {
  const cursorVersion = () =>
    database.pool.oneFirst(sql.type(z.object({ version: z.string() }))`
      select xmin::text || '/' || xmax::text as version from ${sql.identifier([table])} where name = ${cursor}`);
  // The first pass makes the cursor (there is none to read yet) and reads what is there, once
  // nothing older holds it back (autovacuum's transactions in a new database, say).
  await untilCommittedRowsReadable(database.pool);
  await pass();
  expect(await pass()).toBe(0);
  const afterLastLock = await cursorVersion();

  for (let i = 0; i < 3; i++) expect(await pass()).toBe(0);
  expect(await cursorVersion()).toBe(afterLastLock);

  const accountId = uuidv7();
  await database.pool.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${accountId}, ${`idle-${accountId}@example.com`}, 'x')`);
  await database.pool.transaction((tx) =>
    appendToOutbox(tx, fileEvent('file.stored', uuidv7(), { file_id: uuidv7(), account_id: accountId, size_bytes: 1, content_type: 'text/plain', stored_at: new Date().toISOString() })));
  await expect.poll(pass).toBe(1);
  expect(await cursorVersion()).not.toBe(afterLastLock);
  expect(await pass()).toBe(0);
});
