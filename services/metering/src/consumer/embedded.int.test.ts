import { setTimeout as sleep } from 'node:timers/promises';
import { fileEvent, type FileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { createTestDatabase, type TestDatabase } from '#test/database.js';
import pino from 'pino';
import { Registry } from 'prom-client';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EMBEDDED_CONSUMER, startEmbeddedMetering } from '#src/embedded.js';
import { advanceCursor, readCursor, StaleCursorError } from './cursors.js';

let database: TestDatabase;
const logger = pino({ level: 'silent' });
const account = '0190a0a0-0000-7000-8000-00000000000a';
let sequence = 0;
const uuid = () => `0190a0a0-0000-7000-8000-${(0x100000 + sequence++).toString(16).padStart(12, '0')}`;

const stored = (fileId: string, size: number, at: string): FileEvent =>
  fileEvent('file.stored', uuid(), { file_id: fileId, account_id: account, size_bytes: size, content_type: 'image/png', stored_at: at });
const deleted = (fileId: string, size: number, at: string): FileEvent =>
  fileEvent('file.deleted', uuid(), { file_id: fileId, account_id: account, size_bytes: size, deleted_at: at });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const usage = () =>
  database.pool.maybeOne(sql.unsafe`select stored_bytes, file_count, closed_byte_ms, open_start_weight from metering.account_usage where account_id = ${account}`);

describe('embedded metering (outbox → projection)', () => {
  test('folds committed outbox events once, however often it is drained, and exports what it did', async () => {
    const registry = new Registry();
    const metering = startEmbeddedMetering({ pool: database.pool, logger, poll: false, registry });
    const a = uuid();
    const b = uuid();
    await database.pool.transaction(async (tx) => {
      await appendToOutbox(tx, stored(a, 1000, '2026-11-01T00:00:00.000Z'));
      await appendToOutbox(tx, stored(b, 24, '2026-11-01T00:00:01.000Z'));
    });
    await database.pool.transaction((tx) => appendToOutbox(tx, deleted(a, 1000, '2026-11-01T00:00:10.000Z')));
    const lag = async () => (await registry.getSingleMetricAsString('metering_consumer_lag')).split('\n').at(-1);
    expect(await lag()).toBe('metering_consumer_lag{stream="outbox",partition="0"} 3');
    expect(await metering.drain()).toBe(3);
    expect(await metering.drain()).toBe(0);
    expect(await lag()).toBe('metering_consumer_lag{stream="outbox",partition="0"} 0');
    expect(await registry.getSingleMetricAsString('metering_events_applied_total')).toContain('metering_events_applied_total{stream="outbox"} 3');
    expect(await usage()).toEqual({
      stored_bytes: '24',
      file_count: 1,
      closed_byte_ms: String(1000 * 10_000),
      open_start_weight: String(24n * BigInt(Date.parse('2026-11-01T00:00:01.000Z'))),
    });
    const families = await database.pool.any(sql.unsafe`select family, bytes, files from metering.account_families where account_id = ${account}`);
    expect(families).toEqual([{ family: 'image', bytes: '24', files: 1 }]);
  });

  test('a transaction that commits late is not skipped', async () => {
    const metering = startEmbeddedMetering({ pool: database.pool, logger, poll: false });
    const late = uuid();
    const early = uuid();
    const before = (await usage())!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const appendedPromise = new Promise<void>((resolve) => (appended = resolve));
    // The first transaction takes its xid and row first but commits after the second one.
    const slow = database.pool.transaction(async (tx) => {
      await appendToOutbox(tx, stored(late, 5, '2026-11-02T00:00:00.000Z'));
      appended();
      await held;
    });
    await appendedPromise;
    await database.pool.transaction((tx) => appendToOutbox(tx, stored(early, 7, '2026-11-02T00:00:00.000Z')));
    // The second is committed, but folding it now would put it before the first: drain waits.
    const draining = metering.drain();
    expect(await Promise.race([draining, sleep(300).then(() => 'still waiting')])).toBe('still waiting');
    expect(await usage()).toEqual(before);
    release();
    await slow;
    expect(await draining).toBe(2);
    expect((await usage())!.stored_bytes).toBe(String(Number(before.stored_bytes) + 12));
  });

  test('an unparseable event goes to the dead letters and does not block the ones after it', async () => {
    const metering = startEmbeddedMetering({ pool: database.pool, logger, poll: false });
    await database.pool.query(sql.unsafe`
      insert into outbox (event_id, account_id, event_type, event) values (${uuid()}, ${account}, 'file.stored', ${sql.jsonb({ type: 'file.stored', data: { size_bytes: -1 } })})`);
    const file = uuid();
    await database.pool.transaction((tx) => appendToOutbox(tx, stored(file, 3, '2026-11-03T00:00:00.000Z')));
    expect(await metering.drain()).toBe(2);
    const letters = await database.pool.any(sql.unsafe`select reason from metering_dead_letters`);
    expect(letters).toHaveLength(1);
    expect(String(letters[0]!.reason)).toContain('specversion');
    const row = await database.pool.maybeOne(sql.unsafe`select size_bytes from metering.file_intervals where file_id = ${file}`);
    expect(row).toEqual({ size_bytes: 3 });
  });

  test('a cursor never moves backwards, whoever asks', async () => {
    const current = await readCursor(database.pool, EMBEDDED_CONSUMER, 'outbox', 0);
    expect(current.position).toBeGreaterThan(0);
    await expect(
      database.pool.transaction((tx) => advanceCursor(tx, EMBEDDED_CONSUMER, 'outbox', 0, { transactionId: current.transactionId, position: current.position - 1 })),
    ).rejects.toBeInstanceOf(StaleCursorError);
    expect(await readCursor(database.pool, EMBEDDED_CONSUMER, 'outbox', 0)).toEqual(current);
  });
});
