// Issue 22's combined fault test, bounded in time: PostgreSQL + Kafka + versitygw, the API in this
// process, the outbox relay and metering as their own processes. Accounts upload and delete through
// the API while metering and the relay are killed with -9 a few times and every database connection
// (the API's, the relay's, metering's) is cut with pg_terminate_backend. Afterwards, once the fold
// has caught up, every account's byte-ms in the projection equals the ground truth computed from
// the files table, no client saw a 500 (503s are retried as the SDK does), and what clients were
// told holds: a completed upload is not left pending, a deleted file is not left stored, and every
// file has its file.stored and (once deleted) exactly one file.deleted.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { sql, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { intervalByteMs } from '@baketsu/billing-core';
import { ensureTopic, relayBacklog, relayMigrations } from '@baketsu/contract/outbox';
import { cumulativeByteMs } from '@baketsu/metering/read-model';
import { signUp } from '#src/files/testing/files-test-kit.js';
import { createTestBucket, createTestDatabase, requireTestEnv, startTestApi, type TestApi, type TestBucket, type TestDatabase } from '#src/platform/testing/index.js';
import { emptyTally, runAccountLoad } from './fault-recovery/load.js';
import { supervise, type SupervisedProcess } from './fault-recovery/supervisor.js';

const ACCOUNTS = 6;
const LOAD_MS = 30_000;
/** The load goes on past LOAD_MS, up to this, until the minimum faults and work below have happened. */
const MAX_LOAD_MS = 40_000;
const MIN_KILLS = 2;
const MIN_CUTS = 4;
const MIN_UPLOADS = 40;
const MIN_DELETES = 15;
const FAULT_EVERY_MS = 2_500;
const CATCH_UP_TIMEOUT_MS = 30_000;
const suffix = Math.random().toString(16).slice(2, 10);
const topic = `baketsu.file-events.faults-${suffix}`;
const group = `metering-faults-${suffix}`;

