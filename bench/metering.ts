// Metering throughput, from one run: outbox → relay → Kafka → fold into PostgreSQL, next to the raw
// kafkajs consume rate of the same topic; p50/p99 from an outbox commit to visible usage; rebuild time.
// Targets (issue #4): fold >= 50,000 events/s and >= 0.5 of raw, with 1,000,000 events on 2 cores.
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
//   BENCH_EVENTS=1000000 npx tsx bench/metering.ts
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { fileEvent, type FileEvent } from '@baketsu/contract/events';
import { appendToOutbox, ensureTopic, kafkaPublisher, outboxRelay, relayBacklog, relayMigrations } from '@baketsu/contract/outbox';
import { createTestDatabase, requireTestEnv } from '../services/metering/test/database.js';
import { meteringConsumer } from '../services/metering/src/consumer/metering-consumer.js';
import type { LogConsumer } from '../services/metering/src/log/event-log.js';
import { KAFKA_FETCH_BYTES, KAFKA_FETCH_BYTES_PER_PARTITION, kafkaEventLog } from '../services/metering/src/log/kafka-event-log.js';
import { rebuild } from '../services/metering/src/rebuild/rebuild.js';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
// As metering's METERING_PARTITION_CONCURRENCY default (one per partition); the raw consumer uses it too.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 6);
const ACCOUNTS = 2000;
const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const clock = { now: () => new Date() };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (count: number, ms: number) => `${Math.round((count * 1000) / ms).toLocaleString('en-US')} events/s`;

const database = await createTestDatabase({ extraMigrations: [relayMigrations], poolSize: 8 });
const kafka = new Kafka({ clientId: 'bench-metering', brokers: requireTestEnv('TEST_KAFKA_BROKERS').split(','), logLevel: logLevel.ERROR });
const topic = `bench.file-events.${randomUUID().slice(0, 8)}`;
await ensureTopic(kafka, { topic, partitions: PARTITIONS });
const accounts = Array.from({ length: ACCOUNTS }, () => randomUUID());

