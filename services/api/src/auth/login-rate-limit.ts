import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '#src/platform/config.js';
import type { Database } from '@baketsu/platform/database';
import { errors } from '#src/platform/errors.js';
import { normalizeEmail } from './credentials.js';

export interface LoginRateLimit {
  /** Counts an attempt from this address; throws a 429 problem past the limit. */
  beforeAttempt(ip: string, email: string): Promise<void>;
  /** Counts a failed attempt against the account. */
  afterFailure(email: string): Promise<void>;
  afterSuccess(email: string): Promise<void>;
  close(): Promise<void>;
}

export interface LoginLimits {
  perIp: number;
  perAccount: number;
  windowSeconds: number;
}

export function loginLimits(config: Pick<Config, 'LOGIN_LIMIT_PER_IP' | 'LOGIN_LIMIT_PER_ACCOUNT' | 'LOGIN_LIMIT_WINDOW_SECONDS'>): LoginLimits {
  return { perIp: config.LOGIN_LIMIT_PER_IP, perAccount: config.LOGIN_LIMIT_PER_ACCOUNT, windowSeconds: config.LOGIN_LIMIT_WINDOW_SECONDS };
}

const RATE_LIMIT_TABLE = 'login_rate_limits';

/**
 * With PostgreSQL, the counters live in the database, so every API instance behind a balancer
 * counts the same attempts and N instances do not allow N times the limit. If the database does
 * not answer, per-instance counters decide meanwhile (rate-limiter-flexible's insurance limiter)
 * rather than failing sign-ins. Embedded mode has one instance and one PGlite connection: in-process.
 */
export function loginRateLimitFor(database: Pick<Database, 'kind' | 'connectionUrl'>, limits: LoginLimits): LoginRateLimit {
  if (database.kind !== 'postgres') return memoryLoginRateLimit(limits);
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
  return loginRateLimit(inPostgres('login-ip', limits.perIp), inPostgres('login-account', limits.perAccount), () => pool.end());
}

/** In-process counters: exact for a single API instance. */
export function memoryLoginRateLimit(limits: LoginLimits): LoginRateLimit {
  return loginRateLimit(
    new RateLimiterMemory({ keyPrefix: 'login-ip', points: limits.perIp, duration: limits.windowSeconds }),
    new RateLimiterMemory({ keyPrefix: 'login-account', points: limits.perAccount, duration: limits.windowSeconds }),
    async () => {},
  );
}

/**
 * The account's key in the counters: the same spelling login looks the account up by
 * (`normalizeEmail`, NFC included), so another Unicode spelling of one address cannot open a fresh
 * set of attempts. Input that is no email at all is counted under its own plain folding.
 */
function accountKey(email: string): string {
  try {
    return normalizeEmail(email);
  } catch {
    return email.normalize('NFC').trim().toLowerCase();
  }
}

/** Every attempt counts against the address; only failures count against the account. */
function loginRateLimit(byIp: RateLimiterAbstract, failuresByAccount: RateLimiterAbstract, close: () => Promise<void>): LoginRateLimit {

  const refuse = (result: unknown): never => {
    if (result instanceof RateLimiterRes) throw errors.tooManyRequests(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    throw result;
  };

  return {
    async beforeAttempt(ip, email) {
      await byIp.consume(ip).catch(refuse);
      const account = await failuresByAccount.get(accountKey(email));
      if (account && account.remainingPoints <= 0) refuse(account);
    },
    async afterFailure(email) {
      await failuresByAccount.penalty(accountKey(email), 1);
    },
    async afterSuccess(email) {
      await failuresByAccount.delete(accountKey(email));
    },
    close,
  };
}
