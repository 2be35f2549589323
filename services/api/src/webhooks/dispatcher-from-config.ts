import { systemClock, type Clock } from '@baketsu/platform/clock';
import type { DatabasePool } from 'slonik';
import type { Config } from '#src/platform/config.js';
import type { Logger } from '#src/platform/logger.js';
import { startWebhookDispatcher, type WebhookDispatcher } from './dispatcher.js';

/** The dispatcher as the config describes it (composeApi and dispatcher-main.ts both start it so). */
export function webhookDispatcherFromConfig(
  deps: { pool: DatabasePool; clock: Clock; config: Config; logger: Logger },
  overrides: { poll?: boolean; onDelivered?: (commitToDeliveryMs: number) => void } = {},
): WebhookDispatcher {
  const { config } = deps;
  return startWebhookDispatcher(
    {
      pool: deps.pool,
      clock: deps.clock,
      wallClock: systemClock,
      logger: deps.logger,
      allowPrivateUrls: config.WEBHOOKS_ALLOW_PRIVATE_URLS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      disableAfterMs: config.WEBHOOK_DISABLE_AFTER_SECONDS * 1000,
      dashboardUrl: config.DASHBOARD_URL,
      concurrency: config.WEBHOOK_CONCURRENCY,
      pollMs: config.WEBHOOK_POLL_MS,
      ...(overrides.onDelivered ? { onDelivered: overrides.onDelivered } : {}),
    },
    { poll: overrides.poll ?? true },
  );
}
