import pg from 'pg';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, requireTestEnv, type TestDatabase } from '#src/platform/testing/index.js';
import { readOutbox, untilCommittedRowsReadable } from '@baketsu/contract/outbox';

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

describe('transactions still running elsewhere', () => {
  const eventRow = (n: number) => sql.fragment`
    (${`0190a0a0-0000-7000-8001-${n.toString().padStart(12, '0')}`}::uuid, '0190a0a0-0000-7000-8000-00000000000a'::uuid, 'file.stored', ${sql.jsonb({ n })})`;
  const appendCommitted = (n: number) =>
    database.pool.query(sql.unsafe`insert into outbox (event_id, account_id, event_type, event) values ${eventRow(n)}`);
  /** A session holding an open transaction that already has a transaction id. */
  async function openWriter(connectionString: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query('begin');
    await client.query('select pg_current_xact_id()');
    return client;
  }
  const readFrom = async (after: { transactionId: string; position: number }) =>
    (await readOutbox(database.pool, after, 100)).map((r) => (JSON.parse(r.event) as { n: number }).n);
  // Rows written from now on have transaction ids at or above the next one to be assigned.
  const tail = async () => {
    const next = await database.pool.oneFirst(sql.unsafe`select pg_snapshot_xmax(pg_current_snapshot())::text`);
    return { transactionId: (BigInt(String(next)) - 1n).toString(), position: Number.MAX_SAFE_INTEGER };
  };

  test('an open transaction in another database does not hold the reader back', async () => {
    const after = await tail();
    const neighbour = await openWriter(requireTestEnv('TEST_PG_URL'));
    try {
      await appendCommitted(201);
      // Waits for this database's own short transactions (autovacuum's, say), and must not wait for the neighbour.
      await untilCommittedRowsReadable(database.pool, 10_000);
      expect(await readFrom(after)).toEqual([201]);
    } finally {
      await neighbour.query('rollback');
      await neighbour.end();
    }
  });

  test('an open transaction in this database holds it back until it commits, and its rows come first', async () => {
    const after = await tail();
    const writer = await openWriter(database.connectionUrl);
    try {
      await appendCommitted(301);
      expect(await readFrom(after)).toEqual([]);
      // The older transaction writes its event late: it must not be skipped, and it sorts first.
      await writer.query(`insert into outbox (event_id, account_id, event_type, event)
        values ('0190a0a0-0000-7000-8001-000000000300', '0190a0a0-0000-7000-8000-00000000000a', 'file.stored', '{"n":300}')`);
      await writer.query('commit');
      // Anything else of this database's still open (autovacuum analysing the new tables) holds it back too.
      await untilCommittedRowsReadable(database.pool);
      expect(await readFrom(after)).toEqual([300, 301]);
    } finally {
      await writer.end();
    }
  });
});
