// Composition root of the metering process: `run` (default) folds the log into usage;
// `rebuild [--swap]` replays the outbox into fresh tables, prints the differences, optionally swaps.
import { ensureTopic } from '@baketsu/contract/outbox';
import { exitOnConfigError, parseEnv } from '@baketsu/platform/config';
import { logConnectionRetries } from '@baketsu/platform/connection-retry';
import { connectPostgres } from '@baketsu/platform/database';
import { createLogger } from '@baketsu/platform/logger';
import { Kafka, logLevel } from 'kafkajs';
import { assertMeterUnitUnchanged, MeterUnitChangedError } from '#src/billing/reporter.js';
import { reporterBillingProvider, startReporterLoop } from '#src/billing/reporter-loop.js';
import { meteringConsumer } from '#src/consumer/metering-consumer.js';
import { EMBEDDED_CONSUMER } from '#src/embedded.js';
import type { EventLog } from '#src/log/event-log.js';
import { kafkaEventLog } from '#src/log/kafka-event-log.js';
import { postgresEventLog } from '#src/log/postgres-event-log.js';
import { meteringConfigSchema } from '#src/platform/config.js';
import { migrateMetering } from '#src/read-model/schema.js';
import { createMeteringMetrics, serveMetrics } from '#src/platform/metrics.js';
import { formatDifferences, rebuild } from '#src/rebuild/rebuild.js';

async function main(argv: string[]): Promise<void> {
  const config = await exitOnConfigError(() => parseEnv(meteringConfigSchema, process.env));
  const logger = createLogger(config.LOG_LEVEL, { service: 'metering' });
  const database = await connectPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE, logConnectionRetries(logger));
  await migrateMetering({ connectionUrl: database.connectionUrl, logger });

  const [command = 'run', ...flags] = argv;
  if (command === 'rebuild') {
    const started = Date.now();
    const result = await rebuild(database.pool, { swap: flags.includes('--swap') });
    console.log(`${formatDifferences(result)}\ntook ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await database.close();
    process.exit(result.differences.every((d) => d.onlyLive === 0 && d.onlyRebuilt === 0) ? 0 : 1);
  }
  if (command !== 'run') {
    console.error(`unknown command "${command}"; use "run" or "rebuild [--swap]"`);
    process.exit(64);
  }

  // A changed BILLING_METER_UNIT is a configuration error: refused before anything runs.
  if (config.STRIPE_SECRET_KEY) {
    await assertMeterUnitUnchanged(database.pool, config.BILLING_METER_UNIT).catch(async (error: unknown) => {
      if (!(error instanceof MeterUnitChangedError)) throw error;
      console.error(error.message);
      await database.close();
      process.exit(78);
    });
  }

  let log: EventLog;
  if (config.KAFKA_BROKERS) {
    const kafka = new Kafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logLevel: logLevel.WARN });
    // Whichever of relay and metering starts first creates the topic, with the same settings.
    await ensureTopic(kafka, { topic: config.KAFKA_TOPIC, partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR });
    log = kafkaEventLog({
      kafka,
      groupId: config.KAFKA_GROUP_ID,
      topic: config.KAFKA_TOPIC,
      partitionsConsumedConcurrently: config.METERING_PARTITION_CONCURRENCY,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
      rebalanceTimeoutMs: config.KAFKA_REBALANCE_TIMEOUT_MS,
    });
  } else {
    log = postgresEventLog(database.pool, { batchSize: config.METERING_BATCH_SIZE, idleMs: config.METERING_POLL_MS });
  }
  const name = config.KAFKA_BROKERS ? config.KAFKA_GROUP_ID : EMBEDDED_CONSUMER;
  const metrics = createMeteringMetrics({ defaults: true, lag: () => log.lag(meteringConsumer({ pool: database.pool, name })) });
  const consumer = meteringConsumer({ pool: database.pool, name, metrics });
  const server = await serveMetrics(metrics.registry, config.METERING_METRICS_PORT, config.HOST);
  // The hourly Stripe reporter lives beside the fold; it is idle in ledger-only mode.
  const reporter = startReporterLoop({ pool: database.pool, config, provider: reporterBillingProvider(config), logger });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    void Promise.all([log.stop(), reporter.stop()]).then(() => server.close()).then(() => database.close()).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  logger.info({ log: log.name, database: database.description }, 'metering running');
  // A failure here rolled its batch back whole; exiting lets the supervisor restart from the cursors.
  await log.run(consumer).catch((error: unknown) => {
    logger.fatal({ err: error }, 'metering stopped');
    process.exit(1);
  });
}

await main(process.argv.slice(2));
