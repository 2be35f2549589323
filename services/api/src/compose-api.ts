// The one composition root of the API process, used by main.ts, the test kit and the dashboard's
// end-to-end stack alike: it connects to what the config names, builds every adapter (database,
// object store and its S3 clients, SQS, Stripe), wires the app and the background work, and knows
// how to take it all down again. Nothing below it connects or reads the environment.
import type { Express } from 'express';
import { migrateMetering } from '@baketsu/metering/read-model';
import type { BillingProvider } from '@baketsu/billing';
import { systemClock, type Clock } from '@baketsu/platform/clock';
import { logConnectionRetries } from '@baketsu/platform/connection-retry';
import { connectPostgres, startEmbeddedPostgres, type Database } from '@baketsu/platform/database';
import { migrate } from '@baketsu/platform/migrations';
import { Registry } from 'prom-client';
import { billingProviderFromConfig, destroyS3Clients, mailTransportFromConfig, s3ClientsFromConfig, sqsClientFromConfig } from './adapters.js';
import { buildApp } from './app.js';
import { logLoginSlowDown, loginLimits, loginRateLimitFor } from './auth/login-rate-limit.js';
import { sharePasswordLimits, sharePasswordRateLimitFor } from './shares/share-password-rate-limit.js';
import { accountJobs } from './accounts/account-jobs.js';
import { mailOutboxUsageAlertMailer } from './usage/usage-alert-mail.js';
import { mailLinkLimits, mailLinkRateLimitFor } from './auth/mail-link-rate-limit.js';
import { fileJobs, startPeriodic } from './files/background-jobs.js';
import { startStorageFollowers } from './files/storage-followers.js';
import { mailWorkerSettings } from './mail/mail-config.js';
import { startMailWorker } from './mail/mail-worker.js';
import { lifecycleJobs } from './lifecycle/lifecycle-executor.js';
import { storageFromConfig, type StorageSetup } from './files/storage-setup.js';
import { apiMigrations } from './platform/api-migrations.js';
import type { Config } from './platform/config.js';
import { loadOrCreateEmbeddedSecret } from './platform/embedded-secrets.js';
import { createLogger, type Logger } from './platform/logger.js';
import type { ObjectStore } from './storage/object-store.js';
import { usageStreamsFor } from './usage/usage-streams.js';
import type { UsageStreamHub } from './usage/usage-stream-hub.js';
import { webhookRetentionJobs } from './webhooks/delivery-retention.js';
import { webhookDispatcherFromConfig } from './webhooks/dispatcher-from-config.js';

/** Work that runs beside the API in its process, on its database (embedded metering, for one). */
export type InProcessWorker = (context: {
  config: Config;
  database: Database;
  logger: Logger;
  /** The API's metrics registry, so the worker's metrics show on the API's /metrics. */
  registry: Registry;
}) => { stop(): Promise<void> } | undefined;

/** What a caller may supply instead of what the config would build. */
export interface ApiOverrides {
  /** An already migrated database, left open by `close` (tests). Otherwise the config's, migrated here. */
  database?: Database;
  logger?: Logger;
  clock?: Clock;
  /** Instead of the one the config selects (e.g. to count calls to Stripe). */
  billingProvider?: BillingProvider;
  /** Wraps the configured object store (e.g. to inject storage failures). */
  wrapObjectStore?: (store: ObjectStore) => ObjectStore;
  /** More background work for this process (scripts/start.ts passes embedded metering). */
  workers?: InProcessWorker[];
}

export interface ApiWorkers {
  /** Starts the deletion sweep, reconciliation, storage notification followers, the mail worker, the webhook dispatcher and delivery retention, and the extra workers. */
  start(): void;
  /** Stops what `start` started, waiting for work in flight. */
  stop(): Promise<void>;
}

export interface ComposedApi {
  app: Express;
  workers: ApiWorkers;
  /** Stops the workers and releases every adapter (the database only when composeApi opened it). */
  close(): Promise<void>;
  config: Config;
  logger: Logger;
  database: Database;
  storage: StorageSetup;
  /** Names of the migrations applied while composing (empty when they were up to date or not ours to run). */
  applied: string[];
  /** The live usage streams: `stop` ends them, so a closing server need not wait for them. */
  usageStreams: UsageStreamHub;
}

