import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEnv, uniqueName } from './env.js';

const brokers = requireEnv('TEST_KAFKA_BROKERS').split(',');

describe('Kafka (kafkajs against the real broker)', () => {
  const kafka = new Kafka({ clientId: 'baketsu-infra-test', brokers, logLevel: logLevel.NOTHING });
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
  });

  it('produces to a fresh topic and consumes the same record back', async () => {
    const topic = uniqueName('infra-test');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const created = await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      expect(created).toBe(true);
    } finally {
      await admin.disconnect();
    }

    const value = JSON.stringify({ type: 'file.stored', id: uniqueName('evt'), bytes: 12345 });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: 'acct_1', value }] });
    expect(meta?.errorCode).toBe(0);

    consumer = kafka.consumer({ groupId: uniqueName('infra-test-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<{ key: string; value: string; offset: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no record on ${topic} within 30s`)), 30_000);
      void consumer!
        .run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              offset: message.offset,
            });
          },
        })
        .catch(reject);
    });

    const record = await received;
    expect(record).toEqual({ key: 'acct_1', value, offset: '0' });
  });
});
