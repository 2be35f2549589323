// Webhooks benchmark (issue 16), one run, the dispatcher as the API runs it, a local receiver:
//   0. idle: transaction ids the cluster used in BENCH_IDLE_SECONDS (default 5) without a
//      dispatcher, then with one that has nothing to do; the difference is the writes an idle
//      dispatcher costs (ids are cluster-wide: run it with nothing else on the database)
//   1. throughput: BENCH_BURST events (default 20,000) already in the outbox, fanned out and
//      delivered to one endpoint; deliveries per second, from start to the last arrival
//   2. freshness: BENCH_RATE events/s (default 1,000) committed in small transactions for
//      BENCH_SECONDS (default 10); from each commit to its arrival at the receiver, p50/p99
//      (target p99 < 1 s)
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
//   npx tsx bench/webhooks.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileEvent, type FileEvent } from '@baketsu/contract/events';
import { appendAllToOutbox } from '@baketsu/contract/outbox';
import { systemClock } from '@baketsu/platform/clock';
import { createLogger } from '@baketsu/platform/logger';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { createTestDatabase } from '../services/api/src/platform/testing/index.js';
import { startWebhookDispatcher } from '../services/api/src/webhooks/dispatcher.js';

const BURST = Number(process.env.BENCH_BURST ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 5);
const COMMITS_PER_SECOND = 100;

const database = await createTestDatabase({ poolSize: 10 });
const arrivals = new Map<string, number>();
let waiter: { count: number; resolve: () => void } | undefined;
const receiver = createServer((request, response) => {
  const id = String(request.headers['webhook-id']);
  request.resume();
  request.on('end', () => {
    if (!arrivals.has(id)) arrivals.set(id, performance.timeOrigin + performance.now());
    response.writeHead(204).end();
    if (waiter && arrivals.size >= waiter.count) waiter.resolve();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
const arrived = (count: number) => new Promise<void>((resolve) => {
  waiter = { count, resolve };
  if (arrivals.size >= count) resolve();
});

const accountId = uuidv7();
const events = (count: number): FileEvent[] =>
  Array.from({ length: count }, () =>
    fileEvent('file.stored', uuidv7(), { file_id: uuidv7(), account_id: accountId, size_bytes: 1024, content_type: 'image/jpeg', stored_at: new Date().toISOString() }),
  );
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

try {
  await database.pool.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${accountId}, 'bench@example.com', 'x')`);
  await database.pool.query(sql.unsafe`
    insert into webhook_endpoints (id, account_id, url, event_types, secret, created_at)
    values (${uuidv7()}, ${accountId}, ${url}, ${sql.array(['file.stored'], 'text')}, ${'whsec_' + Buffer.alloc(32, 1).toString('base64')}, now())`);
  const options = {
    pool: database.pool,
    clock: systemClock,
    wallClock: systemClock,
    logger: createLogger('warn', { service: 'bench-webhooks' }),
    allowPrivateUrls: true,
    timeoutMs: 10_000,
    disableAfterMs: 5 * 86_400_000,
    dashboardUrl: 'http://localhost:5173',
    // The API's defaults (WEBHOOK_CONCURRENCY, WEBHOOK_POLL_MS).
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 512),
    pollMs: 100,
  };

  // 0. Idle: how many transaction ids the cluster uses meanwhile, without and with a dispatcher.
  const nextTransactionId = async () =>
    BigInt(await database.pool.oneFirst(sql.type(z.object({ xid: z.string() }))`select pg_snapshot_xmax(pg_current_snapshot())::text as xid`));
  const idsUsedIn = async (seconds: number) => {
    const first = await nextTransactionId();
    await sleep(seconds * 1000);
    return Number((await nextTransactionId()) - first);
  };
  const withoutDispatcher = await idsUsedIn(IDLE_SECONDS);
  let dispatcher = startWebhookDispatcher(options);
  await sleep(500);
  const withIdleDispatcher = await idsUsedIn(IDLE_SECONDS);
  await dispatcher.stop();
  console.log(
    `idle         ${((withIdleDispatcher - withoutDispatcher) / IDLE_SECONDS).toFixed(1)} write transactions/s from one idle dispatcher` +
      `  (transaction ids used in ${IDLE_SECONDS} s: ${withIdleDispatcher} with it, ${withoutDispatcher} without; poll every ${options.pollMs} ms)`,
  );

  // 1. Throughput.
  const burst = events(BURST);
  for (let i = 0; i < burst.length; i += 5000) await database.pool.transaction((tx) => appendAllToOutbox(tx, burst.slice(i, i + 5000)));
  let started = performance.now();
  dispatcher = startWebhookDispatcher(options);
  await arrived(BURST);
  const burstMs = performance.now() - started;
  await dispatcher.stop();
  console.log(`throughput   ${Math.round((BURST * 1000) / burstMs).toLocaleString('en-US')} deliveries/s  (${BURST.toLocaleString('en-US')} events in ${(burstMs / 1000).toFixed(1)} s, one endpoint, concurrency ${options.concurrency})`);

  // 2. Freshness at RATE events/s: commit, note when the commit returned, measure to arrival.
  arrivals.clear();
  dispatcher = startWebhookDispatcher(options);
  const committedAt = new Map<string, number>();
  const perCommit = Math.max(1, Math.round(RATE / COMMITS_PER_SECOND));
  const commits = SECONDS * COMMITS_PER_SECOND;
  started = performance.now();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < commits; i++) {
    const due = started + (i * 1000) / COMMITS_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const batch = events(perCommit);
    writes.push(
      database.pool.transaction((tx) => appendAllToOutbox(tx, batch)).then(() => {
        const at = performance.timeOrigin + performance.now();
        for (const event of batch) committedAt.set(event.id, at);
      }),
    );
  }
  await Promise.all(writes);
  const offeredRate = (committedAt.size * 1000) / (performance.now() - started);
  await arrived(committedAt.size);
  await dispatcher.stop();
  const latencies = [...committedAt].map(([id, at]) => arrivals.get(id)! - at).sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(
    `commit→delivery at ${Math.round(offeredRate).toLocaleString('en-US')} events/s: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms` +
      `  (${committedAt.size.toLocaleString('en-US')} events; target p99 < 1,000 ms: ${p99 < 1000 ? 'met' : 'NOT met'})`,
  );
} finally {
  receiver.close();
  await database.drop();
}
