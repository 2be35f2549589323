import type { DatabasePool } from 'slonik';
import type { LogConsumer } from '#src/log/event-log.js';
import type { MeteringMetrics } from '#src/platform/metrics.js';
import { LIVE_SCHEMA } from '#src/projection/usage-projection.js';
import { applyBatch } from './apply-batch.js';
import { readCursor } from './cursors.js';

export interface MeteringConsumerOptions {
  pool: DatabasePool;
  /** Names the cursor rows; one name per logical consumer (group). */
  name: string;
  schema?: string;
  metrics?: MeteringMetrics;
}

/** Binds the log port to the transactional fold; the same code for Kafka and the outbox. */
export function meteringConsumer(options: MeteringConsumerOptions): LogConsumer {
  const { pool, name, metrics } = options;
  const schema = options.schema ?? LIVE_SCHEMA;
  return {
    positionOf: (stream, partition) => readCursor(pool, name, stream, partition),
    async onBatch(batch) {
      const stop = metrics?.batchSeconds.startTimer({ stream: batch.stream });
      const outcome = await applyBatch(pool, name, batch, schema);
      stop?.();
      metrics?.eventsApplied.inc({ stream: batch.stream }, outcome.applied);
      if (outcome.deadLettered > 0) metrics?.deadLetters.inc({ stream: batch.stream }, outcome.deadLettered);
      return outcome.cursor;
    },
  };
}
