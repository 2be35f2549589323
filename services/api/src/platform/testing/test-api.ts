import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { buildApp } from '#src/app.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { parseConfig, type Config } from '../config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApi {
  url: string;
  config: Config;
  database: TestDatabase;
  stop(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/**
 * The real app on an ephemeral port against its own real PostgreSQL database, with responses
 * validated against openapi.yaml so any drift between code and contract fails a test.
 */
export async function startTestApi(
  options: { env?: Record<string, string>; clock?: Clock; database?: TestDatabase } = {},
): Promise<TestApi> {
  const database = options.database ?? (await createTestDatabase());
  const config = parseConfig({
    NODE_ENV: 'test',
    BCRYPT_COST: '4',
    VALIDATE_RESPONSES: 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    ...options.env,
  });
  const logger = pino({ level: config.LOG_LEVEL });
  const app = buildApp({ config, logger, database, clock: options.clock ?? systemClock, jwtSecret: TEST_JWT_SECRET });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    database,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.database) await database.drop();
    },
  };
}
