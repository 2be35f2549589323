import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestDatabase } from '@baketsu/platform/testing';
import { composeApi, type ApiOverrides } from '#src/compose-api.js';
import type { StorageSetup } from '#src/files/storage-setup.js';
import type { ObjectStore } from '#src/storage/object-store.js';
import { answerClientErrorsAsProblems } from '../client-errors.js';
import { parseConfig, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { createTestDatabase } from './api-test-database.js';

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
 * The real app on an ephemeral port against its own real PostgreSQL database, composed by the same
 * `composeApi` as the API process, background work included, with responses validated against
 * openapi.yaml so any drift between code and contract fails a test. The periodic sweeps are off
 * unless a test sets their intervals: a test decides when they run (by calling them).
 */
export async function startTestApi(
  options: Pick<ApiOverrides, 'clock' | 'wrapObjectStore' | 'billingProvider' | 'workers'> & {
    env?: Record<string, string>;
    database?: TestDatabase;
    /** Where log lines go (a file descriptor or path) when TEST_LOG_LEVEL or env LOG_LEVEL enables them. */
    logDestination?: number | string;
    /** False for a test that must see what a background worker would otherwise handle first. */
    startWorkers?: boolean;
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
    DELETE_SWEEP_INTERVAL_SECONDS: '0',
    ACCOUNT_DELETION_INTERVAL_SECONDS: '0',
    USAGE_ALERT_INTERVAL_SECONDS: '0',
    RECONCILE_INTERVAL_SECONDS: '0',
    LIFECYCLE_INTERVAL_SECONDS: '0',
    // Tests register accounts without reading their mail; the unverified account's storage limit is
    // off here and tested where a test sets it (files/unverified-limit.int.test.ts).
    UNVERIFIED_STORAGE_LIMIT_BYTES: '0',
    ...options.env,
  });
  const { clock, wrapObjectStore, billingProvider, workers } = options;
  const api = await composeApi(config, {
    database,
    logger: createLogger(config.LOG_LEVEL, options.logDestination),
    ...(clock ? { clock } : {}),
    ...(wrapObjectStore ? { wrapObjectStore } : {}),
    ...(billingProvider ? { billingProvider } : {}),
    ...(workers ? { workers } : {}),
  });
  server.on('request', api.app);
  answerClientErrorsAsProblems(server, api.logger);
  if (options.startWorkers !== false) api.workers.start();
  return {
    url,
    config,
    database,
    objectStore: api.storage.store,
    storage: api.storage,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
      await rm(storageDir, { recursive: true, force: true });
      if (!options.database) await database.drop();
    },
  };
}
