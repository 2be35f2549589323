// Composition root of the API process: the only place that reads the environment, connects to
// anything or listens. Everything below receives what it needs as arguments.
import type { Server } from 'node:http';
import { migrateMetering, startEmbeddedMetering } from '@baketsu/metering/embedded';
import { Registry } from 'prom-client';
import { buildApp } from './app.js';
import { loginLimits, loginRateLimitFor } from './auth/login-rate-limit.js';
import { fileJobs, startPeriodic } from './files/background-jobs.js';
import { startStorageFollowers } from './files/storage-followers.js';
import { storageFromConfig } from './files/storage-setup.js';
import { answerClientErrorsAsProblems } from './platform/client-errors.js';
import { systemClock } from './platform/clock.js';
import { ConfigError, parseConfig, type Config } from './platform/config.js';
import { connectPostgres, startEmbeddedPostgres, type Database } from './platform/database.js';
import { loadOrCreateEmbeddedSecret } from './platform/embedded-secrets.js';
import { createLogger, type Logger } from './platform/logger.js';
import { migrate } from './platform/migrations.js';

export interface RunningApi {
  server: Server;
  database: Database;
  url: string;
  stop(): Promise<void>;
}

export async function startApi(config: Config, logger: Logger): Promise<RunningApi> {
  const database = config.DATABASE_URL
    ? await connectPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE)
    : await startEmbeddedPostgres(config.DATA_DIR);
  const applied = [
    ...(await migrate({ connectionUrl: database.connectionUrl, logger })),
    // The usage and billing routes read metering's projections, so they exist before we serve.
    ...(await migrateMetering({ connectionUrl: database.connectionUrl, logger })),
  ];
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const jwtSecret = config.JWT_SECRET ?? (await loadOrCreateEmbeddedSecret(config.DATA_DIR, 'jwt'));
  const storage = await storageFromConfig(config, systemClock);
  const metricsRegistry = new Registry();
  const loginRateLimit = loginRateLimitFor(database, loginLimits(config));
  const app = buildApp({ config, logger, database, clock: systemClock, jwtSecret, storage, metricsRegistry, loginRateLimit });
  // PGlite serves one connection, so its metering must share the API's pool; with PostgreSQL the
  // metering service runs on its own (npm run metering) unless asked to run here.
  const runMeteringHere = config.METERING_IN_PROCESS === 'true' || (config.METERING_IN_PROCESS === 'auto' && database.kind === 'pglite');
  const metering = runMeteringHere
    ? startEmbeddedMetering({ pool: database.pool, logger: logger.child({ service: 'metering' }), intervalMs: 250, registry: metricsRegistry })
    : undefined;
  const filesDeps = { pool: database.pool, store: storage.store, clock: systemClock, config, logger };
  const jobs = startPeriodic(fileJobs(filesDeps), logger);
  const followers = startStorageFollowers(filesDeps, storage);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.PORT, config.HOST, () => resolve(listening));
    listening.once('error', reject);
    answerClientErrorsAsProblems(listening, logger);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  return {
    server,
    database,
    url,
    async stop() {
      // Stop accepting, let in-flight requests finish, then release the database.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.stop();
      await metering?.stop();
      await followers.stop();
      storage.close();
      await loginRateLimit.close();
      await database.close();
    },
  };
}

/** Reads the environment, starts the API and stops it cleanly on SIGTERM/SIGINT. */
export async function main(): Promise<{ url: string; config: Config }> {
  const config = await exitOnConfigError(() => parseConfig(process.env));
  const logger = createLogger(config.LOG_LEVEL);
  // Settings that only the services can judge (a missing bucket) stop the start the same way.
  const api = await exitOnConfigError(() => startApi(config, logger));
  logger.info({ url: api.url, database: api.database.description }, 'Baketsu API listening');
  process.stdout.write(
    [
      '',
      '  Baketsu is running',
      `  API        ${config.PUBLIC_URL}  (listening on ${api.url})`,
      `  API docs   ${config.PUBLIC_URL}/docs`,
      `  database   ${api.database.description}`,
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => process.exit(1), 10_000);
    forceExit.unref();
    api.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return { url: api.url, config };
}

/** A configuration problem ends the process with its message alone and EX_CONFIG, not a stack trace. */
async function exitOnConfigError<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}
