import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { appendToOutbox, ensureTopic, kafkaPublisher, outboxRelay, relayMigrations, untilCommittedRowsReadable } from '@baketsu/contract/outbox';
import { createTestDatabase, requireTestEnv, type TestDatabase } from './database.js';
import { Kafka, logLevel } from 'kafkajs';
import { sql, type DatabasePool } from 'slonik';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { applyBatch } from '#src/consumer/apply-batch.js';
import { meteringConsumer } from '#src/consumer/metering-consumer.js';
import type { LogConsumer } from '#src/log/event-log.js';
import { kafkaEventLog } from '#src/log/kafka-event-log.js';
import { expectedUsage, projectedUsage, randomOps, seededRandom, testUuid } from './fixtures.js';

let database: TestDatabase;
let kafka: Kafka;
const topic = `baketsu.file-events.test-${testUuid().slice(-12)}`;
const systemClock = { now: () => new Date() };

beforeAll(async () => {
  database = await createTestDatabase({ extraMigrations: [relayMigrations], poolSize: 6 });
  kafka = new Kafka({ clientId: 'metering-test', brokers: requireTestEnv('TEST_KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  await ensureTopic(kafka, { topic, partitions: 3 });
});
afterAll(async () => {
  await database?.drop();
});

/** A pool whose transactions do all their work and then die before COMMIT, like a killed process. */
function dyingPool(pool: DatabasePool): DatabasePool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver);
      return (handler: (tx: unknown) => Promise<unknown>) =>
        target.transaction(async (tx) => {
          await handler(tx);
          throw new Error('killed before commit');
        });
    },
  });
}

/** Polls `condition` until it holds, failing after 45 s. */
const waitFor = (condition: () => Promise<boolean>) =>
  vi.waitFor(
    async () => {
      if (!(await condition())) throw new Error('still waiting');
    },
    { timeout: 45_000, interval: 50 },
  );

