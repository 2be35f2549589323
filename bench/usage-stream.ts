// Live usage with 1,000 open streams (issue #17): how long after a complete, or a delete, answers
// does every stream of that account hold the new numbers (p50/p99), and what do the streams cost
// the database — transactions per second from pg_stat_database, with 0 and with 1,000 streams,
// idle and while files are stored and deleted, and the snapshot reads the API made.
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import pino from 'pino';
import { sql } from 'slonik';
import { signUp, uploadFile, type Client } from '../services/api/src/files/testing/files-test-kit.js';
import { startTestApi } from '../services/api/src/platform/testing/index.js';
import { openUsageStream, type UsageStreamReader } from '../services/api/src/usage/testing/usage-stream-reader.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 60);
const WINDOW_SECONDS = Number(process.env.BENCH_WINDOW_SECONDS ?? 10);
// Metering's own default poll of the outbox (METERING_POLL_MS); the fold's delay is part of the latency.
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);

const api = await startTestApi({
  env: { VALIDATE_RESPONSES: 'false', USAGE_STREAM_MAX_PER_ACCOUNT: String(Math.ceil(STREAMS / ACCOUNTS)), LOG_LEVEL: 'warn' },
  logDestination: '/dev/null',
  workers: [({ database }) => startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), intervalMs: POLL_MS })],
});
const databaseName = new URL(api.database.connectionUrl).pathname.slice(1);

/** Committed and rolled-back transactions of this database so far (every statement outside a transaction is one). */
async function transactions(): Promise<number> {
  // Other backends report their counts when their transactions end (at most a second late): read
  // a fresh snapshot of the statistics, not one cached by this transaction.
  await api.database.pool.query(sql.unsafe`select pg_stat_clear_snapshot()`);
  const row = await api.database.pool.one(sql.unsafe`
    select (xact_commit + xact_rollback)::int8 as total from pg_stat_database where datname = ${databaseName}`);
  return Number((row as { total: number }).total);
}

