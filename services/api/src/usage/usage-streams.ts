// Builds the process's live usage hub from what the composition root holds: the change feed that
// suits the database, and the same snapshot `GET /v1/dashboard/usage` answers.
import type { Clock } from '@baketsu/platform/clock';
import type { Database } from '@baketsu/platform/database';
import { usageRepository } from '@baketsu/metering/read-model';
import type { Registry } from 'prom-client';
import type { Config } from '#src/platform/config.js';
import type { Logger } from '#src/platform/logger.js';
import { pollingUsageChangeFeed, postgresUsageChangeFeed } from './usage-change-feed.js';
import { usageSnapshot } from './usage-snapshot.js';
import { usageStreamHub, type UsageStreamHub } from './usage-stream-hub.js';

export function usageStreamsFor(deps: { config: Config; database: Database; clock: Clock; logger: Logger; registry?: Registry }): UsageStreamHub {
  const { config, database, clock, logger } = deps;
  const repository = usageRepository(database.pool);
  const price = { perGibMonth: config.PRICE_PER_GIB_MONTH, currency: config.CURRENCY };
  const feed = database.kind === 'postgres' ? postgresUsageChangeFeed(database.connectionUrl, logger) : pollingUsageChangeFeed(database.pool, logger);
  return usageStreamHub({
    feed,
    readUsage: (accountId) => usageSnapshot(repository, accountId, clock.now().getTime(), price),
    now: () => clock.now().getTime(),
    logger,
    maxPerAccount: config.USAGE_STREAM_MAX_PER_ACCOUNT,
    ...(deps.registry ? { registry: deps.registry } : {}),
  });
}
