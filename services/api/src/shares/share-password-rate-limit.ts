// Password attempts on share links, limited per client address and per link. Unlike sign-ins
// (auth/login-rate-limit.ts), which count a failure after it happened, every attempt takes a point
// from its link *before* the password is checked: a burst of concurrent guesses cannot all get past
// a check that their own failures have not reached yet. The right password gives the link its points
// back (the rightful recipient clears the typos before theirs). A link out of points refuses even the
// right password until the window passes, so guessing one link's password from many addresses gets
// nowhere.
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '#src/platform/config.js';
import type { Database } from '@baketsu/platform/database';
import { errors } from '#src/platform/errors.js';

export interface SharePasswordRateLimit {
  /** Counts an attempt against this address and this link; throws a 429 problem past either limit. */
  beforeAttempt(ip: string, shareId: string): Promise<void>;
  /** The password was right: the link's attempts are forgotten. */
  afterSuccess(shareId: string): Promise<void>;
  close(): Promise<void>;
}

export interface SharePasswordLimits {
  perLink: number;
  perIp: number;
  windowSeconds: number;
}

type LimitSettings = Pick<Config, 'SHARE_PASSWORD_LIMIT_PER_LINK' | 'SHARE_PASSWORD_LIMIT_PER_IP' | 'SHARE_PASSWORD_LIMIT_WINDOW_SECONDS'>;

export function sharePasswordLimits(config: LimitSettings): SharePasswordLimits {
  return {
    perLink: config.SHARE_PASSWORD_LIMIT_PER_LINK,
    perIp: config.SHARE_PASSWORD_LIMIT_PER_IP,
    windowSeconds: config.SHARE_PASSWORD_LIMIT_WINDOW_SECONDS,
  };
}

const RATE_LIMIT_TABLE = 'share_rate_limits';

/**
 * With PostgreSQL the counters are shared by every API instance (per-instance counters stand in
 * while the database does not answer); embedded mode has one instance and counts in process.
 */
export function sharePasswordRateLimitFor(database: Pick<Database, 'kind' | 'connectionUrl'>, limits: SharePasswordLimits): SharePasswordRateLimit {
  if (database.kind !== 'postgres') return memorySharePasswordRateLimit(limits);
  const pool = new pg.Pool({ connectionString: database.connectionUrl, max: 2 });
  // An idle client that errors (the server restarted) is replaced on the next query; it must not crash the process.
  pool.on('error', () => {});
  const inPostgres = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      keyPrefix,
      points,
      duration: limits.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: limits.windowSeconds }),
    });
  return sharePasswordRateLimit(inPostgres('share-ip', limits.perIp), inPostgres('share-link', limits.perLink), () => pool.end());
}

export function memorySharePasswordRateLimit(limits: SharePasswordLimits): SharePasswordRateLimit {
  return sharePasswordRateLimit(
    new RateLimiterMemory({ keyPrefix: 'share-ip', points: limits.perIp, duration: limits.windowSeconds }),
    new RateLimiterMemory({ keyPrefix: 'share-link', points: limits.perLink, duration: limits.windowSeconds }),
    async () => {},
  );
}

function sharePasswordRateLimit(byIp: RateLimiterAbstract, byLink: RateLimiterAbstract, close: () => Promise<void>): SharePasswordRateLimit {
  const refuse = (result: unknown): never => {
    if (result instanceof RateLimiterRes) throw errors.tooManyRequests(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    throw result;
  };
  return {
    async beforeAttempt(ip, shareId) {
      await byIp.consume(ip).catch(refuse);
      await byLink.consume(shareId).catch(refuse);
    },
    async afterSuccess(shareId) {
      await byLink.delete(shareId);
    },
    close,
  };
}
