import { appendToOutbox } from '@baketsu/contract/outbox';
import { createTestDatabase, type TestDatabase } from './database.js';
import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmbeddedMetering } from '#src/embedded.js';
import { rebuild } from '#src/rebuild/rebuild.js';
import { expectedUsage, projectedUsage, randomOps, seededRandom } from './fixtures.js';

let database: TestDatabase;
const logger = pino({ level: 'silent' });
const from = Date.parse('2026-10-20T00:00:00.000Z');
const horizon = from + 30 * 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const identical = (differences: Array<{ onlyLive: number; onlyRebuilt: number }>) => differences.every((d) => d.onlyLive === 0 && d.onlyRebuilt === 0);

describe('rebuild', () => {
  test('a replay of the outbox equals the live fold; a damaged projection is found and replaced atomically', async () => {
    const random = seededRandom(7);
    const { ops, events } = randomOps(7, { accounts: 3, files: 120, from, spanMs: 12 * 86_400_000 });
    const later = randomOps(8, { accounts: 2, files: 20, from, spanMs: 12 * 86_400_000 });
    for (const event of random.shuffle([...events])) await database.pool.transaction((tx) => appendToOutbox(tx, event));
    const metering = startEmbeddedMetering({ pool: database.pool, logger, poll: false, batchSize: 17 });
    await metering.drain();

    const check = await rebuild(database.pool, { batchSize: 50 });
    expect(check.events).toBe(events.length);
    expect(identical(check.differences)).toBe(true);

    // Damage the live projection: the rebuild must notice, and the swap must repair it.
    const victim = ops[0]!.accountId;
    await database.pool.query(sql.unsafe`update metering.account_usage set closed_byte_ms = closed_byte_ms + 1 where account_id = ${victim}`);
    const damaged = await rebuild(database.pool, { batchSize: 50 });
    expect(damaged.differences.find((d) => d.table === 'account_usage')).toEqual({ table: 'account_usage', onlyLive: 1, onlyRebuilt: 1 });

    const swapped = await rebuild(database.pool, {
      swap: true,
      batchSize: 50,
      // Written after the bulk replay, not yet seen by the live consumer: the swap must still include them.
      beforeSwap: () => database.pool.transaction(async (tx) => {
        for (const event of later.events) await appendToOutbox(tx, event);
      }),
    });
    expect(swapped.swapped).toBe(true);
    expect(swapped.events).toBe(events.length + later.events.length);
    const schemas = await database.pool.anyFirst(sql.unsafe`select nspname from pg_namespace where nspname like 'metering%' order by 1`);
    expect(schemas).toEqual(['metering']);
    // Storage parameters (the room deletes need to stay on their page) survive the swap.
    const options = await database.pool.oneFirst(sql.unsafe`select reloptions::text from pg_class where oid = 'metering.file_intervals'::regclass`);
    expect(options).toBe('{fillfactor=80}');

    // The live consumer carries on against the swapped-in tables; redelivered events change nothing.
    await metering.drain();
    const expected = expectedUsage([...ops, ...later.ops], horizon);
    const projected = await projectedUsage(database.pool, horizon);
    for (const [accountId, exact] of expected) {
      expect(projected.get(accountId)?.byte_ms, accountId).toBe(exact.byteMs.toString());
      expect(projected.get(accountId)?.stored_bytes).toBe(exact.storedBytes.toString());
    }
    expect(identical((await rebuild(database.pool)).differences)).toBe(true);
  });

  test('a swap that would take something else down with the old tables is refused whole', async () => {
    await database.pool.query(sql.unsafe`create view public.usage_report as select account_id, stored_bytes from metering.account_usage`);
    try {
      await expect(rebuild(database.pool, { swap: true })).rejects.toThrow(/depend/);
      const schemas = await database.pool.anyFirst(sql.unsafe`select nspname from pg_namespace where nspname like 'metering%' order by 1`);
      expect(schemas).toEqual(['metering', 'metering_rebuild']);
      expect(await database.pool.oneFirst(sql.unsafe`select count(*)::int8 from public.usage_report`)).toBeGreaterThan(0);
    } finally {
      await database.pool.query(sql.unsafe`drop view public.usage_report`);
    }
  });
});