export async function composeApi(config: Config, overrides: ApiOverrides = {}): Promise<ComposedApi> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const ownsDatabase = overrides.database === undefined;
  const database = overrides.database ?? (await openDatabase(config, logger));
  const applied = ownsDatabase ? await migrateAll(database, logger) : [];

  const jwtSecret = config.JWT_SECRET ?? (await loadOrCreateEmbeddedSecret(config.DATA_DIR, 'jwt'));
  const s3 = config.STORAGE_DRIVER === 's3' ? s3ClientsFromConfig(config) : undefined;
  const sqs = sqsClientFromConfig(config);
  const built = await storageFromConfig(config, clock, s3);
  const storage: StorageSetup = overrides.wrapObjectStore ? { ...built, store: overrides.wrapObjectStore(built.store) } : built;
  const registry = new Registry();
  const loginRateLimit = loginRateLimitFor(database, loginLimits(config), logLoginSlowDown(logger));
  const sharePasswordRateLimit = sharePasswordRateLimitFor(database, sharePasswordLimits(config));
  const mailLinkRateLimit = mailLinkRateLimitFor(database, mailLinkLimits(config));
  const billingProvider = overrides.billingProvider ?? billingProviderFromConfig(config);
  const usageStreams = usageStreamsFor({ config, database, clock, logger, registry });
  const app = buildApp({ config, logger, database, clock, jwtSecret, storage, billingProvider, metricsRegistry: registry, loginRateLimit, sharePasswordRateLimit, usageStreams });

  const filesDeps = { pool: database.pool, store: storage.store, clock, config, logger };
  let running: Array<{ stop(): Promise<void> }> = [];
  const startMail = () => {
    const transport = mailTransportFromConfig(config, logger);
    return transport ? [startMailWorker({ pool: database.pool, clock, logger, transport, settings: mailWorkerSettings(config) })] : [];
  };
  const workers: ApiWorkers = {
    start() {
      if (running.length > 0) return;
      running = [
        startPeriodic(
          [
            ...fileJobs(filesDeps, registry),
            ...lifecycleJobs(filesDeps),
            ...accountJobs({ ...filesDeps, billingProvider, usageAlertMailer: mailOutboxUsageAlertMailer(config.DASHBOARD_URL) }),
            // In every API process, dispatcher or not: sweepers skip each other's rows (decision 018).
            ...webhookRetentionJobs(filesDeps),
          ],
          logger,
        ),
        startStorageFollowers(filesDeps, storage, sqs),
        ...startMail(),
        // Reads the outbox in Postgres in both modes: with Kafka configured the outbox is still the
        // source of truth the relay copies from (decision 018).
        ...(config.WEBHOOK_DISPATCHER ? [webhookDispatcherFromConfig({ pool: database.pool, clock, config, logger })] : []),
        ...(overrides.workers ?? []).flatMap((worker) => worker({ config, database, logger, registry }) ?? []),
      ];
    },
    async stop() {
      const stopping = running;
      running = [];
      // Last started, first stopped: extra workers may use what the file jobs keep consistent.
      for (const worker of stopping.reverse()) await worker.stop();
    },
  };

  return {
    app,
    workers,
    config,
    logger,
    database,
    storage,
    applied,
    usageStreams,
    async close() {
      await usageStreams.stop();
      await workers.stop();
      storage.close();
      if (s3) destroyS3Clients(s3);
      sqs?.destroy();
      await loginRateLimit.close();
      await sharePasswordRateLimit.close();
      await mailLinkRateLimit.close();
      if (ownsDatabase) await database.close();
    },
  };
}

function openDatabase(config: Config, logger: Logger): Promise<Database> {
  return config.DATABASE_URL
    ? connectPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE, logConnectionRetries(logger))
    : startEmbeddedPostgres(config.DATA_DIR);
}

async function migrateAll(database: Database, logger: Logger): Promise<string[]> {
  return [
    ...(await migrate({ connectionUrl: database.connectionUrl, ...apiMigrations, logger })),
    // The usage and billing routes read metering's read model, so its tables exist before we serve.
    ...(await migrateMetering({ connectionUrl: database.connectionUrl, logger })),
  ];
}
