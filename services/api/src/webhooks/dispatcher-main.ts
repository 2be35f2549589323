// The webhook dispatcher as its own process, for installations that scale it apart from the API
// (then set WEBHOOK_DISPATCHER=false on the API instances). It reads the API's settings and
// database; the API's migrations must have run. Any number may run: they take turns on the cursor
// and claim different deliveries (decision 018).
import { systemClock } from '@baketsu/platform/clock';
import { exitOnConfigError } from '@baketsu/platform/config';
import { connectPostgres } from '@baketsu/platform/database';
import { parseConfig } from '#src/platform/config.js';
import { createLogger } from '#src/platform/logger.js';
import { webhookDispatcherFromConfig } from './dispatcher-from-config.js';

async function main(): Promise<void> {
  const config = await exitOnConfigError(() => parseConfig(process.env));
  if (!config.DATABASE_URL) {
    console.error('DATABASE_URL is required: the dispatcher reads the API database');
    process.exit(78);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const database = await connectPostgres(config.DATABASE_URL, 4);
  const dispatcher = webhookDispatcherFromConfig({ pool: database.pool, clock: systemClock, config, logger });
  logger.info('webhook dispatcher running');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await dispatcher.stop();
  await database.close();
}

await main();
