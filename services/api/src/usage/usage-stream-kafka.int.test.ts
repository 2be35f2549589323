// The live usage stream in the scaled layout: the relay and metering run as their own processes
// (their real entry points), events travel outbox → relay → Kafka → metering, and the API hears of
// the fold's commit through PostgreSQL's NOTIFY. Updates still arrive within a second.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { requireTestEnv, startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { openUsageStream, type UsageStreamReader } from './testing/usage-stream-reader.js';

const RELAY_MAIN = fileURLToPath(new URL('../outbox/relay-main.ts', import.meta.url));
const METERING_MAIN = fileURLToPath(new URL('../../../metering/src/main.ts', import.meta.url));

let api: TestApi;
let alice: Client;
const children: ChildProcess[] = [];
const readers: UsageStreamReader[] = [];
let stopping = false;

function startProcess(entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // kafkajs warns at length while a group forms; what a process said is shown only if it died.
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString('utf8')).slice(-10_000)));
  child.once('exit', (code) => {
    if (code !== 0 && !stopping) console.error(`${entry} exited with ${code}:\n${said}`);
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  // No in-process metering: only the Kafka pipeline folds this database's outbox.
  api = await startTestApi();
  const suffix = randomUUID().slice(0, 8);
  const shared = {
    DATABASE_URL: api.database.connectionUrl,
    KAFKA_BROKERS: requireTestEnv('TEST_KAFKA_BROKERS'),
    KAFKA_TOPIC: `baketsu.file-events.usage-stream-${suffix}`,
    KAFKA_TOPIC_PARTITIONS: '2',
  };
  startProcess(RELAY_MAIN, { ...shared, RELAY_METRICS_PORT: '0', RELAY_IDLE_MS: '20' });
  startProcess(METERING_MAIN, { ...shared, KAFKA_GROUP_ID: `usage-stream-${suffix}`, METERING_METRICS_PORT: '0', DATABASE_POOL_SIZE: '4', METERING_PARTITION_CONCURRENCY: '2' });
  alice = await signUp(api.url);
  // The consumer group takes a few seconds to join: wait until a first file is folded.
  await uploadFile(alice, 'warm-up.txt', 'warm up');
  await vi.waitFor(async () => expect((await alice.call('GET', '/v1/dashboard/usage')).body.file_count).toBe(1), { timeout: 45_000, interval: 200 });
}, 90_000);

afterAll(async () => {
  stopping = true;
  for (const reader of readers) reader.close();
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await api?.stop();
});

test('with Kafka, the stream carries the fold of a complete and of a delete within a second', async () => {
  const reader = await openUsageStream(api.url, alice.token);
  readers.push(reader);
  const before = await reader.next();
  expect(before.usage.file_count).toBe(1);

  const completedAt = performance.now();
  const file = await uploadFile(alice, 'through-kafka.txt', 'k'.repeat(2048));
  const stored = await reader.waitFor((usage) => usage.file_count === 2, { timeoutMs: 3_000, since: 0 });
  expect(stored.receivedAt - completedAt).toBeLessThan(1_000);
  expect(stored.usage.stored_bytes).toBe(before.usage.stored_bytes + 2048);

  const since = reader.events.length;
  const deletedAt = performance.now();
  expect((await alice.call('DELETE', `/v1/files/${file.id}`)).status).toBe(204);
  const deleted = await reader.waitFor((usage) => usage.file_count === 1, { timeoutMs: 3_000, since });
  expect(deleted.receivedAt - deletedAt).toBeLessThan(1_000);
  expect(deleted.usage.stored_bytes).toBe(before.usage.stored_bytes);
});
