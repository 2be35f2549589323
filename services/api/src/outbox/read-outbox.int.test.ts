import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#src/platform/testing/index.js';
import { readOutbox } from './read-outbox.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const row = (transactionId: string, n: number) => sql.fragment`
  (${transactionId}::xid8, ${`0190a0a0-0000-7000-8000-${n.toString().padStart(12, '0')}`}::uuid, '0190a0a0-0000-7000-8000-00000000000a'::uuid, 'file.stored', ${sql.jsonb({ n })})`;

test('rows come in (transaction id, position) order, transaction ids compared as numbers', async () => {
  // Transaction ids 9 and 10: as text, '10' would sort first.
  await database.pool.query(sql.unsafe`
    insert into outbox (transaction_id, event_id, account_id, event_type, event) values ${sql.join([row('10', 1), row('9', 2), row('10', 3), row('9', 4)], sql.fragment`, `)}`);
  const all = await readOutbox(database.pool, { transactionId: '0', position: -1 }, 10);
  expect(all.map((r) => [r.transactionId, JSON.parse(r.event).n])).toEqual([['9', 2], ['9', 4], ['10', 1], ['10', 3]]);
  const rest = await readOutbox(database.pool, { transactionId: all[1]!.transactionId, position: all[1]!.position }, 10);
  expect(rest.map((r) => JSON.parse(r.event).n)).toEqual([1, 3]);
});

test('rows of transactions that may still be running are not read', async () => {
  const future = await database.pool.oneFirst(sql.unsafe`select (pg_current_xact_id()::text::bigint + 1000)::text`);
  await database.pool.query(sql.unsafe`insert into outbox (transaction_id, event_id, account_id, event_type, event) values ${row(String(future), 99)}`);
  const visible = await readOutbox(database.pool, { transactionId: '10', position: 1_000_000 }, 10);
  expect(visible).toEqual([]);
  const everything = await readOutbox(database.pool, { transactionId: '10', position: 1_000_000 }, 10, { belowXmin: false });
  expect(everything.map((r) => JSON.parse(r.event).n)).toEqual([99]);
});
