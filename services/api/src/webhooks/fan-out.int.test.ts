// Fan-out with nothing to do only reads: the cursor's row lock, which costs a transaction id and a
// WAL record, is taken only when the outbox holds rows after the cursor. A row lock leaves its
// transaction id in the row's xmax, so an unchanged xmax shows that no pass locked the row.
import { fileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#src/platform/testing/index.js';
import { DISPATCH_CURSOR, fanOutOnce } from './fan-out.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const pass = () => fanOutOnce(database.pool, { batchSize: 100, now: () => new Date() });
const cursorXmax = () =>
  database.pool.oneFirst(sql.type(z.object({ xmax: z.string() }))`select xmax::text as xmax from webhook_dispatch_cursors where name = ${DISPATCH_CURSOR}`);

test('an idle pass takes no lock; a pass with events locks and moves the cursor', async () => {
  // The first pass makes the cursor (there is none to read yet).
  expect(await pass()).toBe(0);
  const afterFirstPass = await cursorXmax();

  for (let i = 0; i < 3; i++) expect(await pass()).toBe(0);
  expect(await cursorXmax()).toBe(afterFirstPass);

  const accountId = uuidv7();
  await database.pool.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${accountId}, ${`fan-out-${accountId}@example.com`}, 'x')`);
  await database.pool.transaction((tx) =>
    appendToOutbox(tx, fileEvent('file.stored', uuidv7(), { file_id: uuidv7(), account_id: accountId, size_bytes: 1, content_type: 'text/plain', stored_at: new Date().toISOString() })));
  await expect.poll(pass).toBe(1);
  expect(await cursorXmax()).not.toBe(afterFirstPass);
  expect(await pass()).toBe(0);
});
