import type { Cursor } from '#src/consumer/cursors.js';
import type { LogBatch } from '#src/consumer/apply-batch.js';

/** What a log needs from its consumer: where to resume, and what to do with each batch. */
export interface LogConsumer {
  /** The stored cursor of a partition; the log resumes right after it. */
  positionOf(stream: string, partition: number): Promise<Cursor>;
  /** Handles a batch and returns the cursor now stored for its partition. */
  onBatch(batch: LogBatch): Promise<Cursor>;
}

/**
 * Port for the stream metering folds: `postgresEventLog` reads the outbox table itself (embedded
 * mode), `kafkaEventLog` reads the topic the relay feeds. Delivery is at-least-once, in order per
 * partition; exactly-once effect comes from the consumer's transactional cursor.
 */
export interface EventLog {
  readonly name: string;
  run(consumer: LogConsumer): Promise<void>;
  stop(): Promise<void>;
  /** Records not yet handled, per partition, for the lag metric. */
  lag(consumer: LogConsumer): Promise<Array<{ stream: string; partition: number; lag: number }>>;
}
