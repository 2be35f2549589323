import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { EventLog, LogConsumer } from './event-log.js';

export const FILE_EVENTS_TOPIC = 'baketsu.file-events';
export const KAFKA_FETCH_BYTES_PER_PARTITION = 16 * 1024 * 1024;
export const KAFKA_FETCH_BYTES = 64 * 1024 * 1024;
// A killed consumer's partitions are handed on only when the broker gives up on its session, and
// kafkajs has no static membership (group.instance.id) to take them over at once; so the session is
// short: 6 s is the broker's default minimum (group.min.session.timeout.ms), against kafkajs's 30 s.
export const KAFKA_SESSION_TIMEOUT_MS = 6_000;
export const KAFKA_HEARTBEAT_INTERVAL_MS = 1_000;
// How long a rebalance waits for live members to rejoin: they rejoin after their batch in flight,
// which the fetch limits keep well under this.
export const KAFKA_REBALANCE_TIMEOUT_MS = 30_000;

export interface KafkaEventLogOptions {
  kafka: Kafka;
  groupId: string;
  topic?: string;
  /** Upper bound on bytes fetched per partition, i.e. on the size of one PostgreSQL transaction. */
  maxBytesPerPartition?: number;
  /** Upper bound on bytes per fetch, all partitions together. */
  maxBytes?: number;
  /** Partitions folded at the same time, each in its own PostgreSQL transaction. */
  partitionsConsumedConcurrently?: number;
  /** How long after its last heartbeat a member (a crashed process) is dropped and its partitions reassigned. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
}

/**
 * Kafka behind the EventLog port (kafkajs today; the port lets a maintained client replace it).
 * Offsets are never committed to Kafka: the truth is the cursor stored with the projection, and
 * every (re)assignment seeks there.
 */
export function kafkaEventLog(options: KafkaEventLogOptions): EventLog {
  const topic = options.topic ?? FILE_EVENTS_TOPIC;
  let consumer: Consumer | undefined;
  let admin: Admin | undefined;

  return {
    name: 'kafka',
    async run(logConsumer: LogConsumer) {
      consumer = options.kafka.consumer({
        groupId: options.groupId,
        // Big batches when catching up: every batch rewrites each touched account's aggregate rows
        // once, whatever its size, so a larger batch spreads that cost over more events. A consumer
        // that keeps up still gets small batches, as soon as they arrive.
        maxBytesPerPartition: options.maxBytesPerPartition ?? KAFKA_FETCH_BYTES_PER_PARTITION,
        maxBytes: options.maxBytes ?? KAFKA_FETCH_BYTES,
        allowAutoTopicCreation: false,
        sessionTimeout: options.sessionTimeoutMs ?? KAFKA_SESSION_TIMEOUT_MS,
        heartbeatInterval: options.heartbeatIntervalMs ?? KAFKA_HEARTBEAT_INTERVAL_MS,
        rebalanceTimeout: options.rebalanceTimeoutMs ?? KAFKA_REBALANCE_TIMEOUT_MS,
      });
      const active = consumer;
      // Resolves on stop, rejects when kafkajs gives up, so the caller can exit and be restarted.
      const finished = new Promise<void>((resolve, reject) => {
        active.on(active.events.STOP, () => resolve());
        active.on(active.events.CRASH, (event) => {
          if (!event.payload.restart) reject(event.payload.error);
        });
      });
      await active.connect();
      await active.subscribe({ topic, fromBeginning: true });
      active.on(active.events.GROUP_JOIN, (event) => {
        const partitions = event.payload.memberAssignment[topic] ?? [];
        for (const partition of partitions) {
          logConsumer.positionOf(topic, partition).then(
            (cursor) => active.seek({ topic, partition, offset: String(cursor.position + 1) }),
            () => undefined, // a failed lookup is harmless: stale records are filtered under the cursor lock
          );
        }
      });
      await active.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 6,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const records = batch.messages.map((message) => ({ transactionId: '0', position: Number(message.offset), value: message.value }));
          await logConsumer.onBatch({ stream: batch.topic, partition: batch.partition, records });
          resolveOffset(batch.lastOffset());
          await heartbeat();
        },
      });
      await finished;
    },
    async stop() {
      await consumer?.disconnect();
      await admin?.disconnect();
    },
    async lag(logConsumer) {
      if (!admin) {
        admin = options.kafka.admin();
        await admin.connect();
      }
      const offsets = await admin.fetchTopicOffsets(topic);
      return Promise.all(
        offsets.map(async ({ partition, high }) => {
          const cursor = await logConsumer.positionOf(topic, partition);
          return { stream: topic, partition, lag: Math.max(0, Number(high) - (cursor.position + 1)) };
        }),
      );
    },
  };
}
