// How this process hears that an account's usage changed (decision 019). The port has two
// adapters: PostgreSQL's LISTEN on one dedicated connection (every deployment on PostgreSQL), and,
// for embedded PGlite (one connection, whose notifications never reach a second listener), one cheap
// poll of the fold's progress. Either way the cost is per process, never per open stream.
import { accountOfNotification, USAGE_CHANGED_CHANNEL, usageRepository } from '@baketsu/metering/read-model';
import pg from 'pg';
import type { DatabasePool } from 'slonik';
import type { Logger } from '#src/platform/logger.js';

export interface UsageChangeHandlers {
  /** The fold committed new numbers for this account. */
  onChange(accountId: string): void;
  /** Notifications may have been missed (the listener reconnected) or are unknown: refresh every account. */
  onResync(): void;
}

export interface UsageChangeFeed {
  start(handlers: UsageChangeHandlers): void;
  stop(): Promise<void>;
}

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/**
 * One `LISTEN usage_changed` connection for the whole process, outside the pool (a pooled
 * connection cannot hold a LISTEN). A lost connection is reopened with backoff; on every (re)open
 * the handlers resync, since notifications sent meanwhile are gone.
 */
export function postgresUsageChangeFeed(connectionUrl: string, logger: Logger): UsageChangeFeed {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let delayMs = RECONNECT_FIRST_MS;

  function connect(handlers: UsageChangeHandlers): void {
    const next = new pg.Client({ connectionString: connectionUrl, application_name: 'baketsu-usage-listener' });
    client = next;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed || stopped) return;
      failed = true;
      logger.warn({ err: error, retryInMs: delayMs }, 'usage listener lost its connection; reconnecting');
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      retryTimer = setTimeout(() => connect(handlers), delayMs);
      delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS);
    };
    next.on('error', fail);
    next.on('end', () => fail(new Error('connection ended')));
    next.on('notification', (message) => {
      if (message.channel !== USAGE_CHANGED_CHANNEL) return;
      const accountId = accountOfNotification(message.payload);
      if (accountId) handlers.onChange(accountId);
    });
    next
      .connect()
      .then(() => next.query(`LISTEN ${USAGE_CHANGED_CHANNEL}`))
      .then(() => {
        delayMs = RECONNECT_FIRST_MS;
        handlers.onResync();
      })
      .catch(fail);
  }

  return {
    start(handlers) {
      stopped = false;
      connect(handlers);
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const last = client;
      client = undefined;
      if (last) {
        last.removeAllListeners();
        // An error after this point (the socket closing under us) is expected, not a crash.
        last.on('error', () => undefined);
        await last.end().catch(() => undefined);
      }
    },
  };
}

/**
 * Embedded PGlite: the one connection is the pool's, and a NOTIFY sent through it never reaches a
 * listener of its own. So the process polls one row, the fold's progress marker, and resyncs the
 * accounts it streams when it moves: one tiny query per interval, whatever the number of streams.
 */
export function pollingUsageChangeFeed(pool: DatabasePool, logger: Logger, intervalMs = 250): UsageChangeFeed {
  const repository = usageRepository(pool);
  let timer: NodeJS.Timeout | undefined;
  let last: string | undefined;
  return {
    start(handlers) {
      const tick = async () => {
        try {
          const marker = await repository.foldProgress();
          if (marker !== last) {
            last = marker;
            handlers.onResync();
          }
        } catch (error) {
          logger.warn({ err: error }, 'usage poll failed; trying again');
        }
        if (timer) timer = setTimeout(() => void tick(), intervalMs);
      };
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
