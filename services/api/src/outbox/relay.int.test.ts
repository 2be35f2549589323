import { ConfigResourceTypes, Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { fileEvent } from '@baketsu/contract/events';
import { createTestDatabase, requireTestEnv, type TestDatabase } from '#src/platform/testing/index.js';
import { appendToOutbox, ensureTopic, kafkaPublisher, outboxRelay, relayBacklog, relayMigrations } from '@baketsu/contract/outbox';

let database: TestDatabase;
let kafka: Kafka;
const suffix = Math.random().toString(16).slice(2, 10);
const topic = `baketsu.file-events.relay-${suffix}`;
const clock = { now: () => new Date() };
let sequence = 0;
const uuid = () => `0190a0a0-0000-7000-8000-${(0x300000 + sequence++).toString(16).padStart(12, '0')}`;

beforeAll(async () => {
  database = await createTestDatabase({ extraMigrations: [relayMigrations] });
  kafka = new Kafka({ clientId: 'relay-test', brokers: requireTestEnv('TEST_KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
});
afterAll(async () => {
  await database?.drop();
});

/**
 * Every record the topic holds, read back once its high watermarks say all of them have arrived.
 * The relay is done publishing, so those watermarks are final: a duplicate would be counted there.
 */
async function consumeAll(): Promise<{ stored: number; messages: Array<KafkaMessage & { partition: number }> }> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const stored = offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  const consumer = kafka.consumer({ groupId: `relay-test-${suffix}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: Array<KafkaMessage & { partition: number }> = [];
  await consumer.run({ eachMessage: async ({ message, partition }) => void messages.push({ ...message, partition }) });
  try {
    await vi.waitFor(
      () => {
        if (messages.length < stored) throw new Error(`${messages.length} of ${stored} records consumed`);
      },
      { timeout: 30_000, interval: 50 },
    );
  } finally {
    await consumer.disconnect();
  }
  return { stored, messages };
}

describe('outbox relay', () => {
  test('creates the topic with its partitions and LogAppendTime', async () => {
    expect(await ensureTopic(kafka, { topic, partitions: 4 })).toBe(true);
    expect(await ensureTopic(kafka, { topic, partitions: 4 })).toBe(false);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions).toHaveLength(4);
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['message.timestamp.type'] }] });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('LogAppendTime');
    } finally {
      await admin.disconnect();
    }
  });

  test('two relays publish every row exactly once, keyed by account, in order per account', async () => {
    const accounts = [uuid(), uuid(), uuid()];
    const written: string[] = [];
    for (let i = 0; i < 60; i++) {
      const accountId = accounts[i % accounts.length]!;
      const event = fileEvent('file.stored', uuid(), { file_id: uuid(), account_id: accountId, size_bytes: i + 1, content_type: 'image/png', stored_at: new Date().toISOString() });
      written.push(event.id);
      await database.pool.transaction((tx) => appendToOutbox(tx, event));
    }
    expect(await relayBacklog(database.pool)).toBe(60);

    const publisher = await kafkaPublisher(kafka, topic);
    const relays = [1, 2].map(() => outboxRelay({ pool: database.pool, publisher, clock, batchSize: 7 }));
    const drain = async (relay: (typeof relays)[number]) => {
      while ((await relay.relayOnce()) > 0 || (await relayBacklog(database.pool)) > 0);
    };
    await Promise.all(relays.map(drain));
    await publisher.disconnect();
    expect(await relayBacklog(database.pool)).toBe(0);

    const { stored, messages } = await consumeAll();
    expect(stored).toBe(60);
    expect(messages).toHaveLength(60);
    for (const accountId of accounts) {
      const mine = messages.filter((message) => message.key?.toString() === accountId);
      expect(new Set(mine.map((message) => message.partition)).size).toBe(1);
      const ids = mine.map((message) => (JSON.parse(message.value!.toString()) as { id: string; subject: string }).id);
      expect(ids).toEqual(written.filter((_, i) => accounts[i % accounts.length] === accountId));
      expect(mine.every((message) => message.headers?.ce_type?.toString() === 'file.stored')).toBe(true);
    }
  });
});
