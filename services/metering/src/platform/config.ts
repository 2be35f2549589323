import { z } from 'zod';

// Every setting metering reads, with its default (listed in the README's second configuration table).
export const meteringConfigSchema = z.object({
  DATABASE_URL: z.string().url(),
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
  METERING_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1000),
  /**
   * Kafka partitions folded at once, each in its own PostgreSQL transaction. As many as the topic has
   * partitions by default: while some batches wait on PostgreSQL, others are decoded and folded.
   */
  METERING_PARTITION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  METERING_POLL_MS: z.coerce.number().int().min(1).default(250),
  METERING_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9102),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type MeteringConfig = Readonly<z.infer<typeof meteringConfigSchema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseMeteringConfig(environment: Record<string, string | undefined>): MeteringConfig {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const result = meteringConfigSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration:\n${result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  return Object.freeze(result.data);
}