try {
  // 1. N events in the outbox: about 70% stores, the rest deletes of earlier stores. Ids are UUIDv7,
  // as the API makes them (files/complete.ts), so index inserts are as local as in production.
  let started = Date.now();
  let expectedBytes = 0n;
  let written = 0;
  let open: FileEvent[] = [];
  while (written < N) {
    const chunk: FileEvent[] = [];
    for (let i = 0; i < 10_000 && written < N; i++, written++) {
      const victim = open.length > 0 && Math.random() < 0.3 ? open.splice(Math.floor(Math.random() * open.length), 1)[0] : undefined;
      if (victim?.type === 'file.stored') {
        expectedBytes -= BigInt(victim.data.size_bytes);
        chunk.push(fileEvent('file.deleted', uuidv7(), { ...victim.data, deleted_at: new Date(Date.parse(victim.data.stored_at) + 1000).toISOString() }));
      } else {
        const size = 1 + Math.floor(Math.random() * 10_000_000);
        expectedBytes += BigInt(size);
        const account = accounts[Math.floor(Math.random() * ACCOUNTS)]!;
        const event = fileEvent('file.stored', uuidv7(), { file_id: uuidv7(), account_id: account, size_bytes: size, content_type: 'image/jpeg', stored_at: new Date(T0 + written).toISOString() });
        chunk.push(event);
        if (open.length < 50_000) open.push(event);
      }
    }
    await database.pool.query(sql.unsafe`
      insert into outbox (event_id, account_id, event_type, event)
      select * from ${sql.unnest(chunk.map((e) => [e.id, e.subject, e.type, JSON.stringify(e)]), ['uuid', 'uuid', 'text', 'jsonb'])}`);
  }
  open = [];
  console.log(`outbox filled with ${N.toLocaleString('en-US')} events in ${seconds(Date.now() - started)}`);

  // 2. Relay them to Kafka.
  const publisher = await kafkaPublisher(kafka, topic);
  const relay = outboxRelay({ pool: database.pool, publisher, clock, batchSize: 5000 });
  started = Date.now();
  // A 0 can also mean "held back by a transaction still running somewhere in the cluster": wait it out.
  while ((await relay.relayOnce()) > 0 || (await relayBacklog(database.pool)) > 0);
  const relayMs = Date.now() - started;
  console.log(`relay            ${rate(N, relayMs).padStart(18)}  (${seconds(relayMs)})`);

  // 3. Raw kafkajs consume of the same topic: count messages, nothing else. Same fetch sizes as the fold.
  const raw = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxBytesPerPartition: KAFKA_FETCH_BYTES_PER_PARTITION, maxBytes: KAFKA_FETCH_BYTES });
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  let rawCount = 0;
  let rawFirst = 0;
  let rawLast = 0;
  await raw.run({
    autoCommit: false,
    partitionsConsumedConcurrently: CONCURRENCY,
    eachBatch: async ({ batch }) => {
      rawFirst ||= Date.now();
      rawCount += batch.messages.length;
      rawLast = Date.now();
    },
  });
  while (rawCount < N) await new Promise((resolve) => setTimeout(resolve, 20));
  await raw.disconnect();
  const rawMs = rawLast - rawFirst;

  // 4. The real fold: parse, fold, write projection + cursors in one transaction per batch.
  const group = `bench-fold-${randomUUID()}`;
  const live = meteringConsumer({ pool: database.pool, name: group });
  let folded = 0;
  let foldFirst = 0;
  let foldLast = 0;
  const timed: LogConsumer = {
    positionOf: live.positionOf,
    async onBatch(batch) {
      foldFirst ||= Date.now();
      const cursor = await live.onBatch(batch);
      folded += batch.records.length;
      foldLast = Date.now();
      return cursor;
    },
  };
  const log = kafkaEventLog({ kafka, groupId: group, topic, partitionsConsumedConcurrently: CONCURRENCY });
  void log.run(timed);
  // Done when the stored cursors cover every offset (a redelivered batch would over-count `folded`).
  const covered = () => database.pool.oneFirst(sql.unsafe`select coalesce(sum(position + 1), 0)::int8 from metering_cursors where consumer = ${group}`);
  while (folded < N || Number(await covered()) < N) await new Promise((resolve) => setTimeout(resolve, 20));
  const foldMs = foldLast - foldFirst;
  const stored = await database.pool.oneFirst(sql.unsafe`select coalesce(sum(stored_bytes), 0)::text from metering.account_usage`);

  console.log(`raw kafkajs      ${rate(N, rawMs).padStart(18)}  (${seconds(rawMs)}, first batch to last)`);
  console.log(`fold into PG     ${rate(N, foldMs).padStart(18)}  (${seconds(foldMs)}, first batch to last, ${CONCURRENCY} partitions at a time)`);
  console.log(`fold : raw       ${(rawMs / foldMs).toFixed(2)}  (targets: >= 50,000 events/s and >= 0.50 of raw)`);
  console.log(`projection exact ${String(stored) === expectedBytes.toString() ? 'yes' : `NO (${String(stored)} vs ${expectedBytes})`}`);

  // 5. Freshness: commit of an outbox row (what /v1/files/complete does) to the usage row being visible,
  // while a write transaction stays open in another database of the cluster (a neighbour's bulk load):
  // transaction ids are cluster-wide, and the outbox readers must not wait for it (decision 003).
  const neighbour = new pg.Client({ connectionString: requireTestEnv('TEST_PG_URL') });
  await neighbour.connect();
  await neighbour.query('begin');
  await neighbour.query('select pg_current_xact_id()');
  const controller = new AbortController();
  const liveRelay = outboxRelay({ pool: database.pool, publisher, clock, batchSize: 500, idleMs: 5 });
  const relayLoop = liveRelay.run(controller.signal);
  const latencies: number[] = [];
  for (let i = 0; i < Number(process.env.BENCH_FRESHNESS_SAMPLES ?? 200); i++) {
    const fileId = randomUUID();
    const account = accounts[i % ACCOUNTS]!;
    await database.pool.transaction((tx) =>
      appendToOutbox(tx, fileEvent('file.stored', randomUUID(), { file_id: fileId, account_id: account, size_bytes: 1, content_type: 'text/plain', stored_at: new Date().toISOString() })));
    const committed = performance.now();
    while (!(await database.pool.exists(sql.unsafe`select 1 from metering.file_intervals where file_id = ${fileId}`))) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    latencies.push(performance.now() - committed);
    if (latencies.at(-1)! > 1000) console.log(`  slow sample #${i}: ${latencies.at(-1)!.toFixed(0)} ms`);
  }
  controller.abort();
  await relayLoop;
  await neighbour.query('rollback');
  await neighbour.end();
  await log.stop();
  await publisher.disconnect();
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(0);
  console.log(`commit → visible p50 ${percentile(50)} ms, p99 ${percentile(99)} ms, max ${percentile(100)} ms (${latencies.length} samples, Kafka mode, relay idle 5 ms, a write transaction open in another database)`);

  // 6. Rebuild from the outbox.
  started = Date.now();
  const result = await rebuild(database.pool, { batchSize: 10_000 });
  const rebuildMs = Date.now() - started;
  const same = result.differences.every((d) => d.onlyLive === 0 && d.onlyRebuilt === 0);
  console.log(`rebuild          ${rate(result.events, rebuildMs).padStart(18)}  (${seconds(rebuildMs)} for ${result.events.toLocaleString('en-US')} events incl. diff; equals live: ${same ? 'yes' : 'NO'})`);
} finally {
  await database.drop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
