import { untilCommittedRowsReadable } from '@baketsu/contract/outbox';
import type { DatabasePool } from 'slonik';
import type { Logger } from 'pino';
import { meteringConsumer } from '#src/consumer/metering-consumer.js';
import { postgresEventLog } from '#src/log/postgres-event-log.js';
import { createMeteringMetrics } from '#src/platform/metrics.js';
export { meteringMigrations, migrateMetering } from '#src/read-model/schema.js';
import type { Registry } from 'prom-client';

export const EMBEDDED_CONSUMER = 'metering-embedded';

export interface EmbeddedMetering {
  /** Folds everything committed so far; resolves when the outbox is drained (tests, rebuilds). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Embedded mode: metering runs inside the API process on the API's own pool (PGlite allows one
 * connection), reading the outbox table directly instead of Kafka.
 */
export function startEmbeddedMetering(options: {
  pool: DatabasePool;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  /** The API's metrics registry: metering's counters and lag are exported on its /metrics. */
  registry?: Registry;
  /** Start the background loop (default); false leaves draining to the caller. */
  poll?: boolean;
}): EmbeddedMetering {
  const log = postgresEventLog(options.pool, { idleMs: options.intervalMs ?? 500, batchSize: options.batchSize ?? 1000 });
  const metrics = options.registry
    ? createMeteringMetrics({ registry: options.registry, lag: () => log.lag(meteringConsumer({ pool: options.pool, name: EMBEDDED_CONSUMER })) })
    : undefined;
  const consumer = meteringConsumer({ pool: options.pool, name: EMBEDDED_CONSUMER, metrics });
  let loop: Promise<void> | undefined;
  if (options.poll !== false) {
    const runLoop = async (): Promise<void> => {
      try {
        await log.run(consumer);
      } catch (error) {
        // A failed batch rolled back whole; log it and resume from the stored cursor.
        options.logger.error({ err: error }, 'embedded metering failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
        if (!stopped) return runLoop();
      }
    };
    let stopped = false;
    loop = runLoop();
    return {
      drain: () => drain(),
      async stop() {
        stopped = true;
        await log.stop();
        await loop;
      },
    };
  }
  async function drain(): Promise<number> {
    // Without this, a drain during some unrelated short write folded nothing and returned as if drained.
    await untilCommittedRowsReadable(options.pool);
    let total = 0;
    for (let count = await log.pollOnce(consumer); count > 0; count = await log.pollOnce(consumer)) total += count;
    return total;
  }
  return { drain, stop: async () => log.stop() };
}