async function snapshotsRead(): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  return Number(/^usage_stream_snapshots_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** Transactions per second over `seconds` while `work` runs (or idle), less the measuring itself. */
async function rate(seconds: number, work?: () => Promise<void>): Promise<{ perSecond: number; seconds: number }> {
  await new Promise((resolve) => setTimeout(resolve, 1_100)); // let earlier counts be reported
  const before = await transactions();
  const started = performance.now();
  if (work) await work();
  else await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const elapsed = (performance.now() - started) / 1000;
  const after = await transactions();
  // Each reading is itself two statements.
  return { perSecond: (after - before - 2) / elapsed, seconds: elapsed };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

const accounts: Client[] = [];
for (let i = 0; i < ACCOUNTS; i++) accounts.push(await signUp(api.url));
const streams = new Map<Client, UsageStreamReader[]>(accounts.map((account) => [account, []]));
const fileCounts = new Map<Client, number>(accounts.map((account) => [account, 0]));
const kept = new Map<Client, string[]>(accounts.map((account) => [account, []]));
let uploaded = 0;

/** Stores or deletes one file per step, round-robin over the accounts; with streams open, waits for all of them. */
async function operations(count: number, latencies?: { store: number[]; delete: number[] }): Promise<void> {
  for (let step = 0; step < count; step++) {
    const account = accounts[step % accounts.length]!;
    const files = kept.get(account)!;
    const storing = files.length === 0 || step % (2 * accounts.length) < accounts.length;
    const readers = streams.get(account)!;
    // Marked before acting: an update may arrive before the action's own answer has been read.
    const marks = readers.map((reader) => reader.events.length);
    let answeredAt: number;
    if (storing) {
      const file = await uploadFile(account, `bench-${(uploaded += 1)}.txt`, 'b'.repeat(1000 + step));
      answeredAt = performance.now();
      files.push(file.id);
      fileCounts.set(account, fileCounts.get(account)! + 1);
    } else {
      const response = await account.call('DELETE', `/v1/files/${files.shift()}`);
      answeredAt = performance.now();
      if (response.status !== 204) throw new Error(`delete answered ${response.status}`);
      fileCounts.set(account, fileCounts.get(account)! - 1);
    }
    if (!latencies) continue;
    const expected = fileCounts.get(account)!;
    const arrivals = await Promise.all(readers.map((reader, i) => reader.waitFor((usage) => usage.file_count === expected, { timeoutMs: 10_000, since: marks[i]! })));
    for (const arrival of arrivals) (storing ? latencies.store : latencies.delete).push(arrival.receivedAt - answeredAt);
  }
}

try {
  console.log(`${STREAMS} streams over ${ACCOUNTS} accounts, ${OPERATIONS} store/delete operations, metering polls the outbox every ${POLL_MS} ms, node ${process.version}`);
  await operations(ACCOUNTS); // warm-up: every account holds a file
  const idleWithout = await rate(WINDOW_SECONDS);
  const busyWithout = await rate(0, () => operations(OPERATIONS));

  const opening = performance.now();
  // Opened 50 at a time, as a crowd of dashboards would connect.
  for (let first = 0; first < STREAMS; first += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, STREAMS - first) }, async (_, offset) => {
        const account = accounts[(first + offset) % ACCOUNTS]!;
        const reader = await openUsageStream(api.url, account.token);
        if (reader.status !== 200) throw new Error(`stream answered ${reader.status}: ${JSON.stringify(reader.problem)}`);
        streams.get(account)!.push(reader);
      }),
    );
  }
  await Promise.all([...streams.values()].flat().map((reader) => reader.next({ timeoutMs: 30_000 })));
  console.log(`opened ${STREAMS} streams, each with its first event, in ${((performance.now() - opening) / 1000).toFixed(1)} s`);

  const idleWith = await rate(WINDOW_SECONDS);
  const latencies = { store: [] as number[], delete: [] as number[] };
  const snapshotsBefore = await snapshotsRead();
  const busyWith = await rate(0, () => operations(OPERATIONS, latencies));
  const snapshots = (await snapshotsRead()) - snapshotsBefore;

  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`(latency: from the moment the answer to complete/delete is read to an update on each stream of that account; negative: the update came first)`);
  console.log(`complete → update on every stream of the account: p50 ${ms(percentile(latencies.store, 50))}, p99 ${ms(percentile(latencies.store, 99))}, max ${ms(Math.max(...latencies.store))} (${latencies.store.length} deliveries)`);
  console.log(`delete   → update on every stream of the account: p50 ${ms(percentile(latencies.delete, 50))}, p99 ${ms(percentile(latencies.delete, 99))}, max ${ms(Math.max(...latencies.delete))} (${latencies.delete.length} deliveries)`);
  console.log(`database transactions per second (pg_stat_database, this database):`);
  console.log(`  idle,  0 streams: ${idleWithout.perSecond.toFixed(1)}/s   idle, ${STREAMS} streams: ${idleWith.perSecond.toFixed(1)}/s`);
  const perOperation = (busy: { perSecond: number; seconds: number }, idle: { perSecond: number }) => ((busy.perSecond - idle.perSecond) * busy.seconds) / OPERATIONS;
  console.log(`  busy,  0 streams: ${busyWithout.perSecond.toFixed(1)}/s   busy, ${STREAMS} streams: ${busyWith.perSecond.toFixed(1)}/s  (${OPERATIONS} operations in ${busyWithout.seconds.toFixed(1)} s and ${busyWith.seconds.toFixed(1)} s)`);
  console.log(`  per store/delete, above idle: ${perOperation(busyWithout, idleWithout).toFixed(1)} transactions with 0 streams, ${perOperation(busyWith, idleWith).toFixed(1)} with ${STREAMS}`);
  console.log(`  snapshot reads for ${OPERATIONS} changes seen by ${STREAMS} streams: ${snapshots} (one statement each)`);
} finally {
  for (const reader of [...streams.values()].flat()) reader.close();
  await api.stop();
}
