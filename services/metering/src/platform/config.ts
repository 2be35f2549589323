import { billingConfigShape, priceConfigShape } from '@baketsu/billing';
import { reporterConfigShape } from '#src/billing/billing-config.js';
import { workerProcessShape } from '@baketsu/platform/config';
import { z } from 'zod';

// Every setting the metering process reads, with its default (listed in the README's second
// configuration table): its own, and the billing settings of the Stripe reporter running beside the fold.
export const meteringConfigSchema = z.object({
  ...workerProcessShape,
  /** At least METERING_PARTITION_CONCURRENCY + 2: every batch being folded holds a connection. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(8),
  /** Comma-separated; when unset, metering reads the outbox table directly (embedded mode). */
  KAFKA_BROKERS: z
    .string()
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('baketsu-metering'),
  KAFKA_GROUP_ID: z.string().min(1).default('baketsu-metering'),
  KAFKA_TOPIC: z.string().min(1).default('baketsu.file-events'),
  /** Used only if metering starts before the relay and has to create the topic itself. */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  /**
   * A crashed consumer's partitions move on once its session times out: short, so a restart resumes
   * within seconds. The broker refuses values outside group.min/max.session.timeout.ms (6 s to 30 min by default).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(1_800_000).default(6000),
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  KAFKA_REBALANCE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  METERING_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1000),
  /**
   * Kafka partitions folded at once, each in its own PostgreSQL transaction. As many as the topic has
   * partitions by default: while some batches wait on PostgreSQL, others are decoded and folded.
   */
  METERING_PARTITION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  METERING_POLL_MS: z.coerce.number().int().min(1).default(250),
  METERING_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9102),
  ...priceConfigShape,
  ...billingConfigShape,
  ...reporterConfigShape,
});

export type MeteringConfig = Readonly<z.output<typeof meteringConfigSchema>>;
