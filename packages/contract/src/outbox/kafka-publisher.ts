import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import type { EventPublisher, OutboxMessage } from './relay.js';

export const FILE_EVENTS_TOPIC = 'baketsu.file-events';

/**
 * Creates the topic if it is missing. LogAppendTime makes record timestamps the broker's clock, so
 * consumer lag in time is measured against one clock instead of each producer's.
 */
export async function ensureTopic(kafka: Kafka, options: { topic?: string; partitions: number; replicationFactor?: number }): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: options.topic ?? FILE_EVENTS_TOPIC,
          numPartitions: options.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

export interface KafkaPublisher extends EventPublisher {
  disconnect(): Promise<void>;
}

/** Idempotent producer, one request in flight: retries can neither duplicate nor reorder within a partition. */
export async function kafkaPublisher(kafka: Kafka, topic = FILE_EVENTS_TOPIC): Promise<KafkaPublisher> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async publish(messages: OutboxMessage[]) {
      if (messages.length === 0) return;
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
    },
    disconnect: () => producer.disconnect(),
  };
}
