// Composition root of the outbox relay: its own process, so it can be scaled and restarted apart
// from the API. Several instances are safe: they take turns on the locked cursor row.
import { createServer } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';
import { ensureTopic, FILE_EVENTS_TOPIC, kafkaPublisher, outboxRelay, relayMigrations } from '@baketsu/contract/outbox';
import { systemClock } from '@baketsu/platform/clock';
import { exitOnConfigError, parseEnv, workerProcessShape } from '@baketsu/platform/config';
import { logConnectionRetries } from '@baketsu/platform/connection-retry';
import { connectPostgres } from '@baketsu/platform/database';
import { createLogger } from '@baketsu/platform/logger';
import { migrate } from '@baketsu/platform/migrations';
import { createRelayMetrics } from './relay-metrics.js';

const relayConfigSchema = z.object({
  ...workerProcessShape,
  KAFKA_BROKERS: z.string().min(1).transform((value) => value.split(',').map((broker) => broker.trim())),
  KAFKA_CLIENT_ID: z.string().min(1).default('baketsu-relay'),
  KAFKA_TOPIC: z.string().min(1).default(FILE_EVENTS_TOPIC),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  RELAY_IDLE_MS: z.coerce.number().int().min(1).default(50),
  RELAY_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9101),
});

async function main(): Promise<void> {
  const config = await exitOnConfigError(() => parseEnv(relayConfigSchema, process.env));
  const logger = createLogger(config.LOG_LEVEL, { service: 'relay' });
  const database = await connectPostgres(config.DATABASE_URL, 2, logConnectionRetries(logger));
  await migrate({ connectionUrl: database.connectionUrl, ...relayMigrations, logger });
  const kafka = new Kafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logLevel: logLevel.WARN });
  if (await ensureTopic(kafka, { topic: config.KAFKA_TOPIC, partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR })) {
    logger.info({ topic: config.KAFKA_TOPIC, partitions: config.KAFKA_TOPIC_PARTITIONS }, 'topic created');
  }
  const publisher = await kafkaPublisher(kafka, config.KAFKA_TOPIC);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const relay = outboxRelay({
    pool: database.pool,
    publisher,
    clock: systemClock,
    batchSize: config.RELAY_BATCH_SIZE,
    idleMs: config.RELAY_IDLE_MS,
    metrics: createRelayMetrics(registry, database.pool),
  });
  const metricsServer = createServer((request, response) => {
    if (request.url === '/healthz') return void response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    if (request.url !== '/metrics') return void response.writeHead(404).end();
    registry.metrics().then((body) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(body), () => response.writeHead(500).end());
  }).listen(config.RELAY_METRICS_PORT, config.HOST);

  const controller = new AbortController();
  const shutdown = () => controller.abort();
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  logger.info({ brokers: config.KAFKA_BROKERS, topic: config.KAFKA_TOPIC }, 'outbox relay running');
  try {
    while (!controller.signal.aborted) {
      try {
        await relay.run(controller.signal);
      } catch (error) {
        logger.error({ err: error }, 'relay batch failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  } finally {
    metricsServer.close();
    await publisher.disconnect();
    await database.close();
  }
}

await main();