describe('outbox → relay → Kafka → metering', () => {
  test('byte-time is exact despite reordering, duplicates and a consumer killed mid-batch', async () => {
    const seed = 4242;
    const random = seededRandom(seed);
    const from = Date.parse('2026-11-03T00:00:00.000Z');
    const { ops, events } = randomOps(seed, { accounts: 4, files: 150, from, spanMs: 6 * 86_400_000 });
    const horizon = from + 13 * 86_400_000;

    // Reordered: events land in the outbox shuffled (deletes may precede stores), in many transactions.
    const shuffled = random.shuffle([...events]);
    for (let i = 0; i < shuffled.length; ) {
      const size = 1 + random.int(8);
      const chunk = shuffled.slice(i, i + size);
      await database.pool.transaction(async (tx) => {
        for (const event of chunk) await appendToOutbox(tx, event);
      });
      i += size;
    }

    const publisher = await kafkaPublisher(kafka, topic);
    const relay = outboxRelay({ pool: database.pool, publisher, clock: systemClock, batchSize: 40 });
    // A pass that reads nothing ends the loop: first let every committed row become readable.
    await untilCommittedRowsReadable(database.pool);
    while ((await relay.relayOnce()) > 0);
    // Duplicates: a relay that crashed after publishing but before saving its cursor publishes again.
    await database.pool.query(sql.unsafe`
      update outbox_relay_cursors set (transaction_id, position) =
        (select transaction_id, position from outbox order by transaction_id, position offset ${Math.floor(events.length / 3)} limit 1)`);
    while ((await relay.relayOnce()) > 0);
    await publisher.disconnect();

    const group = `metering-test-${testUuid().slice(-8)}`;
    const live = meteringConsumer({ pool: database.pool, name: group });
    let batches = 0;
    let killed = false;
    const doomed = meteringConsumer({ pool: dyingPool(database.pool), name: group });
    const killer: LogConsumer = {
      positionOf: live.positionOf,
      async onBatch(batch) {
        batches += 1;
        if (killed || batches >= 4) {
          killed = true;
          return doomed.onBatch(batch);
        }
        return live.onBatch(batch);
      },
    };
    const first = kafkaEventLog({ kafka, groupId: group, topic, maxBytesPerPartition: 4096 });
    const firstRun = first.run(killer).catch(() => undefined);
    await waitFor(async () => killed);
    await first.stop();
    await firstRun;
    const midway = await projectedUsage(database.pool, horizon);
    expect([...midway.values()].length).toBeGreaterThan(0);

    const second = kafkaEventLog({ kafka, groupId: group, topic, maxBytesPerPartition: 4096 });
    void second.run(live);
    try {
      await waitFor(async () => (await second.lag(live)).every((partition) => partition.lag === 0));
    } finally {
      await second.stop();
    }

    const expected = expectedUsage(ops, horizon);
    const projected = await projectedUsage(database.pool, horizon);
    expect(projected.size).toBe(expected.size);
    for (const [accountId, exact] of expected) {
      const row = projected.get(accountId);
      expect(row, accountId).toBeDefined();
      expect(row!.byte_ms).toBe(exact.byteMs.toString());
      expect(row!.days_byte_ms).toBe(exact.byteMs.toString());
      expect(row!.stored_bytes).toBe(exact.storedBytes.toString());
      expect(row!.file_count).toBe(exact.files);
    }
  });

  test('a consumer process killed with -9 mid-batch is replaced within seconds, and nothing is lost', async () => {
    const crashTopic = `${topic}-crash`;
    await ensureTopic(kafka, { topic: crashTopic, partitions: 3 });
    const from = Date.parse('2026-11-10T00:00:00.000Z');
    const { ops, events } = randomOps(77, { accounts: 3, files: 60, from, spanMs: 86_400_000 });
    const horizon = from + 3 * 86_400_000;
    await database.pool.transaction(async (tx) => {
      for (const event of events) await appendToOutbox(tx, event);
    });
    const publisher = await kafkaPublisher(kafka, crashTopic);
    const relay = outboxRelay({ pool: database.pool, publisher, clock: systemClock, batchSize: 100, name: 'crash-relay' });
    await untilCommittedRowsReadable(database.pool);
    while ((await relay.relayOnce()) > 0);
    await publisher.disconnect();

    // The doomed consumer is a real process: it holds its first batch uncommitted and is killed with -9,
    // so the broker hears nothing more from it (no leave-group) and must time its session out.
    const group = `metering-crash-${testUuid().slice(-8)}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./doomed-consumer.ts', import.meta.url)), database.connectionUrl, requireTestEnv('TEST_KAFKA_BROKERS'), crashTopic, group],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = once(child, 'exit');
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve) => child.stdout.on('data', (text: string) => text.includes('batch') && resolve()));
    child.kill('SIGKILL');
    const killedAt = performance.now();
    await exited;

    const live = meteringConsumer({ pool: database.pool, name: group });
    let firstBatchAt: number | undefined;
    const timed: LogConsumer = {
      positionOf: live.positionOf,
      onBatch(batch) {
        firstBatchAt ??= performance.now();
        return live.onBatch(batch);
      },
    };
    const replacement = kafkaEventLog({ kafka, groupId: group, topic: crashTopic });
    void replacement.run(timed);
    let recoveryMs: number;
    try {
      await waitFor(async () => (await replacement.lag(live)).every((partition) => partition.lag === 0));
      recoveryMs = Math.round(performance.now() - killedAt);
    } finally {
      await replacement.stop();
    }
    console.log(`metering recovered from kill -9 mid-batch: first batch folded after ${Math.round((firstBatchAt ?? Number.NaN) - killedAt)} ms, lag 0 after ${recoveryMs} ms`);
    // kafkajs's default 30 s session kept a replacement waiting ~30 s; the short session hands the
    // dead member's partitions on in about its 6 s.
    expect(recoveryMs).toBeLessThan(15_000);

    const expected = expectedUsage(ops, horizon);
    const projected = await projectedUsage(database.pool, horizon);
    for (const [accountId, exact] of expected) expect(projected.get(accountId)?.byte_ms, accountId).toBe(exact.byteMs.toString());
  });

  test('a zombie consumer replaying an old batch changes nothing', async () => {
    const consumer = `zombie-${testUuid().slice(-8)}`;
    const accountId = testUuid();
    const event = {
      specversion: '1.0', id: testUuid(), source: 'baketsu/api', type: 'file.stored', subject: accountId, time: '2026-11-05T00:00:00.000Z',
      datacontenttype: 'application/json', dataschema: 'x',
      data: { file_id: testUuid(), account_id: accountId, size_bytes: 10, content_type: 'text/plain', stored_at: '2026-11-05T00:00:00.000Z' },
    };
    const record = (position: number) => ({ transactionId: '0', position, value: JSON.stringify(event) });
    const fresh = await applyBatch(database.pool, consumer, { stream: 't', partition: 0, records: [record(5), record(6)] });
    expect(fresh).toMatchObject({ applied: 2, skipped: 0 });
    const zombie = await applyBatch(database.pool, consumer, { stream: 't', partition: 0, records: [record(3), record(4), record(5)] });
    expect(zombie).toMatchObject({ applied: 0, skipped: 3, cursor: { position: 6 } });
    const usage = await database.pool.one(sql.unsafe`select stored_bytes, file_count from metering.account_usage where account_id = ${accountId}`);
    expect(usage).toEqual({ stored_bytes: '10', file_count: 1 });
  });
});
