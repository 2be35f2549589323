import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import { createLogger } from '#src/platform/logger.js';
import { loginLimits, loginRateLimitFor } from '#src/auth/login-rate-limit.js';
import { buildApp } from '#src/app.js';
import type { BillingProvider } from '#src/billing/billing-provider.js';
import { storageFromConfig, type StorageSetup } from '#src/files/storage-setup.js';
import type { ObjectStore } from '#src/storage/object-store.js';
import { answerClientErrorsAsProblems } from '../client-errors.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { parseConfig, type Config } from '../config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApi {
  url: string;
  config: Config;
  database: TestDatabase;
  /** The store the app uses (after `wrapObjectStore`). */
  objectStore: ObjectStore;
  storage: StorageSetup;
  stop(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/**
 * The real app on an ephemeral port against its own real PostgreSQL database, with responses
 * validated against openapi.yaml so any drift between code and contract fails a test.
 */
export async function startTestApi(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    database?: TestDatabase;
    /** E.g. to inject storage failures. */
    wrapObjectStore?: (store: ObjectStore) => ObjectStore;
    /** Fold usage in-process from the outbox, as embedded mode does (whole-stack tests). */
    metering?: boolean;
    /** Where log lines go (a file descriptor or path) when TEST_LOG_LEVEL or env LOG_LEVEL enables them. */
    logDestination?: number | string;
    /** Instead of the one the config selects (e.g. to count calls to Stripe). */
    billingProvider?: BillingProvider;
  } = {},
): Promise<TestApi> {
  const database = options.database ?? (await createTestDatabase());
  // Listening first: the local disk store's URLs need the port.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const storageDir = await mkdtemp(path.join(tmpdir(), 'baketsu-test-storage-'));
  const config = parseConfig({
    NODE_ENV: 'test',
    BCRYPT_COST: '4',
    VALIDATE_RESPONSES: 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    PUBLIC_URL: url,
    DATA_DIR: storageDir,
    STORAGE_LOCAL_SECRET: 'test-storage-secret-test-storage-secret',
    ...options.env,
  });
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  const clock = options.clock ?? systemClock;
  const built = await storageFromConfig(config, clock);
  const objectStore = options.wrapObjectStore ? options.wrapObjectStore(built.store) : built.store;
  const storage: StorageSetup = { ...built, store: objectStore };
  const loginRateLimit = loginRateLimitFor(database, loginLimits(config));
  const app = buildApp({
    config, logger, database, clock, jwtSecret: TEST_JWT_SECRET, storage, loginRateLimit,
    ...(options.billingProvider ? { billingProvider: options.billingProvider } : {}),
  });
  server.on('request', app);
  answerClientErrorsAsProblems(server, logger);
  const metering = options.metering
    ? startEmbeddedMetering({ pool: database.pool, logger, intervalMs: 100 })
    : undefined;
  return {
    url,
    config,
    database,
    objectStore,
    storage,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await metering?.stop();
      storage.close();
      await loginRateLimit.close();
      await rm(storageDir, { recursive: true, force: true });
      if (!options.database) await database.drop();
    },
  };
}