let database: TestDatabase;
let bucket: TestBucket;
let api: TestApi;
let admin: pg.Client;
let kafka: Kafka;
const processes: SupervisedProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ extraMigrations: [relayMigrations], poolSize: 10 });
  bucket = await createTestBucket({ prefix: 'baketsu-faults' });
  kafka = new Kafka({ clientId: 'fault-test', brokers: requireTestEnv('TEST_KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  await ensureTopic(kafka, { topic, partitions: 3 });
  api = await startTestApi({ database, env: bucket.env });
  admin = new pg.Client({ connectionString: database.connectionUrl });
  await admin.connect();
});
afterAll(async () => {
  await Promise.all(processes.map((child) => child.stop()));
  await admin?.end();
  await api?.stop();
  await database?.drop();
  await bucket?.drop();
});

/** Terminates every client backend of the test database but the test's own: the API's, the relay's, metering's. */
async function cutConnections(): Promise<number> {
  const { rows } = await admin.query<{ cut: number }>(`
    select count(*) filter (where pg_terminate_backend(pid))::int as cut from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`);
  return rows[0]?.cut ?? 0;
}

/** Outbox rows not yet published, plus records metering has not folded (its stored cursors against the topic's ends). */
async function backlog(): Promise<{ relay: number; metering: number }> {
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const ends = await kafkaAdmin.fetchTopicOffsets(topic).finally(() => kafkaAdmin.disconnect());
  const cursors = await database.pool.any(sql.type(z.object({ partition: z.number(), position: z.number() }))`
    select partition, position from metering_cursors where consumer = ${group} and stream = ${topic}`);
  const folded = new Map(cursors.map((cursor) => [cursor.partition, cursor.position + 1]));
  const metering = ends.reduce((sum, end) => sum + Math.max(0, Number(end.high) - (folded.get(end.partition) ?? 0)), 0);
  return { relay: await relayBacklog(database.pool), metering };
}

const epochMs = (column: string): FragmentSqlToken => sql.fragment`(extract(epoch from ${sql.identifier([column])}) * 1000)::int8`;

/** Byte-ms per account up to `horizonMs`, from the files table alone, by billing-core's interval rule. */
async function groundTruth(horizonMs: number): Promise<Map<string, bigint>> {
  const byteMs = intervalByteMs(sql.fragment`0`, sql.fragment`${horizonMs}::int8`, {
    sizeBytes: sql.fragment`size_bytes`,
    storedAtMs: epochMs('created_at'),
    deletedAtMs: epochMs('deleted_at'),
  });
  const rows = await database.pool.any(sql.type(z.object({ account_id: z.string(), byte_ms: z.string() }))`
    select account_id, sum(${byteMs})::text as byte_ms from files group by account_id`);
  return new Map(rows.map((row) => [row.account_id, BigInt(row.byte_ms)]));
}

/**
 * What the client was told holds in the tables, and each file's events match its row: every
 * completed upload is completed with its file, every deleted file is no longer stored, every file
 * has one file.stored, a file.deleted exactly when it left the stored state.
 */
async function brokenPromises(completedUploads: readonly string[], deletedFiles: readonly string[]): Promise<string[]> {
  const rows = await database.pool.anyFirst(sql.type(z.object({ problem: z.string() }))`
    with events as (
      select event->'data'->>'file_id' as file_id,
        count(*) filter (where event_type = 'file.stored') as stored, count(*) filter (where event_type = 'file.deleted') as deleted
      from outbox where event_type in ('file.stored', 'file.deleted') group by 1
    )
    select format('upload %s answered complete is %s', u.id, u.status) as problem from uploads u
      where u.id = any(${sql.array([...completedUploads], 'uuid')}) and (u.status <> 'completed' or not exists (select 1 from files f where f.upload_id = u.id))
    union all
    select format('file %s answered deleted is %s', f.id, f.status) from files f
      where f.id = any(${sql.array([...deletedFiles], 'uuid')}) and f.status = 'stored'
    union all
    select format('file %s (%s) has %s file.stored and %s file.deleted events', f.id, f.status, coalesce(e.stored, 0), coalesce(e.deleted, 0))
      from files f left join events e on e.file_id = f.id::text
      where coalesce(e.stored, 0) <> 1 or coalesce(e.deleted, 0) <> (case when f.status = 'stored' then 0 else 1 end)`);
  return [...rows];
}

/** Deterministic choices for a run (mulberry32); the timing of faults against requests is not. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

test('kill -9 of metering and the relay and cut database connections under load: byte-ms exact, no 500', { timeout: 150_000 }, async () => {
  const started = performance.now();
  const brokers = requireTestEnv('TEST_KAFKA_BROKERS');
  const common = { DATABASE_URL: database.connectionUrl, KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic, KAFKA_TOPIC_PARTITIONS: '3', LOG_LEVEL: 'info' };
  const relay = supervise('relay', 'services/api/src/outbox/relay-main.ts', { ...common, RELAY_METRICS_PORT: '0', RELAY_IDLE_MS: '50' }, 'outbox relay running');
  const metering = supervise(
    'metering',
    'services/metering/src/main.ts',
    { ...common, KAFKA_GROUP_ID: group, METERING_METRICS_PORT: '0', DATABASE_POOL_SIZE: '5', METERING_PARTITION_CONCURRENCY: '3' },
    'metering running',
  );
  processes.push(relay, metering);
  const clients = await Promise.all(Array.from({ length: ACCOUNTS }, () => signUp(api.url)));
  await Promise.all([relay.running(), metering.running()]);

  const random = seededRandom(2222);
  const tally = emptyTally();
  const stop = new AbortController();
  const loads = clients.map((client) => runAccountLoad(client, tally, random, stop.signal));
  const loadStarted = performance.now();
  let cuts = 0;
  let backendsCut = 0;
  const faults = [metering, 'cut', relay, 'cut'] as const;
  try {
    // Faults keep coming until the load time is over, each kind happened often enough (a process
    // restarting after a cut of its own start-up is waited for, not skipped) and enough work was
    // done under them, on a busy machine too; within a hard bound.
    const enough = () =>
      metering.kills >= MIN_KILLS && relay.kills >= MIN_KILLS && cuts >= MIN_CUTS && tally.uploads >= MIN_UPLOADS && tally.deletes >= MIN_DELETES;
    for (let round = 0; performance.now() - loadStarted < (enough() ? LOAD_MS : MAX_LOAD_MS); round++) {
      await sleep(FAULT_EVERY_MS * (0.6 + 0.8 * random()));
      const fault = faults[round % faults.length]!;
      if (fault === 'cut') {
        backendsCut += await cutConnections();
        cuts += 1;
      } else {
        await Promise.race([fault.running(), sleep(10_000)]);
        await fault.kill9();
      }
    }
  } finally {
    stop.abort();
    await Promise.all(loads);
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  // The replacement metering rejoins the group once the dead member's session (6 s) expires.
  const caughtUpStarted = performance.now();
  await vi.waitFor(
    async () => {
      const left = await backlog();
      if (left.relay > 0 || left.metering > 0) throw new Error(`backlog: ${left.relay} outbox rows unpublished, ${left.metering} records unfolded`);
    },
    { timeout: CATCH_UP_TIMEOUT_MS, interval: 250 },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${relay.log()}\n${metering.log()}`);
  });
  const catchUpSeconds = (performance.now() - caughtUpStarted) / 1000;

  const horizonMs = Date.now();
  const truth = await groundTruth(horizonMs);
  const accounts = await database.pool.anyFirst(sql.type(z.object({ id: z.string() }))`select id from accounts`);
  let difference = 0n;
  const differences: string[] = [];
  for (const accountId of accounts) {
    const projected = await cumulativeByteMs(database.pool, accountId, horizonMs);
    const exact = truth.get(accountId) ?? 0n;
    difference += projected > exact ? projected - exact : exact - projected;
    if (projected !== exact) differences.push(`${accountId}: projection ${projected}, files table ${exact}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `fault test: ${tally.operations} operations (${tally.uploads} uploads, ${tally.deletes} deletes, ${tally.requests} requests) across ${ACCOUNTS} accounts in ${loadSeconds.toFixed(1)} s; ` +
      `kill -9: metering ${metering.kills}, relay ${relay.kills} (exits by themselves: metering ${metering.unexpectedExits}, relay ${relay.unexpectedExits}); ` +
      `connection cuts: ${cuts} rounds, ${backendsCut} backends; 503s retried: ${tally.unavailable}, settled by an earlier attempt: ${tally.settledByEarlierAttempt}; ` +
      `caught up in ${catchUpSeconds.toFixed(1)} s; byte-ms difference over ${accounts.length} accounts: ${difference}; run ${seconds} s`,
  );

  expect(tally.unexpected).toEqual([]);
  expect(await brokenPromises(tally.completedUploads, tally.deletedFiles)).toEqual([]);
  expect(differences).toEqual([]);
  expect(difference).toBe(0n);
  expect(tally.uploads).toBeGreaterThanOrEqual(MIN_UPLOADS);
  expect(tally.deletes).toBeGreaterThanOrEqual(MIN_DELETES);
  expect(metering.kills).toBeGreaterThanOrEqual(MIN_KILLS);
  expect(relay.kills).toBeGreaterThanOrEqual(MIN_KILLS);
  expect(cuts).toBeGreaterThanOrEqual(MIN_CUTS);
});
