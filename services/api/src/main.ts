// Entry point of the API process: reads the environment, composes the API (compose-api.ts, the
// one place that connects to anything), listens, and stops cleanly on SIGTERM/SIGINT.
import type { Server } from 'node:http';
import { exitOnConfigError } from '@baketsu/platform/config';
import type { Database } from '@baketsu/platform/database';
import { composeApi, type ApiOverrides } from './compose-api.js';
import { answerClientErrorsAsProblems } from './platform/client-errors.js';
import { parseConfig, type Config } from './platform/config.js';
import type { Logger } from './platform/logger.js';

export interface RunningApi {
  server: Server;
  database: Database;
  logger: Logger;
  url: string;
  stop(): Promise<void>;
}

export async function startApi(config: Config, overrides: ApiOverrides = {}): Promise<RunningApi> {
  const api = await composeApi(config, overrides);
  if (api.applied.length > 0) api.logger.info({ applied: api.applied }, 'migrations applied');
  api.workers.start();
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = api.app.listen(config.PORT, config.HOST, () => resolve(listening));
    listening.once('error', reject);
    answerClientErrorsAsProblems(listening, api.logger);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return {
    server,
    database: api.database,
    logger: api.logger,
    url: `http://${config.HOST}:${port}`,
    async stop() {
      // Stop accepting, end the live streams (which never finish by themselves; their clients
      // reconnect to another instance), let in-flight requests finish, then the workers, then release the adapters.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await api.usageStreams.stop();
      await closed;
      await api.close();
    },
  };
}

/** Reads the environment, starts the API and stops it cleanly on SIGTERM/SIGINT. */
export async function main(overrides: Pick<ApiOverrides, 'workers'> = {}): Promise<{ url: string; config: Config }> {
  const config = await exitOnConfigError(() => parseConfig(process.env));
  // Settings that only the services can judge (a missing bucket) stop the start the same way.
  const api = await exitOnConfigError(() => startApi(config, overrides));
  const { logger } = api;
  logger.info({ url: api.url, database: api.database.description }, 'Baketsu API listening');
  if (api.database.kind === 'pglite' && !overrides.workers?.length) {
    // PGlite serves one connection, so nothing outside this process can fold its outbox.
    logger.warn('embedded database without in-process metering: usage stays at zero; start with `npm start` at the repository root');
  }
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

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}
